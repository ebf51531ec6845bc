"""Benchmark: what the publish targets of issue 8 cost, and what readers see meanwhile. Offline.

1. A night (UNTC + warehouse: dbt build, mart gate, publish) with the plain DuckDB file +
   Parquet publication, and the same night with DuckLake on (catalog in the local PostgreSQL):
   wall times and their ratio.
2. PostgreSQL serving of that publication: build and swap times over a few refreshes, while a
   BI-like client runs one two-table query in a loop: how many queries, how many errors, the
   slowest one, and which publications they saw.

    python benchmarks/publish_targets.py      # needs PostgreSQL on 127.0.0.1:5432 (trust auth)

One run, numbers printed; nothing asserted (the tests assert behaviour).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
NIGHTS = [date(2026, 11, 26), date(2026, 11, 27)]
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def fresh_database(name: str) -> str:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    return f"host=127.0.0.1 port=5432 user=postgres dbname={name}"


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")


def run_night(root: Path, night: date, lake_catalog: str | None) -> dict[str, float]:
    """One offline UNTC + warehouse night in ``root``; wall time (s) per phase and in total."""
    from ingestion.pipeline import (
        run_untc_night,
        warehouse_build,
        warehouse_publish,
        warehouse_validate,
    )

    os.environ.update({
        "TREATYWATCH_DATA_DIR": str(root / "data"),
        "TREATYWATCH_WAREHOUSE_DIR": str(root / "warehouse"),
        "TREATYWATCH_SNAPSHOT_DIR": str(REPO / "snapshot"),
        "TREATYWATCH_OFFLINE": "1",
    })
    os.environ.pop("TREATYWATCH_DUCKLAKE_CATALOG", None)
    if lake_catalog:
        os.environ["TREATYWATCH_DUCKLAKE_CATALOG"] = lake_catalog
        os.environ["TREATYWATCH_DUCKLAKE_DATA_PATH"] = str(root / "lake-data")
    times = {}
    start = time.perf_counter()
    run_untc_night(night)
    times["land"] = time.perf_counter() - start
    warehouse_build()
    warehouse_validate(night)
    times["build"] = time.perf_counter() - start - times["land"]
    publish_start = time.perf_counter()
    warehouse_publish(night)
    times["publish"] = time.perf_counter() - publish_start
    times["night"] = time.perf_counter() - start
    return times


def bench_nights(base: Path) -> Path:
    suffix = os.getpid()
    lake_db = f"treatywatch_bench_lake_{suffix}"
    try:
        fresh_database(lake_db)
        catalog = f"postgres:dbname={lake_db} host=127.0.0.1 user=postgres"
        run_night(base / "warmup", NIGHTS[0], None)  # imports, dbt parse cache: not measured
        plain, lake = [], []
        for night in NIGHTS:  # interleaved, so drift on a shared machine hits both alike
            plain.append(run_night(base / "plain", night, None))
            lake.append(run_night(base / "lake", night, catalog))
    finally:
        drop_database(lake_db)
    print("offline watchlist night, seconds (plain = DuckDB file + Parquet; lake = also DuckLake):")
    for i, night in enumerate(NIGHTS):
        p, k = plain[i], lake[i]
        print(f"  {night}: night plain {p['night']:5.1f} lake {k['night']:5.1f} "
              f"(ratio {k['night'] / p['night']:.2f}); publish step plain {p['publish']:4.2f} "
              f"lake {k['publish']:4.2f} (ratio {k['publish'] / p['publish']:.2f})")
    return base / "plain" / "warehouse" / "parquet-nights"


def bench_serving(nights_dir: Path, refreshes: int = 6) -> None:
    from ingestion.serve_postgres import serve

    name = f"treatywatch_bench_serve_{os.getpid()}"
    dsn = fresh_database(name)
    reader = f"tw_bench_reader_{os.getpid()}"
    folders = [nights_dir / n.isoformat() for n in NIGHTS]
    sql = ("select m.logical_date, (select max(as_of_date) from treatywatch.treaty_progress) "
           "from treatywatch.meta_publish m")
    latencies: list[float] = []
    seen: dict[tuple, int] = {}
    errors: list[str] = []
    stop = threading.Event()

    def bi_client() -> None:
        with psycopg.connect(dsn, autocommit=True) as con:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    row = tuple(con.execute(sql).fetchone())
                    seen[row] = seen.get(row, 0) + 1
                except psycopg.Error as exc:
                    errors.append(str(exc).splitlines()[0])
                latencies.append(time.perf_counter() - start)

    try:
        first = serve(dsn, folders[0], reader_role=reader)
        client = threading.Thread(target=bi_client)
        client.start()
        results = [serve(dsn, folders[(i + 1) % 2], reader_role=reader)
                   for i in range(refreshes)]
        stop.set()
        client.join()
    finally:
        stop.set()
        drop_database(name)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f"drop role if exists {reader}")
    builds = [r.build_seconds for r in [first, *results]]
    swaps = [r.swap_seconds * 1000 for r in results]
    print(f"postgres serving ({len(first.tables)} tables), {refreshes} refreshes under a BI loop:")
    print(f"  build: median {statistics.median(builds):.2f} s (max {max(builds):.2f} s); "
          f"swap transaction: median {statistics.median(swaps):.1f} ms (max {max(swaps):.1f} ms)")
    print(f"  BI queries: {len(latencies)}, errors {len(errors)}, median "
          f"{statistics.median(latencies) * 1000:.1f} ms, slowest {max(latencies) * 1000:.1f} ms")
    print("  (night, treaty_progress.as_of_date) pairs seen: "
          + ", ".join(f"{a} / {b}: {n}" for (a, b), n in sorted(seen.items())))
    if errors:
        print(f"  first error: {errors[0]}")


def main() -> None:
    """Run both parts in a throw-away folder and print the numbers."""
    base = Path(tempfile.mkdtemp(prefix="tw-bench-publish-"))
    try:
        nights_dir = bench_nights(base)
        bench_serving(nights_dir)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
