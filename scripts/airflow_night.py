"""Run one TreatyWatch night through Airflow, in one process (called by run.sh).

What the scheduler does for a night: `untc_status` and `news` run, and `warehouse` runs only
when one of their loads signalled its Asset (a load that changed nothing does not). Each DAG
runs as `airflow dags test` runs it -- its tasks in this process, on the SQLite metadata DB --
but the three share one Python process and one metadata-DB check, instead of paying Airflow's
start-up three times over.

Progress goes to the terminal, one line per DAG; each DAG's own log goes to
``<logs>/<dag_id>.log``. A failed DAG prints the operator's message (written by the tasks to
``$TREATYWATCH_FAILURE_NOTE``) or the reason found in its log, and exits 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # explain_failure.py and summary.py, beside this script
LOAD_DAGS = ("untc_status", "news")
# Airflow's start-up (its imports, the in-process execution API's routes for every API version)
# allocates millions of objects that live until the night ends; at the default gen-0 threshold
# (700) the cyclic collector walks them again and again. At 100,000 that start-up took 0.71x
# the time (3.8 s instead of 5.3 s) for 4 MB more memory (benchmarks/airflow_startup_gc.py).
GC_THRESHOLD = (100_000, 50, 100)
WAREHOUSE_DAG = "warehouse"


@contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (file descriptors 1 and 2) to ``path``."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _migrated_marker() -> Path:
    return Path(os.environ["AIRFLOW_HOME"]) / ".treatywatch-migrated"


def _db_revision() -> str | None:
    """The metadata DB's alembic revision (SQLite), read without loading Airflow's migrations."""
    from airflow.configuration import conf

    uri = conf.get("database", "sql_alchemy_conn")
    if not uri.startswith("sqlite:///"):
        return None
    try:
        with sqlite3.connect(uri.removeprefix("sqlite:///")) as con:
            row = con.execute("select version_num from alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def prepare_metadata_db(pool: str) -> None:
    """Migrate the metadata DB when needed, and make sure the DuckDB writer pool exists.

    Loading Airflow's migration scripts to learn that nothing is to do costs seconds, so the
    revision reached by the last migration is remembered with the Airflow version that
    reached it, and the scripts are loaded only when the DB or the version differ.
    """
    import airflow
    from airflow.models.pool import Pool
    from airflow.utils import db

    marker = _migrated_marker()
    revision = _db_revision()
    known = marker.read_text().strip() if marker.exists() else None
    if revision is None or known != f"{airflow.__version__} {revision}":
        db.upgradedb()
        marker.write_text(f"{airflow.__version__} {_db_revision()}\n")
    Pool.create_or_update_pool(pool, 1, "DuckDB single writer", include_deferred=False)


def parse_dags() -> dict[str, Any]:
    """The DAGs of the DAGs folder by id; a file that fails to import stops the night here.

    Recording them in the metadata DB is left to ``dag.test()``, which syncs the DAG's bundle
    itself before it creates the run.
    """
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag

    dags: dict[str, Any] = {}
    for bundle in DagBundlesManager().get_all_dag_bundles():
        bundle.initialize()
        bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path,
                           bundle_name=bundle.name)
        if bag.import_errors:
            raise RuntimeError(import_error_line(bag.import_errors, bundle.path))
        dags.update(bag.dags)
    return dags


def import_error_line(errors: dict[str, str], folder: Path) -> str:
    """One line for DAG files that failed to import: each file and its exception's last line."""
    parts = []
    for file, trace in sorted(errors.items()):
        last = next((ln.strip() for ln in reversed(trace.splitlines()) if ln.strip()), "?")
        path = Path(file)
        name = path.relative_to(folder) if path.is_relative_to(folder) else path
        parts.append(f"{name}: {last}")
    return f"DAG file(s) in {folder} failed to import: {'; '.join(parts)}"


def run_dag(dag: Any, night: date, log: Path) -> Any:
    """``dag.test()`` of one DAG for the night, its output in ``log``; the DagRun."""
    with output_to(log):
        return dag.test(logical_date=datetime(night.year, night.month, night.day, tzinfo=UTC))


def signalled_assets(runs: list[Any]) -> list[str]:
    """Names of the Assets that these DAG runs updated (what would trigger the warehouse)."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(AssetModel.name)
            .join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
            .where(AssetEvent.source_run_id.in_([run.run_id for run in runs]))
        ).all()
    return sorted({row[0] for row in rows})


def explain_failure(dag_id: str, log: Path, out: TextIO) -> None:
    """The operator's message of a failed DAG: the tasks' failure note, else its log's reason."""
    print(f"!! {dag_id} failed. The reason:", file=out)
    note = os.environ.get("TREATYWATCH_FAILURE_NOTE")
    lines = Path(note).read_text(encoding="utf-8").splitlines() if note and Path(note).is_file() \
        else []
    if lines:
        for line in dict.fromkeys(lines):  # retries repeat it
            print(f"  {line}", file=out)
    else:
        from explain_failure import main as explain

        with redirect_stdout(out):
            explain(str(log))
    print(f"!! full log: {log} ; load history: treatywatch loads", file=out)


def main(argv: list[str] | None = None) -> int:
    """Run the night; 0 when every DAG that ran succeeded, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--night", type=date.fromisoformat, required=True)
    parser.add_argument("--logs", type=Path, required=True, help="folder for the DAGs' logs")
    args = parser.parse_args(argv)
    gc.set_threshold(*GC_THRESHOLD)
    args.logs.mkdir(parents=True, exist_ok=True)
    # the terminal, kept aside before the DAGs' output is sent to their logs
    term = os.fdopen(os.dup(1), "w", buffering=1)
    term_err = os.fdopen(os.dup(2), "w", buffering=1)

    try:
        with output_to(args.logs / "airflow.log"):
            from airflow.configuration import conf

            # as Airflow does for the DAG files: their shared package sits in the DAGs folder
            sys.path.insert(0, conf.get("core", "dags_folder"))
            from treatywatch_dags.common import DUCKDB_POOL

            prepare_metadata_db(DUCKDB_POOL)
            dags = parse_dags()
            missing = ", ".join(d for d in (*LOAD_DAGS, WAREHOUSE_DAG) if d not in dags)
            if missing:
                raise RuntimeError(f"no DAG {missing} in {conf.get('core', 'dags_folder')}")
    except Exception as exc:  # no DAG can run: say why in one line
        print(f"!! Airflow could not start: {str(exc).splitlines()[0]}", file=term_err)
        print(f"!! full log: {args.logs / 'airflow.log'}", file=term_err)
        return 1

    runs = []
    for dag_id in (*LOAD_DAGS, WAREHOUSE_DAG):
        if dag_id == WAREHOUSE_DAG:
            assets = signalled_assets(runs)
            if not assets:
                print(f"== {WAREHOUSE_DAG}: not triggered, tonight's loads changed nothing since "
                      "the last build; the publication stays as it is ==", file=term)
                break
            print(f"== {WAREHOUSE_DAG}, triggered by {', '.join(assets)} ==", file=term)
        log = args.logs / f"{dag_id}.log"
        started = time.monotonic()
        try:
            run = run_dag(dags[dag_id], args.night, log)
        except Exception as exc:  # the DAG could not even start: say why in one line
            print(f"!! {dag_id} could not run: {str(exc).splitlines()[0]}", file=term_err)
            print(f"!! full log: {log}", file=term_err)
            return 1
        state = str(getattr(run, "state", "unknown"))
        print(f"{dag_id} {args.night}: {state} in {time.monotonic() - started:.1f} s", file=term)
        if state != "success":
            explain_failure(dag_id, log, term_err)
            return 1
        runs.append(run)
    # what the published warehouse now says (in this process: it has DuckDB loaded already)
    from summary import main as summary

    with redirect_stdout(term):
        summary()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown (Airflow's and GX's exit handlers, thread joins): the
    # night is over, its data committed and its logs flushed.
    os._exit(code)
