"""Publish the marts: a new DuckDB file and Parquet set, swapped in atomically.

Readers only ever open ``warehouse/treatywatch.duckdb`` (read-only) or
``warehouse/parquet/*.parquet``. Both are replaced by ``os.replace`` of a finished file (and of
a symlink to a finished folder), so a reader sees yesterday's warehouse or today's, never half
of one; a failed night never reaches this step and leaves the last publication untouched.
If the marts are identical to what is published, nothing is written at all.
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

from ingestion.landing import utcnow
from ingestion.settings import Settings

MARTS_SCHEMA = "marts"
META_TABLE = "meta_publish"
KEEP_PARQUET_VERSIONS = 2
# Written explicitly so a DuckDB upgrade never silently raises the file format: storage
# format v1.0.0 (version number 64) opens in every DuckDB client from 1.0 on (CLI, Python,
# JDBC, Node). See docs/architecture.md, "DuckDB 1.5.5, file format v1.0.0".
STORAGE_VERSION = "v1.0.0"


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


def published_fingerprint(path: Path) -> str | None:
    """Fingerprint recorded in the published file, or None if there is none yet."""
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            row = con.execute(
                f"select fingerprint from {META_TABLE} order by published_at desc limit 1"
            ).fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


def _column_docs(settings: Settings) -> dict[str, dict]:
    """Mart and column descriptions from dbt's manifest, to carry into the published file."""
    manifest = settings.data_dir / "dbt" / "target" / "manifest.json"
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    return {
        node["alias"]: node
        for node in nodes.values()
        if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA
    }


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(settings: Settings, logical_date: date) -> PublishResult:
    """Copy the marts of the working DB to a new file and swap it in; same for Parquet."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    target = settings.published_db
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    docs = _column_docs(settings)
    with duckdb.connect(str(settings.work_db)) as con:
        tables = mart_tables(con)
        if not tables:
            raise RuntimeError(f"no tables in schema {MARTS_SCHEMA} of {settings.work_db}")
        fingerprint = marts_fingerprint(con, tables)
        if fingerprint == published_fingerprint(target):
            return PublishResult(False, fingerprint, tuple(tables), target)
        loads = con.execute(
            "select load_id, status from raw.loads where status = 'accepted' order by load_id"
        ).fetchall()
        con.execute(f"attach {_sql_str(str(tmp))} as pub (storage_version '{STORAGE_VERSION}')")
        try:
            for table in tables:
                con.execute(
                    f"create table pub.main.{table} as select * from {MARTS_SCHEMA}.{table}"
                )
                _copy_comments(con, table, docs.get(table))
            con.execute(
                f"create table pub.main.{META_TABLE} as select "
                "cast(? as timestamp) as published_at, cast(? as date) as logical_date, "
                "cast(? as varchar) as fingerprint, cast(? as varchar) as accepted_loads",
                [utcnow(), logical_date, fingerprint, json.dumps(loads)],
            )
            parquet_dir = _write_parquet(con, settings, tables, fingerprint)
        finally:
            con.execute("detach pub")
    os.replace(tmp, target)
    _swap_parquet_link(settings, parquet_dir)
    return PublishResult(True, fingerprint, tuple(tables), target)


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str, node: dict | None) -> None:
    if not node:
        return
    if node.get("description"):
        con.execute(f"comment on table pub.main.{table} is {_sql_str(node['description'])}")
    for name, col in (node.get("columns") or {}).items():
        if col.get("description"):
            con.execute(
                f"comment on column pub.main.{table}.{name} is {_sql_str(col['description'])}"
            )


def _write_parquet(
    con: duckdb.DuckDBPyConnection, settings: Settings, tables: list[str], fingerprint: str
) -> Path:
    folder = settings.warehouse_dir / f"parquet-{fingerprint[:16]}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for table in tables:
        out = _sql_str(str(folder / f"{table}.parquet"))
        con.execute(f"copy (select * from pub.main.{table}) to {out} (format parquet)")
    return folder


def _swap_parquet_link(settings: Settings, folder: Path) -> None:
    link = settings.parquet_dir
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from an older layout
    tmp_link = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(folder.name)  # relative: the warehouse folder can be moved or mounted
    os.replace(tmp_link, link)
    versions = sorted(
        settings.warehouse_dir.glob("parquet-*"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in versions[KEEP_PARQUET_VERSIONS:]:
        if old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)
