"""Parser for the UN Treaty Collection MTDSG status XML files (one file per treaty).

Public API: `parse_mtdsg(data, source)`, `parse_mtdsg_file(path)`; errors are `MtdsgParseError`.
Records are the plain types of `ingestion.untc.models`.

A file is read in stages, one module each (their docstrings state the rules):

* `decode`: bytes -> text (byte-order mark, declared encoding), repairs of the defects UNTC
  files carry as served, strict XML intake (no DTD, no entities, a cut-off file refused);
* `header`: the treaty header (MTDSG number, title, conclusion, entry into force, printed
  counts, "Status as at" date);
* `table`: the participants table (what each column's dates mean, one action per cell);
* `withdrawals`: the end notes and the withdrawals they state, matched to table rows;
* `text`: the text and date helpers the stages share.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingestion.untc.models import MtdsgParseError, ParsedTreaty, TreatyHeader
from ingestion.untc.mtdsg.decode import parse_xml
from ingestion.untc.mtdsg.header import parse_header
from ingestion.untc.mtdsg.table import parse_table
from ingestion.untc.mtdsg.withdrawals import read_notes

__all__ = ["MtdsgParseError", "parse_mtdsg", "parse_mtdsg_file"]


def parse_mtdsg(data: bytes, source: str) -> ParsedTreaty:
    """Parse one MTDSG status XML payload.

    `source` (file name or URL) names the payload in errors and supplies the MTDSG number when
    the header lacks it. Recoverable defects are repaired and listed in `warnings`; a payload
    that is not a whole MTDSG file (empty, HTML page, not XML, truncated, no <Treaty> or
    <Header>) raises `MtdsgParseError` whose reason says which.
    """
    warnings: list[str] = []
    root = parse_xml(data, source, warnings)
    treaty = root if root.tag == "Treaty" else root.find(".//Treaty")
    if treaty is None:
        raise MtdsgParseError(source, f"no <Treaty> element (root element is <{root.tag}>)")
    fields = parse_header(treaty, source, warnings)
    notes = read_notes(treaty)
    headers, participants, actions = parse_table(treaty, fields["mtdsg_no"], notes, warnings)
    header = TreatyHeader(
        **fields, has_participants_table=bool(participants), column_headers=headers
    )
    return ParsedTreaty(
        header=header, participants=participants, actions=actions, warnings=warnings
    )


def parse_mtdsg_file(path: str | os.PathLike[str]) -> ParsedTreaty:
    """Parse an MTDSG XML file from disk; its path is the `source`."""
    return parse_mtdsg(Path(path).read_bytes(), str(path))
