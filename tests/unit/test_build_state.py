"""When may a night skip dbt? The plan on a real DuckDB file, loads written by the landing code.

The marts the calendar guard reads are small stand-in tables here (dbt is not run); the
end-to-end proof that a skipped night equals a full build is tests/integration/
test_incremental.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion.build_state import BuildPlan, plan_build, record_build
from ingestion.http import FetchResult
from ingestion.landing import begin_load, finish_load, land_payload, record_fetch_error
from ingestion.raw_schema import ensure_raw_schema
from ingestion.settings import Settings, load_settings

X, Y = date(2026, 11, 20), date(2026, 11, 21)
TREATIES = {"XVIII-16": b"<xml>cybercrime</xml>", "XVIII-14": b"<xml>corruption</xml>"}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TREATYWATCH_DATA_DIR", str(tmp_path / "data"))
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a_model.sql").write_text("select 1 as x\n")
    (project / "dbt_project.yml").write_text("name: t\n")
    return dataclasses.replace(load_settings(), dbt_project_dir=project)


@pytest.fixture
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    ensure_raw_schema(con)
    con.execute("create schema marts")
    con.execute("create table marts.fct_treaty_actions (action_date date, effective_date date)")
    con.execute("create table marts.dim_treaty (opened_for_signature_on date)")
    con.execute("create table marts.treaty_progress (eif_date date)")
    con.execute("create table marts.treaty_progress_daily "
                "(date_day date, new_counting_instruments bigint)")
    yield con
    con.close()


def night(con, settings: Settings, on: date, bodies: dict[str, bytes | None]) -> None:
    """A UNTC load of one night, landed by the landing code; None = that fetch failed."""
    load_id = begin_load(con, "untc", on, replay_of=None)
    for mtdsg_no, body in bodies.items():
        url = f"http://untc.test/{mtdsg_no}.en.xml"
        if body is None:
            record_fetch_error(con, "untc", load_id, url, "HTTP 503", 503, subject=mtdsg_no)
        else:
            fetched = FetchResult(url, 200, body, "text/xml", datetime(2026, 11, 21, 2))
            land_payload(con, settings.raw_dir, "untc", load_id, on, fetched, subject=mtdsg_no)
    failed = any(body is None for body in bodies.values())
    finish_load(con, load_id, "partial" if failed else "accepted")


def built_on(con, settings: Settings, on: date) -> None:
    night(con, settings, on, TREATIES)
    record_build(con, settings, BuildPlan("dbt", on, "test"), on)


def test_first_build_runs_dbt(con, settings) -> None:
    night(con, settings, X, TREATIES)
    assert plan_build(con, settings, X).action == "dbt"


def test_same_payloads_on_a_later_night_only_move_the_night(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Y, TREATIES)  # every payload 'unchanged' now, 'new' on night X
    plan = plan_build(con, settings, Y)
    assert (plan.action, plan.built_night) == ("refresh_night", X)
    assert plan.reason == "nothing changed since night 2026-11-20"


def test_a_new_payload_runs_dbt(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Y, {**TREATIES, "XVIII-16": b"<xml>cybercrime, one more</xml>"})
    assert plan_build(con, settings, Y).action == "dbt"


def test_a_failed_fetch_runs_dbt_so_staleness_is_computed(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Y, {**TREATIES, "XVIII-14": None})
    plan = plan_build(con, settings, Y)
    assert plan.action == "dbt" and "not accepted whole" in plan.reason


def test_an_official_date_between_the_nights_runs_dbt(con, settings) -> None:
    built_on(con, settings, X)
    con.execute("insert into marts.fct_treaty_actions values (?, null)", [Y])
    night(con, settings, Y, TREATIES)
    plan = plan_build(con, settings, Y)
    assert plan.action == "dbt" and "official dates" in plan.reason


def test_a_counting_instrument_leaving_the_pace_window_runs_dbt(con, settings) -> None:
    built_on(con, settings, X)
    con.execute("insert into marts.treaty_progress_daily values (date '2025-11-21', 1)")
    night(con, settings, Y, TREATIES)
    assert plan_build(con, settings, Y).action == "dbt"


def test_a_backfilled_older_night_runs_dbt(con, settings) -> None:
    built_on(con, settings, Y)
    night(con, settings, X, TREATIES)
    assert plan_build(con, settings, X).action == "dbt"


def test_a_changed_project_runs_a_full_refresh(con, settings) -> None:
    built_on(con, settings, X)
    (settings.dbt_project_dir / "models" / "a_model.sql").write_text("select 2 as x\n")
    night(con, settings, Y, TREATIES)
    assert plan_build(con, settings, Y).action == "dbt_full_refresh"


def test_a_rerun_with_nothing_new_is_unchanged(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, X, TREATIES)  # the same night again: its fetch log is replaced
    assert plan_build(con, settings, X).action == "unchanged"


# --- A load asks, for its own source, whether the warehouse must run at all ------------------

Z = date(2026, 11, 22)


def news_night(con, settings: Settings, on: date, body: bytes) -> None:
    """A news load of one night with one article page."""
    load_id = begin_load(con, "news", on, replay_of=None)
    fetched = FetchResult("http://news.test/a.html", 200, body, "text/html",
                          datetime(2026, 11, 21, 3))
    land_payload(con, settings.raw_dir, "news", load_id, on, fetched, subject="article")
    finish_load(con, load_id, "accepted")


def test_a_source_judges_its_own_load_before_the_other_has_run(con, settings) -> None:
    built_on(con, settings, X)
    news_night(con, settings, X, b"<p>article</p>")
    record_build(con, settings, BuildPlan("dbt", X, "test"), X)  # built with both sources
    night(con, settings, Y, TREATIES)  # tonight's untc load is like X's; news has not run yet
    assert plan_build(con, settings, Y, source="untc").action == "refresh_night"
    # judged for all sources, the night is not complete yet: it does not look like X
    assert plan_build(con, settings, Y).action == "dbt"
    news_night(con, settings, Y, b"<p>another article</p>")
    plan = plan_build(con, settings, Y, source="news")
    assert plan.action == "dbt" and "payload or fetch outcome" in plan.reason


def test_nights_that_changed_nothing_do_not_force_a_build_later(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Y, TREATIES)  # no change: the warehouse did not run on Y
    night(con, settings, Z, TREATIES)  # nor on Z: compared with the build of X
    plan = plan_build(con, settings, Z, source="untc")
    assert (plan.action, plan.built_night) == ("refresh_night", X)
    assert plan_build(con, settings, Z).action == "refresh_night"


def test_a_changed_night_between_the_build_and_tonight_runs_dbt(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Y, {**TREATIES, "XVIII-14": None})  # a failed fetch on Y
    night(con, settings, Z, TREATIES)
    plan = plan_build(con, settings, Z, source="untc")
    assert plan.action == "dbt" and "night 2026-11-21 changed inputs" in plan.reason


def test_a_night_later_than_tonight_runs_dbt(con, settings) -> None:
    built_on(con, settings, X)
    night(con, settings, Z, TREATIES)
    night(con, settings, Y, TREATIES)  # Y loaded after Z: nights out of order
    plan = plan_build(con, settings, Y, source="untc")
    assert plan.action == "dbt" and "later than" in plan.reason


def test_a_long_quiet_stretch_is_judged_as_a_whole(con, settings) -> None:
    built_on(con, settings, X)
    stretch = [X + timedelta(days=k) for k in range(1, 41)]
    for on in stretch:  # forty nights that changed nothing: the warehouse never ran
        night(con, settings, on, TREATIES)
    tonight = stretch[-1] + timedelta(days=1)
    night(con, settings, tonight, TREATIES)
    assert plan_build(con, settings, tonight).action == "refresh_night"
    # one night in the middle of the stretch that failed a fetch is found among the forty
    con.execute("update raw.loads set status = 'partial' where logical_date = ?", [stretch[19]])
    plan = plan_build(con, settings, tonight)
    assert plan.action == "dbt" and f"night {stretch[19]} changed inputs" in plan.reason
