"""Alert delivery and its ledger (ingestion/alerts/deliver.py, ledger.py): from a tiny published
warehouse to a real local webhook server; exactly once per subscriber and channel, failures
recorded and retried by the next run, never raised."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from tiny_warehouse import NIGHT, build_work_db

from ingestion.alerts.deliver import ATTEMPTS_PER_RUN, deliver
from ingestion.alerts.subscriptions import Subscriber, load_subscriptions
from ingestion.publish import publish
from ingestion.settings import Settings, load_settings

TOKEN = "s3cret"


@pytest.fixture
def warehouse(tw_env: Path) -> Settings:
    """The tiny marts of NIGHT, published: three changes, two of them within the last week."""
    settings = load_settings()
    build_work_db(settings, NIGHT)
    assert publish(settings, NIGHT).published
    return settings


@pytest.fixture
def subscribers(httpserver: HTTPServer, tmp_path: Path, monkeypatch) -> list[Subscriber]:
    """Everything to /hook (token from the environment); Norway's changes only to /nordic."""
    monkeypatch.setenv("TW_TEST_HOOK_TOKEN", TOKEN)
    path = tmp_path / "subscriptions.yml"
    path.write_text(f"""
subscribers:
  - id: all
    webhook: {{url: "{httpserver.url_for('/hook')}", token_env: TW_TEST_HOOK_TOKEN}}
  - id: nordic
    filters: {{participants: [NOR]}}
    webhook: {{url: "{httpserver.url_for('/nordic')}"}}
""", encoding="utf-8")
    return load_subscriptions(path)


def received(httpserver: HTTPServer, path: str) -> list[list[str]]:
    """The change ids of each batch POSTed to ``path``, in order."""
    return [
        [c["change_id"] for c in json.loads(request.get_data())["changes"]]
        for request, _ in httpserver.log
        if request.path == path
    ]


def ledger(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return con.execute(
            "select subscriber_id, change_id, status, attempts, delivered_at is not null, "
            "last_error from alerts.deliveries order by all"
        ).fetchall()


def add_change(settings: Settings, change_id: str) -> None:
    """A further change detected on NIGHT (Viet Nam's ratification corrected)."""
    with duckdb.connect(str(settings.work_db)) as con:
        con.execute(
            "insert into marts.status_changes by name select ? as change_id, "
            "'cybercrime' as treaty_id, 'XVIII-16' as mtdsg_no, 'VNM' as participant_id, "
            "'Viet Nam' as untc_name, 'date_corrected' as change_type, "
            "'ratification' as action, '2026-11-23' as old_value, '2026-11-22' as new_value, "
            "? as detected_on",
            [change_id, NIGHT],
        )


def test_a_change_is_delivered_once(warehouse, subscribers, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_json({"ok": True})
    httpserver.expect_request("/nordic", method="POST").respond_with_json({"ok": True})

    report = deliver(warehouse, subscribers)

    assert report.delivered == {"all/webhook": 2, "nordic/webhook": 1} and not report.failed
    # oldest first; the change of a month ago is outside the week alerts look back on
    assert received(httpserver, "/hook") == [["c-week", "c-new"]]
    assert received(httpserver, "/nordic") == [["c-week"]]
    [(hook_request, _)] = [entry for entry in httpserver.log if entry[0].path == "/hook"]
    assert hook_request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert len(hook_request.headers["Idempotency-Key"]) == 32
    assert ledger(warehouse) == [
        ("all", "c-new", "delivered", 1, True, None),
        ("all", "c-week", "delivered", 1, True, None),
        ("nordic", "c-week", "delivered", 1, True, None),
    ]

    # the same run again (a retried task): nothing is sent
    again = deliver(warehouse, subscribers)
    assert again.delivered == {} and again.summary() == "delivered nothing; failed none"
    assert len(httpserver.log) == 2

    # a new change published later: only it goes out
    add_change(warehouse, "c-corrected")
    assert publish(warehouse, NIGHT).published
    later = deliver(warehouse, subscribers)
    assert later.delivered == {"all/webhook": 1}
    assert received(httpserver, "/hook") == [["c-week", "c-new"], ["c-corrected"]]
    assert len(received(httpserver, "/nordic")) == 1


def test_failed_delivery_is_recorded_and_retried_next_run(
    warehouse, subscribers, httpserver: HTTPServer, monkeypatch
) -> None:
    monkeypatch.setattr("ingestion.alerts.deliver.BACKOFF_SECONDS", 0)
    httpserver.expect_request("/hook").respond_with_data("down for maintenance", status=503)
    httpserver.expect_request("/nordic").respond_with_json({"ok": True})

    report = deliver(warehouse, subscribers)  # no exception: a failed channel is recorded

    assert "503" in report.failed["all/webhook"]
    assert report.delivered == {"nordic/webhook": 1}
    assert len(received(httpserver, "/hook")) == ATTEMPTS_PER_RUN
    rows = [r for r in ledger(warehouse) if r[0] == "all"]
    assert [r[1:5] for r in rows] == [
        ("c-new", "failed", ATTEMPTS_PER_RUN, False),
        ("c-week", "failed", ATTEMPTS_PER_RUN, False),
    ]
    assert all("503" in r[5] for r in rows)

    httpserver.clear_all_handlers()
    httpserver.clear_log()
    httpserver.expect_request("/hook").respond_with_json({"ok": True})

    retry = deliver(warehouse, subscribers)

    assert retry.delivered == {"all/webhook": 2} and not retry.failed
    assert received(httpserver, "/hook") == [["c-week", "c-new"]]
    assert received(httpserver, "/nordic") == []  # delivered the first time
    assert [r for r in ledger(warehouse) if r[0] == "all"] == [
        ("all", "c-new", "delivered", ATTEMPTS_PER_RUN + 1, True, None),
        ("all", "c-week", "delivered", ATTEMPTS_PER_RUN + 1, True, None),
    ]
    assert deliver(warehouse, subscribers).delivered == {}
