"""Publish under faults: a client holding the published file, a crash between the two swaps,
temp files of a crashed run. Real processes, real DuckDB files, dbt really runs; the nights
replay the offline snapshot through the real HTTP code."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.failpoints import EXIT_CODE
from ingestion.pipeline import run_untc_night, run_warehouse_night, warehouse_report
from ingestion.publish_files import host_tag
from ingestion.settings import load_settings

NIGHT = date(2026, 11, 26)
NEXT = date(2026, 11, 27)


def published_night(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return str(con.execute("select logical_date from meta_publish").fetchone()[0])


def parquet_night(path: Path) -> str:
    with duckdb.connect() as con:
        return str(con.execute(f"select logical_date from read_parquet('{path}')").fetchone()[0])


@pytest.fixture
def first_night(tw_env, snapshot_copy):
    run_untc_night(NIGHT)
    assert run_warehouse_night(NIGHT).published
    return load_settings()


def test_night_publishes_while_a_client_holds_the_file_read_write(first_night) -> None:
    settings = first_night
    # Another process opens the published file read-write, as the DuckDB CLI does by default,
    # and keeps it open (and locked) until we close its stdin.
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(settings.published_db)!r}, read_only=False)
            print(con.execute("select logical_date from meta_publish").fetchone()[0], flush=True)
            sys.stdin.read()
            print(con.execute("select logical_date from meta_publish").fetchone()[0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == str(NIGHT)
        run_untc_night(NEXT)
        assert run_warehouse_night(NEXT).published
        warehouse_report()  # the steps after publish open the new file, not the held one
    finally:
        out, err = holder.communicate("", timeout=60)
    assert holder.returncode == 0, err
    assert out.strip() == str(NIGHT)  # the holder kept its night until it reconnects
    assert published_night(settings.published_db) == str(NEXT)
    assert parquet_night(settings.parquet_dir / "meta_publish.parquet") == str(NEXT)


def test_crash_between_the_swaps_is_repaired_by_the_rerun(first_night) -> None:
    settings = first_night
    run_untc_night(NEXT)
    crashed = subprocess.run(
        [sys.executable, "-c",
         "from datetime import date; from ingestion.pipeline import run_warehouse_night; "
         f"run_warehouse_night(date.fromisoformat({NEXT.isoformat()!r}))"],
        env={**os.environ, "TREATYWATCH_FAILPOINT": "publish_between_swaps"},
        capture_output=True, text=True, timeout=600,
    )
    assert crashed.returncode == EXIT_CODE, crashed.stderr[-2000:]
    # The split the crash leaves: DuckDB on the new night, Parquet still on the old one,
    # and the crashed run's unfinished Parquet folder lying around.
    assert published_night(settings.published_db) == str(NEXT)
    assert parquet_night(settings.parquet_dir / "meta_publish.parquet") == str(NIGHT)
    nights = settings.warehouse_dir / "parquet-nights"
    leftovers = [p.name for p in nights.iterdir() if ".tmp-" in p.name]
    assert leftovers

    rerun = run_warehouse_night(NEXT)

    assert rerun.published  # not "unchanged": the publication was incomplete
    assert published_night(settings.published_db) == str(NEXT)
    for table in ("meta_publish", "treaty_progress"):
        with duckdb.connect() as con:
            nights_seen = con.execute(
                f"select distinct treatywatch_night from (select decode(value) as "
                f"treatywatch_night from parquet_kv_metadata("
                f"'{settings.parquet_dir / (table + '.parquet')}') "
                f"where decode(key) = 'treatywatch_night')"
            ).fetchall()
        assert nights_seen == [(str(NEXT),)], table
    assert not [p for p in nights.iterdir() if ".tmp-" in p.name]
    assert not run_warehouse_night(NEXT).published  # now complete: the next rerun is a no-op


def test_temp_files_of_crashed_publishes_are_cleaned(first_night) -> None:
    settings = first_night
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    alive = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    try:
        warehouse = settings.warehouse_dir
        stale_db = warehouse / f".treatywatch.duckdb.tmp-{host_tag()}-{dead_pid}"
        stale_wal = warehouse / f".treatywatch.duckdb.tmp-{host_tag()}-{dead_pid}.wal"
        stale_parquet = settings.parquet_dir / f".dim_treaty.parquet.tmp-{host_tag()}-{dead_pid}"
        stale_night = warehouse / "parquet-nights" / f".2026-11-27.tmp-{host_tag()}-{dead_pid}"
        busy_db = warehouse / f".treatywatch.duckdb.tmp-{host_tag()}-{alive.pid}"
        for path in (stale_db, stale_wal, stale_parquet, busy_db):
            path.write_bytes(b"half a file")
        stale_night.mkdir()
        (stale_night / "dim_treaty.parquet").write_bytes(b"half a file")

        run_untc_night(NEXT)
        assert run_warehouse_night(NEXT).published

        for path in (stale_db, stale_wal, stale_parquet, stale_night):
            assert not path.exists(), path
        assert busy_db.exists()  # its process still runs: maybe a publish in progress
    finally:
        alive.communicate(b"", timeout=30)
