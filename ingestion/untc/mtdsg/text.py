"""Text and dates shared by the header, table and withdrawal stages.

Values carry escaped HTML (``&lt;i&gt;``, ``&lt;a href=..&gt;``, ``&lt;superscript&gt;``):
after XML parsing, numeric ``<superscript>`` markers are footnote references (removed from
clean text; collected as `footnotes` on participant names), other tags are stripped.
"""

from __future__ import annotations

import html
import re
from datetime import date

from lxml import etree

_FOOTNOTE_SUP_RE = re.compile(r"<superscript>\s*([0-9][0-9,\s]*)</superscript>", re.IGNORECASE)
_BREAK_TAG_RE = re.compile(r"<(?:br|p)\b[^<>]*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def fold_space(text: str) -> str:
    """Collapse all whitespace (NBSP included) to single spaces."""
    return " ".join(text.split())


def clean_text(markup: str | None) -> str:
    """Visible text of an HTML-bearing value: footnote markers and tags removed, entities
    unescaped, whitespace folded."""
    if not markup:
        return ""
    text = _FOOTNOTE_SUP_RE.sub("", markup)
    text = _BREAK_TAG_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    return fold_space(html.unescape(text))


def footnote_numbers(markup: str) -> tuple[str, ...]:
    """Footnote numbers attached by ``<superscript>`` markers, e.g. ("1", "2")."""
    return tuple(
        number
        for match in _FOOTNOTE_SUP_RE.finditer(markup)
        for number in re.split(r"[,\s]+", match.group(1))
        if number
    )


def raw_text(element: etree._Element | None) -> str:
    """All text of an element (values are text nodes holding escaped HTML)."""
    if element is None:
        return ""
    return "".join(element.itertext())


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
_DATE_IN_TEXT_RE = re.compile(r"\b(\d{1,2})\s*([A-Za-z]{3,9})\.?,?\s*(\d{4})\b")


def make_date(day: str, month: str, year: str, warnings: list[str], where: str) -> date | None:
    """Build a date from its printed parts; None plus a warning when impossible."""
    month_no = MONTHS.get(month.lower())
    if month_no is None:
        warnings.append(f"{where}: unknown month {month!r}")
        return None
    try:
        return date(int(year), month_no, int(day))
    except ValueError:
        warnings.append(f"{where}: impossible date {day} {month} {year}")
        return None


def dates_in(text: str, warnings: list[str], where: str) -> list[tuple[int, date | None]]:
    """(position, date) of every "D Month YYYY" / "D Mon YYYY" found in free text."""
    found = []
    for match in _DATE_IN_TEXT_RE.finditer(text):
        if match.group(2).lower() in MONTHS:
            found.append((match.start(), make_date(*match.groups(), warnings, where)))
    return found


def first_date(text: str, warnings: list[str], where: str) -> date | None:
    """The first date found in free text, None when there is none."""
    dates = dates_in(text, warnings, where)
    return dates[0][1] if dates else None

