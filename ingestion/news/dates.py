"""Absolute dates in a sentence, in the article's language (month names from CLDR/babel)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from babel.dates import get_month_names

from ingestion.news.text import LANGUAGES, fold


@cache
def _months(lang: str) -> dict[str, int]:
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, context, locale=lang).items():
                key = fold(name, lang).rstrip(".")
                if len(key) >= 3:
                    names.setdefault(key, number)
    return names


@cache
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    months = "|".join(sorted(map(re.escape, _months(lang)), key=len, reverse=True))
    m = rf"(?P<month>{months})\.?"
    year = r"(?:,?\s+(?:de\s+|del\s+|năm\s+)?(?P<year>\d{4}))?"
    return [
        (re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?!\d)(?:er|º|°|\.|st|nd|rd|th)?\s+(?:de\s+)?{m}{year}"),
         "dmy"),
        (re.compile(rf"\b{m}\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?{year}"), "mdy"),
        (re.compile(r"(?<![\d/])(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"), "num"),
    ]


def find_dates(sentence: str, lang: str | None, reference: date | None) -> list[date]:
    """ISO-resolvable dates of a sentence. A date without a year takes the reference's year."""
    code = lang if lang in LANGUAGES else "en"
    folded = fold(sentence, code)
    found: list[tuple[int, date]] = []
    for pattern, kind in _patterns(code):
        if kind == "num" and code == "en":
            continue  # 10/25/2025 vs 25/10/2025: ambiguous in English
        for match in pattern.finditer(folded):
            month_text = match.group("month")
            month = int(month_text) if kind == "num" else _months(code).get(month_text)
            year_text = match.group("year")
            year = int(year_text) if year_text else (reference.year if reference else None)
            if month is None or year is None:
                continue
            try:
                found.append((match.start(), date(year, month, int(match.group("day")))))
            except ValueError:
                continue
    return [d for _, d in sorted(found)]
