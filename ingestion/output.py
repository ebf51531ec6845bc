"""Query results as text for ``treatywatch sql``: table, CSV, JSON or Markdown, never truncated."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "markdown")


def _text(value: Any) -> str:
    """A cell as text: NULL empty, dates ISO, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return str(value)


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """Aligned plain-text columns, every cell in full (no width limit)."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    out.write(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("-+-".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """RFC 4180 CSV with a header row; NULL is an empty field."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_text(v) for v in row] for row in rows)


def write_json(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """A JSON array of objects, one row per line (NULL is null, dates ISO strings)."""
    lines = [
        json.dumps(dict(zip(columns, row, strict=True)), default=_json_default,
                   ensure_ascii=False)
        for row in rows
    ]
    out.write("[\n" + ",\n".join(lines) + ("\n]\n" if lines else "]\n"))


def write_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """A GitHub-flavoured Markdown table (``|`` and newlines in cells escaped)."""

    def cell(value: Any) -> str:
        return _text(value).replace("|", "\\|").replace("\n", " ")

    out.write("| " + " | ".join(cell(c) for c in columns) + " |\n")
    out.write("|" + "|".join(" --- " for _ in columns) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(cell(v) for v in row) + " |\n")


WRITERS = {"table": write_table, "csv": write_csv, "json": write_json, "markdown": write_markdown}
