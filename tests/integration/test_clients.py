"""The published file opens in the DuckDB clients analysts use, not only in our own Python.

The DuckDB CLI from PyPI (`duckdb-cli`, pinned in requirements.lock) is a separate binary with
its own DuckDB build: if the published file's storage format were newer than it reads, it would
refuse the file, as the 1.5 CLI refused DuckDB 2.0 files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.settings import load_settings

NIGHT = date(2026, 11, 26)
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


@pytest.fixture
def published_file(untc_site) -> Path:
    run_untc_night(NIGHT)
    assert run_warehouse_night(NIGHT).published
    return load_settings().published_db


def cli_json(path: Path, sql: str) -> list[dict]:
    """Run one query through the DuckDB CLI (read-only, as docs/connect.md tells users)."""
    done = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-json", str(path), "-c", sql],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "[]")


def test_the_pypi_duckdb_cli_opens_the_published_file(published_file: Path) -> None:
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("v1."), version.stdout  # the CLI line users install
    tables = {
        row["table_name"]: row["comment"]
        for row in cli_json(published_file, "select table_name, comment from duckdb_tables()")
    }
    assert {"dim_treaty", "treaty_progress", "status_changes", "meta_publish"} <= set(tables)
    assert tables["treaty_progress"] and "treaty" in tables["treaty_progress"].lower()
    columns = cli_json(
        published_file,
        "select column_name, comment from duckdb_columns() "
        "where table_name = 'treaty_progress' and column_name = 'instruments_remaining'",
    )
    assert columns and columns[0]["comment"], columns
    rows = cli_json(
        published_file, "select signatories from treaty_progress where mtdsg_no = 'XVIII-16'"
    )
    assert rows == [{"signatories": 73}]


def test_published_file_uses_the_pinned_storage_format(published_file: Path) -> None:
    # DuckDB's header: 8-byte checksum, magic "DUCK", then the storage version number.
    header = published_file.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64  # v1.0.0: readable by DuckDB >= 1.0
