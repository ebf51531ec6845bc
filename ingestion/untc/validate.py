"""Audit one UNTC load with the `expectations/untc_load` suites; accept or reject it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.quality import GateResult, gate_load

GATE = "untc_load"


def load_frames(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, pd.DataFrame]:
    """The DataFrames the gate checks: every payload this load fetched, parsed."""
    # quarantined payloads are gated too: the gate checks everything the night landed
    in_load = (
        "select distinct sha256 from raw.fetch_log where load_id = $load and sha256 is not null"
    )
    params = {"load": load_id}
    treaties = con.execute(
        f"select * from raw.untc_treaties where sha256 in ({in_load})", params
    ).df()
    actions = con.execute(
        f"""
        select a.mtdsg_no, a.row_number, a.participant, a.column_number, a.action, a.suffix,
               a.raw_value, a.bracketed,
               cast(a.action_date as timestamp) as action_date,
               cast(a.effective_date as timestamp) as effective_date,
               cast(t.concluded_on as timestamp) as concluded_on,
               a.mtdsg_no in (
                   select w.mtdsg_no from raw.watchlist w where w.load_id = $load
               ) as is_watched
        from raw.untc_participant_actions a
        join raw.untc_treaties t on t.sha256 = a.sha256
        where a.sha256 in ({in_load})
        """,
        params,
    ).df()
    participants = con.execute(
        f"""
        select distinct mtdsg_no, row_number, participant
        from raw.untc_participant_actions
        where sha256 in ({in_load}) and column_number > 0
        """,
        params,
    ).df()
    names = con.execute(
        "select * from raw.untc_participant_names where load_id = $load", params
    ).df()
    errors = con.execute(
        "select url, sha256, error from raw.parse_errors where load_id = $load", params
    ).df()
    return {
        "treaties": treaties,
        "actions": actions,
        "participants": participants,
        "participant_names": names,
        "parse_errors": errors,
    }


def validate_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    night: date,
    expectations_dir: Path,
    validations_dir: Path,
) -> GateResult:
    """Run the UNTC gate on the load's payloads; accept it or raise LoadRejected."""
    return gate_load(con, load_id, expectations_dir / GATE, load_frames(con, load_id),
                     night, validations_dir)
