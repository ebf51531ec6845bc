"""Stage 3a: end notes and the withdrawals they state (table, prose, bracketed dates).

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

import re
from dataclasses import dataclass
from datetime import date

from lxml import etree

from ingestion.participants import resolve_participant
from ingestion.untc.mtdsg.text import (
    MONTHS,
    clean_text,
    dates_in,
    first_date,
    fold_space,
    make_date,
    raw_text,
)

_WITHDRAW_RE = re.compile(r"\b(?:withdr[ae]w\w*|denounc\w*|denunciation\w*)", re.IGNORECASE)
_RESERVATION_RE = re.compile(r"\b(?:reservation|objection|declaration)s?\b", re.IGNORECASE)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;:])\s+")
_ON_DATE_RE = re.compile(r"^(?:Subsequently,\s*)?on\s+\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b", re.I)
_EFFECT_RE = re.compile(  # "i.e." may stand between "effect" and the date (XVI-2)
    r"\beffect(?:ive)?\b(?:i\.e\.|[^.;])*?\b(?:on|from)\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})",
    re.IGNORECASE,
)


@dataclass
class Note:
    """One end note: its index, its text and its table (if any)."""

    index: str
    text: str  # clean text of all <text> children
    table: list[list[str]]  # clean cells of <table>/<row>/<col>


def read_notes(treaty: etree._Element) -> dict[str, Note]:
    """The treaty's end notes by index (the first of a repeated index wins)."""
    notes: dict[str, Note] = {}
    for note in treaty.iterfind("EndNotes/Note"):
        index = clean_text(raw_text(note.find("index")))
        text = " ".join(t for t in (clean_text(raw_text(x)) for x in note.iterfind("text")) if t)
        rows = [
            [clean_text(raw_text(col)) for col in row.iterfind("col")]
            for row in note.iterfind("table/row")
        ]
        notes.setdefault(index, Note(index, text, rows))
    return notes


def _is_withdrawal_sentence(sentence: str) -> bool:
    """Speaks of leaving the treaty (not of withdrawing reservations, objections ...)."""
    return bool(_WITHDRAW_RE.search(sentence)) and not _RESERVATION_RE.search(sentence)


def _speaks_of_withdrawal(text: str) -> bool:
    return any(_is_withdrawal_sentence(s) for s in _SENTENCE_SPLIT_RE.split(text))


def _name_key(name: str) -> str:
    return fold_space(name).rstrip("*").strip().casefold()


@dataclass
class Withdrawal:
    """One withdrawal a note states: notification date and date of effect, if known."""

    note: Note
    notified: date | None
    effective: date | None


def table_withdrawals(
    notes: dict[str, Note], warnings: list[str]
) -> dict[str, list[Withdrawal]]:
    """Withdrawals listed in end-note tables, keyed by participant name key."""
    found: dict[str, list[Withdrawal]] = {}
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
                Withdrawal(
                    note,
                    first_date(cells[notified], warnings, where),
                    first_date(cells[effect], warnings, where) if effect is not None else None,
                )
            )
    return found


def _text_withdrawals(note: Note, warnings: list[str]) -> list[Withdrawal]:
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
            for pos, d in dates_in(sentence, warnings, where)
            if not any(start <= pos < end for start, end in effect_spans)
        ]
        if dates and dates[0] not in {d for _, d in opened}:
            opened.append((i, dates[0]))
    if not opened:
        return [Withdrawal(note, None, None)]
    found = []
    for n, (i, notified) in enumerate(opened):
        stop = min(i + 4, opened[n + 1][0] if n + 1 < len(opened) else len(sentences))
        match = _EFFECT_RE.search(" ".join(sentences[i:stop]))
        effective = None
        if match and match.group(2).lower() in MONTHS:
            effective = make_date(*match.groups(), warnings, where)
        found.append(Withdrawal(note, notified, effective))
    return found



def bracket_withdrawals(
    number: int,
    name: str,
    footnotes: tuple[str, ...],
    notes: dict[str, Note],
    warnings: list[str],
) -> list[Withdrawal]:
    """The withdrawals explained by one of the row's footnotes, preferring a note naming it."""
    candidates = [
        notes[n] for n in footnotes if n in notes and _speaks_of_withdrawal(notes[n].text)
    ]
    # prefer a note naming the participant, as printed or by its English name ("United
    # Kingdom" for "United Kingdom of Great Britain and Northern Ireland")
    names = {name.casefold()}
    english = resolve_participant(name).english_name
    if english:
        names.add(english.casefold())
    candidates.sort(key=lambda note: not any(n in note.text.casefold() for n in names))
    if candidates:
        return _text_withdrawals(candidates[0], warnings)
    warnings.append(f"row {number} ({name}): bracketed dates but no note on a withdrawal")
    return []


def table_key(name: str, by_table: dict[str, list[Withdrawal]]) -> str:
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
