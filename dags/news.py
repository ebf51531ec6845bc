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

from airflow.sdk import dag
from treatywatch_dags.common import DAG_ARGS, NEWS_ACCEPTED_LOAD
from treatywatch_dags.loads import load_tasks


@dag(
    dag_id="news",
    schedule="0 3 * * *",
    tags=["treatywatch", "news"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def news():
    """Daily news load."""
    load_tasks(source="news", fetch="news_fetch", parse="news_parse",
               parse_task_id="extract_claims", audit="news_validate", outlet=NEWS_ACCEPTED_LOAD)


news()
