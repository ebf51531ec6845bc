"""The working warehouse in DuckLake (optional): one lake that workers on several machines share.

By default the working warehouse is one DuckDB file per machine (``Settings.work_db``). With
``TREATYWATCH_WORK_CATALOG`` set (a DuckLake catalog, ``postgres:dbname=… host=…``) it lives in a
DuckLake instead: the ``raw`` schema (loads, manifest, fetch log, parsed rows),
``pipeline_state``, the alert ledger and dbt's seeds/staging/intermediate/marts schemas, with
the data files under ``TREATYWATCH_WORK_DATA_PATH`` (a shared folder here; object storage in
production). Every step then opens an in-memory DuckDB, loads the ``ducklake`` and ``postgres``
extensions from their wheels, attaches the lake as ``work`` and uses it, so the same SQL runs
in both modes (DuckLake has no PRIMARY KEY/UNIQUE: see ``raw_schema.without_keys``).

Writers: the file mode's ``flock`` is per machine, so lake mode also takes a PostgreSQL
advisory lock on the catalog database; a second writer anywhere gets the same one-line
"in use by another TreatyWatch run" message. Readers never wait: a DuckLake read sees whole
committed transactions, and a read-only connection opened here reads one snapshot throughout.
Analysts still read the publication, never the working lake: dbt commits each model on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

from ingestion.ducklake import load_extensions, redacted
from ingestion.errors import KnownFailure
from ingestion.locking import Busy
from ingestion.settings import Settings

if TYPE_CHECKING:  # psycopg is imported when a lake lock is taken, not by every night
    import psycopg

WORK = "work"  # the lake's alias: dbt's target database in profiles.yml (target ducklake)
_POSTGRES = "postgres:"
# One advisory lock per catalog database: a fixed 64-bit key derived from a name.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"treatywatch work lake writer").digest()[:8], "big",
                          signed=True)


class WorkLakeError(KnownFailure):
    """The working lake cannot be reached or attached; one line naming the catalog."""


def enabled(settings: Settings) -> bool:
    """Whether the working warehouse lives in a DuckLake (``TREATYWATCH_WORK_CATALOG``)."""
    return bool(settings.work_catalog)


def label(settings: Settings) -> str:
    """The working lake's catalog for messages (no password)."""
    return f"work lake {redacted(settings.work_catalog or '')}"


def _q(text: str) -> str:
    return text.replace("'", "''")


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the working warehouse: the DuckDB file, or the lake attached and in use.

    In lake mode a read-only connection is pinned to the lake's latest snapshot when it was
    opened, so a reader's many statements (the mart gate, ``treatywatch loads``) see one state,
    as a read-only connection to the file does.
    """
    if not enabled(settings):
        return duckdb.connect(str(settings.work_db), read_only=read_only)
    con = _shared_instance(settings).cursor() if not read_only else duckdb.connect()
    try:
        if read_only:
            attach(con, settings, read_only=True)
            latest = latest_snapshot(con)
            con.execute(f"detach {WORK}")
            attach(con, settings, read_only=True, snapshot=latest)
        con.execute(f"use {WORK}")
    except BaseException:
        con.close()
        raise
    return con


_shared: tuple[tuple, duckdb.DuckDBPyConnection] | None = None
_shared_guard = threading.Lock()


def _shared_instance(settings: Settings) -> duckdb.DuckDBPyConnection:
    """This process's in-memory DuckDB with the lake attached read-write; connections are
    its cursors.

    Loading the two extensions costs about a second per DuckDB instance (their signatures are
    checked on every load), and a night opens the working warehouse a dozen times, so one
    instance serves them all. A new one is made after a fork or for other settings. The
    attachment holds no lock and each transaction reads the latest snapshot, so it never goes
    stale.
    """
    global _shared
    key = (os.getpid(), settings.work_catalog, settings.work_data_path, settings.data_dir)
    with _shared_guard:
        if _shared is None or _shared[0] != key:
            if _shared is not None and _shared[0][0] == os.getpid():
                _shared[1].close()
            con = duckdb.connect()
            try:
                attach(con, settings)
            except BaseException:
                con.close()
                raise
            _shared = (key, con)
        return _shared[1]


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, read_only: bool = False,
           snapshot: int | None = None) -> None:
    """Attach the working lake to ``con`` as ``work`` (extensions loaded from the wheels).

    Unpinned, every transaction reads the latest snapshot; ``snapshot`` pins a read-only
    attachment to that one ("as of").
    """
    load_extensions(con, settings.data_dir / "duckdb_extensions")
    options = []
    if settings.work_data_path and not read_only:
        options.append(f"data_path '{_q(str(settings.work_data_path).rstrip('/') + '/')}'")
    if read_only:
        options.append("read_only")
        if snapshot is not None:
            options.append(f"snapshot_version {int(snapshot)}")
    target = f"'ducklake:{_q(settings.work_catalog or '')}'"
    try:
        con.execute(f"attach {target} as {WORK}" + (f" ({', '.join(options)})" if options else ""))
    except duckdb.Error as exc:
        raise WorkLakeError(
            f"{label(settings)}: cannot attach: {str(exc).splitlines()[0]}"
            + ("" if settings.work_data_path else
               " (a new lake needs TREATYWATCH_WORK_DATA_PATH for its data files)")
        ) from exc


def latest_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the attached working lake's latest snapshot."""
    return con.execute(f"select max(snapshot_id) from {WORK}.snapshots()").fetchone()[0]


def catalog_dsn(settings: Settings) -> str | None:
    """The libpq connection string of a PostgreSQL catalog, None for other catalogs."""
    catalog = (settings.work_catalog or "").strip()
    return catalog[len(_POSTGRES):] if catalog.startswith(_POSTGRES) else None


def _lock_ids() -> tuple[int, int]:
    """The (classid, objid) under which pg_locks shows our 64-bit advisory key."""
    unsigned = LOCK_KEY & 0xFFFFFFFFFFFFFFFF
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def _holder(pg: psycopg.Connection) -> str:
    """Who holds the writer lock: the application_name its session set, or its backend pid."""
    classid, objid = _lock_ids()
    row = pg.execute(
        "select a.application_name, a.pid from pg_locks l join pg_stat_activity a using (pid) "
        "where l.locktype = 'advisory' and l.granted and l.classid::bigint = %s "
        "and l.objid::bigint = %s and l.objsubid = 1 limit 1",
        [classid, objid],
    ).fetchone()
    if row is None:
        return "unknown process"
    return row[0] or f"PostgreSQL backend {row[1]}"


@contextmanager
def writer_lock(settings: Settings, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the lake's writer lock (a PostgreSQL advisory lock) for the block.

    No-op in file mode and for a catalog that is not PostgreSQL (a DuckDB or SQLite catalog
    file has one writer process anyway). The lock belongs to a session of its own, so it frees
    itself when this process ends, even by ``kill -9``. Raises ``Busy`` naming the holder.
    """
    dsn = catalog_dsn(settings) if enabled(settings) else None
    if dsn is None:
        yield
        return
    import psycopg

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    me = f"pid {os.getpid()} on {socket.gethostname()} since {stamp}"[:63]
    try:
        pg = psycopg.connect(dsn, autocommit=True, connect_timeout=10, application_name=me)
    except psycopg.Error as exc:
        raise WorkLakeError(
            f"{label(settings)}: cannot connect to the catalog for the writer lock: "
            f"{str(exc).strip().splitlines()[0]}"
        ) from None
    try:
        give_up = time.monotonic() + wait_s
        while not pg.execute("select pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
            if time.monotonic() >= give_up:
                raise Busy(
                    f"the working data in {label(settings)} is in use by another TreatyWatch "
                    f"run ({_holder(pg)}); wait for it to finish or stop it (the lock frees "
                    "itself when that process ends)"
                )
            time.sleep(0.2)
        try:
            yield
        finally:
            # Unlock explicitly: a closed session's backend may still hold the lock for a
            # moment, and the next step of this night would find it taken.
            with contextlib.suppress(psycopg.Error):  # a lost session holds nothing
                pg.execute("select pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        pg.close()  # a process that dies without unlocking: its session ends, the lock frees
