"""Country names in each language -> ISO 3166 alpha-3, from CLDR (babel) and UN names.

No hand-written list: every name comes from babel's CLDR territory names of the language and
from pycountry's English and official (UN-style) names. A few regular variants are derived:
"Viêt Nam" also matches "Vietnam", and adjectives of names ending in -ie/-ia ("biélorusse",
"Russian") are derived by suffix, since CLDR has no demonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

from ingestion.news.text import LANGUAGES, fold

# Abbreviations, matched case-sensitively on the original text ("US" is not "us").
ABBREVIATIONS = {
    "US": "USA", "U.S.": "USA", "USA": "USA", "U.S.A.": "USA", "UK": "GBR", "U.K.": "GBR",
    "UAE": "ARE", "DRC": "COD", "DR Congo": "COD", "PRC": "CHN", "ROK": "KOR", "DPRK": "PRK",
}
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(
    re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w])")
# "发展中国家" (developing countries) holds "中国" (China).
_NOT_A_NAME = {"zh": re.compile(r"发展中国家|中国家")}
_UNBOUNDED = {"zh"}  # no spaces between words
# Names in current use that CLDR does not list (folded), per language.
_VARIANTS = {
    "ru": {"белоруссия": "BLR", "молдавия": "MDA", "киргизия": "KGZ"},
    "en": {"ivory coast": "CIV", "burma": "MMR", "turkey": "TUR", "czech republic": "CZE",
           "swaziland": "SWZ", "cape verde": "CPV", "east timor": "TLS"},
    "es": {"birmania": "MMR", "turquia": "TUR"},
    "fr": {"birmanie": "MMR", "turquie": "TUR"},
}

# Russian names inflect ("России", "Беларуси"): match their stem followed by any ending.
_INFLECTED = {"ru"}


@dataclass(frozen=True)
class CountryMention:
    """A country named in a folded sentence."""

    start: int
    end: int
    iso3: str
    is_adjective: bool


def _adjectives(name: str, lang: str) -> set[str]:
    """Regular demonym adjectives derived from a folded country name (no irregular ones)."""
    out: set[str] = set()
    if " " in name or len(name) < 5:
        return out
    if lang == "fr" and name.endswith("ie"):
        stem = name[:-2]
        out |= {stem + "e", stem + "es", stem + "ien", stem + "ienne", stem + "iens"}
    elif lang in {"en"} and name.endswith("ia"):
        out |= {name + "n", name + "ns"}
    elif lang in {"es", "pt", "it"} and name.endswith("ia"):
        stem = name[:-2]
        out |= {stem + "o", stem + "a", stem + "os", stem + "as"}
    return out


@cache
def gazetteer(lang: str) -> dict[str, tuple[str, bool]]:
    """Folded name -> (iso3, is_adjective) for one language, CLDR + UN names."""
    names: dict[str, tuple[str, bool]] = {}
    territories = Locale.parse(lang).territories if lang in LANGUAGES else {}
    for country in pycountry.countries:
        candidates = {country.name, getattr(country, "official_name", None),
                      getattr(country, "common_name", None),
                      territories.get(country.alpha_2)}
        for raw in filter(None, candidates):
            base = fold(re.sub(r"\s*\(.*?\)", "", raw), lang).strip()
            if len(base) < (2 if lang in _UNBOUNDED else 3):  # "中国" has two characters
                continue
            variants = {base, base.replace("-", " ")}
            if ", " in base:  # "congo, the democratic republic of the" -> reordered
                head, _, tail = base.partition(", ")
                variants.add(f"{tail} {head}")
            for v in list(variants):
                variants.add(re.sub(r"\bthe ", "", v).strip())
                if v.startswith("saint "):
                    variants |= {"st. " + v[6:], "st " + v[6:]}
            words = base.split()
            if len(words) == 2 and all(len(w) <= 4 for w in words):
                variants.add("".join(words))  # "viet nam" -> "vietnam"
            for v in variants:
                names.setdefault(v, (country.alpha_3, False))
            for adj in _adjectives(base, lang):
                names.setdefault(adj, (country.alpha_3, True))
    for name, iso3 in _VARIANTS.get(lang, {}).items():
        names.setdefault(name, (iso3, False))
    return names


@cache
def _pattern(lang: str) -> re.Pattern[str]:
    names = sorted(gazetteer(lang), key=len, reverse=True)
    if lang in _INFLECTED:
        alts = [re.escape(n[:-1]) + r"\w*" if len(n) > 4 else re.escape(n) for n in names]
    else:
        alts = [re.escape(n) for n in names]
    if lang in _UNBOUNDED:
        return re.compile("|".join(alts))
    if lang == "ar":  # "والسعودية", "لفيتنام": conjunction and preposition prefixes
        return re.compile(r"(?<!\w)(?:و|ل|ب)?(?:ال)?(?:" + "|".join(alts) + r")(?!\w)")
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def _strip_prefix(text: str, lang: str) -> str:
    """Arabic: the name without its و/ل/ب and ال prefixes, as the gazetteer holds it."""
    if lang != "ar" or text in gazetteer(lang):
        return text
    for prefix in ("وال", "لل", "بال", "ال", "و", "ل", "ب"):
        if text.startswith(prefix) and text[len(prefix):] in gazetteer(lang):
            return text[len(prefix):]
        if text.startswith(prefix) and "ال" + text[len(prefix):] in gazetteer(lang):
            return "ال" + text[len(prefix):]
    return text


def _lookup(lang: str, text: str) -> tuple[str, bool] | None:
    table = gazetteer(lang)
    if text in table:
        return table[text]
    if lang in _INFLECTED:
        for name, value in table.items():
            if len(name) > 4 and text.startswith(name[:-1]):
                return value
    return None


def find_countries(folded: str, lang: str | None,
                   original: str | None = None) -> list[CountryMention]:
    """Countries named in a sentence folded with the same ``lang`` (English names always).

    ``original`` (the unfolded text, same length) adds abbreviations such as "US", "UK".
    """
    found: dict[tuple[int, int], CountryMention] = {}
    if original is not None and len(original) == len(folded):
        for m in _ABBREVIATION.finditer(original):
            found[(m.start(), m.end())] = CountryMention(m.start(), m.end(),
                                                         ABBREVIATIONS[m.group()], False)
    blocked = [(m.start(), m.end()) for m in _NOT_A_NAME[lang].finditer(folded)] \
        if lang in _NOT_A_NAME else []
    for code in dict.fromkeys([lang or "en", "en"]):
        for m in _pattern(code).finditer(folded):
            hit = _lookup(code, _strip_prefix(m.group(), code))
            if any(s <= m.start() < e for s, e in blocked):
                continue
            if hit and not any(s <= m.start() < e for s, e in found):
                found[(m.start(), m.end())] = CountryMention(m.start(), m.end(), hit[0], hit[1])
    return sorted(found.values(), key=lambda c: c.start)
