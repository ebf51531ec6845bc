"""The guards compare a payload with the treaty's last good one: the latest earlier usable night.

A real DuckDB file; loads and payloads written by the landing code, the parsed header rows the
guard needs inserted directly (the parser is tested on real files elsewhere).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ingestion.http import FetchResult
from ingestion.landing import begin_load, finish_load, land_payload, record_fetch_error
from ingestion.untc.guards import _last_good

URLS = {"XVIII-16": "http://untc.test/XVIII-16.en.xml", "XVIII-14": "http://untc.test/XVIII-14.en.xml"}


def load(con, raw_dir: Path, night: date, bodies: dict[str, bytes | None], status: str) -> str:
    """A UNTC load of ``night`` (None = that fetch failed), settled as ``status``."""
    load_id = begin_load(con, "untc", night, replay_of=None)
    for mtdsg_no, body in bodies.items():
        if body is None:
            record_fetch_error(con, "untc", load_id, URLS[mtdsg_no], "HTTP 503", 503,
                               subject=mtdsg_no)
            continue
        fetched = FetchResult(URLS[mtdsg_no], 200, body, "text/xml", datetime(2026, 11, 1, 2))
        landed = land_payload(con, raw_dir, "untc", load_id, night, fetched, subject=mtdsg_no)
        con.execute(
            "insert into raw.untc_treaties (load_id, sha256, url, mtdsg_no, "
            "has_participants_table) select ?, ?, ?, ?, true where not exists "
            "(select 1 from raw.untc_treaties where sha256 = ?)",
            [load_id, landed.sha256, URLS[mtdsg_no], mtdsg_no, landed.sha256],
        )
    finish_load(con, load_id, status)
    return load_id


def sha_of(con, load_id: str, mtdsg_no: str) -> str:
    return con.execute("select sha256 from raw.fetch_log where load_id = ? and subject = ?",
                       [load_id, mtdsg_no]).fetchone()[0]


def test_last_good_is_the_latest_earlier_usable_night_of_each_url(raw_con, tmp_path) -> None:
    raw = tmp_path / "raw"
    n1, n2, n3, n4, n5 = (date(2026, 11, d) for d in (1, 2, 3, 4, 5))
    load(raw_con, raw, n1, {"XVIII-16": b"<a/>", "XVIII-14": b"<p/>"}, "accepted")
    second = load(raw_con, raw, n2, {"XVIII-16": b"<b/>", "XVIII-14": b"<q/>"}, "accepted")
    load(raw_con, raw, n3, {"XVIII-16": b"<c/>", "XVIII-14": b"<r/>"}, "rejected")
    fourth = load(raw_con, raw, n4, {"XVIII-16": None, "XVIII-14": b"<s/>"}, "partial")
    tonight = load(raw_con, raw, n5, {"XVIII-16": b"<d/>", "XVIII-14": b"<t/>"}, "running")

    last = _last_good(raw_con, tonight, n5)

    # XVIII-16: night 4's fetch failed and night 3 was rejected, so night 2's payload
    assert last[URLS["XVIII-16"]] == (sha_of(raw_con, second, "XVIII-16"), n2)
    # XVIII-14: night 4's partial load did serve it
    assert last[URLS["XVIII-14"]] == (sha_of(raw_con, fourth, "XVIII-14"), n4)
    # judged for night 2 itself, only night 1 is earlier
    assert _last_good(raw_con, second, n2)[URLS["XVIII-16"]][1] == n1
