"""Deliver the published ``status_changes`` that subscribers have not received yet.

Runs after publish. Reads the changes from the published warehouse (what analysts see), checks
the ledger in the working DB, sends one batch per subscriber and channel with a few retries,
and records the outcome. It never raises for a failed delivery: alerts must not fail (or roll
back) a publish; failures stay in the ledger and are retried by the next run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb

from ingestion.alerts import channels, ledger
from ingestion.alerts.subscriptions import Subscriber, load_subscriptions
from ingestion.clock import utcnow
from ingestion.settings import Settings

log = logging.getLogger(__name__)
ATTEMPTS_PER_RUN = 3
BACKOFF_SECONDS = 0.5
# changes older than this (before the published night) are not sent any more: a new
# subscriber does not get the whole history, a failing channel gives up after a week
LOOKBACK_DAYS = 7

SENDERS: dict[str, Callable[[Any, str, list[dict[str, Any]]], None]] = {
    "webhook": channels.send_webhook,
    "email": channels.send_email,
}


@dataclass
class AlertReport:
    """What one alert run did, per subscriber and channel."""

    delivered: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the task log."""
        return f"delivered {self.delivered or 'nothing'}; failed {self.failed or 'none'}"


def published_changes(published_db: Path) -> list[dict[str, Any]]:
    """Changes of the last LOOKBACK_DAYS nights up to the published night, oldest first."""
    if not published_db.exists():
        return []
    with duckdb.connect(str(published_db), read_only=True) as con:
        night = con.execute("select max(logical_date) from meta_publish").fetchone()[0]
        if night is None:
            return []
        cur = con.execute(
            "select * from status_changes where detected_on > ? and detected_on <= ? "
            "order by detected_on, mtdsg_no, untc_name, change_type, action",
            [night - timedelta(days=LOOKBACK_DAYS), night],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _send_with_retries(
    channel: str, target: Any, subscriber_id: str, batch: list[dict[str, Any]]
) -> tuple[int, str | None]:
    """(attempts made, last error or None)."""
    error = None
    for attempt in range(1, ATTEMPTS_PER_RUN + 1):
        try:
            SENDERS[channel](target, subscriber_id, batch)
            return attempt, None
        except Exception as exc:  # any failure of a channel is recorded, never raised
            error = f"{type(exc).__name__}: {exc}"
            log.warning("alert %s/%s attempt %d failed: %s", subscriber_id, channel, attempt, error)
            if attempt < ATTEMPTS_PER_RUN:
                time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    return ATTEMPTS_PER_RUN, error


def deliver(
    settings: Settings, subscribers: list[Subscriber] | None = None
) -> AlertReport:
    """Send every undelivered change to every subscriber that wants it."""
    if subscribers is None:
        subscribers = load_subscriptions(settings.subscriptions_path)
    report = AlertReport()
    changes = published_changes(settings.published_db)
    if not subscribers or not changes:
        return report
    from ingestion.work_lake import connect

    with connect(settings) as con:  # the working DB file, or the working lake
        ledger.ensure_ledger(con)
        for sub in subscribers:
            wanted = [c for c in changes if sub.wants(c)]
            for channel, target in sub.channels().items():
                done = ledger.delivered_ids(con, sub.id, channel)
                batch = [c for c in wanted if c["change_id"] not in done]
                if not batch:
                    continue
                attempts, error = _send_with_retries(channel, target, sub.id, batch)
                ids = [c["change_id"] for c in batch]
                ledger.record(con, ids, sub.id, channel, attempts, utcnow(), error)
                key = f"{sub.id}/{channel}"
                if error:
                    report.failed[key] = error
                else:
                    report.delivered[key] = len(batch)
    return report
