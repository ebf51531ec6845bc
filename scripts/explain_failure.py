"""Pull the reason out of an `airflow dags test` log: our errors, not the whole traceback."""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARKERS = re.compile(
    r"cannot reach|offline:|rejected by quality gate|FAIL \[|WARN \[|failed \(exit|"
    r"MtdsgParseError|WatchlistError|none of \d+ treaty files|no tables in schema|"
    r"AirflowFailException|Error:|ERROR"
)


def main(path: str) -> None:
    """Print the distinct lines of the log that carry a reason."""
    seen: set[str] = set()
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    for line in lines:
        text = line.strip()
        if MARKERS.search(text) and text not in seen:
            seen.add(text)
            print("  " + text[:400])
    if not seen:
        print("\n".join(lines[-30:]))


if __name__ == "__main__":
    main(sys.argv[1])
