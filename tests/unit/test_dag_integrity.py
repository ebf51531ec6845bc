"""The Airflow DAGs as the scheduler sees them (DagBag): imports, house rules, timeouts, order,
asset schedule. No DAG runs here; the full offline night through ``dag.test()`` is in
``tests/e2e/test_dags.py``.

Assertions go through the DagBag (task properties, asset *names*), not through Python import
paths, so moving the DAG helpers or renaming their constants does not touch these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dagbag():
    # AIRFLOW_HOME is a throw-away folder set by tests/conftest.py before Airflow is imported.
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dags_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"untc_status", "news", "warehouse"}


def test_dags_follow_the_house_rules(dagbag) -> None:
    for dag in dagbag.dags.values():
        assert dag.catchup is False, dag.dag_id
        assert dag.max_active_runs == 1, dag.dag_id
        for t in dag.tasks:
            assert t.pool == "duckdb_writer", f"{dag.dag_id}.{t.task_id} writes DuckDB"
    fetch = dagbag.dags["untc_status"].get_task("fetch_and_land")
    assert fetch.retries >= 3 and fetch.retry_exponential_backoff
    # the Asset is signalled after the gate, and only when the load changed something
    for dag_id, asset in (("untc_status", "untc_accepted_load"), ("news", "news_accepted_load")):
        signal = dagbag.dags[dag_id].get_task("signal_change")
        assert [a.name for a in signal.outlets] == [asset]
        assert signal.upstream_task_ids == {"audit"}
        assert not dagbag.dags[dag_id].get_task("audit").outlets
    assert dagbag.dags["news"].get_task("fetch_and_land").retries >= 3


def test_no_task_can_run_forever(dagbag) -> None:
    for dag in dagbag.dags.values():
        for t in dag.tasks:
            assert t.execution_timeout is not None, f"{dag.dag_id}.{t.task_id}"
    fetch = dagbag.dags["untc_status"].get_task("fetch_and_land")
    assert fetch.execution_timeout.total_seconds() > 3600  # the night's fetch deadline + margin


def test_alert_and_report_follow_publish(dagbag) -> None:
    warehouse = dagbag.dags["warehouse"]
    for task_id in ("alert", "report"):
        assert warehouse.get_task(task_id).upstream_task_ids == {"publish"}


def test_warehouse_is_scheduled_on_the_untc_and_news_assets(dagbag) -> None:
    schedule = dagbag.dags["warehouse"].timetable.asset_condition
    assert "untc_accepted_load" in repr(schedule)
    assert "news_accepted_load" in repr(schedule)
