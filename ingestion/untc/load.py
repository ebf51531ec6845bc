"""UNTC load: fetch every watched treaty's XML, land it, parse new payloads into `raw`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.errors import KnownFailure
from ingestion.failpoints import failpoint
from ingestion.http import FetchFailed, HttpClient, NotInSnapshot, SourceUnreachable
from ingestion.landing import (
    begin_load,
    close_if_running,
    finish_load,
    land_payload,
    record_fetch_error,
)
from ingestion.participants import resolve_participant
from ingestion.untc.models import MtdsgParseError, ParsedTreaty
from ingestion.untc.mtdsg import parse_mtdsg
from ingestion.untc.urls import mtdsg_xml_url
from ingestion.watchlist import Watchlist

SOURCE = "untc"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchSummary:
    """What one night's UNTC fetch did."""

    load_id: str
    requested: int
    landed: int
    new_payloads: int
    errors: int


class NoPayloadFetched(KnownFailure):
    """Not one treaty file of the night could be fetched."""


def fetch_and_land(
    con: duckdb.DuckDBPyConnection,
    client: HttpClient,
    watchlist: Watchlist,
    raw_dir: Path,
    night: date,
    mode: str | None = None,
    night_deadline_s: float | None = None,
    *,
    base_url: str,
    replay_of: str | None = None,
) -> FetchSummary:
    """Fetch every treaty of the watchlist (or catalogue) and land each payload.

    A treaty whose fetch fails (HTTP error, too large, timed out, missing from the offline
    snapshot, or past the night's deadline) is logged in ``raw.fetch_log`` with its reason and
    skipped: it keeps its last accepted state and the load will be ``partial``. An unreachable
    host stops the load at once with a message naming the host. The load never stays
    ``running``: any other error marks it failed before it propagates. ``base_url`` is
    UNTC's (Settings.untc_base_url); ``replay_of`` says what an offline night replays.
    """
    load_id = begin_load(con, SOURCE, night, replay_of=replay_of)
    try:
        return _fetch_all(con, client, watchlist, raw_dir, night, mode,
                          load_id, night_deadline_s, base_url)
    except BaseException as exc:
        close_if_running(con, load_id, f"fetch stopped: {exc}")
        raise


def _fetch_all(
    con: duckdb.DuckDBPyConnection,
    client: HttpClient,
    watchlist: Watchlist,
    raw_dir: Path,
    night: date,
    mode: str | None,
    load_id: str,
    night_deadline_s: float | None,
    base_url: str,
) -> FetchSummary:
    _record_watchlist(con, load_id, watchlist)
    numbers = watchlist.mtdsg_numbers(mode)
    stop_at = None if night_deadline_s is None else time.monotonic() + night_deadline_s
    landed = new = errors = 0
    for mtdsg_no in numbers:
        url = mtdsg_xml_url(mtdsg_no, base_url)
        left = None if stop_at is None else stop_at - time.monotonic()
        if left is not None and left <= 0:
            record_fetch_error(con, SOURCE, load_id, url,
                               "not fetched: the night's fetch deadline was reached",
                               subject=mtdsg_no)
            errors += 1
            continue
        try:
            fetched = client.get(url, deadline_s=left)
        except NotInSnapshot as exc:
            record_fetch_error(con, SOURCE, load_id, url, str(exc), subject=mtdsg_no)
            errors += 1
            continue
        except SourceUnreachable as exc:
            record_fetch_error(con, SOURCE, load_id, url, str(exc), subject=mtdsg_no)
            finish_load(con, load_id, "failed", str(exc))
            raise
        except FetchFailed as exc:
            record_fetch_error(con, SOURCE, load_id, url, str(exc), subject=mtdsg_no)
            errors += 1
            continue
        if not fetched.ok:
            record_fetch_error(con, SOURCE, load_id, url, f"HTTP {fetched.status}",
                               fetched.status, subject=mtdsg_no)
            errors += 1
            continue
        payload = land_payload(con, raw_dir, SOURCE, load_id, night, fetched,
                               subject=mtdsg_no)
        landed += 1
        new += payload.is_new
    if landed == 0:
        message = f"UNTC load {load_id}: none of {len(numbers)} treaty files could be fetched"
        finish_load(con, load_id, "failed", message)
        raise NoPayloadFetched(message)
    log.info("UNTC %s: %d fetched, %d new payloads, %d errors", load_id, landed, new, errors)
    return FetchSummary(load_id, len(numbers), landed, new, errors)


def _record_watchlist(con: duckdb.DuckDBPyConnection, load_id: str, watchlist: Watchlist) -> None:
    con.execute("delete from raw.watchlist where load_id = ?", [load_id])
    rows = [
        (load_id, t.treaty_id, t.mtdsg_no, t.short_name, t.eif_threshold, t.eif_lag_days,
         list(t.eif_counted_actions), t.eif_regional_org_counts, t.opened_for_signature_on)
        for t in watchlist.treaties
    ]
    if rows:
        con.executemany("insert into raw.watchlist values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def parse_load(con: duckdb.DuckDBPyConnection, load_id: str) -> int:
    """Parse this load's payloads not parsed before; record participants' ISO mapping.

    Returns the number of payloads parsed now. Each payload's rows and its header row (the
    "parsed" marker) commit in one transaction, so a crash leaves a payload either wholly parsed
    or not at all, and the rerun parses what is missing. Unparseable payloads go to
    ``raw.parse_errors`` (validation then rejects the load) and never stop the others.
    """
    con.execute("delete from raw.parse_errors where load_id = ?", [load_id])
    pending = con.execute(
        """
        select distinct f.url, f.sha256, m.path
        from raw.fetch_log f
        join raw.manifest m on m.source = f.source and m.sha256 = f.sha256
        where f.load_id = ? and f.sha256 is not null
          and f.sha256 not in (select sha256 from raw.untc_treaties)
        order by f.url
        """,
        [load_id],
    ).fetchall()
    parsed_now = 0
    for url, sha, path in pending:
        try:
            parsed = parse_mtdsg(_read_payload(path), url)
        except MtdsgParseError as exc:
            con.execute(
                "insert into raw.parse_errors values (?, ?, ?, ?, ?)",
                [load_id, SOURCE, url, sha, f"{path}: {exc.reason}"],
            )
            continue
        con.begin()
        try:
            _insert(con, "raw.untc_participant_actions", _action_rows(load_id, sha, parsed))
            failpoint("untc_parse_between_inserts")
            _insert(con, "raw.untc_treaties", [_treaty_row(load_id, sha, url, parsed)])
            con.commit()
        except BaseException:
            con.rollback()
            raise
        parsed_now += 1
    _record_participant_names(con, load_id)
    return parsed_now


def _read_payload(path: str) -> bytes:
    """The landed bytes; a missing or unreadable file is a parse error naming the path."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise MtdsgParseError(path, f"landed payload cannot be read: {exc.strerror}") from exc


def _treaty_row(load_id: str, sha: str, url: str, parsed: ParsedTreaty) -> dict:
    h = parsed.header
    return {
        "load_id": load_id, "sha256": sha, "url": url, "mtdsg_no": h.mtdsg_no,
        "chapter_roman": h.chapter_roman, "chapter_name": h.chapter_name, "title": h.title,
        "conclusion_text": h.conclusion_text, "concluded_place": h.concluded_place,
        "concluded_on": h.concluded_on, "eif_text": h.eif_text, "eif_date": h.eif_date,
        "registration_text": h.registration_text,
        "printed_signatories": h.printed_signatories, "printed_parties": h.printed_parties,
        "status_as_of": h.status_as_of, "has_participants_table": h.has_participants_table,
        "column_headers": list(h.column_headers), "parse_warnings": list(parsed.warnings),
    }


def _action_rows(load_id: str, sha: str, parsed: ParsedTreaty) -> list[dict]:
    return [
        {
            "load_id": load_id, "sha256": sha, "mtdsg_no": a.mtdsg_no,
            "row_number": a.row_number, "participant_raw": a.participant_raw,
            "participant": a.participant, "footnotes": list(a.footnotes),
            "column_number": a.column_number, "column_header": a.column_header,
            "action": a.action, "suffix": a.suffix, "action_date": a.action_date,
            "raw_value": a.raw_value, "bracketed": a.bracketed,
            "effective_date": a.effective_date,
        }
        for a in parsed.actions
    ]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Bulk insert through a DataFrame: DuckDB scans it in one go (executemany is row by row)."""
    if not rows:
        return
    frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB's replacement scan below
    columns = ", ".join(rows[0])
    con.execute(f"insert into {table} ({columns}) select {columns} from frame")


def _record_participant_names(con: duckdb.DuckDBPyConnection, load_id: str) -> None:
    """Resolve every participant name this load's payloads show (pycountry + overrides)."""
    names = [
        r[0]
        for r in con.execute(
            """
            select distinct a.participant
            from raw.untc_participant_actions a
            join raw.fetch_log f on f.sha256 = a.sha256
            where f.load_id = ?
            order by 1
            """,
            [load_id],
        ).fetchall()
    ]
    con.execute("delete from raw.untc_participant_names where load_id = ?", [load_id])
    rows = []
    for name in names:
        ref = resolve_participant(name)
        rows.append({
            "load_id": load_id, "participant": name, "iso3": ref.iso3, "iso2": ref.iso2,
            "english_name": ref.english_name, "participant_type": ref.participant_type,
            "match_method": ref.match_method,
        })
    _insert(con, "raw.untc_participant_names", rows)


__all__ = ["SOURCE", "FetchSummary", "fetch_and_land", "finish_load", "parse_load"]
