"""Shared Airflow pieces of the DAG files: assets, pool, default arguments, the night's date.

Kept out of ``dags/`` so the DAG files stay thin and the scheduler parses nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import Asset

# DuckDB allows one writer process: every task that opens the working DB read-write or swaps the
# published file runs in this pool of size 1 (`airflow pools set duckdb_writer 1 ...`).
DUCKDB_POOL = "duckdb_writer"

UNTC_RAW = Asset(name="untc_accepted_load", uri="treatywatch://raw/untc")
NEWS_RAW = Asset(name="news_accepted_load", uri="treatywatch://raw/news")
WAREHOUSE = Asset(name="published_warehouse", uri="treatywatch://warehouse/treatywatch.duckdb")

# TREATYWATCH_AIRFLOW_RETRIES overrides every task's retries: run.sh sets 0, since a one-shot
# interactive run should fail at once (the HTTP layer has already retried with backoff).
_RETRIES_OVERRIDE = os.environ.get("TREATYWATCH_AIRFLOW_RETRIES")

# No task may run forever: a hung step fails (and retries) instead of holding the DuckDB pool.
# The fetch tasks stop themselves at the night's deadline (TREATYWATCH_NIGHT_DEADLINE_S, 1 h)
# and get a margin over it.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "treatywatch",
    "retries": int(_RETRIES_OVERRIDE) if _RETRIES_OVERRIDE else 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(minutes=30),
}

# Network tasks get more patience than local ones.
NETWORK_RETRIES = int(_RETRIES_OVERRIDE) if _RETRIES_OVERRIDE else 4
NETWORK_TIMEOUT = timedelta(
    seconds=float(os.environ.get("TREATYWATCH_NIGHT_DEADLINE_S") or 3600) + 900
)


def night_of(context: dict[str, Any]) -> date:
    """The night a run stands for: its logical date, or run_after for asset-triggered runs."""
    when = context.get("logical_date")
    if when is None:
        dag_run = context.get("dag_run")
        when = getattr(dag_run, "run_after", None) or context.get("data_interval_end")
    if when is None:
        raise ValueError("run has neither logical_date nor run_after")
    return when.date()


# ./run.sh points this at its run folder: the operator's message of a failed task is written
# there, so the run can print that one message instead of digging it out of Airflow's log.
FAILURE_NOTE_ENV = "TREATYWATCH_FAILURE_NOTE"


@contextmanager
def explained_failures() -> Iterator[None]:
    """Turn TreatyWatch's known failures into what Airflow and the operator need.

    The message is appended to ``$TREATYWATCH_FAILURE_NOTE`` (when set); a data rejection
    fails the task without retries (retrying cannot help), any other known failure (network,
    lock) is re-raised for Airflow's retries.
    """
    from ingestion.errors import DataRejected, KnownFailure

    try:
        yield
    except KnownFailure as exc:
        note = os.environ.get(FAILURE_NOTE_ENV)
        if note:
            with Path(note).open("a", encoding="utf-8") as out:
                out.write(f"{exc}\n")
        if isinstance(exc, DataRejected):
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(str(exc)) from exc
        raise


def signal_only_on_change(source: str, context: dict[str, Any]) -> str:
    """Body of a load DAG's last task, whose outlet is the source's Asset.

    A load that changed nothing the marts are built from skips the task, so no Asset event is
    emitted and the warehouse DAG does not run (the publication stays as it is); otherwise the
    task succeeds with the reason, and the event triggers the warehouse.
    """
    from airflow.sdk.exceptions import AirflowSkipException

    from ingestion.pipeline import warehouse_needed

    night = night_of(context)
    with explained_failures():
        reason = warehouse_needed(source, night)
    if reason is None:
        raise AirflowSkipException(
            f"night {night}: the {source} load changed nothing since the last build; "
            "the warehouse is not triggered"
        )
    return reason
