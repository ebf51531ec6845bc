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

from airflow.sdk import dag
from treatywatch_dags.common import DAG_ARGS, UNTC_ACCEPTED_LOAD
from treatywatch_dags.loads import load_tasks


@dag(
    dag_id="untc_status",
    schedule="0 2 * * *",
    tags=["treatywatch", "untc"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def untc_status():
    """Nightly UNTC load."""
    load_tasks(source="untc", fetch="untc_fetch", parse="untc_parse", parse_task_id="parse",
               audit="untc_validate", outlet=UNTC_ACCEPTED_LOAD)


untc_status()
