#!/usr/bin/env python3
"""Rebuild the offline snapshot of the UNTC status file of MTDSG XVIII-16.

No copy of the real XVIII-16.en.xml (UN Convention against Cybercrime) was available when
the offline snapshot was assembled, so this script *reconstructs* it from the signature list
kept in ``shared/untc/cybercrime_XVIII-16_signatures.csv``. The output mimics the MTDSG XML
that UNTC serves (element names, nesting, two-space indentation, ``iso-8859-1``), as observed
in the 2018 files of ``shared/untc/mtdsg_xml_2018/``; see ``snapshot/untc/XVIII-16.PROVENANCE.md``
for what is a fact and what is assumed.

Only rows with ``status=confirmed`` become participants; ``reported_only`` rows are left out.
The output depends on the CSV alone (no clock, no environment), so the same CSV always gives a
byte-identical file.

Usage::

    python scripts/build_xviii16_snapshot.py [CSV] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = REPO_ROOT / "snapshot" / "untc" / "cybercrime_XVIII-16_signatures.csv"
DEFAULT_OUT = REPO_ROOT / "snapshot" / "untc" / "XVIII-16.en.xml"

ENCODING = "iso-8859-1"
REQUIRED_COLUMNS = ("participant", "signature_date", "date_certainty", "status")
KNOWN_STATUSES = {"confirmed", "reported_only"}

# UNTC prints dates as "D Mon YYYY": day not padded, English three-letter month.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --- Header texts ---------------------------------------------------------------------------
CHAPTER_HEADER = "CHAPTER XVIII"
CHAPTER_NAME = "PENAL MATTERS"
NUMSECT = "16"
TITLE = (
    "United Nations Convention against Cybercrime; Strengthening International Cooperation "
    "for Combating Certain Crimes Committed by Means of Information and Communications "
    "Technology Systems and for the Sharing of Evidence in Electronic Form of Serious Crimes"
)
CONCLUSION = "New York, 24 December 2024"
# Not in force: the 2018 files of treaties not yet in force label the EIF block
# "Not yet in force", quote the entry-into-force article and leave Registration empty.
EIF_LABEL = "Not yet in force"
EIF_TEXT = (
    'in accordance with article 65(1) which reads as follows: "This Convention shall enter '
    "into force on the ninetieth day after the date of deposit of the fortieth instrument of "
    "ratification, acceptance, approval or accession. For the purpose of this paragraph, any "
    "instrument deposited by a regional economic integration organization shall not be "
    'counted as additional to those deposited by member States of that organization."'
)
# Escaped HTML inside the value, as UNTC writes it (a parser has to cope with it).
TREATY_TEXT = '<a href="/doc/source/docs/A_RES_79_243-E.pdf" target="_blank">A/RES/79/243</a>.'
TREATY_NOTE = (
    "The Convention was adopted by the General Assembly of the United Nations by resolution "
    '<a href="/doc/source/docs/A_RES_79_243-E.pdf" target="_blank">79/243</a> '
    "of 24 December 2024. In accordance with its article 64, the Convention is open for "
    "signature by all States and by regional economic integration organizations in Hanoi, "
    "Viet Nam, from 25 to 26 October 2025, and thereafter at United Nations Headquarters in "
    "New York until 31 December 2026."
)
COLUMN_HEADERS = (
    "Participant",
    "Signature",
    "Acceptance(A), Ratification, Approval(AA), Accession(a)",
)
# The REIO counting rule, as the 2018 files carry it: a note on the Status "Parties" count
# (Status/Notes/Note) pointing at an EndNote (wording as in XXVII-15.en.xml and siblings).
REIO_ENDNOTE = (
    "For the purpose of entry into force of the Convention, any instrument of ratification, "
    "acceptance, approval or accession deposited by a regional economic integration "
    "organization shall not be counted as additional to those deposited by member States of "
    "that Organization."
)
FOOTER = "XVIII 16. Penal Matters"


@dataclass(frozen=True)
class Participant:
    name: str
    signature: dt.date | None


def untc_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def untc_sort_key(name: str) -> tuple[str, str]:
    """UNTC's alphabetical order: accents ignored, case ignored ("Côte d'Ivoire" after
    "Costa Rica", "Türkiye" after "Togo"). Checked on every participant table of the
    2018 files: no pair is out of this order."""
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return folded, name


def read_participants(csv_path: Path) -> list[Participant]:
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{csv_path}: missing column(s) {', '.join(missing)}")
        participants: list[Participant] = []
        seen: set[str] = set()
        for line_no, row in enumerate(reader, start=2):
            status = (row["status"] or "").strip()
            if status not in KNOWN_STATUSES:
                raise SystemExit(f"{csv_path}:{line_no}: unknown status {status!r}")
            if status != "confirmed":
                continue
            name = (row["participant"] or "").strip()
            if not name:
                raise SystemExit(f"{csv_path}:{line_no}: empty participant")
            if name in seen:
                raise SystemExit(f"{csv_path}:{line_no}: duplicate participant {name!r}")
            seen.add(name)
            raw_date = (row["signature_date"] or "").strip()
            try:
                signature = dt.date.fromisoformat(raw_date) if raw_date else None
            except ValueError as exc:
                raise SystemExit(f"{csv_path}:{line_no}: bad signature_date {raw_date!r}") from exc
            participants.append(Participant(name=name, signature=signature))
    participants.sort(key=lambda p: untc_sort_key(p.name))
    return participants


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def element(indent: int, tag: str, text: str | None = None, attrs: str = "") -> str:
    pad = "  " * indent
    open_tag = f"{tag} {attrs}" if attrs else tag
    if text is None or text == "":
        return f"{pad}<{open_tag} />"
    return f"{pad}<{open_tag}>{esc(text)}</{tag}>"


def render(participants: Sequence[Participant]) -> str:
    signatories = sum(1 for p in participants if p.signature is not None)
    parties = 0  # no instrument of ratification, acceptance, approval or accession deposited
    lines: list[str] = [f'<?xml version="1.0" encoding="{ENCODING}"?>', "<Document>"]

    def add(*new: str) -> None:
        lines.extend(new)

    add("  <Treaty>", element(2, "Template", "mtdsg"), "    <Header>")
    add(
        "      <Chapter>",
        element(4, "Header", CHAPTER_HEADER),
        element(4, "Name", CHAPTER_NAME),
        "      </Chapter>",
    )
    add(
        "      <ExternalData>",
        element(4, "Numsect", NUMSECT),
        element(4, "Titlesect", TITLE),
        element(4, "Conclusion", CONCLUSION),
        "        <EIF>",
        element(5, "Label", EIF_LABEL),
        element(5, "Labeltext", EIF_TEXT),
        "        </EIF>",
        element(4, "Registration"),
        "        <Status>",
        element(5, "Label", "Status"),
        element(5, "SignatoriesLabel", "Signatories"),
        element(5, "Signatories", str(signatories)),
        element(5, "PartiesLabel", "Parties"),
        element(5, "Parties", str(parties)),
        "          <Notes>",
        element(6, "Note", "1"),
        "          </Notes>",
        "        </Status>",
        "        <TreatyText>",
        element(5, "Label", "Text"),
        element(5, "Text", TREATY_TEXT),
        "        </TreatyText>",
        "        <TreatyNote>",
        element(5, "Text", TREATY_NOTE),
        "        </TreatyNote>",
        "      </ExternalData>",
        "    </Header>",
    )
    add(
        "    <Participants>",
        '      <Table colsep="0" frame="none" rowsep="0">',
        f'        <TGroup cols="{len(COLUMN_HEADERS)}">',
        "          <Thead>",
        '            <Row rowsep="0">',
        *(
            element(7, "Entry", header, attrs=f'colname="{i}"')
            for i, header in enumerate(COLUMN_HEADERS, start=1)
        ),
        "            </Row>",
        "          </Thead>",
        "          <Tbody>",
        "            <Rows>",
    )
    for p in participants:
        add(
            "              <Row>",
            element(8, "Entry", p.name),
            element(8, "Entry", untc_date(p.signature) if p.signature else None),
            element(8, "Entry"),  # no instrument deposited
            "              </Row>",
        )
    add(
        "            </Rows>",
        "          </Tbody>",
        "        </TGroup>",
        "      </Table>",
        "    </Participants>",
    )
    add(
        element(2, "SpecialTables"),
        element(2, "Declarations"),
        element(2, "Objections"),
        element(2, "DeclarationsUnderArticle"),
        element(2, "Notifications"),
        element(2, "TerritorialApplications", attrs='show="NO"'),
        "    <EndNotes>",
        "      <Note>",
        element(4, "index", "1"),
        element(4, "text", REIO_ENDNOTE),
        "      </Note>",
        "    </EndNotes>",
        element(2, "Footer", FOOTER),
        "  </Treaty>",
        "</Document>",
    )
    return "\n".join(lines) + "\n"


def encode(document: str) -> bytes:
    # Characters outside Latin-1 (none in the current CSV) become character references,
    # which stay valid XML under the declared encoding.
    return document.encode(ENCODING, errors="xmlcharrefreplace")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "csv",
        nargs="?",
        type=Path,
        default=DEFAULT_CSV,
        help=f"signature list (default: {DEFAULT_CSV})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    participants = read_participants(args.csv)
    if not participants:
        raise SystemExit(f"{args.csv}: no confirmed participant")
    payload = encode(render(participants))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    print(
        f"wrote {args.out} ({len(payload)} bytes, {len(participants)} participants)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
