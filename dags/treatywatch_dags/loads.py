"""The tasks of one source's nightly load: fetch_and_land -> parse -> audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow.sdk import Asset, task

from treatywatch_dags.common import (
    DUCKDB_POOL,
    NETWORK_RETRIES,
    NETWORK_TIMEOUT,
    explained_failures,
    night_of,
)


def _step(name: str) -> Callable[..., Any]:
    """A step of ``ingestion.pipeline``, imported when the task runs (never at parse time)."""
    from ingestion import pipeline

    return getattr(pipeline, name)


def load_tasks(*, source: str, fetch: str, parse: str, parse_task_id: str, audit: str,
               outlet: Asset) -> None:
    """Add a source's load to the DAG being defined:
    fetch_and_land -> ``parse_task_id`` -> audit -> signal_change.

    ``fetch``, ``parse`` and ``audit`` name the source's steps in ``ingestion.pipeline``:
    ``fetch(night) -> load_id``, ``parse(load_id)``, ``audit(load_id, night) -> summary``.
    The audit task gates the load; a rejected load fails the run without retries. When the
    accepted load changed what the marts are built from, ``signal_change`` updates ``outlet``
    (the asset the warehouse DAG is scheduled on); otherwise it skips itself, so no asset
    event is emitted and the warehouse does not run.
    """

    @task(pool=DUCKDB_POOL, retries=NETWORK_RETRIES, execution_timeout=NETWORK_TIMEOUT)
    def fetch_and_land(**context) -> str:
        with explained_failures():
            return _step(fetch)(night_of(context))

    @task(task_id=parse_task_id, pool=DUCKDB_POOL)
    def parse_load(load_id: str) -> str:
        with explained_failures():
            _step(parse)(load_id)
        return load_id

    @task(task_id="audit", pool=DUCKDB_POOL, retries=0)
    def audit_load(load_id: str, **context) -> str:
        with explained_failures():  # a rejected load fails without retries
            return _step(audit)(load_id, night_of(context))

    @task(pool=DUCKDB_POOL, retries=0, outlets=[outlet])
    def signal_change(gate_summary: str, **context) -> str:
        from airflow.sdk.exceptions import AirflowSkipException

        night = night_of(context)
        with explained_failures():
            reason = _step("warehouse_needed")(source, night)
        if reason is None:
            raise AirflowSkipException(
                f"night {night}: the {source} load changed nothing since the last build; "
                "the warehouse is not triggered"
            )
        return reason

    signal_change(audit_load(parse_load(fetch_and_land())))
