"""The delivery ledger, in the working DB: one row per change, subscriber and channel.

A row with status ``delivered`` is never sent again (exactly once per subscriber and channel,
also when a run is retried); ``failed`` rows keep their attempts and last error and are retried
by the next runs.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

LEDGER_DDL = (
    "create schema if not exists alerts",
    """
    create table if not exists alerts.deliveries (
        change_id varchar not null,
        subscriber_id varchar not null,
        channel varchar not null,
        status varchar not null,          -- delivered | failed
        attempts integer not null,
        first_attempt_at timestamp not null,
        last_attempt_at timestamp not null,
        delivered_at timestamp,
        last_error varchar,
        primary key (change_id, subscriber_id, channel)
    )
    """,
)


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ledger table if it does not exist."""
    for statement in LEDGER_DDL:
        con.execute(statement)


def delivered_ids(con: duckdb.DuckDBPyConnection, subscriber_id: str, channel: str) -> set[str]:
    """Change ids already delivered to this subscriber over this channel."""
    rows = con.execute(
        "select change_id from alerts.deliveries "
        "where subscriber_id = ? and channel = ? and status = 'delivered'",
        [subscriber_id, channel],
    ).fetchall()
    return {r[0] for r in rows}


def record(
    con: duckdb.DuckDBPyConnection,
    change_ids: list[str],
    subscriber_id: str,
    channel: str,
    attempts: int,
    at: datetime,
    error: str | None,
) -> None:
    """Add this run's attempts to each change's row (created on the first attempt)."""
    status = "failed" if error else "delivered"
    for change_id in change_ids:
        con.execute(
            """
            insert into alerts.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (change_id, subscriber_id, channel) do update set
                status = excluded.status,
                attempts = alerts.deliveries.attempts + excluded.attempts,
                last_attempt_at = excluded.last_attempt_at,
                delivered_at = excluded.delivered_at,
                last_error = excluded.last_error
            """,
            [
                change_id, subscriber_id, channel, status, attempts, at, at,
                None if error else at, error,
            ],
        )
