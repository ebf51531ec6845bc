"""Serve the published marts from PostgreSQL, where every BI tool has a driver.

Optional (``TREATYWATCH_SERVE_POSTGRES_DSN``). Input is the publication's dated Parquet folder,
which the publisher wrote and never changes: each file carries its table's description, column
descriptions and primary key in its key-value metadata, so the served copy is a function of
the publication alone.

1. Build: one transaction creates ``<schema>__build`` with every table, its rows (COPY), table
   and column comments, primary keys, and SELECT for the read-only role. A failure rolls back;
   the served schema is not touched.
2. Swap: one short transaction renames ``<schema>`` to ``<schema>__old`` and ``<schema>__build``
   to ``<schema>``. A BI query sees the old tables or the new ones, never a mix or none.
3. Drop ``<schema>__old`` (its own transaction, so a BI query still reading an old table only
   delays the drop, never the swap).

A rerun with the same publication (same fingerprint in ``<schema>.meta_publish``) does nothing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from ingestion.errors import KnownFailure

META_TABLE = "meta_publish"
_SCALAR_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "UUID": "uuid",
    "BLOB": "bytea",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")
COPY_BATCH = 5000


class ServeError(KnownFailure):
    """Serving to PostgreSQL failed; the message is one line naming the database and cause."""


@dataclass(frozen=True)
class ServeResult:
    """What one serving run did."""

    served: bool  # False when the served schema already held this publication
    schema: str
    tables: tuple[str, ...]
    build_seconds: float
    swap_seconds: float


@dataclass(frozen=True)
class ParquetTable:
    """One published table as a Parquet file, with what its key-value metadata says."""

    name: str
    path: Path
    description: str
    column_descriptions: dict[str, str]
    primary_key: list[str]
    fingerprint: str


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type for a DuckDB column type (lists become arrays)."""
    if duckdb_type.endswith("[]"):
        return postgres_type(duckdb_type[:-2]) + "[]"
    if match := _DECIMAL.match(duckdb_type):
        return f"numeric({match[1]},{match[2]})"
    try:
        return _SCALAR_TYPES[duckdb_type]
    except KeyError:
        raise ServeError(
            f"postgres serving: no PostgreSQL type for DuckDB type {duckdb_type}"
        ) from None


def read_publication(night_dir: Path) -> list[ParquetTable]:
    """The tables of one dated publication folder, with their descriptions and keys."""
    tables = []
    with duckdb.connect() as con:
        for path in sorted(night_dir.glob("*.parquet")):
            kv = dict(con.execute(
                "select decode(key), decode(value) from parquet_kv_metadata(?)", [str(path)]
            ).fetchall())
            tables.append(ParquetTable(
                name=path.stem,
                path=path,
                description=kv.get("description", ""),
                column_descriptions=json.loads(kv.get("column_descriptions") or "{}"),
                primary_key=json.loads(kv.get("primary_key") or "[]"),
                fingerprint=kv.get("treatywatch_fingerprint", ""),
            ))
    if not any(t.name == META_TABLE for t in tables):
        raise ServeError(f"postgres serving: {night_dir} holds no {META_TABLE}.parquet")
    return tables


def _served_fingerprint(cur: psycopg.Cursor, schema: str) -> str | None:
    cur.execute("select to_regclass(%s)", [f"{schema}.{META_TABLE}"])
    if cur.fetchone()[0] is None:
        return None
    cur.execute(sql.SQL("select fingerprint from {}.{}").format(
        sql.Identifier(schema), sql.Identifier(META_TABLE)))
    row = cur.fetchone()
    return row[0] if row else None


def _ensure_reader_role(cur: psycopg.Cursor, role: str) -> None:
    """A NOLOGIN role holding SELECT on the served tables; BI logins are granted it."""
    cur.execute("select 1 from pg_roles where rolname = %s", [role])
    if cur.fetchone() is None:
        cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def _create_table(cur: psycopg.Cursor, schema: str, table: ParquetTable,
                  duck: duckdb.DuckDBPyConnection) -> None:
    columns = duck.execute(
        "select column_name, column_type from (describe select * from read_parquet(?))",
        [str(table.path)],
    ).fetchall()
    target = sql.Identifier(schema, table.name)
    cur.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(postgres_type(kind)))
        for name, kind in columns
    )))
    names = [name for name, _ in columns]
    result = duck.execute("select * from read_parquet(?)", [str(table.path)])
    copy_sql = sql.SQL("copy {} ({}) from stdin").format(
        target, sql.SQL(", ").join(map(sql.Identifier, names)))
    with cur.copy(copy_sql) as copy:
        while batch := result.fetchmany(COPY_BATCH):
            for row in batch:
                copy.write_row(row)
    if table.primary_key:
        cur.execute(sql.SQL("alter table {} add primary key ({})").format(
            target, sql.SQL(", ").join(map(sql.Identifier, table.primary_key))))
    if table.description:
        cur.execute(sql.SQL("comment on table {} is {}").format(
            target, sql.Literal(table.description)))
    for column, text in table.column_descriptions.items():
        if column in names:
            cur.execute(sql.SQL("comment on column {}.{} is {}").format(
                target, sql.Identifier(column), sql.Literal(text)))


def serve(dsn: str, night_dir: Path, schema: str = "treatywatch",
          reader_role: str = "treatywatch_reader") -> ServeResult:
    """Copy the publication in ``night_dir`` into ``schema`` of the database at ``dsn``."""
    tables = read_publication(night_dir)
    fingerprint = next(t.fingerprint for t in tables if t.name == META_TABLE)
    build, old = f"{schema}__build", f"{schema}__old"
    names = tuple(t.name for t in tables)
    try:
        with psycopg.connect(dsn, connect_timeout=10) as pg, duckdb.connect() as duck:
            with pg.cursor() as cur:
                if _served_fingerprint(cur, schema) == fingerprint:
                    pg.rollback()
                    return ServeResult(False, schema, names, 0.0, 0.0)
            started = time.perf_counter()
            with pg.transaction(), pg.cursor() as cur:
                _ensure_reader_role(cur, reader_role)
                cur.execute(sql.SQL("drop schema if exists {} cascade").format(
                    sql.Identifier(build)))
                cur.execute(sql.SQL("create schema {}").format(sql.Identifier(build)))
                for table in tables:
                    _create_table(cur, build, table, duck)
                cur.execute(sql.SQL("comment on schema {} is {}").format(
                    sql.Identifier(build),
                    sql.Literal(f"TreatyWatch marts, publication {fingerprint[:16]}")))
                cur.execute(sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(build), sql.Identifier(reader_role)))
                cur.execute(sql.SQL("grant select on all tables in schema {} to {}").format(
                    sql.Identifier(build), sql.Identifier(reader_role)))
            built = time.perf_counter()
            with pg.transaction(), pg.cursor() as cur:
                cur.execute("set local lock_timeout = '60s'")
                cur.execute(sql.SQL("drop schema if exists {} cascade").format(
                    sql.Identifier(old)))
                cur.execute("select 1 from pg_namespace where nspname = %s", [schema])
                if cur.fetchone():
                    cur.execute(sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(schema), sql.Identifier(old)))
                cur.execute(sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(build), sql.Identifier(schema)))
            swapped = time.perf_counter()
            with pg.transaction(), pg.cursor() as cur:
                cur.execute(sql.SQL("drop schema if exists {} cascade").format(
                    sql.Identifier(old)))
    except psycopg.Error as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ServeError(
            f"postgres serving to {_redacted(dsn)} failed: {first_line}"
        ) from exc
    return ServeResult(True, schema, names, built - started, swapped - built)


def _redacted(dsn: str) -> str:
    """The DSN without its password, for messages."""
    dsn = re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", dsn)
