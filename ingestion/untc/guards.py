"""Semantic guards: payloads that parse and pass the load gate but cannot be tonight's truth.

UNTC serves, now and then, a file that is well-formed and still wrong: the participants table
empty, half the rows gone, another treaty's file at this treaty's URL. Published, such a file
would wipe the treaty's record and alert every subscriber to "removals" that a later night takes
back. So before a load is accepted each new payload is compared with the treaty's last good one
(its payload on the latest earlier night of a usable load) and quarantined when

* its header names another treaty than the URL it was fetched from;
* it has no participant rows where the last good payload had some;
* it would remove more than ``max_removed`` of the last good payload's actions, or more than
  ``max_share`` of them (participants compared by ISO code, so a renamed one removes nothing).

A quarantined fetch is marked ``quarantined`` in ``raw.fetch_log`` with the reason; dbt never
reads it, so the treaty keeps its last good state, nothing of it is published and no alert
goes out; the load ends ``partial``. A person who checked that the change is real accepts it
with ``treatywatch accept-change MTDSG_NO`` (recorded in ``raw.accepted_changes``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.clock import utcnow
from ingestion.participants import resolve_participant

# Fetch outcomes whose payload dbt may read (see dbt_project/macros/accepted_loads.sql).
USABLE_OUTCOMES = ("new", "unchanged", "accepted_change")


@dataclass(frozen=True)
class Quarantined:
    """One payload held back, and why."""

    mtdsg_no: str
    url: str
    sha256: str
    reason: str


def _actions(con: duckdb.DuckDBPyConnection, sha: str) -> Counter:
    rows = con.execute(
        """
        select participant, action, action_date, bracketed
        from raw.untc_participant_actions where sha256 = ?
        """,
        [sha],
    ).fetchall()
    return Counter(
        (resolve_participant(name).iso3 or name, action, day, bracketed)
        for name, action, day, bracketed in rows
    )


def _last_good(
    con: duckdb.DuckDBPyConnection, load_id: str, night: date
) -> dict[str, tuple[str, date]]:
    """For each URL this load fetched: the treaty's payload on the latest earlier night of a
    usable load, with that night. One query for the whole load: asked URL by URL, it cost one
    scan of the fetch log's history per treaty."""
    rows = con.execute(
        f"""
        select f.url, f.sha256, l.logical_date
        from raw.fetch_log f join raw.loads l using (load_id)
        where f.url in (select url from raw.fetch_log where load_id = ?)
          and l.source = 'untc' and l.status in ('accepted', 'partial')
          and l.logical_date < ? and f.outcome in {USABLE_OUTCOMES}
          and f.sha256 in (select sha256 from raw.untc_treaties)
        qualify row_number() over (
            partition by f.url order by l.logical_date desc, f.fetched_at desc
        ) = 1
        """,
        [load_id, night],
    ).fetchall()
    return {url: (sha, day) for url, sha, day in rows}


def _verdict(
    con: duckdb.DuckDBPyConnection, subject: str, sha: str,
    previous: tuple[str, date] | None, max_removed: int, max_share: float,
) -> str | None:
    """Why this payload must be held back, or None when it may be used (``previous``: the
    treaty's last good payload and its night, from ``_last_good``)."""
    header = con.execute(
        "select mtdsg_no from raw.untc_treaties where sha256 = ? limit 1", [sha]
    ).fetchone()
    if header is None:  # not parsed: the load gate rejects it through raw.parse_errors
        return None
    if subject and header[0] != subject:
        return f"the file served at the URL of {subject} is the status of {header[0]}"
    if previous is None or previous[0] == sha:
        return None
    before, now = _actions(con, previous[0]), _actions(con, sha)
    if sum(before.values()) and not now:
        return (f"the payload has no participant rows; the last good one (night "
                f"{previous[1]}) had {sum(before.values())}")
    removed = sum((before - now).values())
    total = sum(before.values())
    if removed > max_removed or (total and removed / total > max_share):
        return (f"the payload would remove {removed} of {total} actions printed on night "
                f"{previous[1]} (limits: {max_removed} actions or {max_share:.0%})")
    return None


def apply_guards(
    con: duckdb.DuckDBPyConnection, load_id: str, night: date,
    max_removed: int = 5, max_share: float = 0.10,
) -> list[Quarantined]:
    """Quarantine this load's payloads that fail a guard; return what was held back."""
    fetched = con.execute(
        """
        select coalesce(subject, ''), url, sha256 from raw.fetch_log
        where load_id = ? and source = 'untc' and outcome in ('new', 'unchanged')
        order by url
        """,
        [load_id],
    ).fetchall()
    accepted = set(con.execute("select mtdsg_no, sha256 from raw.accepted_changes").fetchall())
    last_good = _last_good(con, load_id, night)
    held: list[Quarantined] = []
    for subject, url, sha in fetched:
        if (subject, sha) in accepted:
            continue
        reason = _verdict(con, subject, sha, last_good.get(url), max_removed, max_share)
        if reason is None:
            continue
        con.execute(
            "update raw.fetch_log set outcome = 'quarantined', error = ? "
            "where load_id = ? and url = ? and sha256 = ?",
            [reason, load_id, url, sha],
        )
        held.append(Quarantined(subject or url, url, sha, reason))
    return held


def accept_change(
    con: duckdb.DuckDBPyConnection, mtdsg_no: str, note: str | None = None
) -> Quarantined:
    """Let the latest quarantined payload of ``mtdsg_no`` through; raise LookupError if none.

    The payload's fetches become ``accepted_change`` (so dbt reads them) and the pair is
    recorded in ``raw.accepted_changes`` so that a rerun of the night does not quarantine it
    again. The load's status is recomputed (``accepted`` once nothing else failed).
    """
    row = con.execute(
        """
        select f.url, f.sha256, f.error
        from raw.fetch_log f join raw.loads l using (load_id)
        where f.source = 'untc' and f.outcome = 'quarantined' and f.subject = ?
        order by l.logical_date desc, f.fetched_at desc
        limit 1
        """,
        [mtdsg_no],
    ).fetchone()
    if row is None:
        raise LookupError(f"no quarantined payload of {mtdsg_no}")
    url, sha, reason = row
    # a guarded insert, not `on conflict`: a working DuckLake has no keys (raw_schema.py)
    con.execute(
        "insert into raw.accepted_changes select ?, ?, ?, ?, ? where not exists ("
        "select 1 from raw.accepted_changes where mtdsg_no = ? and sha256 = ?)",
        [mtdsg_no, sha, utcnow(), reason, note, mtdsg_no, sha],
    )
    con.execute(
        "update raw.fetch_log set outcome = 'accepted_change' "
        "where outcome = 'quarantined' and subject = ? and sha256 = ?",
        [mtdsg_no, sha],
    )
    con.execute(
        """
        update raw.loads set status = 'accepted' where status = 'partial' and not exists (
            select 1 from raw.fetch_log f
            where f.load_id = raw.loads.load_id and f.outcome in ('error', 'quarantined'))
        """
    )
    return Quarantined(mtdsg_no, url, sha, reason)
