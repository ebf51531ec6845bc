"""Benchmark: the whole UNTC corpus ("all treaties" mode) through every stage, offline.

Parses all snapshot files, then runs fetch+land, parse+insert, the load gate, dbt build, the
mart gate and publish on a fresh data folder, and prints per-stage wall times, rows per second
and the ratio of the whole run to DuckDB's own load of the same parsed rows from one Parquet
file (the floor: what it costs just to get these rows into DuckDB).

    python benchmarks/untc_corpus.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
NIGHT = date(2026, 11, 26)


def timed(label: str, fn: Callable[[], object], times: dict[str, float]) -> object:
    """Run fn, record its wall time under label."""
    start = time.perf_counter()
    out = fn()
    times[label] = time.perf_counter() - start
    return out


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="data folder to use and keep")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="tw-bench-"))
    os.environ.update(
        TREATYWATCH_DATA_DIR=str(root / "data"),
        TREATYWATCH_WAREHOUSE_DIR=str(root / "warehouse"),
        TREATYWATCH_OFFLINE="1",
        TREATYWATCH_WATCHLIST_MODE="all",
        TQDM_DISABLE="1",
    )
    from ingestion import pipeline
    from ingestion.settings import load_settings
    from ingestion.untc.mtdsg import parse_mtdsg

    settings = load_settings()
    files = sorted((settings.snapshot_dir / "untc").rglob("*.en.xml"))
    times: dict[str, float] = {}

    def parse_only() -> int:
        return sum(len(parse_mtdsg(p.read_bytes(), p.name).actions) for p in files)

    n_actions = timed("parse (in memory)", parse_only, times)
    load_id = timed("fetch + land", lambda: pipeline.untc_fetch(NIGHT, settings), times)
    timed("parse + insert raw", lambda: pipeline.untc_parse(load_id, settings), times)
    timed("load gate (GX)", lambda: pipeline.untc_validate(load_id, NIGHT, settings), times)
    timed("dbt build", lambda: pipeline.warehouse_build(settings), times)
    timed("mart gate (GX)", lambda: pipeline.warehouse_validate(NIGHT, settings), times)
    timed("publish", lambda: pipeline.warehouse_publish(NIGHT, settings), times)
    pipeline_total = sum(v for k, v in times.items() if k != "parse (in memory)")

    # Baseline: DuckDB loading the same parsed rows from one Parquet file.
    parquet = root / "actions.parquet"
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = con.execute("select count(*) from raw.untc_participant_actions").fetchone()[0]
        con.execute(f"copy raw.untc_participant_actions to '{parquet}' (format parquet)")
        fct = con.execute("select count(*) from marts.fct_treaty_actions").fetchone()[0]
    baseline_db = root / "baseline.duckdb"
    with duckdb.connect(str(baseline_db)) as con:
        start = time.perf_counter()
        con.execute(f"create table t as select * from read_parquet('{parquet}')")
        baseline = time.perf_counter() - start

    print(f"corpus: {len(files)} files, {n_actions} parsed actions, {rows} raw rows, "
          f"{fct} rows in fct_treaty_actions")
    print(f"{'stage':<22}{'seconds':>10}{'rows/s':>12}")
    for label, secs in times.items():
        print(f"{label:<22}{secs:>10.2f}{rows / secs:>12.0f}")
    print(f"{'whole pipeline':<22}{pipeline_total:>10.2f}{rows / pipeline_total:>12.0f}")
    print(f"{'duckdb parquet load':<22}{baseline:>10.4f}{rows / baseline:>12.0f}")
    print(f"ratio whole pipeline / duckdb parquet load: {pipeline_total / baseline:.0f}x")
    print(f"ratio parse only / duckdb parquet load: {times['parse (in memory)'] / baseline:.0f}x")
    print(f"data kept in {root}" if args.keep else f"scratch folder {root}")


if __name__ == "__main__":
    main()
