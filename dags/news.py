"""News, daily: feeds + GDELT -> article pages -> land -> extract claims -> audit.

Reads UN News and Google News search feeds (one per watched treaty and alias language) and
the GDELT DOC API, fetches every listed article page, lands each payload content-addressed,
extracts the main text and the claims about watched treaties into `raw` tables, and runs the
`news_load` Great Expectations gate. An accepted load that changed what the marts are built
from updates the `news_accepted_load` asset, which triggers the `warehouse` DAG (a load that
changed nothing skips `signal_change`). A bad feed or page is a failed fetch with its reason in
`raw.fetch_log`, never a failed run. Offline (TREATYWATCH_OFFLINE=1) it replays the snapshot.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingestion.orchestration import (
    DEFAULT_ARGS,
    DUCKDB_POOL,
    NETWORK_RETRIES,
    NETWORK_TIMEOUT,
    NEWS_RAW,
    explained_failures,
    night_of,
    signal_only_on_change,
)


@dag(
    dag_id="news",
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["treatywatch", "news"],
    doc_md=__doc__,
)
def news():
    """Daily news load."""

    @task(pool=DUCKDB_POOL, retries=NETWORK_RETRIES, execution_timeout=NETWORK_TIMEOUT)
    def fetch_and_land(**context) -> str:
        from ingestion.pipeline import news_fetch

        with explained_failures():
            return news_fetch(night_of(context))

    @task(pool=DUCKDB_POOL)
    def extract_claims(load_id: str) -> str:
        from ingestion.pipeline import news_parse

        with explained_failures():
            news_parse(load_id)
        return load_id

    @task(pool=DUCKDB_POOL, retries=0)
    def audit(load_id: str, **context) -> str:
        from ingestion.pipeline import news_validate

        with explained_failures():  # a rejected load fails without retries
            return news_validate(load_id, night_of(context))

    @task(pool=DUCKDB_POOL, retries=0, outlets=[NEWS_RAW])
    def signal_change(gate_summary: str, **context) -> str:
        # the Asset fires only when the load changed what the marts are built from
        return signal_only_on_change("news", context)

    signal_change(audit(extract_claims(fetch_and_land())))


news()
