"""Publishing (ingestion/publish.py, publish_files.py) from a tiny real working DuckDB file to a
tmp warehouse: what a publication holds, atomic replacement, an identical rerun that writes
nothing, and failures part-way that leave the previous publication readable."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from tiny_warehouse import (
    NIGHT,
    TABLE_DOCS,
    UNDOCUMENTED,
    build_work_db,
    mart_names,
    write_manifest,
)

from ingestion.failpoints import ENV_VAR, EXIT_CODE
from ingestion.publish import STATE_FILE, publish
from ingestion.settings import Settings, load_settings

NEXT = date(2026, 11, 27)


@pytest.fixture
def settings(tw_env: Path) -> Settings:
    """Settings on a fresh tmp data + warehouse folder, with the tiny marts of NIGHT built."""
    current = load_settings()
    build_work_db(current, NIGHT)
    return current


def files_state(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``folder``: (sha256, mtime_ns, inode); proves bytes were not touched."""
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[str(path.relative_to(folder))] = (digest, stat.st_mtime_ns, stat.st_ino)
    return state


def temp_leftovers(folder: Path) -> list[str]:
    """Names of temp files and folders (``.<name>.tmp-<host>-<pid>``) under ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if ".tmp-" in p.name or ".trash-" in p.name)


def published(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def parquet_kv(path: Path) -> dict[str, str]:
    with duckdb.connect() as con:
        rows = con.execute(
            "select decode(key), decode(value) from parquet_kv_metadata(?)", [str(path)]
        ).fetchall()
    return dict(rows)


def parquet_night(path: Path) -> str:
    return parquet_kv(path)["treatywatch_night"]


def test_first_publication_holds_the_marts_their_docs_and_the_parquet_set(settings) -> None:
    marts = mart_names(settings)

    result = publish(settings, NIGHT)

    assert result.published and result.path == settings.published_db
    assert list(result.tables) == marts
    listed = published(settings, "select table_name from duckdb_tables() order by 1")
    tables = [r[0] for r in listed]
    assert tables == sorted([*marts, "meta_publish"])
    with duckdb.connect(str(settings.work_db), read_only=True) as work:
        for table in marts:
            expected = work.execute(f"select * from marts.{table} order by all").fetchall()
            assert published(settings, f"select * from {table} order by all") == expected, table
    [(night, fingerprint, loads, is_replay)] = published(
        settings, "select logical_date, fingerprint, accepted_loads, is_replay from meta_publish"
    )
    assert night == NIGHT and fingerprint == result.fingerprint and is_replay is False
    assert [status for _, status in json.loads(loads)] == ["accepted"]

    # descriptions of the manifest become DuckDB comments; a mart without a node gets none
    comments = dict(published(settings, "select table_name, comment from duckdb_tables()"))
    for table, (description, columns) in TABLE_DOCS.items():
        assert comments[table] == description
        column_comments = dict(published(
            settings, f"select column_name, comment from duckdb_columns() "
            f"where table_name = '{table}' and comment is not null"))
        assert column_comments == columns
    assert comments[UNDOCUMENTED] is None
    assert comments["meta_publish"].startswith("One row: the publication")

    # the same tables as Parquet: a dated set and the stable paths, descriptions in the files
    night_dir = settings.warehouse_dir / "parquet-nights" / NIGHT.isoformat()
    names = sorted(p.stem for p in night_dir.glob("*.parquet"))
    assert names == tables
    assert sorted(p.stem for p in settings.parquet_dir.glob("*.parquet")) == tables
    for table in tables:
        stable, dated = settings.parquet_dir / f"{table}.parquet", night_dir / f"{table}.parquet"
        assert stable.read_bytes() == dated.read_bytes(), table
    kv = parquet_kv(settings.parquet_dir / "dim_treaty.parquet")
    assert kv["description"] == TABLE_DOCS["dim_treaty"][0]
    assert json.loads(kv["column_descriptions"]) == TABLE_DOCS["dim_treaty"][1]
    assert json.loads(kv["primary_key"]) == ["treaty_id"]  # tested unique and not_null
    assert kv["treatywatch_fingerprint"] == result.fingerprint
    assert kv["treatywatch_night"] == NIGHT.isoformat()
    assert json.loads(parquet_kv(settings.parquet_dir / "status_changes.parquet")["primary_key"]) \
        == []

    record = json.loads((settings.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert record["fingerprint"] == result.fingerprint
    assert record["tables"] == [*marts, "meta_publish"]
    assert record["parquet_night"] == f"parquet-nights/{NIGHT.isoformat()}"
    assert temp_leftovers(settings.warehouse_dir) == []


def test_identical_rerun_writes_nothing(settings) -> None:
    first = publish(settings, NIGHT)
    before = files_state(settings.warehouse_dir)

    again = publish(settings, NIGHT)

    assert not again.published
    assert again.fingerprint == first.fingerprint
    assert files_state(settings.warehouse_dir) == before  # same bytes, mtimes and inodes


def test_changed_marts_replace_every_file_by_rename(settings) -> None:
    first = publish(settings, NIGHT)
    old_db = settings.published_db.stat().st_ino
    old_stable = (settings.parquet_dir / "dim_treaty.parquet").stat().st_ino
    build_work_db(settings, NEXT)  # the marts' as-of dates move: other rows, other fingerprint

    second = publish(settings, NEXT)

    assert second.published and second.fingerprint != first.fingerprint
    # os.replace of finished files: new inodes, so a reader holding the old file keeps it whole
    assert settings.published_db.stat().st_ino != old_db
    assert (settings.parquet_dir / "dim_treaty.parquet").stat().st_ino != old_stable
    assert published(settings, "select logical_date from meta_publish") == [(NEXT,)]
    assert parquet_night(settings.parquet_dir / "meta_publish.parquet") == NEXT.isoformat()
    nights = sorted(p.name for p in (settings.warehouse_dir / "parquet-nights").iterdir())
    assert nights == [NIGHT.isoformat(), NEXT.isoformat()]
    assert temp_leftovers(settings.warehouse_dir) == []


def test_dated_parquet_sets_are_pruned_to_the_nights_kept(settings) -> None:
    keep_one = dataclasses.replace(settings, parquet_keep_nights=1)
    publish(keep_one, NIGHT)
    build_work_db(settings, NEXT)

    publish(keep_one, NEXT)

    nights = sorted(p.name for p in (settings.warehouse_dir / "parquet-nights").iterdir())
    assert nights == [NEXT.isoformat()]


def test_failure_while_writing_leaves_the_previous_publication(settings) -> None:
    publish(settings, NIGHT)
    before = files_state(settings.warehouse_dir)
    build_work_db(settings, NEXT)
    # a manifest documenting a column the mart lacks: the publisher fails part-way through
    # writing the new file (after some tables went in)
    broken = {**TABLE_DOCS, "status_changes": ("Changes.", {"no_such_column": "Gone."})}
    write_manifest(settings, broken)

    with pytest.raises(duckdb.Error, match="no_such_column"):
        publish(settings, NEXT)

    # every published file is as it was, byte for byte; only temp files were added
    after = files_state(settings.warehouse_dir)
    assert {k: v for k, v in after.items() if k in before} == before
    assert all(".tmp-" in name for name in set(after) - set(before))
    assert published(settings, "select logical_date from meta_publish") == [(NIGHT,)]

    write_manifest(settings)  # fixed: the next publish removes the leftovers and publishes
    assert publish(settings, NEXT).published
    assert temp_leftovers(settings.warehouse_dir) == []
    assert published(settings, "select logical_date from meta_publish") == [(NEXT,)]


def test_crash_between_the_swaps_is_repaired_by_the_next_publish(settings) -> None:
    first = publish(settings, NIGHT)
    build_work_db(settings, NEXT)
    script = (
        "from datetime import date; from ingestion.publish import publish; "
        "from ingestion.settings import load_settings; "
        f"publish(load_settings(), date.fromisoformat({NEXT.isoformat()!r}))"
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, ENV_VAR: "publish_between_swaps"},
        capture_output=True, text=True, timeout=120,
    )
    assert crashed.returncode == EXIT_CODE, crashed.stderr[-2000:]

    # the split a crash leaves: DuckDB on the new night; Parquet and the record on the old one
    assert published(settings, "select logical_date from meta_publish") == [(NEXT,)]
    assert parquet_night(settings.parquet_dir / "meta_publish.parquet") == NIGHT.isoformat()
    record = json.loads((settings.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert record["fingerprint"] == first.fingerprint
    assert temp_leftovers(settings.warehouse_dir / "parquet-nights")  # the unfinished set

    repaired = publish(settings, NEXT)

    assert repaired.published  # the record did not match: the whole set is published again
    assert parquet_night(settings.parquet_dir / "meta_publish.parquet") == NEXT.isoformat()
    record = json.loads((settings.warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert record["fingerprint"] == repaired.fingerprint
    assert temp_leftovers(settings.warehouse_dir) == []
    assert not publish(settings, NEXT).published
