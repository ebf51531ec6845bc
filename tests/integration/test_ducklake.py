"""DuckLake publish mode on the real local PostgreSQL catalog (a database of this test's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingestion.ducklake import attach
from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.settings import load_settings

NIGHTS = [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)]
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@pytest.fixture
def lake_env(tw_env: Path, snapshot_copy, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"treatywatch_lake_test_{os.getpid()}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    monkeypatch.setenv("TREATYWATCH_DUCKLAKE_CATALOG",
                       f"postgres:dbname={name} host=127.0.0.1 user=postgres")
    monkeypatch.setenv("TREATYWATCH_DUCKLAKE_DATA_PATH", str(tw_env / "lake-data"))
    yield name
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")


def lake_query(sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        attach(con, load_settings(), read_only=True)
        return con.execute(sql).fetchall()


def test_each_publication_is_one_snapshot_with_as_of(lake_env) -> None:
    run_untc_night(NIGHTS[0])
    assert run_warehouse_night(NIGHTS[0]).published
    first = lake_query("select max(snapshot_id) from lake.snapshots()")[0][0]
    assert lake_query("select logical_date from lake.meta_publish") == [(NIGHTS[0],)]
    assert lake_query("select signatories from lake.treaty_progress "
                      "where mtdsg_no = 'XVIII-16'") == [(73,)]
    [(comment,)] = lake_query("select comment from duckdb_tables() "
                              "where database_name = 'lake' and table_name = 'treaty_progress'")
    assert comment
    # The rerun commits nothing; the next night is one more snapshot.
    assert not run_warehouse_night(NIGHTS[0]).published
    assert lake_query("select max(snapshot_id) from lake.snapshots()")[0][0] == first
    run_untc_night(NIGHTS[1])
    assert run_warehouse_night(NIGHTS[1]).published
    assert lake_query("select max(snapshot_id) from lake.snapshots()")[0][0] == first + 1
    assert lake_query("select logical_date from lake.meta_publish") == [(NIGHTS[1],)]
    # "As of": the previous snapshot still reads the previous night.
    assert lake_query(f"select logical_date from lake.meta_publish at (version => {first})") == [
        (NIGHTS[0],)]
    message = lake_query(f"select commit_message from lake.snapshots() "
                         f"where snapshot_id = {first + 1}")[0][0]
    assert json.loads(message)["night"] == NIGHTS[1].isoformat()


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb
    from ingestion.ducklake import attach
    from ingestion.settings import load_settings
    stop = Path(sys.argv[1])
    con = duckdb.connect()
    attach(con, load_settings(), read_only=True)
    print("ready", flush=True)
    while not stop.exists():
        try:
            row = con.execute(
                "select (select logical_date from lake.meta_publish), "
                "(select max(as_of_date) from lake.treaty_progress), "
                "(select count(*) from lake.fct_treaty_actions)").fetchone()
            print(json.dumps([str(row[0]), str(row[1]), row[2]]), flush=True)
        except Exception as exc:
            print(json.dumps(["error", str(exc).splitlines()[0]]), flush=True)
        time.sleep(0.05)
""")


def test_a_reader_during_writes_sees_whole_snapshots(lake_env, tmp_path) -> None:
    run_untc_night(NIGHTS[0])
    assert run_warehouse_night(NIGHTS[0]).published
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        for night in NIGHTS[1:]:
            run_untc_night(night)
            assert run_warehouse_night(night).published
        time.sleep(1)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and not [r for r in rows if r[0] == "error"], rows[:5]
    # Each read is one snapshot: the night in meta_publish is the night of treaty_progress.
    assert all(night == as_of for night, as_of, _ in rows), [r for r in rows if r[0] != r[1]]
    seen = {night for night, _, _ in rows}
    print(f"reader: {len(rows)} reads, nights seen {sorted(seen)}")
    assert NIGHTS[-1].isoformat() in seen  # a long-lived reader sees new snapshots
