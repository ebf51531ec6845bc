"""Pool, assets, task arguments, the night of a run, and how a known failure fails a task.

Light at parse time: Airflow and the settings only; ``ingestion.pipeline`` (pandas, DuckDB,
dbt, GX) is imported inside the tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset

from ingestion.settings import load_settings

# Read when the DAG files are parsed: the scheduler, the dag-processor and each task process
# parse them in the installation's environment, so a task runs with the settings it was
# scheduled with.
SETTINGS = load_settings()

# DuckDB allows one writer process: every task that opens the working DB read-write or swaps the
# published file runs in this pool of size 1 (`airflow pools set duckdb_writer 1 ...`).
DUCKDB_POOL = "duckdb_writer"

# An accepted load of each source updates its asset; the warehouse DAG is scheduled on both.
UNTC_ACCEPTED_LOAD = Asset(name="untc_accepted_load", uri="treatywatch://raw/untc")
NEWS_ACCEPTED_LOAD = Asset(name="news_accepted_load", uri="treatywatch://raw/news")
PUBLISHED_WAREHOUSE = Asset(
    name="published_warehouse", uri="treatywatch://warehouse/treatywatch.duckdb"
)


def _retries(default: int) -> int:
    """A task's retries, unless Settings.airflow_retries overrides every task's (run.sh: 0)."""
    return default if SETTINGS.airflow_retries is None else SETTINGS.airflow_retries


# No task may run forever: a hung step fails (and retries) instead of holding the DuckDB pool.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "treatywatch",
    "retries": _retries(2),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(minutes=30),
}

# Network tasks get more patience than local ones. The fetch tasks stop themselves at the
# night's deadline (Settings.night_deadline_s, 1 h) and get a margin over it.
NETWORK_RETRIES = _retries(4)
NETWORK_TIMEOUT = timedelta(seconds=SETTINGS.night_deadline_s + 900)

# The house rules of every TreatyWatch DAG: `@dag(dag_id=..., schedule=..., **DAG_ARGS)`.
DAG_ARGS: dict[str, Any] = {
    "start_date": pendulum.datetime(2026, 1, 1, tz="UTC"),
    "catchup": False,
    "max_active_runs": 1,
    "default_args": DEFAULT_ARGS,
}


def night_of(context: dict[str, Any]) -> date:
    """The night a run stands for: its logical date, or run_after for asset-triggered runs."""
    when = context.get("logical_date")
    if when is None:
        dag_run = context.get("dag_run")
        when = getattr(dag_run, "run_after", None) or context.get("data_interval_end")
    if when is None:
        raise ValueError("run has neither logical_date nor run_after")
    return when.date()


@contextmanager
def explained_failures() -> Iterator[None]:
    """Turn TreatyWatch's known failures into what Airflow and the operator need.

    The message is appended to the failure note (Settings.failure_note, which ./run.sh sets
    and prints); a data rejection fails the task without retries (retrying cannot help), any
    other known failure (network, lock) is re-raised for Airflow's retries.
    """
    from ingestion.errors import DataRejected, KnownFailure

    try:
        yield
    except KnownFailure as exc:
        if SETTINGS.failure_note:
            with SETTINGS.failure_note.open("a", encoding="utf-8") as out:
                out.write(f"{exc}\n")
        if isinstance(exc, DataRejected):
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(str(exc)) from exc
        raise
