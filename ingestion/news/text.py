"""Text helpers of the extractor: normalisation, sentence splitting, language detection."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# First-class languages: the six UN languages plus vi, pt, de, it.
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es", "vi", "pt", "de", "it")

# Arabic: Arabic-Indic digits as ASCII; hamza-carrying alefs, alef maqsura and ta marbuta in
# one form each, since news sites write "اتفاقية" and "اتفاقيه" alike.
_ARABIC_FOLD = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹أإآٱىة", "01234567890123456789اااايه")
_ARABIC_TO_FOLD = re.compile("[٠-٩۰-۹أإآٱىة]")
_ENOUGH_LETTERS = re.compile(r"(?:[^\W\d_][\W\d_]*){20}")  # stops at the 20th letter
# Every combining mark of the Basic Multilingual Plane, to drop after NFKD in one pass.
_COMBINING = re.compile("[" + "".join(
    re.escape(chr(c)) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))) + "]")
# py3langid's cost grows with the text; the opening of an article is enough to know it.
_SAMPLE_CHARS = 800


def fold(text: str, lang: str | None = None) -> str:
    """Lower-case, unify apostrophes/dashes/spaces and drop accents (not for Vietnamese).

    Vietnamese keeps its marks: without them "ký" (sign) and "kỳ" (period) are one word.
    """
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2015]", "-", text).casefold()
    if text.isascii():
        return text  # nothing to decompose
    if _ARABIC_TO_FOLD.search(text):  # translate() is slow: only where there is Arabic
        text = text.translate(_ARABIC_FOLD)
    if lang == "vi":
        return unicodedata.normalize("NFC", text)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model (shipped in its wheel), limited to the first-class languages."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """The article's language among LANGUAGES (py3langid), or None when it has no words."""
    if not _ENOUGH_LETTERS.search(text, 0, 2000):  # furniture (digits, URLs), not language
        return None
    return _identifier().classify(text[:_SAMPLE_CHARS])[0]


# A full stop ends a sentence unless it follows an initial or a short title ("M.", "F. N.").
_ABBREV = re.compile(r"(?:\b[A-ZÀ-Ý]|\bM|\bMM|\bDr|\bMr|\bMrs|\bMs|\bSt|\bNo|\bvs|\bp|"
                     r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))\.$")
_BOUNDARY = re.compile(
    r"(?<=[.!?…؟])[\"»”)]?\s+(?=[«\"“(]?[A-ZÀ-ÝА-ЯĐ0-9\u0600-\u06ff\u4e00-\u9fff])"
    r"|(?<=[。！？])[」”]?\s*"  # Chinese full stops need no space after them
)


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
