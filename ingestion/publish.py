"""Publish the marts: one publication = a new DuckDB file + the same tables as Parquet.

Readers open ``warehouse/treatywatch.duckdb`` (read-only), the stable Parquet paths
``warehouse/parquet/<table>.parquet``, or a dated set ``warehouse/parquet-nights/<night>/``.
Every one of them is replaced by ``os.replace`` of a finished file, so a reader sees one night
or the next, never half of one.

The publisher never opens the published file (a client holding it read-write, as the DuckDB CLI
does by default, would block it): the record of what is published is ``publication.json``
beside it, written last. A crash between the DuckDB swap and the Parquet swap leaves that record
on the previous publication, so the next run sees a different fingerprint and publishes the
whole set again, repairing the Parquet side. Temp files of crashed runs are removed first.
If the marts equal the recorded publication and its files are in place, nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ingestion.clock import utcnow
from ingestion.failpoints import failpoint
from ingestion.publish_files import (
    read_json,
    remove_stale_temps,
    replace_folder,
    replace_with_link,
    temp_path,
    write_json_atomic,
)
from ingestion.settings import Settings

MARTS_SCHEMA = "marts"
META_TABLE = "meta_publish"
STATE_FILE = "publication.json"
NIGHTS_DIR = "parquet-nights"
# Written explicitly so a DuckDB upgrade never silently raises the file format: storage
# format v1.0.0 (version number 64) opens in every DuckDB client from 1.0 on (CLI, Python,
# JDBC, Node). See docs/architecture.md, "DuckDB 1.5.5, file format v1.0.0".
STORAGE_VERSION = "v1.0.0"

META_DOCS = {
    "": "One row: the publication this file belongs to (when, which night, which loads).",
    "published_at": "When the publication was written (UTC).",
    "logical_date": "The night (load date) the publication is for.",
    "fingerprint": "Hash of every mart's rows and columns; equal fingerprints, equal marts.",
    "accepted_loads": "JSON list of [load_id, status] of the loads read (accepted, partial).",
    "is_replay": "True when the night replayed a recording (offline snapshot), not live sources.",
    "replay_of": "What the night replayed (the snapshot's recording), null when live.",
}


@dataclass(frozen=True)
class PublishResult:
    """What the publish step did."""

    published: bool  # False when the marts equal the published ones
    fingerprint: str
    tables: tuple[str, ...]
    path: Path


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables dbt built in the marts schema of the working DB."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
        [MARTS_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def marts_fingerprint(con: duckdb.DuckDBPyConnection, tables: list[str]) -> str:
    """A hash of every mart's rows (order-independent) and columns."""
    digest = hashlib.sha256()
    for table in tables:
        cols = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [MARTS_SCHEMA, table],
        ).fetchall()
        rows_md5 = con.execute(
            f"select count(*), md5(coalesce(string_agg(md5(cast(t as varchar)), '' "
            f"order by md5(cast(t as varchar))), '')) from {MARTS_SCHEMA}.{table} t"
        ).fetchone()
        digest.update(json.dumps([table, cols, list(rows_md5)], default=str).encode())
    return digest.hexdigest()


def published_state(settings: Settings) -> dict | None:
    """The record of the last complete publication (``publication.json``), or None."""
    return read_json(settings.warehouse_dir / STATE_FILE)


def _lake_label(settings: Settings) -> str | None:
    """The DuckLake catalog as recorded in publication.json (no password), or None."""
    from ingestion.ducklake import redacted

    return redacted(settings.ducklake_catalog) if settings.ducklake_catalog else None


def _is_intact(settings: Settings, state: dict) -> bool:
    """Whether every part of the recorded publication is still in place.

    Files must exist, and the publication must have gone to the DuckLake catalog configured
    now (a newly configured lake gets the current publication on the next run).
    """
    files = [settings.published_db] + [
        settings.parquet_dir / f"{table}.parquet" for table in state.get("tables", [])
    ]
    return (settings.parquet_dir.is_dir() and all(f.is_file() for f in files)
            and state.get("ducklake") == _lake_label(settings))


def _manifest_nodes(settings: Settings) -> dict[str, dict]:
    """dbt's manifest nodes (models and tests) of the last build, or {} without one."""
    manifest = settings.data_dir / "dbt" / "target" / "manifest.json"
    if not manifest.exists():
        return {}
    return json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})


def _mart_nodes(nodes: dict[str, dict]) -> dict[str, dict]:
    """Mart name -> its model node: descriptions to carry into the published file."""
    return {
        node["alias"]: node
        for node in nodes.values()
        if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA
    }


def _primary_keys(nodes: dict[str, dict], marts: dict[str, dict]) -> dict[str, list[str]]:
    """Mart name -> [column] for marts with a column tested both unique and not_null.

    These become primary keys where the marts are served from PostgreSQL. Marts keyed by
    several columns have no such single column and get no primary key.
    """
    tested: dict[tuple[str, str], set[str]] = {}
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        if node.get("resource_type") == "test" and node.get("column_name"):
            key = (node.get("attached_node") or "", node["column_name"])
            tested.setdefault(key, set()).add(meta.get("name", ""))
    keys = {}
    for name, model in marts.items():
        for column in model.get("columns") or {}:
            if {"unique", "not_null"} <= tested.get((model["unique_id"], column), set()):
                keys[name] = [column]
                break
    return keys


def _table_docs(node: dict | None) -> tuple[str, dict[str, str]]:
    """(table description, {column: description}) of one mart's manifest node."""
    if not node:
        return "", {}
    columns = {
        name: col["description"]
        for name, col in (node.get("columns") or {}).items()
        if col.get("description")
    }
    return node.get("description") or "", columns


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(settings: Settings, night: date) -> PublishResult:
    """Write the marts of the working DB as a new publication and swap it in.

    Safe to rerun: an unchanged, intact publication is left alone; one split by a crash is
    published again in full.
    """
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    nights_dir = settings.warehouse_dir / NIGHTS_DIR
    _migrate_symlink_layout(settings)
    remove_stale_temps(settings.warehouse_dir, settings.parquet_dir, nights_dir)
    target = settings.published_db
    nodes = _manifest_nodes(settings)
    marts = _mart_nodes(nodes)
    docs = {table: _table_docs(node) for table, node in marts.items()}
    docs[META_TABLE] = (META_DOCS[""], {k: v for k, v in META_DOCS.items() if k})
    keys = _primary_keys(nodes, marts) | {META_TABLE: ["fingerprint"]}
    state = published_state(settings)
    from ingestion.work_lake import connect

    with connect(settings) as con:  # the working DB file, or the working lake
        tables = mart_tables(con)
        if not tables:
            raise RuntimeError(f"no tables in schema {MARTS_SCHEMA} of {settings.work_db}")
        fingerprint = marts_fingerprint(con, tables)
        if state and state.get("fingerprint") == fingerprint and _is_intact(settings, state):
            return PublishResult(False, fingerprint, tuple(tables), target)
        loads = con.execute(
            "select load_id, status from raw.loads where status in ('accepted', 'partial') "
            "order by load_id"
        ).fetchall()
        published_at = utcnow()
        tmp_db = temp_path(target)
        night_dir = nights_dir / night.isoformat()
        tmp_night = temp_path(night_dir)
        nights_dir.mkdir(exist_ok=True)
        tmp_night.mkdir()
        con.execute(f"attach {_sql_str(str(tmp_db))} as pub (storage_version '{STORAGE_VERSION}')")
        try:
            for table in tables:
                con.execute(
                    f"create table pub.main.{table} as select * from {MARTS_SCHEMA}.{table}"
                )
            # live or replay: what the night's readable loads replayed (raw.loads.replay_of)
            replays = [r[0] for r in con.execute(
                "select distinct replay_of from raw.loads where logical_date = ? "
                "and status in ('accepted', 'partial') and replay_of is not null order by 1",
                [night],
            ).fetchall()]
            con.execute(
                f"create table pub.main.{META_TABLE} as select "
                "cast(? as timestamp) as published_at, cast(? as date) as logical_date, "
                "cast(? as varchar) as fingerprint, cast(? as varchar) as accepted_loads, "
                "cast(? as boolean) as is_replay, cast(? as varchar) as replay_of",
                [published_at, night, fingerprint, json.dumps(loads),
                 bool(replays), "; ".join(replays) or None],
            )
            published_tables = [*tables, META_TABLE]
            for table in published_tables:
                _comment(con, table, *docs.get(table, ("", {})))
                _write_parquet(con, table, tmp_night / f"{table}.parquet", ParquetMeta(
                    *docs.get(table, ("", {})), keys.get(table, []), fingerprint, night))
            if settings.ducklake_catalog:
                # committed before the file swaps; a rerun after a crash finds it done
                from ingestion.ducklake import publish_to_lake

                publish_to_lake(con, settings, "pub.main", published_tables, docs,
                                fingerprint, night)
        finally:
            con.execute("detach pub")
    os.replace(tmp_db, target)
    failpoint("publish_between_swaps")
    replace_folder(tmp_night, night_dir)
    _update_stable_parquet(settings, night_dir, published_tables)
    write_json_atomic(settings.warehouse_dir / STATE_FILE, {
        "fingerprint": fingerprint,
        "logical_date": night.isoformat(),
        "published_at": published_at.isoformat(),
        "tables": published_tables,
        "parquet_night": f"{NIGHTS_DIR}/{night_dir.name}",
        "ducklake": _lake_label(settings),
    })
    _prune_nights(nights_dir, settings.parquet_keep_nights)
    return PublishResult(True, fingerprint, tuple(tables), target)


def _comment(
    con: duckdb.DuckDBPyConnection, table: str, description: str, columns: dict[str, str]
) -> None:
    if description:
        con.execute(f"comment on table pub.main.{table} is {_sql_str(description)}")
    for name, text in columns.items():
        con.execute(f"comment on column pub.main.{table}.{name} is {_sql_str(text)}")


@dataclass(frozen=True)
class ParquetMeta:
    """What a published Parquet file says about itself in its key-value metadata."""

    description: str
    column_descriptions: dict[str, str]
    primary_key: list[str]
    fingerprint: str
    night: date

    def as_kv(self) -> dict[str, str]:
        """Keys: description, column_descriptions (JSON object), primary_key (JSON list),
        treatywatch_fingerprint and treatywatch_night (which publication)."""
        return {
            "description": self.description,
            "column_descriptions": json.dumps(
                self.column_descriptions, ensure_ascii=False, sort_keys=True),
            "primary_key": json.dumps(self.primary_key),
            "treatywatch_fingerprint": self.fingerprint,
            "treatywatch_night": self.night.isoformat(),
        }


def _write_parquet(
    con: duckdb.DuckDBPyConnection, table: str, out: Path, meta: ParquetMeta
) -> None:
    """One published table to Parquet, its descriptions in the file's key-value metadata."""
    kv = ", ".join(f"{_sql_str(k)}: {_sql_str(v)}" for k, v in meta.as_kv().items())
    con.execute(
        f"copy (select * from pub.main.{table}) to {_sql_str(str(out))} "
        f"(format parquet, kv_metadata {{{kv}}})"
    )


def _update_stable_parquet(settings: Settings, night_dir: Path, tables: list[str]) -> None:
    """Point ``parquet/<table>.parquet`` at this night's files, one atomic rename per table.

    ``meta_publish.parquet`` goes last: once it names the new night, every table does.
    Tables no longer published are removed.
    """
    settings.parquet_dir.mkdir(exist_ok=True)
    ordered = [t for t in tables if t != META_TABLE] + [META_TABLE]
    for table in ordered:
        replace_with_link(night_dir / f"{table}.parquet", settings.parquet_dir / f"{table}.parquet")
    for old in settings.parquet_dir.glob("*.parquet"):
        if old.stem not in tables:
            old.unlink(missing_ok=True)


def _prune_nights(nights_dir: Path, keep: int) -> None:
    """Keep the dated Parquet publications of the last ``keep`` nights."""
    nights = sorted((p for p in nights_dir.iterdir() if not p.name.startswith(".")), reverse=True)
    for old in nights[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _migrate_symlink_layout(settings: Settings) -> None:
    """Before issue 8, ``parquet`` was a symlink to ``parquet-<fingerprint>/``: make it a folder.

    The stable per-table files are written right after by the publish that calls this.
    """
    link = settings.parquet_dir
    if link.is_symlink():
        link.unlink()
        link.mkdir()
    for old in settings.warehouse_dir.glob("parquet-*"):
        if old.is_dir() and old.name != NIGHTS_DIR and len(old.name) == len("parquet-") + 16:
            shutil.rmtree(old, ignore_errors=True)
