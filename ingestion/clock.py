"""The one clock of TreatyWatch's own timestamps (load rows, publications, alerts, builds)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC timestamp (DuckDB TIMESTAMP carries no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
