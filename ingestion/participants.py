"""Resolve participant names as UNTC prints them to ISO 3166 codes.

Sources, tried in this order for each spelling variant of the name (first hit wins):

1. ``override``: the dbt seed ``seeds/participant_name_overrides.csv`` of the configured dbt
   project (``Settings.participant_overrides_path``), only for names that neither library
   resolves (e.g. "European Union", "Turkey", "Swaziland") or whose library match has the
   wrong type (Cook Islands, Niue, Hong Kong);
2. ``pycountry``: ISO 3166-1 names, official names and common names;
3. ``pycountry_historic``: ISO 3166-3 withdrawn codes (Czechoslovakia, USSR, Yugoslavia, ...);
4. ``babel``: CLDR English territory names (e.g. "Laos", "Cape Verde"), kept only where the
   code is an ISO 3166-1 country.

Names are compared after normalisation: accents and case folded, curly apostrophes straightened,
"&" read as "and", "St." as "Saint", a leading "The" dropped, whitespace folded. Both sides are
expanded into spelling variants: "Iran (Islamic Republic of)" and the ISO form "Iran, Islamic
Republic of" both also read "Islamic Republic of Iran"; "Holy See (Vatican City State)" also
reads "Holy See". A variant that two different codes share is ambiguous and dropped.

A resolved library match is typed "state" (UNTC tables list States); the seed sets other
types. `english_name` is one form for all: CLDR's English territory name via babel
("Bolivia", "United Kingdom", "South Korea", "Türkiye"); where CLDR has none, the ISO 3166
short name, the first part of a historic name ("Czechoslovakia"), or the seed's name
("European Union"). UNTC's printed name stays in `untc_name`.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry
from babel import Locale

from ingestion.settings import load_settings

PARTICIPANT_TYPES = frozenset({"state", "regional_organisation", "other", "unmapped"})
MATCH_METHODS = frozenset({"override", "pycountry", "pycountry_historic", "babel", "unmapped"})


@dataclass(frozen=True)
class ParticipantRef:
    """What a printed participant name stands for."""

    iso3: str | None  # ISO 3166-1 alpha-3, or ISO 3166-3 alpha-3 for historic States
    iso2: str | None
    english_name: str | None
    participant_type: str  # one of PARTICIPANT_TYPES
    match_method: str  # one of MATCH_METHODS


UNMAPPED = ParticipantRef(None, None, None, "unmapped", "unmapped")

# ---------------------------------------------------------------------------------------------
# Normalisation and spelling variants
# ---------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_SAINT_RE = re.compile(r"\bst\.?\s+")
_PAREN_RE = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*(?P<tail>.*)$")


def _key(name: str) -> str:
    """Comparison key: accents, case, apostrophes, "&", "St." and a leading "the" folded."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _SAINT_RE.sub("saint ", text.replace("&", " and "))
    text = " ".join(text.replace("*", " ").split()).strip(" .,")
    return text[4:] if text.startswith("the ") else text


def _inverted(head: str, rest: str) -> str:
    """("Korea", "Republic of") -> "Republic of Korea"."""
    return f"{rest} {head}"


def _variants(name: str) -> Iterator[str]:
    """Spellings of one name, most specific first."""
    name = " ".join(name.split())
    yield name
    match = _PAREN_RE.match(name)
    if match:
        head, inner, tail = match["head"], match["inner"], match["tail"]
        if re.search(r"\bof(?: the)?$", inner):  # "Iran (Islamic Republic of)"
            yield _inverted(head, inner)
        elif not tail:  # "Holy See (Vatican City State)", "Myanmar (Burma)"
            yield inner
        yield f"{head} {tail}".strip()
    if ", " in name:
        head, *rest = name.split(", ")
        for part in rest:
            yield _inverted(head, part)  # "Korea, Republic of" -> "Republic of Korea"
        if len(rest) == 1 and not re.search(r"\bof(?: the)?$", rest[0]):
            yield head  # "Czechoslovakia, Czechoslovak Socialist Republic" -> "Czechoslovakia"
            yield rest[0]


# ---------------------------------------------------------------------------------------------
# Indexes
# ---------------------------------------------------------------------------------------------


def _iso_short_name(country: object) -> str:
    name = country.name  # type: ignore[attr-defined]
    if ", " in name:
        head, rest = name.split(", ", 1)
        if re.search(r"\bof(?: the)?$", rest):
            name = _inverted(head, rest)
    name = re.sub(r"\s*\([^()]*\)$", "", name)  # "Holy See (Vatican City State)"
    return name[4:] if name.startswith("The ") else name


def _cldr_english_name(alpha_2: str | None) -> str | None:
    """CLDR's English name of a territory ("Bolivia", "United Kingdom", "South Korea")."""
    return Locale("en").territories.get(alpha_2) if alpha_2 else None


def _english_name(country: object) -> str:
    """One form for every country: CLDR's English name, else the ISO short name."""
    return _cldr_english_name(country.alpha_2) or _iso_short_name(country)  # type: ignore[attr-defined]


def _unambiguous(pairs: Iterable[tuple[str, ParticipantRef]]) -> dict[str, ParticipantRef]:
    """Key -> ref, leaving out keys that point at two different codes."""
    index: dict[str, ParticipantRef] = {}
    clashes: set[str] = set()
    for name, ref in pairs:
        for variant in _variants(name):
            key = _key(variant)
            if not key:
                continue
            if key in index and index[key].iso3 != ref.iso3:
                clashes.add(key)
            index.setdefault(key, ref)
    return {k: v for k, v in index.items() if k not in clashes}


@functools.lru_cache(maxsize=1)
def _pycountry_index() -> dict[str, ParticipantRef]:
    def pairs() -> Iterator[tuple[str, ParticipantRef]]:
        for c in pycountry.countries:
            ref = ParticipantRef(c.alpha_3, c.alpha_2, _english_name(c), "state", "pycountry")
            for attr in ("name", "official_name", "common_name"):
                if getattr(c, attr, None):
                    yield getattr(c, attr), ref

    return _unambiguous(pairs())


def _historic_names(name: str) -> tuple[str, list[str]]:
    """English name and spellings of an ISO 3166-3 entry.

    Entries read "Name, qualifier" ("Czechoslovakia, Czechoslovak Socialist Republic",
    "Yugoslavia, (Socialist) Federal Republic of", "Yemen, Democratic, People's Democratic
    Republic of"): the first part alone is a spelling too, and an optional "(word)" is tried
    with and without the word.
    """
    parts = name.split(", ")
    english = parts[0]
    if len(parts) > 1 and _key(english) in _pycountry_index():
        english = f"{parts[1]} {english}"  # "Democratic Yemen", not today's Yemen
    spellings = {name, parts[0], english}
    for full in list(spellings):
        spellings.add(re.sub(r"\((\w+)\)\s*", r"\1 ", full))
        spellings.add(re.sub(r"\(\w+\)\s*", "", full))
    return english, sorted(spellings)


@functools.lru_cache(maxsize=1)
def _historic_index() -> dict[str, ParticipantRef]:
    def pairs() -> Iterator[tuple[str, ParticipantRef]]:
        for c in pycountry.historic_countries:
            english, spellings = _historic_names(c.name)
            ref = ParticipantRef(c.alpha_3, c.alpha_2, english, "state", "pycountry_historic")
            for spelling in spellings:
                yield spelling, ref

    return _unambiguous(pairs())


@functools.lru_cache(maxsize=1)
def _babel_index() -> dict[str, ParticipantRef]:
    def pairs() -> Iterator[tuple[str, ParticipantRef]]:
        for code, name in Locale("en").territories.items():
            # CLDR also names regions and groupings ("EU", "UN", "001"): keep ISO countries only.
            country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
            if country is not None:
                ref = ParticipantRef(country.alpha_3, country.alpha_2, name, "state", "babel")
                yield name, ref

    return _unambiguous(pairs())


def _iso_codes(iso3: str) -> tuple[str | None, str | None]:
    """(alpha-2, short name) of an ISO 3166-1 or -3 alpha-3 code."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is not None:
        return country.alpha_2, _english_name(country)
    historic = pycountry.historic_countries.get(alpha_3=iso3)
    if historic is not None:
        return historic.alpha_2, _historic_names(historic.name)[0]
    return None, None


def load_overrides(path: Path | None = None) -> dict[str, ParticipantRef]:
    """Read the override seed into key -> ref; a bad row raises ValueError naming it.

    ``path`` defaults to the seed of the configured dbt project (the one dbt loads).
    """
    path = path or load_settings().participant_overrides_path
    index: dict[str, ParticipantRef] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), 2):
            name = (row.get("untc_name") or "").strip()
            kind = (row.get("participant_type") or "").strip()
            iso3 = (row.get("iso3") or "").strip().upper() or None
            if not name or kind not in PARTICIPANT_TYPES - {"unmapped"}:
                raise ValueError(f"{path}:{line_no}: needs untc_name and a participant_type")
            iso2, iso_name = _iso_codes(iso3) if iso3 else (None, None)
            if iso3 and iso2 is None:
                raise ValueError(f"{path}:{line_no}: {iso3} is not an ISO 3166 alpha-3 code")
            # a code's CLDR name wins over the seed's, so every country reads in one form
            english = iso_name or (row.get("english_name") or "").strip() or name
            index[_key(name)] = ParticipantRef(iso3, iso2, english, kind, "override")
    return index


@functools.lru_cache(maxsize=1)
def _override_index() -> dict[str, ParticipantRef]:
    return load_overrides()


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def resolve_participant(name: str) -> ParticipantRef:
    """Resolve one printed participant name (see module docstring); never raises on a name."""
    indexes = (_override_index(), _pycountry_index(), _historic_index(), _babel_index())
    for variant in _variants(name):
        key = _key(variant)
        for index in indexes:
            if key in index:
                return index[key]
    return UNMAPPED


def resolve_all(names: Iterable[str]) -> dict[str, ParticipantRef]:
    """Resolve many names at once: printed name -> ref."""
    return {name: resolve_participant(name) for name in names}


__all__ = [
    "MATCH_METHODS",
    "PARTICIPANT_TYPES",
    "UNMAPPED",
    "ParticipantRef",
    "load_overrides",
    "resolve_all",
    "resolve_participant",
]
