"""Warehouse build after every accepted load: dbt build -> audit -> publish -> serve, alert, report.

Triggered by the `untc_accepted_load` or the `news_accepted_load` asset.
dbt builds staging, intermediate and mart models
(and runs its tests) on accepted loads only; the `marts` Great Expectations gate audits the
result; only then are the marts written to a new DuckDB file (and Parquet set) that atomically
replaces `warehouse/treatywatch.duckdb`. Any failure leaves the published warehouse as it was.
After publish, `serve_postgres` copies the publication into PostgreSQL for BI tools (when
TREATYWATCH_SERVE_POSTGRES_DSN is set), `alert` sends new status_changes to subscribers
(config/subscriptions.yml) and `report` writes warehouse/report.html; none can undo the publish.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from treatywatch_dags.common import (
    DAG_ARGS,
    DUCKDB_POOL,
    NEWS_ACCEPTED_LOAD,
    PUBLISHED_WAREHOUSE,
    UNTC_ACCEPTED_LOAD,
    explained_failures,
    night_of,
)


@dag(
    dag_id="warehouse",
    schedule=(UNTC_ACCEPTED_LOAD | NEWS_ACCEPTED_LOAD),
    tags=["treatywatch", "dbt", "publish"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def warehouse():
    """Build, audit and publish the marts."""

    @task(pool=DUCKDB_POOL)
    def dbt_build(**context) -> None:
        from ingestion.pipeline import warehouse_build

        with explained_failures():
            # a night whose inputs did not change skips dbt (ingestion/build_state.py)
            warehouse_build(night=night_of(context))

    @task(pool=DUCKDB_POOL, retries=0)
    def audit_marts(**context) -> str:
        from ingestion.pipeline import warehouse_validate

        with explained_failures():  # rejected marts fail without retries
            return warehouse_validate(night_of(context)).summary()

    @task(pool=DUCKDB_POOL, outlets=[PUBLISHED_WAREHOUSE])
    def publish(**context) -> dict:
        from ingestion.pipeline import warehouse_publish

        with explained_failures():
            result = warehouse_publish(night_of(context))
        return {"published": result.published, "fingerprint": result.fingerprint}

    @task(pool=DUCKDB_POOL)
    def serve_postgres() -> str:
        # skips itself without TREATYWATCH_SERVE_POSTGRES_DSN; reads the publication's Parquet
        from ingestion.pipeline import warehouse_serve

        return warehouse_serve()

    @task(pool=DUCKDB_POOL, retries=0)
    def alert() -> str:
        # delivery failures are recorded in the ledger and retried next run, never raised
        from ingestion.pipeline import warehouse_alert

        return warehouse_alert()

    @task(pool=DUCKDB_POOL)
    def report() -> str:
        from ingestion.pipeline import warehouse_report

        return str(warehouse_report())

    published = dbt_build() >> audit_marts() >> publish()
    published >> serve_postgres()
    published >> alert()
    published >> report()


warehouse()
