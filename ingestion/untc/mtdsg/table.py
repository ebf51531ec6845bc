"""Stage 3b: the participants table: column headers, cells -> actions, withdrawal rows.

What a date means
-----------------
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

"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ingestion.untc.models import CONSENT_ACTIONS, SUFFIX_ACTIONS, ParticipantAction
from ingestion.untc.mtdsg.text import clean_text, fold_space, footnote_numbers, make_date, raw_text
from ingestion.untc.mtdsg.withdrawals import (
    Note,
    Withdrawal,
    bracket_withdrawals,
    table_key,
    table_withdrawals,
)

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
# Cells and rows
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
    text = fold_space(raw)
    match = _CELL_RE.match(text)
    suffix = ""
    action_date = None
    bracketed = text.startswith("[") or text.endswith("]")
    if match:
        suffix = match.group("suffix") or ""
        action_date = make_date(match["day"], match["month"], match["year"], warnings, where)
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
    row: _Row, mtdsg_no: str, w: Withdrawal | None, raw: str
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


def parse_table(
    treaty: etree._Element, mtdsg_no: str, notes: dict[str, Note], warnings: list[str]
) -> tuple[tuple[str, ...], list[str], list[ParticipantAction]]:
    """Column headers, participant names and actions of the participants table."""
    group = treaty.find("Participants/Table/TGroup")
    if group is None:
        return (), [], []
    headers = tuple(clean_text(raw_text(e)) for e in group.iterfind("Thead/Row/Entry"))
    columns: dict[int, _Column] = {}
    by_table = table_withdrawals(notes, warnings)
    used_keys: set[str] = set()
    participants: list[str] = []
    actions: list[ParticipantAction] = []
    for number, row_el in enumerate(group.iterfind("Tbody/Rows/Row"), 1):
        entries = [raw_text(e) for e in row_el.iterfind("Entry")]
        if not entries:
            continue
        row = _Row(number, entries[0], clean_text(entries[0]), footnote_numbers(entries[0]))
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
                bracketed.append(fold_space(raw))
        key = table_key(row.name, by_table)
        if key in by_table:
            used_keys.add(key)
            actions.extend(_withdrawal_action(row, mtdsg_no, w, "") for w in by_table[key])
        elif bracketed:
            found = bracket_withdrawals(
                row.number, row.name, row.footnotes, notes, warnings
            ) or [None]
            raw = " | ".join(bracketed)  # raw_value when no note explains the withdrawal
            actions.extend(_withdrawal_action(row, mtdsg_no, w, raw) for w in found)
    for key in sorted(by_table.keys() - used_keys):
        warnings.append(f"withdrawal note names {key!r}, who has no row in the participants table")
    return headers, participants, actions

