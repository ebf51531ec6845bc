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
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]})}
    assert gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v").success
    assert status(con, load)[0] == "accepted"
    assert (tmp_path / "v" / f"{load}.json").exists()


def test_passing_load_with_a_failed_fetch_is_partial(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    record_fetch_error(con, "untc", load, "https://x/b.xml", "HTTP 503", 503, subject="B-1")
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]})}
    gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
    state, message = status(con, load)
    assert state == "partial"
    assert "  B-1: error: HTTP 503" in message


def test_failing_load_is_rejected_naming_the_rows(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a", "b"], "n": [3, 42]})}
    with pytest.raises(LoadRejected, match="rejected by quality gate") as err:
        gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
    assert "expect_column_values_to_be_between" in str(err.value)
    assert "'name': 'b'" in str(err.value)
    assert status(con, load)[0] == "rejected"


def test_gate_refuses_a_frame_without_a_suite(con, gate_dir: Path, tmp_path: Path) -> None:
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]}), "other": pd.DataFrame()}
    with pytest.raises(ValueError, match="do not match"):
        gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")


# --- A pass is carried over to a later load that shows the gate the same rows ----------------

LATER = date(2026, 11, 21)


def test_same_rows_on_a_later_night_carry_the_pass_over(con, gate_dir: Path, tmp_path) -> None:
    first = begin_load(con, "untc", NIGHT, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a", "b"], "n": [3, 4], "load_id": first})}
    gate_load(con, first, gate_dir, frames, NIGHT, tmp_path / "v")
    second = begin_load(con, "untc", LATER, replay_of=None)
    # the same rows in another order, tagged with the new load: the same inputs
    same = {"rows": pd.DataFrame({"name": ["b", "a"], "n": [4, 3], "load_id": second})}
    result = gate_load(con, second, gate_dir, same, LATER, tmp_path / "v")
    assert result.success and result.evaluated == 1
    state, message = status(con, second)
    assert state == "accepted"
    assert f"same rows as load {first}, which passed for night {NIGHT}" in message
    assert (tmp_path / "v" / f"{second}.json").exists()


def test_changed_rows_or_an_earlier_night_run_the_gate_again(con, gate_dir, tmp_path) -> None:
    first = begin_load(con, "untc", LATER, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a"], "n": [3]})}
    gate_load(con, first, gate_dir, frames, LATER, tmp_path / "v")
    # a backfill of an earlier night: a pass for a later night says nothing about it
    backfill = begin_load(con, "untc", NIGHT, replay_of=None)
    gate_load(con, backfill, gate_dir, frames, NIGHT, tmp_path / "v")
    assert "carried over" not in status(con, backfill)[1]
    # one value changed, to one the suite refuses: the gate runs and rejects
    bad = begin_load(con, "news", date(2026, 11, 22), replay_of=None)
    with pytest.raises(LoadRejected, match="expect_column_values_to_be_between"):
        gate_load(con, bad, gate_dir, {"rows": pd.DataFrame({"name": ["a"], "n": [11]})},
                  date(2026, 11, 22), tmp_path / "v")


def test_a_parameter_used_as_a_lower_bound_is_never_carried_over(tmp_path: Path) -> None:
    from ingestion.quality import gate_inputs_fingerprint

    folder = tmp_path / "g"
    folder.mkdir()
    frames = {"rows": pd.DataFrame({"d": pd.to_datetime(["2026-11-01"])})}
    cap = {"column": "d", "max_value": {"$PARAMETER": "logical_date"}}
    (folder / "rows.json").write_text(json.dumps({"name": "g.rows", "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": cap}]}))
    assert gate_inputs_fingerprint(folder, frames) is not None
    floor = {"column": "d", "min_value": {"$PARAMETER": "logical_date"}}
    (folder / "rows.json").write_text(json.dumps({"name": "g.rows", "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": floor}]}))
    assert gate_inputs_fingerprint(folder, frames) is None


def test_list_cells_are_fingerprinted_by_value(gate_dir: Path) -> None:
    import numpy as np

    from ingestion.quality import gate_inputs_fingerprint

    def frame(notes):
        return {"rows": pd.DataFrame({"name": ["a", "b"], "notes": notes})}

    one = gate_inputs_fingerprint(gate_dir, frame([np.array(["1"]), np.array([], dtype=str)]))
    same = gate_inputs_fingerprint(gate_dir, frame([["1"], []]))
    other = gate_inputs_fingerprint(gate_dir, frame([["2"], []]))
    assert one is not None and one == same and one != other


def write_suite(folder: Path, table: str, expectations: list[dict]) -> None:
    spec = {"name": f"{folder.name}.{table}", "meta": {"id_columns": ["name"]},
            "expectations": expectations}
    (folder / f"{table}.json").write_text(json.dumps(spec))


def test_warning_expectation_is_reported_but_does_not_block(con, gate_dir: Path,
                                                             tmp_path: Path) -> None:
    write_suite(gate_dir, "rows", [
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "n", "min_value": 0, "max_value": 10}},
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "n", "min_value": 0, "max_value": 5}, "severity": "warning"},
    ])
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    frames = {"rows": pd.DataFrame({"name": ["a", "b"], "n": [3, 7]})}
    result = gate_load(con, load, gate_dir, frames, NIGHT, tmp_path / "v")
    assert result.success and result.evaluated == 2 and result.failures == []
    [warning] = result.warnings
    assert warning.severity == "warning" and warning.unexpected_count == 1
    state, message = status(con, load)
    assert state == "accepted"
    assert "1 warning(s)" in message and "WARN [rows] expect_column_values_to_be_between" in message


def test_suites_compare_with_the_night(con, tmp_path: Path) -> None:
    """``{"$PARAMETER": "logical_date"}`` is the load's night: nothing may be dated after it."""
    gate = tmp_path / "dated"
    gate.mkdir()
    write_suite(gate, "rows", [
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "day", "max_value": {"$PARAMETER": "logical_date"}}},
    ])
    days = pd.to_datetime(pd.Series(["2026-11-19", "2026-11-20"]))
    ok = begin_load(con, "untc", NIGHT, replay_of=None)
    assert gate_load(con, ok, gate, {"rows": pd.DataFrame({"name": ["a", "b"], "day": days})},
                     NIGHT, tmp_path / "v").success
    late = begin_load(con, "untc", date(2026, 11, 19), replay_of=None)
    with pytest.raises(LoadRejected, match="'name': 'b'"):
        gate_load(con, late, gate, {"rows": pd.DataFrame({"name": ["a", "b"], "day": days})},
                  date(2026, 11, 19), tmp_path / "v")


def test_rejection_names_unparseable_payloads_and_keeps_the_result(con, tmp_path: Path) -> None:
    gate = tmp_path / "parsing"
    gate.mkdir()
    write_suite(gate, "parse_errors", [
        {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0}},
    ])
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    errors = pd.DataFrame({"url": ["https://x/a.xml"], "sha256": ["ab"],
                           "error": ["payload is an HTML page, not MTDSG XML"]})
    with pytest.raises(LoadRejected) as err:
        gate_load(con, load, gate, {"parse_errors": errors}, NIGHT, tmp_path / "v")
    line = "unparseable payload https://x/a.xml: payload is an HTML page, not MTDSG XML"
    assert line in str(err.value)
    assert str(tmp_path / "v" / f"{load}.json") in str(err.value)
    state, message = status(con, load)
    assert state == "rejected" and line in message
    kept = json.loads((tmp_path / "v" / f"{load}.json").read_text(encoding="utf-8"))
    assert kept["success"] is False and kept["gate"] == "parsing"
    assert "FAIL [parse_errors] expect_table_row_count_to_equal" in kept["summary"]
    stored = con.execute("select validation_json from raw.loads where load_id = ?",
                         [load]).fetchone()[0]
    assert json.loads(stored) == kept
