"""DuckLake: the published marts in a lake that many machines share (optional).

With ``TREATYWATCH_DUCKLAKE_CATALOG`` set (a DuckLake catalog: ``postgres:dbname=… host=…`` for
a PostgreSQL catalog, or a local ``.ducklake`` file), every publication is also committed to the
lake as one DuckLake snapshot: all marts and ``meta_publish`` replaced in one transaction. The
data files go under ``TREATYWATCH_DUCKLAKE_DATA_PATH`` (a shared folder here; object storage in
production). Workers on any machine write through the catalog; readers on any machine attach it
read-only and always read one whole snapshot; ``AT (VERSION => n)`` reads an older one.

The extensions load offline from their PyPI wheels (``duckdb-extension-ducklake``,
``duckdb-extension-postgres``): DuckDB's own download needs the internet.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import duckdb_extension_ducklake
import duckdb_extension_postgres

from ingestion.errors import KnownFailure
from ingestion.settings import Settings

LAKE = "lake"


class DuckLakeError(KnownFailure):
    """The lake cannot be reached or written; the message is one line naming the catalog."""


@dataclass(frozen=True)
class LakeResult:
    """What one lake publication did."""

    committed: bool  # False when the lake's latest snapshot already holds this fingerprint
    snapshot_id: int


def _extension_file(package, name: str) -> Path:
    files = sorted(Path(package.__file__).parent.glob(f"extensions/v*/{name}.duckdb_extension"))
    if not files:
        raise DuckLakeError(f"ducklake: no {name} extension in {Path(package.__file__).parent}")
    return files[-1]


def load_extensions(con: duckdb.DuckDBPyConnection, cache_dir: Path) -> None:
    """Load ducklake and postgres from the installed wheels, with no network.

    The postgres wheel's file is named ``postgres.duckdb_extension`` but its entry point is
    ``postgres_scanner_init``, and DuckDB derives the entry point from the file name: it is
    loaded from a copy named ``postgres_scanner.duckdb_extension`` in ``cache_dir``.
    """
    postgres = _extension_file(duckdb_extension_postgres, "postgres")
    cache_dir.mkdir(parents=True, exist_ok=True)
    scanner = cache_dir / "postgres_scanner.duckdb_extension"
    if not scanner.exists() or scanner.stat().st_size != postgres.stat().st_size:
        tmp = cache_dir / f".postgres_scanner.{id(con)}.tmp"
        shutil.copyfile(postgres, tmp)
        tmp.replace(scanner)
    for path in (_extension_file(duckdb_extension_ducklake, "ducklake"), scanner):
        con.execute(f"load '{path}'")


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, read_only: bool = False) -> None:
    """Attach the lake as ``lake`` (extensions loaded first)."""
    if not settings.ducklake_catalog:
        raise DuckLakeError("ducklake: TREATYWATCH_DUCKLAKE_CATALOG is not set")
    load_extensions(con, settings.data_dir / "duckdb_extensions")
    data_path = str(settings.ducklake_data_path).rstrip("/") + "/"
    options = f"data_path '{_q(data_path)}'" + (", read_only" if read_only else "")
    try:
        con.execute(f"attach 'ducklake:{_q(settings.ducklake_catalog)}' as {LAKE} ({options})")
    except duckdb.Error as exc:
        raise DuckLakeError(
            f"ducklake: cannot attach catalog {redacted(settings.ducklake_catalog)}: "
            f"{str(exc).splitlines()[0]}"
        ) from exc


def _q(text: str) -> str:
    return text.replace("'", "''")


def redacted(catalog: str) -> str:
    """The catalog string without its password, for messages and records."""
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", catalog)


def lake_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Fingerprint of the publication in the lake's latest snapshot, or None."""
    try:
        row = con.execute(f"select fingerprint from {LAKE}.main.meta_publish").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def publish_to_lake(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    tables: list[str],
    docs: dict[str, tuple[str, dict[str, str]]],
    fingerprint: str,
    night: date,
) -> LakeResult:
    """Commit ``source``'s tables (a schema of ``con``, with meta_publish) as one lake snapshot.

    One transaction replaces every table: a reader sees the previous publication or this one.
    Rerunning with the same fingerprint commits nothing.
    """
    attach(con, settings)
    try:
        if lake_fingerprint(con) == fingerprint:
            return LakeResult(False, _latest_snapshot(con))
        con.execute("begin")
        try:
            for table in tables:
                con.execute(f"create or replace table {LAKE}.main.{table} as "
                            f"select * from {source}.{table}")
                description, columns = docs.get(table, ("", {}))
                if description:
                    con.execute(f"comment on table {LAKE}.main.{table} is '{_q(description)}'")
                for column, text in columns.items():
                    con.execute(f"comment on column {LAKE}.main.{table}.{column} "
                                f"is '{_q(text)}'")
            message = json.dumps({"night": night.isoformat(), "fingerprint": fingerprint})
            con.execute(f"call {LAKE}.set_commit_message('treatywatch', '{_q(message)}')")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return LakeResult(True, _latest_snapshot(con))
    except duckdb.Error as exc:
        raise DuckLakeError(
            f"ducklake: publishing to {redacted(settings.ducklake_catalog or '')} failed: "
            f"{str(exc).splitlines()[0]}"
        ) from exc
    finally:
        con.execute(f"detach {LAKE}")


def _latest_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select max(snapshot_id) from {LAKE}.snapshots()").fetchone()[0]
