"""The working warehouse in DuckLake (issue 8), on the real local PostgreSQL as its catalog.

Every test gets a PostgreSQL database of its own (created here, dropped after). The nights run
through the same pipeline functions the DAGs call; dbt, GX and the publisher really run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingestion import pipeline, work_lake
from ingestion.alerts import ledger
from ingestion.alerts.ledger import ensure_ledger
from ingestion.locking import Busy
from ingestion.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "snapshot"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
NIGHT, NEXT = date(2026, 11, 26), date(2026, 11, 27)
# Columns that hold the wall-clock time of a run, so two runs of one night differ there and
# nowhere else: when the payload was first fetched, when the publication was written, and the
# publication's fingerprint, a hash over every mart column (first_seen_at included).
WALL_CLOCK = {"first_seen_at", "published_at", "fingerprint"}


@contextmanager
def fresh_catalog() -> Iterator[str]:
    """A fresh PostgreSQL database for the lake's catalog, dropped afterwards."""
    name = f"tw_lake_{secrets.token_hex(6)}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


@pytest.fixture
def catalog_db() -> Iterator[str]:
    """A catalog database of this test's own."""
    with fresh_catalog() as name:
        yield name


def lake_vars(root: Path, catalog_db: str) -> dict[str, str]:
    """The settings of lake mode: catalog, data path and payload store, shared by machines."""
    return {
        "TREATYWATCH_WORK_CATALOG": f"postgres:dbname={catalog_db} host=127.0.0.1 user=postgres",
        "TREATYWATCH_WORK_DATA_PATH": str(root / "work-lake"),
        "TREATYWATCH_RAW_DIR": str(root / "payloads"),
    }


def machine_vars(root: Path, machine: str) -> dict[str, str]:
    """What one machine keeps to itself: data folder (locks, dbt target, GX results), warehouse."""
    return {
        "TREATYWATCH_DATA_DIR": str(root / machine / "data"),
        "TREATYWATCH_WAREHOUSE_DIR": str(root / machine / "warehouse"),
    }


@pytest.fixture
def lake_env(tw_env: Path, snapshot_copy: Path, catalog_db: str,
             monkeypatch: pytest.MonkeyPatch) -> Path:
    """Lake mode on machine "a", offline."""
    for name, value in {**lake_vars(tw_env, catalog_db), **machine_vars(tw_env, "a")}.items():
        monkeypatch.setenv(name, value)
    return tw_env


def run_night(night: date) -> pipeline.PublishResult:
    """One offline night through the pipeline functions: UNTC, news, warehouse."""
    pipeline.run_untc_night(night)
    pipeline.run_news_night(night)
    return pipeline.run_warehouse_night(night)


def checksums(db: Path) -> dict[str, tuple]:
    """Per published table: columns and types, row count, md5 over the rows (order-free),
    leaving out the WALL_CLOCK columns."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for (table,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall():
            cols = con.execute(
                "select column_name, data_type from duckdb_columns() where table_name = ? "
                "order by column_index", [table]).fetchall()
            kept = ", ".join(f'"{c}"' for c, _ in cols if c not in WALL_CLOCK)
            rows = con.execute(
                f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) from "
                f"(select md5(cast(row({kept}) as varchar)) as h from {table})").fetchone()
            out[table] = (cols, rows)
    return out


def working_columns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The tables ingestion creates (raw, pipeline_state, alerts) with their columns."""
    return con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() "
        "and table_schema in ('raw', 'pipeline_state', 'alerts') order by 1, 2, ordinal_position"
    ).fetchall()


def lake_rows(sql: str) -> list[tuple]:
    with work_lake.connect(load_settings(), read_only=True) as con:
        return con.execute(sql).fetchall()


KEYS = {  # the primary keys of the file mode, which the lake cannot declare
    "raw.loads": "load_id",
    "raw.manifest": "source, url, sha256",
    "raw.accepted_changes": "mtdsg_no, sha256",
}


@dataclass
class FirstNight:
    """Night 1 run once for this module: on the working DuckDB file and in the working lake."""

    root: Path
    file_db: Path  # the file night's publication
    file_columns: list[tuple]
    lake: pipeline.PublishResult


@pytest.fixture(scope="module")
def first_night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstNight]:
    """The same offline night on machine "file" (file mode) then on machine "a" (lake mode).

    Module-scoped (two whole nights); the tests using it run in file order: the rerun before
    machine b's next night. Leaves lake mode on machine "a" set.
    """
    root = tmp_path_factory.mktemp("work-lake")
    shutil.copytree(SNAPSHOT, root / "snapshot")
    with fresh_catalog() as catalog, pytest.MonkeyPatch.context() as env:
        env.setenv("TREATYWATCH_SNAPSHOT_DIR", str(root / "snapshot"))
        env.setenv("TREATYWATCH_OFFLINE", "1")
        for name, value in machine_vars(root, "file").items():
            env.setenv(name, value)
        started = time.monotonic()
        assert run_night(NIGHT).published
        file_s = time.monotonic() - started
        file_settings = load_settings()
        with duckdb.connect(str(file_settings.work_db)) as con:
            ensure_ledger(con)
            file_columns = working_columns(con)
        for name, value in {**lake_vars(root, catalog), **machine_vars(root, "a")}.items():
            env.setenv(name, value)
        started = time.monotonic()
        lake = run_night(NIGHT)
        print(f"one offline night: file {file_s:.1f} s, lake {time.monotonic() - started:.1f} s")
        yield FirstNight(root, file_settings.published_db, file_columns, lake)


def test_a_lake_night_publishes_what_a_file_night_does(first_night: FirstNight) -> None:
    """Published marts identical table by table; the working tables have the same columns."""
    assert first_night.lake.published
    settings = load_settings()
    assert settings.work_catalog
    assert not settings.work_db.exists()  # nothing of the working warehouse on this machine
    file_sums, lake_sums = checksums(first_night.file_db), checksums(settings.published_db)
    assert set(lake_sums) == set(file_sums)
    assert len(file_sums) >= 10
    assert {t: s for t, s in lake_sums.items() if s != file_sums[t]} == {}
    assert lake_sums["fct_treaty_actions"][1][0] > 1000
    # The working tables have the same columns and types in the lake (keys aside: see KEYS).
    with work_lake.connect(settings) as con:
        ensure_ledger(con)
        assert working_columns(con) == first_night.file_columns
        # the alert ledger's upsert (a merge) adds attempts to one row per change and channel
        now = datetime(2026, 11, 26, 23, 0)
        ledger.record(con, ["change-1"], "analyst", "webhook", 3, now, "timed out")
        ledger.record(con, ["change-1"], "analyst", "webhook", 1, now, None)
        assert con.execute("select status, attempts, last_error from alerts.deliveries"
                           ).fetchall() == [("delivered", 4, None)]


def test_a_rerun_in_the_lake_changes_nothing(first_night: FirstNight) -> None:
    """The night again: nothing published, and keyed rows stay unique without keys."""
    loads_before = lake_rows("select count(*) from raw.loads")
    rerun = run_night(NIGHT)
    assert not rerun.published
    assert rerun.fingerprint == first_night.lake.fingerprint
    assert lake_rows("select count(*) from raw.loads") == loads_before
    for table, key in KEYS.items():
        assert lake_rows(f"select {key}, count(*) from {table} group by all "
                         "having count(*) > 1") == [], table


MACHINE_B = textwrap.dedent("""
    import json, sys
    from datetime import date
    from ingestion import pipeline
    night = date.fromisoformat(sys.argv[1])
    pipeline.run_untc_night(night)
    pipeline.run_news_night(night)
    build = pipeline.warehouse_build(None, night)
    pipeline.warehouse_validate(night)
    result = pipeline.warehouse_publish(night)
    print(json.dumps({"build": build.splitlines()[0], "published": result.published}))
""")


def test_a_second_machine_continues_the_first_ones_history(first_night: FirstNight) -> None:
    """Machine b (its own data folder and warehouse, the same lake) runs the next night."""
    root = first_night.root
    env = {**os.environ, **machine_vars(root, "b")}
    proc = subprocess.run([sys.executable, "-c", MACHINE_B, NEXT.isoformat()], env=env,
                          capture_output=True, text=True, timeout=900, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["published"]
    # b's plan came from a's build state in the lake: the same inputs, so no dbt run at all.
    assert report["build"].startswith(f"night {NEXT}: nothing changed since night {NIGHT}")
    b_db = root / "b" / "warehouse" / "treatywatch.duckdb"
    with duckdb.connect(str(b_db), read_only=True) as con:
        assert con.execute("select logical_date from meta_publish").fetchall() == [(NEXT,)]
        loads = json.loads(con.execute("select accepted_loads from meta_publish").fetchone()[0])
        assert {load for load, _ in loads} == {
            f"{source}-{night}" for source in ("untc", "news") for night in (NIGHT, NEXT)}
        assert con.execute("select max(as_of_date) from treaty_progress").fetchone()[0] == NEXT
        # history seen by b: every action was first seen on a's night
        assert con.execute("select min(first_seen_on), max(first_seen_on) "
                           "from fct_treaty_actions").fetchone() == (NIGHT, NIGHT)
    assert lake_rows("select count(*) from raw.loads")[0][0] == 4
    # a's working DB file never existed, nor b's: everything went through the catalog
    assert not list(root.glob("[ab]/data/*.duckdb"))


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb
    from ingestion import work_lake
    from ingestion.settings import load_settings
    stop = Path(sys.argv[1])
    con = duckdb.connect()
    work_lake.attach(con, load_settings(), read_only=True)  # long-lived, follows new snapshots
    before = work_lake.latest_snapshot(con)
    print(json.dumps({"before": before}), flush=True)
    while not stop.exists():
        row = con.execute(f'''
            select
                (select count(*) from work.raw.untc_treaties),
                (select count(distinct sha256) from work.raw.untc_participant_actions
                 where sha256 not in (select sha256 from work.raw.untc_treaties)),
                (select count(*) from work.raw.untc_treaties at (version => {before}))
        ''').fetchone()
        print(json.dumps(row), flush=True)
        time.sleep(0.02)
""")


def test_a_reader_during_a_load_sees_whole_transactions(lake_env: Path, tmp_path: Path) -> None:
    """While a load parses its payloads, a reader in another process attached to the lake sees
    each payload's rows all or not at all (header and actions commit together), and the
    snapshot from before the load stays readable as it was."""
    load_id = pipeline.untc_fetch(NIGHT)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(stop)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "before" in json.loads(reader.stdout.readline())
        parsed = pipeline.untc_parse(load_id)
        time.sleep(0.5)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err[-3000:]
    reads = [json.loads(line) for line in out.splitlines()]
    headers = [r[0] for r in reads]
    print(f"reader: {len(reads)} reads during a parse of {parsed} payloads; "
          f"header counts seen {sorted(set(headers))}")
    assert parsed >= 5
    assert all(orphans == 0 for _, orphans, _ in reads)  # never a payload's rows half-committed
    assert all(old == 0 for _, _, old in reads)  # the earlier snapshot still reads as before
    assert headers == sorted(headers) and headers[-1] == parsed  # snapshots only move forward
    assert any(0 < n < parsed for n in headers), "the reader read no snapshot during the load"


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingestion import work_lake
    from ingestion.settings import load_settings
    stop = Path(sys.argv[1])
    with work_lake.writer_lock(load_settings()):
        print("locked", flush=True)
        while not stop.exists():
            time.sleep(0.05)
""")


def test_a_second_writer_is_refused_in_one_line(lake_env: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer lock is PostgreSQL's: a writer on another machine (its own data folder, so
    its own flock) is refused while one holds it, and gets it once the holder is gone."""
    with pipeline.work_db(load_settings()):
        pass  # the lake and its raw schema exist
    stop = tmp_path / "stop"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(stop)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for name, value in machine_vars(lake_env, "b").items():
            monkeypatch.setenv(name, value)
        with pytest.raises(Busy) as refused:
            pipeline.untc_fetch(NIGHT)
    finally:
        stop.touch()
        holder.communicate(timeout=60)
    message = str(refused.value)
    print(message)
    assert "\n" not in message
    assert message.startswith("the working data in work lake postgres:dbname=tw_lake_")
    assert f"in use by another TreatyWatch run (pid {holder.pid} on " in message
    assert lake_rows("select count(*) from raw.loads") == [(0,)]  # the refused writer wrote nothing
    load_id = pipeline.untc_fetch(NIGHT)  # the holder is gone: the lock is free again
    assert lake_rows(f"select status from raw.loads where load_id = '{load_id}'") == [("running",)]
