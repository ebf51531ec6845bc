"""Which treaty an article is about: aliases, and the treaty's concept scored per sentence.

A watched treaty is named in three ways: by an alias ("Hanoi Convention"), by a description
("the UN convention to fight cybercrime", "联合国打击网路犯罪公约"), or by "the convention"
once the article has named it. The description is caught as a concept: a sentence holding one
of the treaty's key terms (its subject, per language, from config/watchlist.yml) and a word for
a treaty ("convention", "tratado", "公约"). Treaties on the same subject that TreatyWatch does not
watch (the Council of Europe's Budapest Convention) have markers of their own; a sentence
naming one counts for it, so an article about that treaty is not taken for the watched one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingestion.news.text import fold
from ingestion.watchlist import Watchlist, load_watchlist

# Unwatched look-alike treaties: slug -> markers (folded, any language).
LOOK_ALIKES: dict[str, tuple[str, ...]] = {
    "budapest-convention": (
        "budapest", "council of europe", "conseil de l'europe", "consejo de europa",
        "conselho da europa", "consiglio d'europa", "europarat", "совета европы",
        "совет европы", "будапешт", "布达佩斯", "欧洲委员会", "بودابست", "مجلس اوروبا",
    ),
    "malabo-convention": ("malabo", "african union convention on cyber"),
}
# Words for a treaty, per script; Russian and Arabic stems take any ending.
INSTRUMENT_WORDS = (
    r"convention|treaty|treaties|pact|traite|convencion|convenio|tratado|convencao|"
    r"convenzione|trattato|ubereinkommen|konvention|abkommen|vertrag|конвенци\w*|договор\w*|"
    r"cong uoc|hiep uoc"
)
# Chinese and Arabic words carry no boundary (no spaces; Arabic prefixes و/ال/ل).
INSTRUMENT_WORDS_UNBOUNDED = r"公约|条约|公約|條約|اتفاقي|معاهد"
_ALIAS_WEIGHT = 2  # an alias names the treaty; a concept only describes it


class TreatyNames(dict[str, list[str]]):
    """treaty id -> aliases (every language); ``key_terms`` holds the concept's subject words.

    A dict, so that callers that only know aliases keep working.
    """

    def __init__(self, aliases: dict[str, list[str]],
                 key_terms: dict[str, list[str]] | None = None) -> None:
        super().__init__(aliases)
        self.key_terms: dict[str, list[str]] = key_terms or {}


def aliases_of(watchlist: Watchlist) -> TreatyNames:
    """Aliases and key terms of every watched treaty that has them (all languages)."""
    aliases = {t.treaty_id: [a for names in t.aliases.values() for a in names]
               for t in watchlist.treaties if t.aliases}
    terms = {t.treaty_id: [k for words in t.key_terms.values() for k in words]
             for t in watchlist.treaties if t.key_terms}
    return TreatyNames(aliases, terms)


def treaty_aliases(watchlist_path: Path) -> TreatyNames:
    """The aliases and key terms of the watchlist file at ``watchlist_path``."""
    return aliases_of(load_watchlist(watchlist_path))


def _alternation(words: tuple[str, ...]) -> str:
    """Folded words as one regex; words of cased scripts must start at a word boundary."""
    bounded, unbounded = [], []
    for word in sorted({fold(w) for w in words}, key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        # Chinese has no spaces and Arabic glues و/ال/ل to words: no boundary for them
        (unbounded if re.match(r"[\u0600-\u06ff\u4e00-\u9fff]", word) else bounded).append(
            escaped)
    parts = [rf"(?<!\w)(?:{'|'.join(bounded)})"] if bounded else []
    return "|".join(parts + unbounded)


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_alternation(words))


_INSTRUMENT = re.compile(rf"(?<!\w)(?:{INSTRUMENT_WORDS})|{INSTRUMENT_WORDS_UNBOUNDED}")


@dataclass(frozen=True)
class SentenceTreaty:
    """The treaty a sentence names (alias, concept or look-alike marker), if any."""

    treaty: str | None
    by_alias: bool


@cache
def _any_name(words: tuple[str, ...]) -> re.Pattern[str]:
    """Every alias, marker and key term at once: most sentences name no treaty at all."""
    return re.compile("|".join(sorted({re.escape(fold(w)).replace(r"\ ", r"\s+") for w in words},
                                      key=len, reverse=True)))


def name_filter(names: dict[str, list[str]]) -> re.Pattern[str]:
    """A pattern a sentence must match to name any treaty (see ``sentence_treaty``)."""
    words = [w for aliases in names.values() for w in aliases]
    words += [w for markers in LOOK_ALIKES.values() for w in markers]
    words += [w for terms in getattr(names, "key_terms", {}).values() for w in terms]
    return _any_name(tuple(words))


NO_TREATY = SentenceTreaty(None, False)


def sentence_treaty(folded: str, names: dict[str, list[str]]) -> SentenceTreaty:
    """The treaty one folded sentence names: alias first, then look-alike, then concept."""
    for treaty, aliases in names.items():
        if aliases and _pattern(tuple(aliases)).search(folded):
            return SentenceTreaty(treaty, True)
    for slug, markers in LOOK_ALIKES.items():
        if _pattern(markers).search(folded):
            return SentenceTreaty(slug, False)
    key_terms = getattr(names, "key_terms", {})
    if key_terms and _INSTRUMENT.search(folded):
        for treaty, terms in key_terms.items():
            if terms and _pattern(tuple(terms)).search(folded):
                return SentenceTreaty(treaty, False)
    return SentenceTreaty(None, False)


def article_treaty(per_sentence: list[SentenceTreaty]) -> tuple[str | None, dict[str, int]]:
    """The treaty an article is about (highest score) and every treaty's score."""
    scores: dict[str, int] = {}
    for found in per_sentence:
        if found.treaty is not None:
            scores[found.treaty] = scores.get(found.treaty, 0) + (
                _ALIAS_WEIGHT if found.by_alias else 1)
    if not scores:
        return None, scores
    return max(scores, key=lambda t: scores[t]), scores
