"""The UNTC night end to end without Airflow: real HTTP, real DuckDB, dbt and GX really run."""

from __future__ import annotations

import hashlib
import re
import socket
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.http import SourceUnreachable
from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.quality import LoadRejected
from ingestion.settings import load_settings

NIGHT = date(2026, 11, 26)
NEXT = date(2026, 11, 27)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(load_settings().published_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def work(sql: str) -> list[tuple]:
    with duckdb.connect(str(load_settings().work_db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def first_night(untc_site):
    run_untc_night(NIGHT)
    result = run_warehouse_night(NIGHT)
    assert result.published
    return untc_site


def test_cybercrime_convention_progress(first_night) -> None:
    row = published(
        "select signatories, parties, counting_instruments, eif_threshold, "
        "instruments_remaining, eif_date, participants_known "
        "from treaty_progress where mtdsg_no = 'XVIII-16'"
    )
    assert row == [(73, 0, 0, 40, 40, None, True)]
    signed = published(
        """
        select p.english_name, a.action_date
        from fct_treaty_actions a join dim_participant p using (participant_id)
        where a.mtdsg_no = 'XVIII-16' and a.action = 'signature' order by 2, 1
        """
    )
    assert len(signed) == 73
    assert signed[-1][1] == date(2025, 11, 19)  # Mauritius, the one signature after Hanoi
    eu = published(
        "select participant_type, iso3 from dim_participant where untc_name = 'European Union'"
    )
    assert eu == [("regional_organisation", None)]


def test_treaty_without_participant_table_is_unknown_not_zero(first_night) -> None:
    rows = published(
        "select mtdsg_no, participants_known, parties, signatories, instruments_remaining "
        "from treaty_progress where mtdsg_no in ('XVIII-12', 'XVIII-14') order by 1"
    )
    assert rows == [("XVIII-12", False, None, None, None), ("XVIII-14", False, None, None, None)]


def test_reconciliation_against_printed_counts(first_night) -> None:
    rows = published(
        "select mtdsg_no, printed_signatories, counted_signatories, printed_parties, "
        "counted_parties from treaty_reconciliation where mtdsg_no in ('XVIII-15', 'XVIII-16') "
        "order by 1"
    )
    assert rows[1] == ("XVIII-16", 73, 73, 0, 0)
    assert rows[0][1] == 115 and rows[0][3] == 113
    assert rows[0][2] is not None and rows[0][4] is not None


def test_parquet_copies_match_the_marts(first_night) -> None:
    settings = load_settings()
    parquet = settings.parquet_dir / "treaty_progress.parquet"
    with duckdb.connect() as con:
        n = con.execute(f"select count(*) from read_parquet('{parquet}')").fetchone()[0]
    assert n == published("select count(*) from treaty_progress")[0][0]


def test_rerun_of_the_same_night_changes_nothing(first_night) -> None:
    settings = load_settings()
    before_db = file_digest(settings.published_db)
    before_raw = sorted(p.name for p in settings.raw_dir.rglob("*.xml"))
    before_rows = work("select count(*) from raw.untc_participant_actions")
    run_untc_night(NIGHT)
    result = run_warehouse_night(NIGHT)
    assert not result.published
    assert file_digest(settings.published_db) == before_db
    assert sorted(p.name for p in settings.raw_dir.rglob("*.xml")) == before_raw
    assert work("select count(*) from raw.untc_participant_actions") == before_rows
    assert work("select count(*), count(distinct load_id) from raw.loads") == [(1, 1)]


def test_corrupted_payload_is_rejected_and_nothing_published(first_night) -> None:
    settings = load_settings()
    before = file_digest(settings.published_db)
    first_night.replace("XVIII-16", lambda body: body[: len(body) // 3])  # truncated download
    with pytest.raises(LoadRejected) as err:
        run_untc_night(NEXT)
    message = str(err.value)
    assert "untc-2026-11-27" in message and "XVIII-16" in message
    assert "parse_errors" in message
    assert work("select status from raw.loads where load_id = 'untc-2026-11-27'") == [
        ("rejected",)
    ]
    kept = work("select count(*) from raw.manifest where load_id = 'untc-2026-11-27'")
    assert kept == [(1,)]  # the bad payload is kept for inspection
    run_warehouse_night(NEXT)  # builds from accepted loads only
    assert file_digest(settings.published_db) == before
    assert published("select signatories from treaty_progress where mtdsg_no = 'XVIII-16'") == [
        (73,)
    ]


def test_future_date_fails_the_gate_naming_the_row(first_night) -> None:
    def sign_in_2099(body: bytes) -> bytes:
        return re.sub(rb"<Entry>19 Nov 2025</Entry>", b"<Entry>19 Nov 2099</Entry>", body)

    first_night.replace("XVIII-16", sign_in_2099)
    with pytest.raises(LoadRejected) as err:
        run_untc_night(NEXT)
    message = str(err.value)
    assert "expect_column_values_to_be_between" in message
    assert "Mauritius" in message


def test_unreachable_untc_fails_with_the_host_name(tw_env, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TREATYWATCH_UNTC_BASE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(SourceUnreachable, match=r"cannot reach 127\.0\.0\.1"):
        run_untc_night(NIGHT)
    assert work("select status from raw.loads") == [("failed",)]
