"""Pull the reason out of an `airflow dags test` log: our own error, not the whole traceback."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Exceptions raised by TreatyWatch itself carry the message meant for the operator.
OWN_ERROR = re.compile(
    r"^(ingestion\.[\w.]+|airflow\.sdk\.exceptions\.AirflowFailException|"
    r"\w*(Rejected|Unreachable|NotInSnapshot|DbtBuildFailed|ParseError|WatchlistError)): "
)
CONTINUATION = re.compile(r"^\s+(FAIL|WARN|unparseable) ")
FALLBACK = re.compile(r"Error: |ERROR|\[error")


def reasons(lines: list[str]) -> list[str]:
    """Our exception lines (with their indented FAIL/WARN detail), deduplicated."""
    out: list[str] = []
    keep = False
    for line in lines:
        if OWN_ERROR.match(line):
            keep = True
            text = OWN_ERROR.sub("", line)
        elif keep and CONTINUATION.match(line):
            text = line.rstrip()
        else:
            keep = False
            continue
        if text not in out:
            out.append(text)
    return out


def main(path: str) -> None:
    """Print the reason a DAG run failed."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    found = reasons(lines) or [line for line in lines if FALLBACK.search(line)][-15:]
    print("\n".join("  " + line[:600] for line in found) or "\n".join(lines[-30:]))


if __name__ == "__main__":
    main(sys.argv[1])
