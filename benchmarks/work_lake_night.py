"""Benchmark: one offline night on the working DuckDB file against the same night in DuckLake.

Runs the offline night (UNTC fetch/parse/audit, news fetch/extract/audit, dbt build, mart
gate, publish: the pipeline functions the DAGs call) and then its rerun, once in file mode and
once in lake mode (a fresh PostgreSQL catalog database on ``--pg``, data files in a temporary
folder), each mode in a fresh Python process of its own (both pay the same imports), on the
same machine, and prints the wall time of every step side by side. The catalog database is
dropped at the end.

    python benchmarks/work_lake_night.py [--night 2026-11-26] [--pg "host=127.0.0.1 user=postgres"]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parents[1]
STEPS = ("untc_fetch", "untc_parse", "untc_validate", "news_fetch", "news_parse",
         "news_validate", "warehouse_build", "warehouse_validate", "warehouse_publish")


def timed_night(night: date) -> dict[str, float]:
    """Run the night step by step (settings from the environment); seconds per step."""
    from ingestion import pipeline

    times: dict[str, float] = {}

    def step(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = fn(*args)
        times[name] = time.perf_counter() - started
        return result

    untc = step("untc_fetch", pipeline.untc_fetch, night)
    step("untc_parse", pipeline.untc_parse, untc)
    step("untc_validate", pipeline.untc_validate, untc, night)
    news = step("news_fetch", pipeline.news_fetch, night)
    step("news_parse", pipeline.news_parse, news)
    step("news_validate", pipeline.news_validate, news, night)
    step("warehouse_build", pipeline.warehouse_build, None, night)
    step("warehouse_validate", pipeline.warehouse_validate, night)
    step("warehouse_publish", pipeline.warehouse_publish, night)
    return times


def child(night: date) -> None:
    """One mode (from the environment): the night, then its rerun; JSON on stdout."""
    logging.basicConfig(level=logging.WARNING)
    first = timed_night(night)
    print(json.dumps({"night": first, "rerun": timed_night(night)}))


def main() -> None:
    """Parse arguments, run both modes, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--night", type=date.fromisoformat, default=date(2026, 11, 26))
    parser.add_argument("--pg", default="host=127.0.0.1 port=5432 user=postgres",
                        help="libpq connection string of the PostgreSQL server (no dbname)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.night)
        return
    root = Path(tempfile.mkdtemp(prefix="tw-lake-bench-"))
    catalog = f"tw_lake_bench_{secrets.token_hex(4)}"
    shutil.copytree(REPO / "snapshot", root / "snapshot")
    base = {**os.environ, "TREATYWATCH_OFFLINE": "1", "TQDM_DISABLE": "1",
            "TREATYWATCH_SNAPSHOT_DIR": str(root / "snapshot")}
    results: dict[str, dict[str, float]] = {}
    with psycopg.connect(f"{args.pg} dbname=postgres", autocommit=True) as admin:
        admin.execute(f"create database {catalog}")
    try:
        for mode in ("file", "lake"):
            env = {**base, "TREATYWATCH_DATA_DIR": str(root / mode / "data"),
                   "TREATYWATCH_WAREHOUSE_DIR": str(root / mode / "warehouse")}
            if mode == "lake":
                env["TREATYWATCH_WORK_CATALOG"] = f"postgres:{args.pg} dbname={catalog}"
                env["TREATYWATCH_WORK_DATA_PATH"] = str(root / "lake-data")
            proc = subprocess.run(
                [sys.executable, __file__, "--child", "--night", args.night.isoformat()],
                env=env, capture_output=True, text=True, cwd=REPO)
            if proc.returncode != 0:
                raise SystemExit(f"{mode} night failed:\n{proc.stderr[-3000:]}")
            runs = json.loads(proc.stdout.strip().splitlines()[-1])
            results[mode], results[f"{mode} rerun"] = runs["night"], runs["rerun"]
    finally:
        with psycopg.connect(f"{args.pg} dbname=postgres", autocommit=True) as admin:
            admin.execute(f"drop database if exists {catalog} with (force)")
        shutil.rmtree(root, ignore_errors=True)
    columns = list(results)
    print(f"one offline night ({args.night}), seconds per step; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'step':<20}" + "".join(f"{c:>12}" for c in columns))
    for name in STEPS:
        print(f"{name:<20}" + "".join(f"{results[c][name]:>12.1f}" for c in columns))
    print(f"{'night':<20}" + "".join(f"{sum(results[c].values()):>12.1f}" for c in columns))


if __name__ == "__main__":
    main()
