"""Stage 2: the treaty header (number, title, conclusion, entry into force, printed counts).

``mtdsg_no`` = roman numeral of ``Chapter/Header`` ("CHAPTER XVIII"), the ``SubChapter/Header``
letter if any ("XI-A-12"), ``Numsect``, and ``Subnumsect`` if any ("XVIII-12-a", "III-2-12b").
The file name stem of `source` is the fallback when those are missing. ``eif_date`` is the date
that opens ``EIF/Labeltext``; for texts such as "provisionally on D1 ... and definitively on D2"
it is the definitive date, else the provisional one; None when no date is stated ("see article
65"). ``status_as_of`` is the "Status as at: dd-mm-yyyy" date where the header prints one
(the 2018 files do not: None).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lxml import etree

from ingestion.untc.models import MtdsgParseError
from ingestion.untc.mtdsg.text import MONTHS, clean_text, dates_in, make_date, raw_text

_CHAPTER_RE = re.compile(r"\bCHAPTER\s+([IVXLC]+)\b", re.IGNORECASE)
_LEADING_DATE_RE = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})\b")
_DEFINITIVE_RE = re.compile(r"\bdefinitively\s+on\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})")
_PROVISIONAL_RE = re.compile(r"^\s*provisionally\s+on\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})")
_STEM_RE = re.compile(r"^[IVXLC]+(?:-[A-Za-z0-9]+)+$")


def _source_stem(source: str) -> str | None:
    """MTDSG number from a file name or URL like ".../XVIII-16.en.xml", if it looks like one."""
    name = re.split(r"[/\\]", source.split("?", 1)[0])[-1]
    stem = re.sub(r"(?:\.en)?\.xml$", "", name, flags=re.IGNORECASE)
    return stem if _STEM_RE.match(stem) else None


def _int_or_none(text: str, what: str, warnings: list[str]) -> int | None:
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    warnings.append(f"{what} is not a number: {text!r}")
    return None


def _eif_date(text: str, warnings: list[str]) -> date | None:
    """Entry-into-force date stated by the EIF text, if any (see module docstring)."""
    for pattern in (_LEADING_DATE_RE, _DEFINITIVE_RE, _PROVISIONAL_RE):
        match = pattern.search(text)
        if match and match.group(2).lower() in MONTHS:
            return make_date(*match.groups(), warnings, "entry into force")
    return None


def _conclusion(text: str, warnings: list[str]) -> tuple[str | None, date | None]:
    """Place and date of conclusion: "New York, 13 April 2005" -> ("New York", 2005-04-13).

    With several places and dates ("Geneva, 19 June 1949, and Lake Success, ...") the first of
    each; the full text stays in conclusion_text.
    """
    if not text:
        return None, None
    dates = dates_in(text, warnings, "conclusion")
    if not dates:
        return text.strip(" ,") or None, None
    place = text[: dates[0][0]].strip(" ,") or None
    return place, dates[0][1]


def parse_header(treaty: etree._Element, source: str, warnings: list[str]) -> dict[str, Any]:
    """Header fields except those that depend on the participants table."""
    head = treaty.find("Header")
    if head is None:
        raise MtdsgParseError(source, "no <Header> element in <Treaty>")
    ext = head.find("ExternalData")
    if ext is None:
        ext = etree.Element("ExternalData")  # keeps lookups below simple
        warnings.append("no <ExternalData> in <Header>")

    def txt(path: str, base: etree._Element = ext) -> str:
        return clean_text(raw_text(base.find(path)))

    chapter_match = _CHAPTER_RE.search(txt("Chapter/Header", head))
    chapter_roman = chapter_match.group(1).upper() if chapter_match else ""
    parts = [chapter_roman, txt("SubChapter/Header", head), txt("Numsect"), txt("Subnumsect")]
    stem = _source_stem(source)
    if chapter_roman and parts[2]:
        mtdsg_no = "-".join(p for p in parts if p)
        if stem and stem != mtdsg_no:
            warnings.append(f"mtdsg_no {mtdsg_no} from the header differs from source name {stem}")
    elif stem:
        mtdsg_no = stem
        chapter_roman = chapter_roman or stem.split("-", 1)[0]
        warnings.append(f"header lacks chapter or number; mtdsg_no {stem} taken from the source")
    else:
        raise MtdsgParseError(source, "no chapter/number in <Header> and none in the source name")

    title = txt("Titlesect") or txt("Subtitlesect")
    if not title:
        warnings.append("no Titlesect/Subtitlesect title")
    conclusion_text = txt("Conclusion") or None
    place, concluded_on = _conclusion(conclusion_text or "", warnings)
    eif_text = txt("EIF/Labeltext") or None
    return {
        "mtdsg_no": mtdsg_no,
        "chapter_roman": chapter_roman,
        "chapter_name": txt("Chapter/Name", head) or None,
        "title": title,
        "conclusion_text": conclusion_text,
        "concluded_place": place,
        "concluded_on": concluded_on,
        "eif_text": eif_text,
        "eif_date": _eif_date(eif_text, warnings) if eif_text else None,
        "registration_text": txt("Registration/Labeltext") or None,
        "printed_signatories": _int_or_none(txt("Status/Signatories"), "Signatories", warnings),
        "printed_parties": _int_or_none(txt("Status/Parties"), "Parties", warnings),
        "status_as_of": _status_as_of(treaty, warnings),
    }


_STATUS_AS_AT_RE = re.compile(
    r"\bstatus\s+as\s+at\s*:?\s*(?:(\d{1,2})[-./](\d{1,2})[-./](\d{4})"
    r"|(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4}))",
    re.IGNORECASE,
)


def _status_as_of(treaty: etree._Element, warnings: list[str]) -> date | None:
    """The "Status as at: dd-mm-yyyy" date UNTC prints, where the file carries one.

    The 2018 files carry none: then None, never a date made up from the fetch.
    """
    head = treaty.find("Header")
    match = _STATUS_AS_AT_RE.search(clean_text(raw_text(head))) if head is not None else None
    if match is None:
        return None
    if match.group(1):
        day, month, year = match.group(1, 2, 3)
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            warnings.append(f"status as at: impossible date {match.group(0)!r}")
            return None
    return make_date(*match.group(4, 5, 6), warnings, "status as at")

