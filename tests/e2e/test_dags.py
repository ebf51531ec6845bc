"""The Airflow DAGs end to end: a full offline night through ``dag.test()``.

Their integrity (imports, house rules, timeouts, order, schedule) is checked without running
them in ``tests/unit/test_dag_integrity.py``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
NIGHT = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


@pytest.mark.e2e
def test_offline_night_through_airflow(dagbag, airflow_db, tw_env, snapshot_copy) -> None:
    untc = dagbag.dags["untc_status"].test(logical_date=NIGHT)
    assert untc.state == "success"
    news = dagbag.dags["news"].test(logical_date=NIGHT)
    assert news.state == "success"
    warehouse = dagbag.dags["warehouse"].test(logical_date=NIGHT)
    assert warehouse.state == "success"

    settings = load_settings()
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        progress = con.execute(
            "select signatories, eif_threshold, instruments_remaining from treaty_progress "
            "where mtdsg_no = 'XVIII-16'"
        ).fetchone()
        night = con.execute("select logical_date from meta_publish").fetchone()[0]
        n_articles = con.execute("select count(*) from news_articles").fetchone()[0]
        claims = con.execute(
            "select claim_kind, coalesce(iso3, cast(claim_count as varchar)), tense "
            "from news_claims order by all"
        ).fetchall()
        verdicts = dict(con.execute(
            "select coalesce(iso3, cast(claim_count as varchar)), verdict from claims_vs_record"
        ).fetchall())
    assert progress == (73, 40, 40)
    assert night == date(2026, 11, 26)
    # the news marts: the five seed articles and what they claim, against the record
    assert n_articles == 5
    assert ("count", "65", "past") in claims and ("country_action", "BLR", "past") in claims
    assert verdicts["BLR"] == "confirmed"  # the record shows Belarus's signature
    assert verdicts["65"] == "contradicted"  # 69 had signed on that day
    assert (settings.warehouse_dir / "report.html").stat().st_size > 1_000_000  # plotly inline
    report = (settings.warehouse_dir / "report.html").read_text(encoding="utf-8")
    claims_table = report.split("<table id='claims'>")[1].split("</table>")[0]
    assert "contradicted" in claims_table and "BLR" in claims_table  # news vs the record
    # an offline night replays the recorded snapshot, and the report says so
    assert "id='replay-banner'" in report and "January 2018" in report

    # The same night again through Airflow: no new payload, the published file is untouched.
    digest = hashlib.sha256(settings.published_db.read_bytes()).hexdigest()
    for dag_id in ("untc_status", "news"):
        rerun = dagbag.dags[dag_id].test(logical_date=NIGHT)
        assert rerun.state == "success"
        # nothing changed: the Asset is not signalled, so the scheduler would not run warehouse
        assert rerun.get_task_instance("signal_change").state == "skipped", dag_id
    assert dagbag.dags["warehouse"].test(logical_date=NIGHT).state == "success"
    assert hashlib.sha256(settings.published_db.read_bytes()).hexdigest() == digest
