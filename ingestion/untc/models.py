"""Plain data records produced by the MTDSG XML parser.

These are the contract between the parser (`ingestion.untc.mtdsg`), the loader that
writes them to the `raw` schema, and the `treatywatch parse-untc` command.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Action vocabulary, defined once: dbt_project/seeds/action_types.csv names every action the
# parser may write and says which are a consent to be bound (counted as "party", UNTC's own
# practice) and which a signature. The parser and the marts both read that file.
ACTION_TYPES_PATH = (
    Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "action_types.csv"
)


def _read_action_types(path: Path = ACTION_TYPES_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_ACTION_TYPES = _read_action_types()

# A date's suffix letter decides the action, not the column header (headers differ between
# treaties); a bare date takes the meaning of its column. ("d" in a signature column is
# succession to signature: see mtdsg.table._column.)
SUFFIX_ACTIONS: dict[str, str] = {
    "a": "accession",
    "A": "acceptance",
    "AA": "approval",
    "d": "succession",
    "n": "provisional_application",
    "P": "participation",
    "s": "definitive_signature",
    "p": "simplified_procedure",
    "c": "formal_confirmation",
    "C": "confirmation_of_signature",
}

ACTIONS: frozenset[str] = frozenset(row["action"] for row in _ACTION_TYPES)

# Instruments by which a participant consents to be bound: UNTC counts them as "party".
CONSENT_ACTIONS: frozenset[str] = frozenset(
    row["action"] for row in _ACTION_TYPES if row["is_consent_to_be_bound"] == "true"
)

# Entries UNTC counts as signatories.
SIGNATURE_ACTIONS: frozenset[str] = frozenset(
    row["action"] for row in _ACTION_TYPES if row["is_signature"] == "true"
)


@dataclass(frozen=True)
class TreatyHeader:
    """What the file's `Header` says about the treaty."""

    mtdsg_no: str  # e.g. "XVIII-16", "XVIII-12-a"
    chapter_roman: str  # e.g. "XVIII"
    chapter_name: str | None  # e.g. "PENAL MATTERS"
    title: str  # Titlesect or Subtitlesect, markup removed
    conclusion_text: str | None  # e.g. "New York, 13 April 2005"
    concluded_place: str | None
    concluded_on: date | None
    eif_text: str | None  # EIF/Labeltext as printed
    eif_date: date | None  # the date the treaty entered into force, when the text states one
    registration_text: str | None
    printed_signatories: int | None  # Status/Signatories as printed by UNTC
    printed_parties: int | None  # Status/Parties as printed by UNTC
    status_as_of: date | None  # "status as at" date where the file carries one
    has_participants_table: bool
    column_headers: tuple[str, ...] = ()  # cleaned Thead entries, participant column first


@dataclass(frozen=True)
class ParticipantAction:
    """One dated action of one participant, as one table cell (or end note) shows it."""

    mtdsg_no: str
    row_number: int  # 1-based row in the participants table
    participant_raw: str  # the cell text, entities unescaped, markup kept
    participant: str  # footnote markers and markup removed, whitespace folded
    footnotes: tuple[str, ...]  # footnote numbers attached to the name, e.g. ("1", "2")
    column_number: int  # 1-based table column of the date; 0 for rows derived from end notes
    column_header: str
    action: str  # one of ACTIONS
    suffix: str  # "", "a", "A", "AA", "d", "n", "P", "s", "p", "c", "C"
    action_date: date | None
    raw_value: str  # the cell text as printed (or the end-note text for withdrawals)
    bracketed: bool = False  # date printed in [ ]: no longer in effect (withdrawn/denounced)
    effective_date: date | None = None  # withdrawals: date the withdrawal takes effect


@dataclass
class ParsedTreaty:
    """Everything parsed from one MTDSG XML file."""

    header: TreatyHeader
    participants: list[str]  # cleaned names, table order
    actions: list[ParticipantAction]
    warnings: list[str] = field(default_factory=list)  # recoverable defects met while parsing


class MtdsgParseError(ValueError):
    """A file that cannot be read as an MTDSG status file."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
