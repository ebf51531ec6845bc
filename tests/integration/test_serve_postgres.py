"""Serving the marts from the real local PostgreSQL (127.0.0.1:5432, as in CI).

Each test module run creates its own database and roles (names carry the pid) and drops them.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.serve_postgres import ServeError, serve
from ingestion.settings import load_settings

NIGHT = date(2026, 11, 26)
NEXT = date(2026, 11, 27)
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
SNAPSHOT = Path(__file__).resolve().parents[2] / "snapshot"


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[date, Path]:
    """Two published nights (offline snapshot); their dated Parquet folders."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(SNAPSHOT, root / "snapshot")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TREATYWATCH_DATA_DIR", str(root / "data"))
        mp.setenv("TREATYWATCH_WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("TREATYWATCH_SNAPSHOT_DIR", str(root / "snapshot"))
        mp.setenv("TREATYWATCH_OFFLINE", "1")
        for night in (NIGHT, NEXT):
            run_untc_night(night)
            assert run_warehouse_night(night).published
        nights_dir = load_settings().warehouse_dir / "parquet-nights"
    return {night: nights_dir / night.isoformat() for night in (NIGHT, NEXT)}


@pytest.fixture
def serving_db():
    """A fresh database, a reader role name and a BI login that will be granted it."""
    suffix = os.getpid()
    name, reader, bi_user = (f"treatywatch_serving_test_{suffix}", f"tw_reader_{suffix}",
                             f"tw_bi_{suffix}")
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
        admin.execute(f"drop role if exists {bi_user}")
        admin.execute(f"create role {bi_user} login")
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={name}"
    yield dsn, reader, bi_user
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"drop role if exists {bi_user}")
        admin.execute(f"drop role if exists {reader}")


def query(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn) as con:
        return con.execute(sql).fetchall()


def test_marts_are_served_with_comments_keys_and_a_read_only_role(nights, serving_db) -> None:
    dsn, reader, bi_user = serving_db
    result = serve(dsn, nights[NEXT], reader_role=reader)
    assert result.served and "treaty_progress" in result.tables
    with duckdb.connect() as con:
        expected = con.execute(
            f"select count(*) from read_parquet('{nights[NEXT] / 'fct_treaty_actions.parquet'}')"
        ).fetchone()[0]
    assert query(dsn, "select count(*) from treatywatch.fct_treaty_actions") == [(expected,)]
    assert query(dsn, "select signatories from treatywatch.treaty_progress "
                      "where mtdsg_no = 'XVIII-16'") == [(73,)]
    assert query(dsn, "select logical_date from treatywatch.meta_publish") == [(NEXT,)]
    table_doc, column_doc = query(dsn, (
        "select obj_description('treatywatch.treaty_progress'::regclass), "
        "col_description('treatywatch.treaty_progress'::regclass, "
        "(select attnum from pg_attribute where attrelid = 'treatywatch.treaty_progress'::regclass "
        "and attname = 'instruments_remaining'))"))[0]
    assert table_doc and column_doc
    keys = query(dsn, (
        "select tc.table_name, kcu.column_name from information_schema.table_constraints tc "
        "join information_schema.key_column_usage kcu using (constraint_schema, constraint_name) "
        "where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'treatywatch'"))
    assert ("dim_treaty", "treaty_id") in keys
    # The BI login, granted the reader role, reads and cannot write.
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"grant {reader} to {bi_user}")
    bi_dsn = dsn.replace("user=postgres", f"user={bi_user}")
    assert query(bi_dsn, "select count(*) from treatywatch.dim_treaty")[0][0] > 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        query(bi_dsn, "delete from treatywatch.dim_treaty")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        query(bi_dsn, "create table treatywatch.mine (x int)")


def test_rerun_is_a_no_op_and_a_new_night_swaps_in(nights, serving_db) -> None:
    dsn, reader, _ = serving_db
    assert serve(dsn, nights[NIGHT], reader_role=reader).served
    assert not serve(dsn, nights[NIGHT], reader_role=reader).served
    assert serve(dsn, nights[NEXT], reader_role=reader).served
    assert query(dsn, "select logical_date from treatywatch.meta_publish") == [(NEXT,)]
    schemas = {r[0] for r in query(dsn, "select nspname from pg_namespace")}
    assert "treatywatch__build" not in schemas and "treatywatch__old" not in schemas


def test_a_failed_build_leaves_the_served_schema_untouched(nights, serving_db, tmp_path) -> None:
    dsn, reader, _ = serving_db
    serve(dsn, nights[NIGHT], reader_role=reader)
    before = query(dsn, "select * from treatywatch.dim_treaty order by treaty_id")
    # A publication whose dim_treaty breaks its primary key: the build fails at the key.
    broken = tmp_path / "broken"
    shutil.copytree(nights[NEXT], broken)
    target = broken / "dim_treaty.parquet"
    with duckdb.connect() as con:
        kv = con.execute(
            f"select decode(key), decode(value) from parquet_kv_metadata('{target}')"
        ).fetchall()
        kv_sql = ", ".join("'{}': '{}'".format(k, v.replace("'", "''")) for k, v in kv)
        doubled = f"select * from read_parquet('{nights[NEXT] / 'dim_treaty.parquet'}')"
        con.execute(f"copy ({doubled} union all {doubled}) to '{target}' "
                    f"(format parquet, kv_metadata {{{kv_sql}}})")
    with pytest.raises(ServeError) as failure:
        serve(dsn, broken, reader_role=reader)
    message = str(failure.value)
    assert "\n" not in message and "dbname=" in message and "dim_treaty" in message
    assert query(dsn, "select logical_date from treatywatch.meta_publish") == [(NIGHT,)]
    assert query(dsn, "select * from treatywatch.dim_treaty order by treaty_id") == before


def test_bi_queries_during_swaps_see_one_publication_never_a_mix(nights, serving_db) -> None:
    dsn, reader, _ = serving_db
    serve(dsn, nights[NIGHT], reader_role=reader)
    # One statement reading two tables: both must come from the same publication.
    sql = ("select m.logical_date, (select max(as_of_date) from treatywatch.treaty_progress) "
           "from treatywatch.meta_publish m")
    seen: list[tuple] = []
    errors: list[str] = []
    stop = threading.Event()

    def bi_client() -> None:
        with psycopg.connect(dsn, autocommit=True) as con:
            while not stop.is_set():
                try:
                    seen.extend(con.execute(sql).fetchall())
                except psycopg.Error as exc:
                    errors.append(str(exc))

    client = threading.Thread(target=bi_client)
    client.start()
    try:
        for night in (NEXT, NIGHT, NEXT, NIGHT, NEXT):
            assert serve(dsn, nights[night], reader_role=reader).served
    finally:
        stop.set()
        client.join(timeout=60)
    assert not errors, errors[:3]
    assert seen and set(seen) <= {(NIGHT, NIGHT), (NEXT, NEXT)}, set(seen)


def test_unreachable_server_is_one_clear_line(nights) -> None:
    with pytest.raises(ServeError) as failure:
        serve("postgresql://tw:secret@127.0.0.1:1/nowhere", nights[NIGHT])
    message = str(failure.value)
    assert "\n" not in message and "127.0.0.1:1" in message and "secret" not in message
