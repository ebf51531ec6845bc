"""Incremental nights give the same warehouse as a full rebuild (real UNTC server, DuckDB, dbt).

Nights, in the order they run: 10 Nov (65 XVIII-16 signatures), 20 Nov (73 and Algeria's
ratification), 21 Nov (nothing changed: dbt is skipped, the as-of night moves), 15 Nov (a
backfilled older night: 72), 22 Nov (nothing changed again), 22 Nov rerun. After the no-change
night and at the end, the working DB's marts and history tables are compared, row for row,
with a copy of the same raw data rebuilt by ``dbt build --full-refresh``.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
import xviii16_nights as x16
from faults import FaultyUntc, real

from ingestion.dbt_runner import dbt_build
from ingestion.pipeline import (
    run_untc_night,
    warehouse_build,
    warehouse_publish,
    warehouse_validate,
)
from ingestion.settings import load_settings

pytestmark = pytest.mark.slow

ORIGINAL = real("XVIII-16")
LAST_EIGHT = x16.latest_signers(ORIGINAL, 8)
LATEST = x16.latest_signers(ORIGINAL, 1)
NOV10, NOV15, NOV20, NOV21, NOV22 = (date(2026, 11, d) for d in (10, 15, 20, 21, 22))
EDITS = {
    NOV10: lambda b: x16.drop_rows(b, LAST_EIGHT),
    NOV15: lambda b: x16.drop_rows(b, LATEST),
    NOV20: lambda b: x16.ratify(b, "Algeria", "18 Nov 2026"),
}
EDITS[NOV21] = EDITS[NOV22] = EDITS[NOV20]
# the tables a night's build writes: every mart, and the incremental per-payload models
COMPARED_SCHEMAS = ("marts", "intermediate")


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every table of the compared schemas, its rows sorted (views are not stored state)."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in ? order by 1",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        return {
            name: sorted(con.execute(f"select * from {name}").fetchall(), key=repr)
            for (name,) in tables
        }


def full_rebuild_of(root: Path, copy_name: str) -> Path:
    """Copy the data folder, rebuild everything with --full-refresh; return the copy's DB."""
    settings = load_settings()
    copy = root / copy_name
    shutil.copytree(settings.data_dir, copy)
    mp = pytest.MonkeyPatch()
    mp.setenv("TREATYWATCH_DATA_DIR", str(copy))
    try:
        dbt_build(load_settings(), full_refresh=True)
    finally:
        mp.undo()
    return copy / settings.work_db.name


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("incremental")
    untc = FaultyUntc()
    mp = pytest.MonkeyPatch()
    for var, value in {
        "TREATYWATCH_DATA_DIR": root / "data",
        "TREATYWATCH_WAREHOUSE_DIR": root / "warehouse",
        "TREATYWATCH_UNTC_BASE_URL": untc.base_url,
    }.items():
        mp.setenv(var, str(value))
    state: dict = {}
    try:
        for step, night in enumerate((NOV10, NOV20, NOV21, NOV15, NOV22, NOV22)):
            untc.set("XVIII-16", lambda b, n=night: x16.with_header_counts(EDITS[n](b)))
            run_untc_night(night)
            state[f"build{step}"] = warehouse_build(load_settings(), night)
            warehouse_validate(night)
            state[f"publish{step}"] = warehouse_publish(night)
            if night == NOV21:
                state["after_skip"] = table_rows(load_settings().work_db)
                state["rebuilt_after_skip"] = table_rows(full_rebuild_of(root, "copy21"))
        state["final"] = table_rows(load_settings().work_db)
        state["rebuilt_final"] = table_rows(full_rebuild_of(root, "copy_final"))
        yield state
    finally:
        mp.undo()
        untc.close()


def test_no_change_night_skips_dbt_and_says_so(nights) -> None:
    assert "dbt ran" in nights["build1"]
    assert nights["build2"].startswith("night 2026-11-21: nothing changed since night 2026-11-20")
    assert "dbt build skipped" in nights["build2"]
    assert "dbt ran" in nights["build3"]  # the backfill is a change
    assert "dbt build skipped" in nights["build4"]
    assert "no input changed" in nights["build5"]  # the rerun


def incremental_models() -> set[str]:
    """The project's incremental models, by their own config (``materialized='incremental'``)."""
    models = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
    return {f"intermediate.{sql.stem}" for sql in models.rglob("*.sql")
            if "materialized='incremental'" in sql.read_text()}


def kept_state(tables: dict[str, list[tuple]]) -> list[str]:
    """The marts (what is published) and the incremental models (what later nights build on);
    plain intermediate tables are rebuilt whole by the next dbt run, so a skipped night leaves
    them as the last build made them."""
    incremental = incremental_models()
    assert len(incremental) >= 3, incremental
    return [t for t in tables if t.startswith("marts.") or t in incremental]


def test_skipped_night_equals_a_full_build(nights) -> None:
    kept = kept_state(nights["rebuilt_after_skip"])
    assert len(kept) > 10
    for table in kept:
        assert nights["after_skip"][table] == nights["rebuilt_after_skip"][table], table


def test_incremental_after_backfill_equals_full_refresh(nights) -> None:
    assert nights["final"].keys() == nights["rebuilt_final"].keys()
    kept = kept_state(nights["rebuilt_final"])
    assert "intermediate.int_payload_participant_status" in kept
    for table in kept:
        assert nights["final"][table] == nights["rebuilt_final"][table], table


def test_skipped_night_is_published_as_of_that_night(nights) -> None:
    assert nights["publish2"].published  # the as-of night moved: a new publication
    assert not nights["publish5"].published  # the rerun: nothing to publish
