"""Text helpers of the extractor: normalisation, sentence splitting, language detection."""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "fr", "es", "pt", "de", "it", "ru", "vi")

# Frequent function words per language: on article-length text, the language whose words
# cover most tokens is right; Cyrillic and Vietnamese letters settle ru/vi before that.
_STOPWORDS_TEXT = {
    "en": "the of and to in is that was for on with by has have are it as at from",
    "fr": "le la les des du de et est une un pour dans que qui au aux sur par ont a",
    "es": "el la los las de del y es una un para en que por con se al han",
    "pt": "o a os as de do da dos das e é um uma para em que por com no na",
    "de": "der die das und ist ein eine zu den von mit für im auf dem nicht hat",
    "it": "il lo la gli le di del della e è un una per in che con sono ha",
}
_STOPWORDS = {lang: frozenset(text.split(" ")) for lang, text in _STOPWORDS_TEXT.items()}
_VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_CYRILLIC = re.compile(r"[а-яё]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def fold(text: str, lang: str | None = None) -> str:
    """Lower-case, unify apostrophes/dashes/spaces and drop accents (not for Vietnamese).

    Vietnamese keeps its marks: without them "ký" (sign) and "kỳ" (period) are one word.
    """
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2015]", "-", text).casefold()
    if lang == "vi":
        return unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def detect_language(text: str) -> str | None:
    """The article's language among LANGUAGES, or None when nothing is recognisable."""
    lower = text.casefold()
    letters = sum(c.isalpha() for c in lower) or 1
    if len(_CYRILLIC.findall(lower)) / letters > 0.3:
        return "ru"
    if len(_VI_LETTERS.findall(lower)) / letters > 0.03:
        return "vi"
    words = _WORD.findall(lower)
    if not words:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None


# A full stop ends a sentence unless it follows an initial or a short title ("M.", "F. N.").
_ABBREV = re.compile(r"(?:\b[A-ZÀ-Ý]|\bM|\bMM|\bDr|\bMr|\bMrs|\bMs|\bSt|\bNo|\bvs|\bp)\.$")
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"»”)]?\s+(?=[«\"“(]?[A-ZÀ-ÝА-ЯĐ0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain-text article: lines first, then sentence-final punctuation."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            candidate = line[start:match.start()].rstrip()
            if _ABBREV.search(candidate):
                continue
            sentences.append(line[start:match.end()].strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences
