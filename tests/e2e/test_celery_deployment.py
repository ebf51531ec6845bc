"""Airflow the way production runs it (docker-compose.yml without Docker).

Metadata DB on the local PostgreSQL (a database of its own), Redis as the Celery broker, and
api-server, scheduler, dag-processor, triggerer and one Celery worker as separate processes.
The DAGs start paused (as in compose), are unpaused with the CLI, `untc_status` and `news` are
triggered with the CLI, and `warehouse` must then run from their Assets and publish.
Offline snapshot, so no network; the worker consumes a queue of its own, so other users of the
same Redis are not disturbed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb
import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).parent / "airflow")
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
NIGHT = "2026-11-26"
DEADLINE_S = 20 * 60  # two loaded cores; a quiet machine needs a fraction of this


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def metadata_db():
    """A PostgreSQL database of this test run for Airflow's metadata; dropped afterwards."""
    name = f"treatywatch_airflow_test_{os.getpid()}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    yield name
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")


@contextmanager
def service(name: str, args: list[str], env: dict[str, str], logs: Path):
    """Run one Airflow service in its own process group; stop exactly that group afterwards."""
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([AIRFLOW, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def airflow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"airflow {' '.join(args)}:\n{done.stderr[-3000:]}"
    return done.stdout


def log_tails(logs: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2500:]}"
                     for p in sorted(logs.glob("*.log")))


@pytest.mark.e2e
def test_celery_deployment_runs_the_night_from_the_assets(tmp_path, metadata_db) -> None:
    started = time.monotonic()
    port, queue = free_port(), f"treatywatch_test_{os.getpid()}"
    shutil.copytree(REPO / "snapshot", tmp_path / "snapshot")
    logs = tmp_path / "logs"
    logs.mkdir()
    sql_conn = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{metadata_db}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIRFLOW__", "TREATYWATCH_"))}
    env.update({
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_conn,
        "AIRFLOW__CELERY__BROKER_URL": "redis://127.0.0.1:6379/0",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://postgres@127.0.0.1:5432/{metadata_db}",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        "TREATYWATCH_DATA_DIR": str(tmp_path / "data"),
        "TREATYWATCH_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "TREATYWATCH_SNAPSHOT_DIR": str(tmp_path / "snapshot"),
        "TREATYWATCH_OFFLINE": "1",
        "TREATYWATCH_AIRFLOW_RETRIES": "0",
    })
    airflow(env, "db", "migrate")
    airflow(env, "pools", "set", "duckdb_writer", "1", "DuckDB single writer")
    meta = f"host=127.0.0.1 port=5432 user=postgres dbname={metadata_db}"

    with ExitStack() as stack:
        stack.enter_context(service("api-server", [
            "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env, logs))
        stack.enter_context(service("scheduler", ["scheduler", "--skip-serve-logs"], env, logs))
        stack.enter_context(service("dag-processor", ["dag-processor"], env, logs))
        stack.enter_context(service("triggerer", ["triggerer", "--skip-serve-logs"], env, logs))
        stack.enter_context(service("celery-worker", [
            "celery", "worker", "--queues", queue, "--concurrency", "2", "--skip-serve-logs",
            "--without-gossip", "--without-mingle"], env, logs))

        def wait_for(what: str, sql: str, done) -> list[tuple]:
            while True:
                with psycopg.connect(meta) as con:
                    rows = con.execute(sql).fetchall()
                if done(rows):
                    return rows
                if time.monotonic() - started > DEADLINE_S:
                    pytest.fail(f"timed out waiting for {what}; rows: {rows}\n{log_tails(logs)}")
                time.sleep(3)

        wait_for("the dag-processor to parse the DAGs", "select dag_id from dag",
                 lambda rows: {"untc_status", "news", "warehouse"} <= {r[0] for r in rows})
        for dag_id in ("warehouse", "untc_status", "news"):
            airflow(env, "dags", "unpause", dag_id)
        airflow(env, "dags", "trigger", "untc_status", "--logical-date", f"{NIGHT}T02:00:00+00:00")
        airflow(env, "dags", "trigger", "news", "--logical-date", f"{NIGHT}T03:00:00+00:00")

        def night_done(rows: list[tuple]) -> bool:
            if any(state == "failed" for _, _, state in rows):
                return True  # reported below, with the services' logs
            triggered = {("untc_status", "manual", "success"), ("news", "manual", "success")}
            warehouse_ok = any(d == "warehouse" and s == "success" for d, _, s in rows)
            return triggered <= set(rows) and warehouse_ok

        runs = wait_for("the triggered runs and an asset-triggered warehouse run",
                        "select dag_id, run_type, state from dag_run", night_done)
        assert not [r for r in runs if r[2] == "failed"], f"{runs}\n{log_tails(logs)}"
        tasks = wait_for("the warehouse tasks", (
            "select ti.task_id, ti.state, ti.queue, ti.hostname, dr.run_type from task_instance ti "
            "join dag_run dr on dr.dag_id = ti.dag_id and dr.run_id = ti.run_id "
            "where ti.dag_id = 'warehouse' and dr.state = 'success'"), bool)

    elapsed = time.monotonic() - started
    print(f"celery deployment test: {elapsed:.0f} s wall time")
    warehouse_runs = {r[4] for r in tasks}
    assert warehouse_runs == {"asset_triggered"}, warehouse_runs
    publish = [r for r in tasks if r[0] == "publish"]
    assert publish and all(r[1] == "success" and r[2] == queue and r[3] for r in publish), tasks
    published = tmp_path / "warehouse" / "treatywatch.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from treaty_progress").fetchone()[0] > 0
        assert con.execute("select count(*) from meta_publish").fetchone()[0] == 1
