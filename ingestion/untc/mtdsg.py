"""Parser for the UN Treaty Collection MTDSG status XML files (one file per treaty).

Public API: `parse_mtdsg(data, source)`, `parse_mtdsg_file(path)`; errors are `MtdsgParseError`.
Records are the plain types of `ingestion.untc.models`.

Repairs (each kind met is recorded once in `ParsedTreaty.warnings`, with a count)
-------------------------------------------------------------------------------
The files declare iso-8859-1 but are not well-formed as served:

* C0 control bytes stand where Windows typography was lost: ``\\x18``/``\\x19`` -> ‘ ’,
  ``\\x1c``/``\\x1d`` -> “ ”, ``\\x13`` -> –, ``\\x14`` -> —. ``\\x02`` stands for a
  non-breaking space ("14\\x02December 1946", "p.\\x02357"), so it becomes a space rather than
  being dropped (dropping would glue words). Any other C0 byte except tab/newline is dropped.
* A bare ``&`` (not starting ``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&apos;`` or a
  character reference) is escaped.
* Lone carriage returns are normalised to newlines.
If the repaired text is still not well-formed it is parsed with lxml's recovery mode (warned),
unless it does not end with ``</Document>``: a cut-off download is rejected rather than loaded
with rows missing. Empty payloads, HTML pages, non-XML and XML without ``<Treaty>``/``<Header>``
raise `MtdsgParseError` naming the defect.
Values carry escaped HTML (``&lt;i&gt;``, ``&lt;a href=..&gt;``, ``&lt;superscript&gt;``):
after XML parsing, numeric ``<superscript>`` markers are footnote references (removed from
clean text; collected as `footnotes` on participant names), other tags are stripped.

Header
------
``mtdsg_no`` = roman numeral of ``Chapter/Header`` ("CHAPTER XVIII"), the ``SubChapter/Header``
letter if any ("XI-A-12"), ``Numsect``, and ``Subnumsect`` if any ("XVIII-12-a", "III-2-12b").
The file name stem of `source` is the fallback when those are missing. ``eif_date`` is the date
that opens ``EIF/Labeltext``; for texts such as "provisionally on D1 ... and definitively on D2"
it is the definitive date, else the provisional one; None when no date is stated ("see article
65"). ``status_as_of`` is the "Status as at: dd-mm-yyyy" date where the header prints one
(the 2018 files do not: None).

Participants table: what a date means
-------------------------------------
A cell is ``[D Mon YYYY suffix]``: day not padded, brackets = no longer in effect (withdrawn,
denounced). A suffixed date takes its meaning from `SUFFIX_ACTIONS` (the suffix, not the
header, decides). A bare date takes the meaning of its column: the header is split into items
at ", " + capital letter; the first item without a "(x)" suffix gives the meaning by its
opening words:

=========================================================  ===========================
header item (unsuffixed)                                   action
=========================================================  ===========================
Signature, Signature ad referendum                         signature
Ratification, Ratification of the Convention as amended    ratification
Application                                                application
Definitive signature [of the Protocol | or acceptance ..]  definitive_signature
Acceptance [of the Protocol], Definitive acceptance        acceptance
Succession to the Convention and the Protocol              succession
Participation in the Convention by virtue of ...           participation
Confirmation of signature                                  confirmation_of_signature
... provisional application / Provisional acceptance ...   provisional_application
Notification of non-provisional application, Extension,
Notification under article 21 (1), anything else           other
=========================================================  ===========================

When a column lists several unsuffixed items with different meanings that are all consents to
be bound (e.g. VI-7 "Definitive signature of the Protocol, Acceptance of the Protocol, ...") a
bare date is ``consent_unspecified`` (UNTC does not say which kind); with other mixes the first
item is used and a warning says so. A bare "Confirmation of signature" in a column that also
lists definitive signature (XIV-7-a) is ``confirmation_of_definitive_signature``, a consent:
the confirmed signature ad referendum is definitive. Which actions are consent is defined in
``dbt_project/seeds/action_types.csv`` (see `ingestion.untc.models`). A column with no
unsuffixed item whose items are all signatures ("Signature ad referendum (s)", XIV-7-a) reads
bare dates as signature; otherwise a bare date there is "other" (warned).
Header-declared exceptions to `SUFFIX_ACTIONS`: where the header item carrying a suffix is a
mere signature ("Succession to signature(d)", "Signature ad referendum (s)"), or the column's
bare meaning is signature and the suffix is ``d``, the suffix means that signature action
("succession_to_signature" / "signature"), not a consent to be bound.

Withdrawals
-----------
One extra action "withdrawal" (column 0) per withdrawal found:

* an end note that speaks of withdrawal/denunciation (not of withdrawing reservations,
  objections or declarations) and carries a ``<table>`` with a participant column: one per
  table row naming a participant of the table (by the same printed name, else by the same ISO
  code through `ingestion.participants.resolve_participant`: "United Kingdom" in the note,
  "United Kingdom of Great Britain and Northern Ireland" in the row); ``action_date`` =
  notification date, ``effective_date`` = date of effect (None if the table has no such column);
* otherwise, for a participant whose dates are bracketed: its footnoted note about the
  withdrawal (preferring a note naming it) gives ``action_date`` = the first date of the first
  sentence speaking of the withdrawal, and ``effective_date`` = the date after "effect ... on/from"
  in that sentence or the next three; a later sentence opening "On <date>," and speaking of
  withdrawal adds a further withdrawal (IV-5: Trinidad and Tobago denounced twice). With no such
  note there is one withdrawal with both dates None (warned); ``raw_value`` is then the
  bracketed cells.
"""

from __future__ import annotations

import codecs
import html
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from ingestion.participants import resolve_participant
from ingestion.untc.models import (
    CONSENT_ACTIONS,
    SUFFIX_ACTIONS,
    MtdsgParseError,
    ParsedTreaty,
    ParticipantAction,
    TreatyHeader,
)

__all__ = ["MtdsgParseError", "parse_mtdsg", "parse_mtdsg_file"]

# ---------------------------------------------------------------------------------------------
# Byte/text repair
# ---------------------------------------------------------------------------------------------

_CONTROL_REPLACEMENTS: dict[str, str] = {
    "\x18": "‘",
    "\x19": "’",
    "\x1c": "“",
    "\x1d": "”",
    "\x13": "–",
    "\x14": "—",
    "\x02": " ",  # stands for a non-breaking space in these files
}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BARE_AMP_RE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_XML_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_XML_DECL_STR_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_RE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_DTD_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)\b", re.IGNORECASE)


# A byte-order mark overrides any declared encoding (XML 1.0, appendix F). UTF-32 first: its LE
# mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(data: bytes, warnings: list[str]) -> str:
    """Decode by the byte-order mark, else the declared encoding (UTF-8 when none is declared)."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_encoding, errors="replace")
    match = _XML_DECL_RE.match(data[:200])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        warnings.append(f"unknown declared encoding {encoding!r}; decoded as iso-8859-1")
        encoding = "iso-8859-1"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        # Undeclared non-UTF-8 payloads are in practice Latin-1 (the UNTC default).
        fallback = "iso-8859-1" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else None
        if fallback:
            warnings.append(f"payload is not valid {encoding}; decoded as {fallback}")
            return data.decode(fallback)
        warnings.append(f"payload is not valid {encoding}; undecodable bytes replaced")
        return data.decode(encoding, errors="replace")


def _repair(text: str, warnings: list[str]) -> str:
    """Fix the defects that make UNTC files ill-formed; record each kind of repair."""
    controls = Counter(_CONTROL_RE.findall(text))
    if controls:
        for char, n in sorted(controls.items()):
            target = _CONTROL_REPLACEMENTS.get(char)
            what = f"replaced with {target!r}" if target is not None else "dropped"
            warnings.append(f"control character U+{ord(char):04X} {what} ({n}x)")
        text = _CONTROL_RE.sub(lambda m: _CONTROL_REPLACEMENTS.get(m.group(), ""), text)
    lone_cr = text.count("\r") - text.count("\r\n")
    if lone_cr:
        warnings.append(f"lone carriage returns normalised to newlines ({lone_cr}x)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, n_amp = _BARE_AMP_RE.subn("&amp;", text)
    if n_amp:
        warnings.append(f"bare '&' escaped ({n_amp}x)")
    return text


def _parse_xml(data: bytes, source: str, warnings: list[str]) -> etree._Element:
    """Bytes -> repaired element tree root, or MtdsgParseError saying what is wrong."""
    if not data.strip():
        raise MtdsgParseError(source, "payload is empty")
    text = _decode(data, warnings)
    if _HTML_RE.search(text[:4096]):
        raise MtdsgParseError(source, "payload is an HTML page, not MTDSG XML")
    declaration = _DTD_RE.search(text)
    if declaration:
        # UNTC files never carry a DTD; one here is an attack or a broken proxy, and entity text
        # must never become data (nor expand: billion laughs).
        raise MtdsgParseError(
            source, f"payload declares a DTD or entity ({declaration.group(0)}...): refused, "
            "UNTC status files never carry one"
        )
    # lxml refuses str input carrying an encoding declaration: drop it and feed UTF-8.
    body = _XML_DECL_STR_RE.sub("", _repair(text, warnings), count=1).encode("utf-8")
    strict = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(body, strict)
    except etree.XMLSyntaxError as exc:
        first_error = str(exc)
    if not body.lstrip().startswith(b"<"):
        raise MtdsgParseError(source, f"not XML even after repair ({first_error})")
    if not re.search(rb"</\s*(?:Document|Treaty)\s*>\s*$", body):
        # Recovery would silently drop the missing rows of a cut-off download.
        raise MtdsgParseError(
            source, f"payload is truncated: no closing </Document> ({first_error})"
        )
    lenient = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(body, lenient)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise MtdsgParseError(source, f"not XML even after repair ({first_error})")
    warnings.append(f"XML still malformed after repair, parsed in recovery mode: {first_error}")
    return root


# ---------------------------------------------------------------------------------------------
# Text and dates
# ---------------------------------------------------------------------------------------------

_FOOTNOTE_SUP_RE = re.compile(r"<superscript>\s*([0-9][0-9,\s]*)</superscript>", re.IGNORECASE)
_BREAK_TAG_RE = re.compile(r"<(?:br|p)\b[^<>]*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _fold(text: str) -> str:
    """Collapse all whitespace (NBSP included) to single spaces."""
    return " ".join(text.split())


def _clean(markup: str | None) -> str:
    """Visible text of an HTML-bearing value: footnote markers and tags removed, entities
    unescaped, whitespace folded."""
    if not markup:
        return ""
    text = _FOOTNOTE_SUP_RE.sub("", markup)
    text = _BREAK_TAG_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    return _fold(html.unescape(text))


def _footnotes(markup: str) -> tuple[str, ...]:
    """Footnote numbers attached by ``<superscript>`` markers, e.g. ("1", "2")."""
    return tuple(
        number
        for match in _FOOTNOTE_SUP_RE.finditer(markup)
        for number in re.split(r"[,\s]+", match.group(1))
        if number
    )


def _raw(element: etree._Element | None) -> str:
    """All text of an element (values are text nodes holding escaped HTML)."""
    if element is None:
        return ""
    return "".join(element.itertext())


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
_DATE_IN_TEXT_RE = re.compile(r"\b(\d{1,2})\s*([A-Za-z]{3,9})\.?,?\s*(\d{4})\b")


def _make_date(day: str, month: str, year: str, warnings: list[str], where: str) -> date | None:
    """Build a date from its printed parts; None plus a warning when impossible."""
    month_no = _MONTHS.get(month.lower())
    if month_no is None:
        warnings.append(f"{where}: unknown month {month!r}")
        return None
    try:
        return date(int(year), month_no, int(day))
    except ValueError:
        warnings.append(f"{where}: impossible date {day} {month} {year}")
        return None


def _dates_in(text: str, warnings: list[str], where: str) -> list[tuple[int, date | None]]:
    """(position, date) of every "D Month YYYY" / "D Mon YYYY" found in free text."""
    found = []
    for match in _DATE_IN_TEXT_RE.finditer(text):
        if match.group(2).lower() in _MONTHS:
            found.append((match.start(), _make_date(*match.groups(), warnings, where)))
    return found


def _first_date(text: str, warnings: list[str], where: str) -> date | None:
    dates = _dates_in(text, warnings, where)
    return dates[0][1] if dates else None


# ---------------------------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------------------------

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
        if match and match.group(2).lower() in _MONTHS:
            return _make_date(*match.groups(), warnings, "entry into force")
    return None


def _conclusion(text: str, warnings: list[str]) -> tuple[str | None, date | None]:
    """Place and date of conclusion: "New York, 13 April 2005" -> ("New York", 2005-04-13).

    With several places and dates ("Geneva, 19 June 1949, and Lake Success, ...") the first of
    each; the full text stays in conclusion_text.
    """
    if not text:
        return None, None
    dates = _dates_in(text, warnings, "conclusion")
    if not dates:
        return text.strip(" ,") or None, None
    place = text[: dates[0][0]].strip(" ,") or None
    return place, dates[0][1]


def _parse_header(treaty: etree._Element, source: str, warnings: list[str]) -> dict[str, Any]:
    """Header fields except those that depend on the participants table."""
    head = treaty.find("Header")
    if head is None:
        raise MtdsgParseError(source, "no <Header> element in <Treaty>")
    ext = head.find("ExternalData")
    if ext is None:
        ext = etree.Element("ExternalData")  # keeps lookups below simple
        warnings.append("no <ExternalData> in <Header>")

    def txt(path: str, base: etree._Element = ext) -> str:
        return _clean(_raw(base.find(path)))

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
    match = _STATUS_AS_AT_RE.search(_clean(_raw(head))) if head is not None else None
    if match is None:
        return None
    if match.group(1):
        day, month, year = match.group(1, 2, 3)
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            warnings.append(f"status as at: impossible date {match.group(0)!r}")
            return None
    return _make_date(*match.group(4, 5, 6), warnings, "status as at")


# ---------------------------------------------------------------------------------------------
# Column headers
# ---------------------------------------------------------------------------------------------

_ITEM_SPLIT_RE = re.compile(r",\s*(?=[A-Z])")
_ITEM_SUFFIX_RE = re.compile(r"\(\s*(AA|[aAdnPspcC])\s*\)\s*$")
_SIGNATURE_ACTIONS = frozenset({"signature", "succession_to_signature"})
# Opening words of a header item -> action; first match wins, so order matters.
_ITEM_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), action)
    for pattern, action in (
        (r"\bnon-provisional\b", "other"),
        (r"\bprovisional\b", "provisional_application"),
        (r"^succession to signature", "succession_to_signature"),
        (r"^definitive signature", "definitive_signature"),
        (r"^definitive acceptance", "acceptance"),
        (r"^signature", "signature"),
        (r"^ratification", "ratification"),
        (r"^acceptance", "acceptance"),
        (r"^approval", "approval"),
        (r"^accession", "accession"),
        (r"^succession", "succession"),
        (r"^formal confirmation", "formal_confirmation"),
        (r"^confirmation of signature", "confirmation_of_signature"),
        (r"^(?:participation|consent to be bound)", "participation"),
        (r"^simplified procedure", "simplified_procedure"),
        (r"^application\b", "application"),
    )
)


def _item_action(item: str) -> str:
    for pattern, action in _ITEM_RULES:
        if pattern.search(item):
            return action
    return "other"


@dataclass
class _Column:
    """How to read the dates of one table column."""

    number: int
    header: str
    bare_action: str  # meaning of an unsuffixed date
    bare_warning: str | None = None  # emitted (once) when a bare date needs it
    suffix_overrides: dict[str, str] = field(default_factory=dict)
    warned: bool = False


def _column(number: int, header: str, warnings: list[str]) -> _Column:
    """Read one column header into its bare meaning and suffix exceptions."""
    bare: list[tuple[str, str]] = []
    suffixed: list[tuple[str, str]] = []
    for item in (i.strip() for i in _ITEM_SPLIT_RE.split(header)):
        if not item:
            continue
        match = _ITEM_SUFFIX_RE.search(item)
        if match:
            suffixed.append((match.group(1), _item_action(item[: match.start()])))
        else:
            bare.append((item, _item_action(item)))
    column = _Column(number, header, "other")
    bare_actions = {action for _, action in bare}
    listed = bare_actions | {action for _, action in suffixed}
    if bare:
        column.bare_action = bare[0][1]
        if len(bare_actions) > 1 and bare_actions <= CONSENT_ACTIONS:
            # VI-VIII: "Definitive signature of the Protocol, Acceptance of the Protocol,
            # Succession ..." -- a consent to be bound, but UNTC does not say which kind.
            column.bare_action = "consent_unspecified"
        elif len(bare_actions) > 1:
            warnings.append(
                f"column {number} ({header!r}) lists several unsuffixed items; "
                f"bare dates read as {bare[0][1]} ({bare[0][0]!r})"
            )
        if column.bare_action == "confirmation_of_signature" and "definitive_signature" in listed:
            # XIV-7-a "Definitive signature(s), Confirmation of signature": confirming a
            # signature ad referendum there makes it definitive; UNTC counts a party.
            column.bare_action = "confirmation_of_definitive_signature"
        if column.bare_action == "other":
            column.bare_warning = f"column {number} ({header!r}) names no known action"
    elif suffixed and all(action == "signature" for _, action in suffixed):
        column.bare_action = "signature"  # "Signature ad referendum (s)" prints dates bare
    else:
        column.bare_warning = f"column {number} ({header!r}) has no unsuffixed item"
    # A suffix the header declares as a mere signature is not a consent to be bound.
    for suffix, action in suffixed:
        if action in _SIGNATURE_ACTIONS and SUFFIX_ACTIONS.get(suffix) != action:
            column.suffix_overrides[suffix] = action
    if column.bare_action == "signature":
        column.suffix_overrides.setdefault("d", "succession_to_signature")
    return column


# ---------------------------------------------------------------------------------------------
# End notes and withdrawals
# ---------------------------------------------------------------------------------------------

_WITHDRAW_RE = re.compile(r"\b(?:withdr[ae]w\w*|denounc\w*|denunciation\w*)", re.IGNORECASE)
_RESERVATION_RE = re.compile(r"\b(?:reservation|objection|declaration)s?\b", re.IGNORECASE)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;:])\s+")
_ON_DATE_RE = re.compile(r"^(?:Subsequently,\s*)?on\s+\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b", re.I)
_EFFECT_RE = re.compile(  # "i.e." may stand between "effect" and the date (XVI-2)
    r"\beffect(?:ive)?\b(?:i\.e\.|[^.;])*?\b(?:on|from)\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})",
    re.IGNORECASE,
)


@dataclass
class _Note:
    index: str
    text: str  # clean text of all <text> children
    table: list[list[str]]  # clean cells of <table>/<row>/<col>


def _notes(treaty: etree._Element) -> dict[str, _Note]:
    notes: dict[str, _Note] = {}
    for note in treaty.iterfind("EndNotes/Note"):
        index = _clean(_raw(note.find("index")))
        text = " ".join(t for t in (_clean(_raw(x)) for x in note.iterfind("text")) if t)
        rows = [
            [_clean(_raw(col)) for col in row.iterfind("col")] for row in note.iterfind("table/row")
        ]
        notes.setdefault(index, _Note(index, text, rows))
    return notes


def _is_withdrawal_sentence(sentence: str) -> bool:
    """Speaks of leaving the treaty (not of withdrawing reservations, objections ...)."""
    return bool(_WITHDRAW_RE.search(sentence)) and not _RESERVATION_RE.search(sentence)


def _speaks_of_withdrawal(text: str) -> bool:
    return any(_is_withdrawal_sentence(s) for s in _SENTENCE_SPLIT_RE.split(text))


def _name_key(name: str) -> str:
    return _fold(name).rstrip("*").strip().casefold()


@dataclass
class _Withdrawal:
    note: _Note
    notified: date | None
    effective: date | None


def _table_withdrawals(
    notes: dict[str, _Note], warnings: list[str]
) -> dict[str, list[_Withdrawal]]:
    """Withdrawals listed in end-note tables, keyed by participant name key."""
    found: dict[str, list[_Withdrawal]] = {}
    for note in notes.values():
        if len(note.table) < 2 or not _speaks_of_withdrawal(note.text):
            continue
        header = [cell.casefold() for cell in note.table[0]]

        def col(pattern: str, cells: list[str] = header) -> int | None:
            return next((i for i, c in enumerate(cells) if re.search(pattern, c)), None)

        who = col(r"particip|state|government|countr")
        notified = col(r"notif|received")
        effect = col(r"effect")
        if who is None or notified is None:
            continue
        where = f"end note {note.index}"
        for row in note.table[1:]:
            cells = row + [""] * (len(header) - len(row))
            if not cells[who]:
                continue
            found.setdefault(_name_key(cells[who]), []).append(
                _Withdrawal(
                    note,
                    _first_date(cells[notified], warnings, where),
                    _first_date(cells[effect], warnings, where) if effect is not None else None,
                )
            )
    return found


def _text_withdrawals(note: _Note, warnings: list[str]) -> list[_Withdrawal]:
    """Withdrawals a note states in prose, in order.

    The first sentence about leaving the treaty that carries a date (other than a date of
    effect) gives the notification date. A later such sentence opens another withdrawal only
    when it starts "On <date>," (a State may denounce twice, IV-5 Trinidad and Tobago); other
    dates in later sentences are usually of other instruments. The date of effect is the first
    "effect ... on/from <date>" within that sentence and the next three. No dated sentence: one
    withdrawal with unknown dates.
    """
    where = f"end note {note.index}"
    sentences = _SENTENCE_SPLIT_RE.split(note.text)
    opened: list[tuple[int, date | None]] = []
    for i, sentence in enumerate(sentences):
        if not _is_withdrawal_sentence(sentence):
            continue
        if opened and not _ON_DATE_RE.match(sentence):
            continue
        effect_spans = [m.span() for m in _EFFECT_RE.finditer(sentence)]
        dates = [
            d
            for pos, d in _dates_in(sentence, warnings, where)
            if not any(start <= pos < end for start, end in effect_spans)
        ]
        if dates and dates[0] not in {d for _, d in opened}:
            opened.append((i, dates[0]))
    if not opened:
        return [_Withdrawal(note, None, None)]
    found = []
    for n, (i, notified) in enumerate(opened):
        stop = min(i + 4, opened[n + 1][0] if n + 1 < len(opened) else len(sentences))
        match = _EFFECT_RE.search(" ".join(sentences[i:stop]))
        effective = None
        if match and match.group(2).lower() in _MONTHS:
            effective = _make_date(*match.groups(), warnings, where)
        found.append(_Withdrawal(note, notified, effective))
    return found


# ---------------------------------------------------------------------------------------------
# Participants table
# ---------------------------------------------------------------------------------------------

_CELL_RE = re.compile(
    r"^(?P<open>\[)?\s*(?P<day>\d{1,2})\s*(?P<month>[A-Za-z]{3,9})\.?\s*(?P<year>\d{4})"
    r"\s*(?P<suffix>AA|[aAdnPspcC])?\s*(?P<close>\])?$"
)


@dataclass
class _Row:
    number: int
    raw: str
    name: str
    footnotes: tuple[str, ...]


def _cell_action(
    row: _Row, column: _Column, raw: str, mtdsg_no: str, warnings: list[str]
) -> ParticipantAction:
    """One table cell -> one ParticipantAction (never raises on odd values)."""
    where = f"row {row.number} ({row.name}), column {column.number}"
    text = _fold(raw)
    match = _CELL_RE.match(text)
    suffix = ""
    action_date = None
    bracketed = text.startswith("[") or text.endswith("]")
    if match:
        suffix = match.group("suffix") or ""
        action_date = _make_date(match["day"], match["month"], match["year"], warnings, where)
        if bool(match.group("open")) != bool(match.group("close")):
            warnings.append(f"{where}: unbalanced bracket in {text!r}")
    else:
        warnings.append(f"{where}: cell {text!r} is not a 'D Mon YYYY [suffix]' date")
    if suffix:
        action = column.suffix_overrides.get(suffix, SUFFIX_ACTIONS[suffix])
    elif match:
        action = column.bare_action
        if column.bare_warning and not column.warned:
            warnings.append(f"{column.bare_warning}; bare dates recorded as {action}")
            column.warned = True
    else:
        action = "other"
    return ParticipantAction(
        mtdsg_no=mtdsg_no,
        row_number=row.number,
        participant_raw=row.raw,
        participant=row.name,
        footnotes=row.footnotes,
        column_number=column.number,
        column_header=column.header,
        action=action,
        suffix=suffix,
        action_date=action_date,
        raw_value=raw,
        bracketed=bracketed,
    )


def _withdrawal_action(
    row: _Row, mtdsg_no: str, w: _Withdrawal | None, raw: str
) -> ParticipantAction:
    return ParticipantAction(
        mtdsg_no=mtdsg_no,
        row_number=row.number,
        participant_raw=row.raw,
        participant=row.name,
        footnotes=row.footnotes,
        column_number=0,
        column_header=f"end note {w.note.index}" if w else "",
        action="withdrawal",
        suffix="",
        action_date=w.notified if w else None,
        raw_value=w.note.text if w else raw,
        effective_date=w.effective if w else None,
    )


def _bracket_withdrawals(
    row: _Row, notes: dict[str, _Note], warnings: list[str]
) -> list[_Withdrawal]:
    """The withdrawals explained by one of the row's footnotes, preferring a note naming it."""
    candidates = [
        notes[n] for n in row.footnotes if n in notes and _speaks_of_withdrawal(notes[n].text)
    ]
    # prefer a note naming the participant, as printed or by its English name ("United
    # Kingdom" for "United Kingdom of Great Britain and Northern Ireland")
    names = {row.name.casefold()}
    english = resolve_participant(row.name).english_name
    if english:
        names.add(english.casefold())
    candidates.sort(key=lambda note: not any(n in note.text.casefold() for n in names))
    if candidates:
        return _text_withdrawals(candidates[0], warnings)
    warnings.append(f"row {row.number} ({row.name}): bracketed dates but no note on a withdrawal")
    return []


def _table_key(name: str, by_table: dict[str, list[_Withdrawal]]) -> str:
    """The withdrawal-table key naming this row's participant: the same printed name, else
    the same participant under another name ("United Kingdom" in a note, "United Kingdom of
    Great Britain and Northern Ireland" in the row), matched through participant resolution."""
    key = _name_key(name)
    if key in by_table or not by_table:
        return key
    code = resolve_participant(name).iso3
    if code is None:
        return key
    same = [k for k in by_table if resolve_participant(k).iso3 == code]
    return same[0] if len(same) == 1 else key


def _parse_table(
    treaty: etree._Element, mtdsg_no: str, notes: dict[str, _Note], warnings: list[str]
) -> tuple[tuple[str, ...], list[str], list[ParticipantAction]]:
    """Column headers, participant names and actions of the participants table."""
    group = treaty.find("Participants/Table/TGroup")
    if group is None:
        return (), [], []
    headers = tuple(_clean(_raw(e)) for e in group.iterfind("Thead/Row/Entry"))
    columns: dict[int, _Column] = {}
    by_table = _table_withdrawals(notes, warnings)
    used_keys: set[str] = set()
    participants: list[str] = []
    actions: list[ParticipantAction] = []
    for number, row_el in enumerate(group.iterfind("Tbody/Rows/Row"), 1):
        entries = [_raw(e) for e in row_el.iterfind("Entry")]
        if not entries:
            continue
        row = _Row(number, entries[0], _clean(entries[0]), _footnotes(entries[0]))
        if not row.name:
            warnings.append(f"row {number}: empty participant name")
        participants.append(row.name)
        bracketed: list[str] = []
        for col_no, raw in enumerate(entries[1:], 2):
            if not raw.strip():
                continue
            if col_no not in columns:
                header = headers[col_no - 1] if col_no <= len(headers) else ""
                columns[col_no] = _column(col_no, header, warnings)
            action = _cell_action(row, columns[col_no], raw, mtdsg_no, warnings)
            actions.append(action)
            if action.bracketed:
                bracketed.append(_fold(raw))
        key = _table_key(row.name, by_table)
        if key in by_table:
            used_keys.add(key)
            actions.extend(_withdrawal_action(row, mtdsg_no, w, "") for w in by_table[key])
        elif bracketed:
            found = _bracket_withdrawals(row, notes, warnings) or [None]
            raw = " | ".join(bracketed)  # raw_value when no note explains the withdrawal
            actions.extend(_withdrawal_action(row, mtdsg_no, w, raw) for w in found)
    for key in sorted(by_table.keys() - used_keys):
        warnings.append(f"withdrawal note names {key!r}, who has no row in the participants table")
    return headers, participants, actions


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def parse_mtdsg(data: bytes, source: str) -> ParsedTreaty:
    """Parse one MTDSG status XML payload.

    `source` (file name or URL) names the payload in errors and supplies the MTDSG number when
    the header lacks it. Recoverable defects are repaired and listed in `warnings`; a payload
    that is not a whole MTDSG file (empty, HTML page, not XML, truncated, no <Treaty> or
    <Header>) raises `MtdsgParseError` whose reason says which.
    """
    warnings: list[str] = []
    root = _parse_xml(data, source, warnings)
    treaty = root if root.tag == "Treaty" else root.find(".//Treaty")
    if treaty is None:
        raise MtdsgParseError(source, f"no <Treaty> element (root element is <{root.tag}>)")
    fields = _parse_header(treaty, source, warnings)
    notes = _notes(treaty)
    headers, participants, actions = _parse_table(treaty, fields["mtdsg_no"], notes, warnings)
    header = TreatyHeader(
        **fields, has_participants_table=bool(participants), column_headers=headers
    )
    return ParsedTreaty(
        header=header, participants=participants, actions=actions, warnings=warnings
    )


def parse_mtdsg_file(path: str | os.PathLike[str]) -> ParsedTreaty:
    """Parse an MTDSG XML file from disk; its path is the `source`."""
    return parse_mtdsg(Path(path).read_bytes(), str(path))
