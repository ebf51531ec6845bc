"""The one load gate (quality.gate_load) on a real DuckDB file and a real GX suite."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ingestion.landing import begin_load, record_fetch_error
from ingestion.quality import LoadRejected, gate_load

NIGHT = date(2026, 11, 20)


@pytest.fixture
def con(raw_con):
    return raw_con


@pytest.fixture
def gate_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "gate"
    folder.mkdir()
    suite = {
        "name": "gate.rows",
        "meta": {"id_columns": ["name"]},
        "expectations": [
            {"type": "expect_column_values_to_be_between",
             "kwargs": {"column": "n", "min_value": 0, "max_value": 10}},
        ],
    }
    (folder / "rows.json").write_text(json.dumps(suite))
    return folder


def status(con, load_id: str) -> tuple:
    return con.execute("select status, message from raw.loads where load_id = ?",
                       [load_id]).fetchone()


def test_passing_load_is_accepted(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT)
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]})}
    assert gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v").success
    assert status(con, load)[0] == "accepted"
    assert (tmp_path / "v" / f"{load}.json").exists()


def test_passing_load_with_a_failed_fetch_is_partial(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT)
    record_fetch_error(con, "untc", load, "https://x/b.xml", "HTTP 503", 503, subject="B-1")
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]})}
    gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
    state, message = status(con, load)
    assert state == "partial"
    assert "  B-1: error: HTTP 503" in message


def test_failing_load_is_rejected_naming_the_rows(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT)
    frames = {"rows": pd.DataFrame({"name": ["a", "b"], "n": [3, 42]})}
    with pytest.raises(LoadRejected, match="rejected by quality gate") as err:
        gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
    assert "expect_column_values_to_be_between" in str(err.value)
    assert "'name': 'b'" in str(err.value)
    assert status(con, load)[0] == "rejected"


def test_gate_refuses_a_frame_without_a_suite(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT)
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]}), "other": pd.DataFrame()}
    with pytest.raises(ValueError, match="do not match"):
        gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
