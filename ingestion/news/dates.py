"""Dates to the day in a sentence, in the article's language (month names from CLDR/babel).

Forms: "25 octobre 2025", "Oct. 25", "25-26 октября", "25 – 26 أكتوبر 2025م",
"2024年12月24日", "10月25日", "ngày 25 tháng 10", "25/10/2025". A date without a year takes it
from the article: the publication date (the most recent such day before it, give or take a
month, since news reports past events), else the latest year the article prints. Month-only and
year-only dates are not dates to the day and are left out.

dateparser's ``search_dates`` was measured on the dev articles (benchmarks/extraction_eval.py
split): 31 ms per article, and it resolved "Oct. 25" and "25 октября" to the wrong year; a
regex over CLDR month names does the search at a fraction of that cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from babel.dates import get_day_names, get_month_names

from ingestion.news.text import LANGUAGES, fold

# A yearless date later than this after publication is last year's ("25 October" in January).
_FUTURE_SLACK = timedelta(days=31)
_ANY_DIGIT = re.compile(r"\d")
_ARABIC_DIGIT = re.compile("[٠-٩]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    """A date in a folded sentence; ``explicit_year`` is False when the year was inferred."""

    start: int
    end: int
    value: date
    explicit_year: bool


@cache
def _months(lang: str) -> dict[str, int]:
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, context, locale=lang).items():
                key = fold(name, lang).rstrip(".")
                if len(key) >= 3 and not key.isdigit():
                    names.setdefault(key, number)
    if lang == "en":
        names.setdefault("sept", 9)
    return names


@cache
def _patterns(lang: str) -> list[re.Pattern[str]]:
    months = "|".join(sorted(map(re.escape, _months(lang)), key=len, reverse=True))
    month = rf"(?P<month>{months})\.?"
    day = r"(?<![\d/.-])(?P<day>\d{1,2})(?:er|º|°|\.|st|nd|rd|th)?"
    day_range = rf"{day}(?:\s*(?:-|/|–|au|al|a|и|to|and|bis|den|đến)\s*(?P<day2>\d{{1,2}})(?!\d))?"
    year = r"(?:,?\s+(?:de\s+|del\s+|năm\s+|года?\s+)?(?P<year>\d{4}))?"
    found: list[re.Pattern[str]] = []
    if months:
        found += [
            re.compile(rf"{day_range}\s+(?:de\s+|di\s+)?{month}(?!\w){year}"),
            re.compile(rf"(?<!\w){month}\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?"
                       rf"(?:\s*(?:-|–|and|to)\s*(?P<day2>\d{{1,2}})(?!\d))?{year}"),
        ]
    if lang == "zh":
        found.append(re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*"
                                r"(?P<day>\d{1,2})(?:\s*[-至到]\s*(?P<day2>\d{1,2}))?\s*日"))
    if lang == "vi":
        found.append(re.compile(r"(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})"
                                r"(?:\s+năm\s+(?P<year>\d{4}))?"))
    if lang != "en":  # 10/25/2025 vs 25/10/2025: ambiguous in English
        # not a page timestamp: "28/01/2026 10:06"
        found.append(re.compile(r"(?<![\d/.])(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.]"
                                r"(?P<year>\d{4})(?!\d)(?!,?\s*\d{1,2}:\d{2})"))
    return found


@cache
def _weekday_day(lang: str) -> re.Pattern[str] | None:
    """Brazilian style "neste sábado (25)": a weekday, then the day of the month in brackets."""
    names = {fold(n, lang) for width in ("wide", "abbreviated")
             for n in get_day_names(width, locale=lang).values()}
    names = {n.rstrip(".") for n in names if len(n) >= 3}
    if not names:
        return None
    days = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{days})(?:-feira)?\s*\((?P<day>\d{{1,2}})\)")


def _resolve(day: int, month: int, year: int | None, reference: date | None,
             fallback_year: int | None) -> tuple[date, bool] | None:
    try:
        if year is not None:
            return date(year, month, day), True
        if reference is not None:
            candidate = date(reference.year, month, day)
            if candidate > reference + _FUTURE_SLACK:
                candidate = date(reference.year - 1, month, day)
            return candidate, False
        if fallback_year is not None:
            return date(fallback_year, month, day), False
    except ValueError:
        return None
    return None


def latest_year(text: str) -> int | None:
    """The latest 20xx year an article prints (for dates it gives without a year)."""
    if _ARABIC_DIGIT.search(text):
        text = text.translate(_DIGITS)
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def find_dates(sentence: str, lang: str | None, reference: date | None,
               fallback_year: int | None = None) -> list[date]:
    """Dates of a sentence, in order. A date without a year takes it from ``reference``."""
    return [d.value for d in find_dates_at(fold(sentence, lang), lang, reference, fallback_year)]


def find_dates_at(folded: str, lang: str | None, reference: date | None,
                  fallback_year: int | None = None) -> list[FoundDate]:
    """Dates of a sentence already folded for ``lang``, with their positions."""
    if not _ANY_DIGIT.search(folded):
        return []  # every form holds a digit
    code = lang if lang in LANGUAGES else "en"
    found: dict[tuple[int, date], FoundDate] = {}
    taken: list[tuple[int, int]] = []
    for pattern in _patterns(code):
        for match in pattern.finditer(folded):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _months(code).get(month_text)
            if month is None or not 1 <= month <= 12:
                continue
            year = int(match.group("year")) if match.group("year") else None
            days = [int(match.group("day"))]
            if match.groupdict().get("day2"):
                second = int(match.group("day2"))
                if days[0] < second <= days[0] + 7:  # "25-26 Oct": both days
                    days.append(second)
            for day in days:
                resolved = _resolve(day, month, year, reference, fallback_year)
                if resolved is not None:
                    value, explicit = resolved
                    found[(match.start(), value)] = FoundDate(match.start(), match.end(),
                                                              value, explicit)
            taken.append((match.start(), match.end()))
    weekday = _weekday_day(code)
    if weekday is not None and reference is not None:
        for match in weekday.finditer(folded):
            day = int(match.group("day"))
            # the most recent such day of the month on or before publication
            month_start = reference.replace(day=1)
            previous = (month_start - timedelta(days=1)).replace(day=1)
            base = month_start if day <= reference.day else previous
            try:
                value = base.replace(day=day)
            except ValueError:
                continue
            found[(match.start(), value)] = FoundDate(match.start(), match.end(), value, False)
    return [found[k] for k in sorted(found)]
