"""The delivery ledger, in the working DB: one row per change, subscriber and channel.

A row with status ``delivered`` is never sent again (exactly once per subscriber and channel,
also when a run is retried); ``failed`` rows keep their attempts and last error and are retried
by the next runs.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from ingestion.raw_schema import execute_ddl

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
    """Create the ledger table if it does not exist (without its key in a working DuckLake)."""
    execute_ddl(con, LEDGER_DDL)


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
        # an upsert by merge, not `on conflict`: a working DuckLake has no keys
        con.execute(
            """
            merge into alerts.deliveries as d
            using (select cast(? as varchar) as change_id, cast(? as varchar) as subscriber_id,
                          cast(? as varchar) as channel, cast(? as varchar) as status,
                          cast(? as integer) as attempts,
                          cast(? as timestamp) as first_attempt_at,
                          cast(? as timestamp) as last_attempt_at,
                          cast(? as timestamp) as delivered_at,
                          cast(? as varchar) as last_error) as s
            on d.change_id = s.change_id and d.subscriber_id = s.subscriber_id
                and d.channel = s.channel
            when matched then update set
                status = s.status,
                attempts = d.attempts + s.attempts,
                last_attempt_at = s.last_attempt_at,
                delivered_at = s.delivered_at,
                last_error = s.last_error
            when not matched then insert by name
            """,
            [
                change_id, subscriber_id, channel, status, attempts, at, at,
                None if error else at, error,
            ],
        )
