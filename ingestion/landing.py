"""Land fetched payloads: content-addressed files plus manifest, fetch log and load rows.

A payload is written once to ``data/raw/<source>/<date>/<sha256>.<ext>`` (the date of the load
that first fetched it). Fetching the same bytes again only adds a fetch-log row. A load's id is
``<source>-<night>``: rerunning a night replaces that night's fetch log and nothing else,
so reruns are idempotent.

A load ends ``accepted`` (every fetch usable), ``partial`` (some fetches failed or some payloads
were quarantined: the rest is used, the failed ones keep their last good state), ``rejected``
(failed its quality gate) or ``failed`` (stopped by an error). It never stays ``running`` after an
exception: `close_if_running` marks it failed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ingestion.clock import utcnow
from ingestion.http import FetchResult

_EXTENSIONS = {"xml": "xml", "json": "json", "html": "html", "rss": "xml", "atom": "xml"}


@dataclass(frozen=True)
class LandedPayload:
    """Where a fetched payload now lives and whether this fetch was its first landing."""

    url: str
    sha256: str
    path: Path
    bytes: int
    http_status: int
    is_new: bool


def load_id_for(source: str, night: date) -> str:
    """The deterministic id of one source's load for one night."""
    return f"{source}-{night.isoformat()}"


def begin_load(
    con: duckdb.DuckDBPyConnection, source: str, night: date, *, replay_of: str | None
) -> str:
    """Open (or reopen, on a rerun) the load of ``source`` for ``night``.

    A rerun clears the load's fetch log and parse errors; payloads and parsed rows stay, since
    they are keyed by content. ``replay_of`` records what recording the load replays (offline,
    `ingestion.replay.describe_replay`), or None for a live fetch; it has no default, so a new
    loader cannot record a replay as live by forgetting it.
    """
    load_id = load_id_for(source, night)
    now = utcnow()
    con.execute("delete from raw.fetch_log where load_id = ?", [load_id])
    con.execute("delete from raw.parse_errors where load_id = ?", [load_id])
    # an upsert by merge, not `on conflict`: a working DuckLake has no keys (raw_schema.py)
    con.execute(
        """
        merge into raw.loads as t
        using (select cast(? as varchar) as load_id, cast(? as varchar) as source,
                      cast(? as date) as logical_date, cast(? as timestamp) as started_at,
                      cast(? as varchar) as replay_of) as s
        on t.load_id = s.load_id
        when matched then update set
            status = 'running', finished_at = null, message = null, validation_json = null,
            n_fetched = null, n_new_payloads = null, n_failed = null,
            replay_of = s.replay_of
        when not matched then insert (load_id, source, logical_date, started_at, status, replay_of)
            values (s.load_id, s.source, s.logical_date, s.started_at, 'running', s.replay_of)
        """,
        [load_id, source, night, now, replay_of],
    )
    return load_id


def finish_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    status: str,
    message: str | None = None,
    validation_json: str | None = None,
) -> None:
    """Set a load's final status (accepted | partial | rejected | failed) and its counts.

    ``n_fetched`` counts usable payloads, ``n_failed`` fetches that gave none or were quarantined.
    """
    con.execute(
        """
        update raw.loads set
            status = ?, message = ?, validation_json = ?, finished_at = ?,
            n_fetched = (
                select count(*) from raw.fetch_log f
                where f.load_id = raw.loads.load_id and f.outcome in ('new', 'unchanged')),
            n_failed = (
                select count(*) from raw.fetch_log f
                where f.load_id = raw.loads.load_id and f.outcome in ('error', 'quarantined')),
            n_new_payloads = (
                select count(*) from raw.manifest m where m.load_id = raw.loads.load_id)
        where load_id = ?
        """,
        [status, message, validation_json, utcnow(), load_id],
    )


def close_if_running(con: duckdb.DuckDBPyConnection, load_id: str, message: str) -> None:
    """After an unexpected error: a load still ``running`` is marked ``failed`` with why."""
    con.execute(
        "update raw.loads set status = 'failed', message = ?, finished_at = ? "
        "where load_id = ? and status = 'running'",
        [message, utcnow(), load_id],
    )


def status_after_gate(con: duckdb.DuckDBPyConnection, load_id: str) -> tuple[str, str]:
    """``accepted``, or ``partial`` with one line per failed or quarantined fetch.

    Called once a load passed its quality gate: what it fetched is usable, but a night that
    did not refresh everything must say so.
    """
    failures = failed_fetches(con, load_id)
    if not failures:
        return "accepted", ""
    lines = [f"{len(failures)} fetch(es) gave no usable payload; they keep their last good state:"]
    lines += [f"  {what}: {outcome}: {reason}" for what, outcome, reason in failures[:20]]
    if len(failures) > 20:
        lines.append(f"  ... and {len(failures) - 20} more (raw.fetch_log)")
    return "partial", "\n".join(lines)


def failed_fetches(con: duckdb.DuckDBPyConnection, load_id: str) -> list[tuple[str, str, str]]:
    """(subject or url, outcome, reason) of every fetch of the load that gave no usable payload."""
    return con.execute(
        """
        select coalesce(subject, url), outcome, coalesce(error, outcome)
        from raw.fetch_log
        where load_id = ? and outcome in ('error', 'quarantined')
        order by 1
        """,
        [load_id],
    ).fetchall()


def _extension(content_type: str | None, url: str) -> str:
    ct = (content_type or "").split(";")[0].strip().lower()
    for key, ext in _EXTENSIONS.items():
        if key in ct:
            return ext
    suffix = Path(url.split("?")[0]).suffix.lstrip(".").lower()
    return suffix if suffix in {"xml", "json", "html", "txt"} else "bin"


def land_payload(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    source: str,
    load_id: str,
    night: date,
    fetched: FetchResult,
    subject: str | None = None,
) -> LandedPayload:
    """Store one fetched payload once by content and record the fetch.

    ``subject`` names what the URL was fetched for (the treaty's MTDSG number for UNTC).
    """
    sha = hashlib.sha256(fetched.content).hexdigest()
    existing = con.execute(
        "select path from raw.manifest where source = ? and sha256 = ? limit 1", [source, sha]
    ).fetchone()
    is_new = existing is None
    if is_new:
        path = raw_dir / source / night.isoformat() / (
            f"{sha}.{_extension(fetched.content_type, fetched.url)}"
        )
        _write_once(path, fetched.content)
    else:
        path = Path(existing[0])
    known_for_url = con.execute(
        "select 1 from raw.manifest where source = ? and url = ? and sha256 = ?",
        [source, fetched.url, sha],
    ).fetchone()
    if known_for_url is None:
        con.execute(
            "insert into raw.manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sha, source, fetched.url, fetched.fetched_at, fetched.status,
             fetched.content_type, len(fetched.content), str(path), load_id],
        )
    con.execute(
        "insert into raw.fetch_log (load_id, source, url, fetched_at, http_status, sha256, "
        "outcome, error, subject) values (?, ?, ?, ?, ?, ?, ?, null, ?)",
        [load_id, source, fetched.url, fetched.fetched_at, fetched.status, sha,
         "new" if is_new else "unchanged", subject],
    )
    return LandedPayload(fetched.url, sha, path, len(fetched.content), fetched.status, is_new)


def record_fetch_error(
    con: duckdb.DuckDBPyConnection,
    source: str,
    load_id: str,
    url: str,
    error: str,
    http_status: int | None = None,
    subject: str | None = None,
) -> None:
    """Log a fetch that produced no usable payload (HTTP error, unreachable, too large)."""
    con.execute(
        "insert into raw.fetch_log (load_id, source, url, fetched_at, http_status, sha256, "
        "outcome, error, subject) values (?, ?, ?, ?, ?, null, 'error', ?, ?)",
        [load_id, source, url, utcnow(), http_status, error, subject],
    )


def _write_once(path: Path, content: bytes) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a payload."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    with open(tmp, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())  # the manifest row that names it must not outlive its bytes
    os.replace(tmp, path)
