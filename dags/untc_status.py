"""UN Treaty Collection status, nightly: fetch -> land -> parse -> audit.

Fetches the MTDSG XML of every watched treaty (or the whole catalogue in `all` mode), lands each
payload content-addressed, parses new payloads into `raw` tables and runs the `untc_load` Great
Expectations gate. An accepted load that changed what the marts are built from (a new payload, a
fetch outcome, an official date reached; ingestion/build_state.py) updates the
`untc_accepted_load` asset, which triggers the `warehouse` DAG; a load that changed nothing skips
`signal_change`, so the publication stays as it is. A rejected load stays in `raw` marked
rejected and fails this run.
Offline (TREATYWATCH_OFFLINE=1) the same code replays the recorded snapshot.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from ingestion.orchestration import (
    DEFAULT_ARGS,
    DUCKDB_POOL,
    NETWORK_RETRIES,
    NETWORK_TIMEOUT,
    UNTC_RAW,
    explained_failures,
    night_of,
    signal_only_on_change,
)


@dag(
    dag_id="untc_status",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["treatywatch", "untc"],
    doc_md=__doc__,
)
def untc_status():
    """Nightly UNTC load."""

    @task(pool=DUCKDB_POOL, retries=NETWORK_RETRIES, execution_timeout=NETWORK_TIMEOUT)
    def fetch_and_land(**context) -> str:
        from ingestion.pipeline import untc_fetch

        with explained_failures():
            return untc_fetch(night_of(context))

    @task(pool=DUCKDB_POOL)
    def parse(load_id: str) -> str:
        from ingestion.pipeline import untc_parse

        with explained_failures():
            untc_parse(load_id)
        return load_id

    @task(pool=DUCKDB_POOL, retries=0)
    def audit(load_id: str, **context) -> str:
        from ingestion.pipeline import untc_validate

        with explained_failures():  # a rejected load fails without retries
            return untc_validate(load_id, night_of(context))

    @task(pool=DUCKDB_POOL, retries=0, outlets=[UNTC_RAW])
    def signal_change(gate_summary: str, **context) -> str:
        # the Asset fires only when the load changed what the marts are built from
        return signal_only_on_change("untc", context)

    signal_change(audit(parse(fetch_and_land())))


untc_status()
