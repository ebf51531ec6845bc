"""Audit one news load with the `expectations/news_load` suites; accept or reject it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.quality import GateResult, gate_load

GATE = "news_load"


def load_frames(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, pd.DataFrame]:
    """The DataFrames the gate checks: the load's listed items, its pages and their claims."""
    in_load = (
        "select distinct sha256 from raw.fetch_log where load_id = $load and sha256 is not null"
    )
    params = {"load": load_id}
    return {
        "items": con.execute("select * from raw.news_items where load_id = $load", params).df(),
        "articles": con.execute(
            f"select * exclude (body) from raw.news_articles where sha256 in ({in_load})", params
        ).df(),
        "claims": con.execute(
            f"select * from raw.news_claims where sha256 in ({in_load})", params
        ).df(),
        "parse_errors": con.execute(
            "select url, sha256, error from raw.parse_errors where load_id = $load", params
        ).df(),
    }


def validate_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    night: date,
    expectations_dir: Path,
    validations_dir: Path,
) -> GateResult:
    """Run the news gate on the load; accept it or raise LoadRejected."""
    return gate_load(con, load_id, expectations_dir / GATE, load_frames(con, load_id),
                     night, validations_dir)
