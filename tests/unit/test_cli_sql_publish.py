"""`treatywatch sql --format …`, `publish` and argument checks, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

TREATYWATCH = str(Path(sys.executable).parent / "treatywatch")
WIDE = "x" * 300 + "|end"  # wider than any terminal, with a Markdown-special character


@pytest.fixture
def warehouse(tmp_path: Path) -> dict[str, str]:
    """A small published file (one wide text cell, a NULL, a list, a date); the env to use it."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    with duckdb.connect(str(folder / "treatywatch.duckdb")) as con:
        con.execute(
            "create table t as select * from (values "
            "(1, ?, null, ['a', 'b'], date '2026-11-26'), "
            "(2, 'short', 'x', []::varchar[], null)) v(id, label, note, tags, day)",
            [WIDE],
        )
    return {**os.environ, "TREATYWATCH_WAREHOUSE_DIR": str(folder),
            "TREATYWATCH_DATA_DIR": str(tmp_path / "data")}


def sql(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([TREATYWATCH, "sql", *args], capture_output=True, text=True,
                          env=env, check=False)


QUERY = "select * from t order by id"


def test_table_format_never_cuts_a_cell(warehouse) -> None:
    proc = sql(warehouse, QUERY)
    assert proc.returncode == 0, proc.stderr
    assert WIDE in proc.stdout and "(2 rows)" in proc.stdout


def test_csv_format(warehouse) -> None:
    proc = sql(warehouse, QUERY, "--format", "csv")
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["id", "label", "note", "tags", "day"]
    assert rows[1] == ["1", WIDE, "", '["a", "b"]', "2026-11-26"]


def test_json_format(warehouse) -> None:
    proc = sql(warehouse, QUERY, "--format", "json")
    records = json.loads(proc.stdout)
    assert records[0] == {"id": 1, "label": WIDE, "note": None, "tags": ["a", "b"],
                          "day": "2026-11-26"}
    assert records[1]["day"] is None


def test_markdown_format(warehouse) -> None:
    lines = sql(warehouse, QUERY, "--format", "markdown").stdout.splitlines()
    assert lines[0] == "| id | label | note | tags | day |"
    assert lines[1] == "| --- | --- | --- | --- | --- |"
    assert WIDE.replace("|", "\\|") in lines[2]


def test_max_rows_and_bad_query(warehouse) -> None:
    assert sql(warehouse, QUERY, "--max-rows", "1", "--format", "csv").stdout.count("\n") == 2
    proc = sql(warehouse, "select nope from t")
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert "treatywatch.duckdb" in proc.stderr and "nope" in proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["sql", "select 1", "--max-rows", "0"], "must be at least 1"),
    (["sql", "select 1", "--max-rows", "many"], "not a whole number"),
    (["sql", "select 1", "--format", "xml"], "invalid choice"),
    (["nightly", "--date", "2026-02-30"], "not a date"),
    (["publish", "--date", "yesterday"], "not a date"),
    (["loads", "--limit", "-3"], "must be at least 1"),
])
def test_arguments_are_checked(args: list[str], message: str) -> None:
    proc = subprocess.run([TREATYWATCH, *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_publish_without_a_working_db_is_one_clear_line(warehouse) -> None:
    proc = subprocess.run([TREATYWATCH, "publish"], capture_output=True, text=True,
                          env=warehouse, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "treatywatch_work.duckdb" in proc.stderr
