"""The steps of the nightly pipeline, as plain functions the DAGs (and the CLI) call.

Each step opens the working DuckDB file itself and closes it before returning, so steps can run
in separate Airflow task processes; all steps that write it run in the ``duckdb_writer`` pool.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ingestion import work_lake
from ingestion.build_state import (
    BuildPlan,
    plan_build,
    record_build,
    refresh_night_columns,
)
from ingestion.dbt_runner import dbt_build
from ingestion.errors import DataRejected, KnownFailure
from ingestion.http import HttpClient
from ingestion.landing import close_if_running, load_id_for
from ingestion.locking import exclusive
from ingestion.publish import MARTS_SCHEMA, PublishResult, publish
from ingestion.quality import GateResult, run_gate, write_result
from ingestion.raw_schema import ensure_raw_schema
from ingestion.replay import describe_replay
from ingestion.settings import Settings, load_settings
from ingestion.untc import load as untc_load
from ingestion.untc import validate as untc_gate
from ingestion.untc.guards import apply_guards
from ingestion.watchlist import load_watchlist

log = logging.getLogger(__name__)
MART_GATE = "marts"


class MartsRejected(DataRejected):
    """The built marts failed their quality gate: nothing is published."""


class WorkDbLocked(KnownFailure):
    """Another process (not a TreatyWatch run holding our lock) has the working DB open."""


class WorkDbVersionMismatch(KnownFailure):
    """The working DB was written by a DuckDB whose storage format this one cannot read."""


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the lock of the steps that write the working DB or the warehouse."""
    with exclusive(settings.lock_path, f"the working data in {settings.data_dir}",
                   settings.lock_wait_s), work_lake.writer_lock(settings, settings.lock_wait_s):
        yield


@contextmanager
def work_db(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-write connection to the working DB (under the writer lock), raw schema in place."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings):
        if work_lake.enabled(settings):  # the working warehouse in DuckLake (work_lake.py)
            with work_lake.connect(settings) as con:
                ensure_raw_schema(con)
                yield con
            return
        try:
            con = duckdb.connect(str(settings.work_db))
        except duckdb.IOException as exc:
            if "version number" in str(exc):
                raise WorkDbVersionMismatch(
                    f"the working database {settings.work_db} was written by another DuckDB "
                    f"version ({str(exc).splitlines()[0]}); this installation pins duckdb "
                    f"{duckdb.__version__}: keep the DuckDB that wrote it, or move the file "
                    "away and start a new history"
                ) from None
            if "lock" not in str(exc).lower():
                raise
            # DuckDB's message names the process; ours says what to do about it.
            detail = str(exc).split("\n")[0]
            raise WorkDbLocked(
                f"the working database {settings.work_db} is open in another process "
                f"({detail}); close that client (analysts read warehouse/treatywatch.duckdb, "
                "never the working DB) and run again"
            ) from None
        try:
            ensure_raw_schema(con)
            yield con
        finally:
            con.close()


def http_client(settings: Settings) -> HttpClient:
    """The HTTP client for this run: live, or replaying the snapshot when offline."""
    return HttpClient(
        offline=settings.offline,
        snapshot_dir=settings.snapshot_dir,
        deadline_s=settings.http_deadline_s,
        max_retry_after_s=settings.max_retry_after_s,
    )


def untc_fetch(night: date, settings: Settings | None = None) -> str:
    """Fetch and land the night's UNTC payloads; return the load id."""
    settings = settings or load_settings()
    watchlist = load_watchlist(settings.watchlist_path)
    client = http_client(settings)
    try:
        with work_db(settings) as con:
            summary = untc_load.fetch_and_land(
                con, client, watchlist, settings.raw_dir, night, settings.watchlist_mode,
                night_deadline_s=settings.night_deadline_s,
                base_url=settings.untc_base_url,
                replay_of=describe_replay(settings),
            )
    finally:
        client.close()
    log.info("%s", summary)
    return summary.load_id


def untc_parse(load_id: str, settings: Settings | None = None) -> int:
    """Parse the load's new payloads into raw tables; return how many were parsed."""
    settings = settings or load_settings()
    with work_db(settings) as con, _failing_load_on_error(con, load_id, "parse"):
        return untc_load.parse_load(con, load_id)


def untc_validate(load_id: str, night: date, settings: Settings | None = None) -> str:
    """Quarantine payloads that fail a semantic guard, then run the load gate.

    Returns the gate's summary (plus what was quarantined) or raises LoadRejected.
    """
    settings = settings or load_settings()
    with work_db(settings) as con, _failing_load_on_error(con, load_id, "audit"):
        held = apply_guards(
            con, load_id, night,
            settings.guard_max_removed_actions, settings.guard_max_removed_share,
        )
        for q in held:
            log.warning("quarantined %s (%s): %s", q.mtdsg_no, q.sha256[:12], q.reason)
        result = untc_gate.validate_load(
            con, load_id, night, settings.expectations_dir, settings.validations_dir
        )
    return result.summary() + "".join(f"\nquarantined {q.mtdsg_no}: {q.reason}" for q in held)


@contextmanager
def _failing_load_on_error(
    con: duckdb.DuckDBPyConnection, load_id: str, step: str
) -> Iterator[None]:
    """A load must never stay ``running``: an error in a step marks it failed, then re-raises."""
    try:
        yield
    except BaseException as exc:
        close_if_running(con, load_id, f"{step} stopped: {str(exc).splitlines()[0][:500]}")
        raise


def warehouse_build(settings: Settings | None = None, night: date | None = None) -> str:
    """dbt build (seeds, models, tests) on the accepted loads -- unless nothing changed.

    With the night given, a night whose inputs equal the last build's apart from the night
    only moves the marts' as-of columns (ingestion/build_state.py) and says so in one line;
    a changed dbt project forces a full refresh of the incremental models. Returns dbt's
    output, or that line.
    """
    settings = settings or load_settings()
    with work_db(settings):
        pass  # make sure the raw schema exists even before the first load
    with writer_lock(settings):
        if night is None or settings.always_build:
            plan = BuildPlan("dbt", night or date.today(), "build requested")
        else:
            with work_lake.connect(settings) as con:
                plan = plan_build(con, settings, night)
        if plan.action == "refresh_night" and plan.built_night is not None:
            with work_lake.connect(settings) as con:
                refresh_night_columns(con, plan.built_night, plan.night)
                record_build(con, settings, plan, plan.night)
            output = (f"night {plan.night}: {plan.reason}; dbt build skipped, the marts' "
                      f"as-of night moved from {plan.built_night} to {plan.night}")
        elif plan.action == "unchanged":
            output = f"night {plan.night}: {plan.reason}; dbt build skipped"
        else:
            output = dbt_build(settings, full_refresh=plan.action == "dbt_full_refresh")
            with work_lake.connect(settings) as con:
                record_build(con, settings, plan, marts_night(con))
            output += f"\n(dbt ran: {plan.reason})"
        log.info("%s", output.splitlines()[0] if plan.action in SKIPS else plan.reason)
        return output


SKIPS = ("refresh_night", "unchanged")


def warehouse_needed(source: str, night: date, settings: Settings | None = None) -> str | None:
    """Why tonight's load of ``source`` needs a warehouse build, or None when it changed nothing.

    Asked after the load's gate, before its Asset is signalled: a load whose payloads and fetch
    outcomes are those of the last built night (and no official date falls in between) changes
    no mart, so the warehouse does not run and the publication stays as it is.
    """
    settings = settings or load_settings()
    if settings.always_build:
        return "build requested (TREATYWATCH_ALWAYS_BUILD)"
    with work_db(settings) as con:
        plan = plan_build(con, settings, night, source=source)
    if plan.action in SKIPS:
        log.info("night %s: the %s load changed nothing since night %s; the warehouse is not "
                 "triggered", night, source, plan.built_night)
        return None
    return plan.reason


def marts_night(con: duckdb.DuckDBPyConnection) -> date:
    """The night the built marts stand for: the latest night of a readable UNTC load."""
    return con.execute(
        "select max(logical_date) from raw.loads "
        "where status in ('accepted', 'partial') and source = 'untc'"
    ).fetchone()[0] or date.today()


def mart_frames(con: duckdb.DuckDBPyConnection, suites_dir: Path) -> dict:
    """Every mart that has a suite, as a DataFrame."""
    return {
        path.stem: con.execute(f"select * from {MARTS_SCHEMA}.{path.stem}").df()
        for path in sorted(suites_dir.glob("*.json"))
    }


def current_night(con: duckdb.DuckDBPyConnection, night: date) -> date:
    """The night the marts stand for: the latest night of a readable load, or this run's.

    A backfill of an older night rebuilds the marts, but "current" stays the latest night.
    """
    latest = con.execute(
        "select max(logical_date) from raw.loads where status in ('accepted', 'partial')"
    ).fetchone()[0]
    return max(night, latest) if latest else night


def warehouse_validate(night: date, settings: Settings | None = None) -> GateResult:
    """Run the mart gate on the freshly built marts; raise MartsRejected when it fails."""
    settings = settings or load_settings()
    suites = settings.expectations_dir / MART_GATE
    with work_lake.connect(settings, read_only=True) as con:
        frames = mart_frames(con, suites)
        night = current_night(con, night)
    result = run_gate(suites, frames, parameters={"logical_date": pd.Timestamp(night)})
    out = settings.validations_dir / f"marts-{night.isoformat()}.json"
    write_result(result, out)
    if not result.success:
        raise MartsRejected(
            f"marts rejected by quality gate, nothing published (result in {out}):\n"
            f"{result.summary()}"
        )
    return result


def warehouse_publish(night: date, settings: Settings | None = None) -> PublishResult:
    """Swap the validated marts into the published warehouse."""
    settings = settings or load_settings()
    with writer_lock(settings):
        with work_lake.connect(settings, read_only=True) as con:
            night = current_night(con, night)
        result = publish(settings, night)
    log.info(
        "%s %s (%d tables, fingerprint %s)",
        "published" if result.published else "unchanged, not republished",
        result.path, len(result.tables), result.fingerprint[:12],
    )
    return result


def warehouse_serve(settings: Settings | None = None) -> str:
    """Copy the current publication into PostgreSQL for BI tools, when a DSN is configured.

    Runs after publish from the publication's own Parquet files (never the DuckDB file), so a
    failure here leaves both the DuckDB publication and the served schema as they were; the
    retry or the next night serves again (a served publication is not copied twice).
    """
    from ingestion.publish import published_state
    from ingestion.serve_postgres import serve

    settings = settings or load_settings()
    if not settings.serve_postgres_dsn:
        return "postgres serving not configured (TREATYWATCH_SERVE_POSTGRES_DSN)"
    state = published_state(settings)
    if not state:
        raise RuntimeError(f"nothing published yet in {settings.warehouse_dir}")
    result = serve(
        settings.serve_postgres_dsn,
        settings.warehouse_dir / state["parquet_night"],
        schema=settings.serve_postgres_schema,
        reader_role=settings.serve_postgres_reader_role,
    )
    if not result.served:
        return f"postgres schema {result.schema} already serves this publication"
    summary = (f"postgres schema {result.schema} now serves night {state['logical_date']} "
               f"({len(result.tables)} tables; build {result.build_seconds:.1f} s, "
               f"swap {result.swap_seconds * 1000:.0f} ms)")
    log.info(summary)
    return summary


def run_untc_night(night: date, settings: Settings | None = None) -> str:
    """fetch -> land -> parse -> validate, without Airflow (CLI and benchmarks)."""
    settings = settings or load_settings()
    load_id = untc_fetch(night, settings)
    untc_parse(load_id, settings)
    untc_validate(load_id, night, settings)
    return load_id


def run_warehouse_night(night: date, settings: Settings | None = None) -> PublishResult:
    """dbt build -> mart gate -> publish, without Airflow."""
    settings = settings or load_settings()
    warehouse_build(settings, night)
    warehouse_validate(night, settings)
    return warehouse_publish(night, settings)


# --- News (ingestion/news): fetch -> land -> extract -> audit --------------------------------


def news_fetch(night: date, settings: Settings | None = None) -> str:
    """Fetch feeds, GDELT and article pages; land them; return the load id."""
    from ingestion.news import gdelt
    from ingestion.news import load as news_load

    settings = settings or load_settings()
    watchlist = load_watchlist(settings.watchlist_path)
    interval = settings.gdelt_interval_s
    if interval is None:  # offline replay has no rate limit to respect
        interval = 0.0 if settings.offline else gdelt.MIN_INTERVAL_S
    client = http_client(settings)
    load_id = load_id_for(news_load.SOURCE, night)
    try:
        with work_db(settings) as con, _failing_load_on_error(con, load_id, "fetch"):
            summary = news_load.fetch_and_land(
                con, client, watchlist, settings.raw_dir, night, interval,
                replay_of=describe_replay(settings),
            )
    finally:
        client.close()
    return summary.load_id


def news_parse(load_id: str, settings: Settings | None = None) -> int:
    """Extract text and claims of the load's new article pages; return how many."""
    from ingestion.news import load as news_load

    settings = settings or load_settings()
    watchlist = load_watchlist(settings.watchlist_path)
    with work_db(settings) as con, _failing_load_on_error(con, load_id, "extract"):
        return news_load.parse_load(con, load_id, watchlist)


def news_validate(load_id: str, night: date, settings: Settings | None = None) -> str:
    """Run the news load gate; return its summary or raise LoadRejected."""
    from ingestion.news import validate as news_gate

    settings = settings or load_settings()
    with work_db(settings) as con, _failing_load_on_error(con, load_id, "audit"):
        result = news_gate.validate_load(
            con, load_id, night, settings.expectations_dir, settings.validations_dir
        )
    return result.summary()


def run_news_night(night: date, settings: Settings | None = None) -> str:
    """fetch -> land -> extract -> validate the night's news, without Airflow."""
    settings = settings or load_settings()
    load_id = news_fetch(night, settings)
    news_parse(load_id, settings)
    news_validate(load_id, night, settings)
    return load_id


def warehouse_alert(settings: Settings | None = None) -> str:
    """Deliver new status_changes to subscribers (after publish); return a summary.

    Failed deliveries are recorded in the ledger and retried next run, never raised: the
    publish is done and must stay done. A malformed subscriptions file does raise.
    """
    from ingestion.alerts.deliver import deliver

    settings = settings or load_settings()
    with writer_lock(settings):
        report = deliver(settings)
    log.info("alerts: %s", report.summary())
    return report.summary()


def warehouse_report(settings: Settings | None = None) -> Path:
    """Write warehouse/report.html from the published marts."""
    from ingestion.report.build import build_report

    settings = settings or load_settings()
    path = build_report(settings)
    log.info("report written to %s", path)
    return path
