"""Content-addressed landing in a real DuckDB file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from ingestion.http import FetchResult
from ingestion.landing import begin_load, finish_load, land_payload, record_fetch_error

NIGHT = date(2026, 11, 26)


@pytest.fixture
def con(raw_con):
    return raw_con


def fetched(url: str, body: bytes) -> FetchResult:
    return FetchResult(url, 200, body, "text/xml", datetime(2026, 11, 26, 2, 0))


def test_same_payload_is_stored_once(con, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    first = land_payload(con, raw, "untc", load, NIGHT, fetched("https://x/a.xml", b"<a/>"))
    assert first.is_new and first.path.read_bytes() == b"<a/>"
    assert first.path.parent == raw / "untc" / "2026-11-26"
    assert first.path.name == f"{first.sha256}.xml"

    later = date(2026, 11, 27)
    load2 = begin_load(con, "untc", later, replay_of=None)
    again = land_payload(con, raw, "untc", load2, later, fetched("https://x/a.xml", b"<a/>"))
    assert not again.is_new and again.path == first.path
    assert len(list(raw.rglob("*.xml"))) == 1
    assert con.execute("select count(*) from raw.manifest").fetchone()[0] == 1
    outcomes = con.execute("select outcome from raw.fetch_log order by load_id").fetchall()
    assert outcomes == [("new",), ("unchanged",)]


def test_rerun_of_a_night_replaces_its_fetch_log(con, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for _ in range(2):
        load = begin_load(con, "untc", NIGHT, replay_of=None)
        land_payload(con, raw, "untc", load, NIGHT, fetched("https://x/a.xml", b"<a/>"))
        record_fetch_error(con, "untc", load, "https://x/b.xml", "HTTP 404", 404)
        finish_load(con, load, "accepted")
    assert con.execute("select count(*) from raw.loads").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.fetch_log").fetchone()[0] == 2
    # issue 7: a failed fetch is counted as failed, not as fetched
    row = con.execute(
        "select status, n_fetched, n_failed, n_new_payloads from raw.loads"
    ).fetchone()
    assert row == ("accepted", 1, 1, 1)


def test_changed_payload_is_a_new_file(con, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    load = begin_load(con, "untc", NIGHT, replay_of=None)
    a = land_payload(con, raw, "untc", load, NIGHT, fetched("https://x/a.xml", b"<a/>"))
    b = land_payload(con, raw, "untc", load, NIGHT, fetched("https://x/a.xml", b"<a>2</a>"))
    assert a.sha256 != b.sha256 and b.is_new
    assert con.execute("select count(*) from raw.manifest").fetchone()[0] == 2
