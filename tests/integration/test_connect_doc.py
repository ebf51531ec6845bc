"""The user-facing docs run as written: docs/connect.md's snippets and the README's queries.

One offline night (UNTC + news + warehouse) is published into a folder laid out like the
project (``warehouse/`` under it); snippets run there in a real shell / Python process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest

from ingestion.pipeline import run_news_night, run_untc_night, run_warehouse_night
from ingestion.serve_postgres import serve
from ingestion.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
NIGHT = date(2026, 11, 26)
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.M | re.S)


def blocks(doc: Path, marker: str | None = None) -> list[tuple[str, str]]:
    """(language, code) of the fenced blocks of ``doc`` whose info string holds ``marker``."""
    text = doc.read_text(encoding="utf-8")
    return [(lang, code) for lang, info, code in FENCE.findall(text)
            if marker is None or marker in info.split()]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home")
    shutil.copytree(REPO / "snapshot", root / "snapshot")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TREATYWATCH_DATA_DIR", str(root / "data"))
        mp.setenv("TREATYWATCH_WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("TREATYWATCH_SNAPSHOT_DIR", str(root / "snapshot"))
        mp.setenv("TREATYWATCH_OFFLINE", "1")
        run_untc_night(NIGHT)
        run_news_night(NIGHT)
        assert run_warehouse_night(NIGHT).published
        assert load_settings().published_db == root / "warehouse" / "treatywatch.duckdb"
    return root


def shell_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREATYWATCH_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["TREATYWATCH_WAREHOUSE_DIR"] = str(home / "warehouse")  # as if run from the repo
    return env


def run_snippet(lang: str, code: str, home: Path) -> subprocess.CompletedProcess:
    command = ["bash", "-euo", "pipefail", "-c", code] if lang == "bash" else [
        sys.executable, "-c", code]
    return subprocess.run(command, cwd=home, env=shell_env(home), capture_output=True,
                          text=True, timeout=120)


def test_connect_doc_snippets_run_as_written(home: Path) -> None:
    snippets = blocks(REPO / "docs" / "connect.md", "test")
    assert len(snippets) >= 5
    for lang, code in snippets:
        proc = run_snippet(lang, code, home)
        assert proc.returncode == 0, f"{code}\n{proc.stderr[-2000:]}"
        assert proc.stdout.strip() or (home / "treaty_progress.csv").stat().st_size > 0, code
    assert "XVIII-16" in (home / "treaty_progress.csv").read_text(encoding="utf-8")


def test_connect_doc_postgres_snippet(home: Path) -> None:
    suffix = os.getpid()
    db, reader, login = (f"treatywatch_connect_test_{suffix}", f"tw_connect_reader_{suffix}",
                         f"tw_connect_bi_{suffix}")
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f"drop database if exists {db} with (force)")
        admin.execute(f"create database {db}")
    try:
        dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={db}"
        state_night = home / "warehouse" / "parquet-nights" / NIGHT.isoformat()
        serve(dsn, state_night, reader_role=reader)
        with psycopg.connect(dsn, autocommit=True) as admin:  # the doc's one-off admin step
            admin.execute(f"create role {login} login in role {reader}")
            admin.execute(f"alter role {login} set search_path = treatywatch")
        [(lang, code)] = blocks(REPO / "docs" / "connect.md", "test-postgres")
        code = code.replace("dbname=treatywatch", f"dbname={db}").replace(
            "user=metabase", f"user={login}")
        proc = run_snippet(lang, code, home)
        assert proc.returncode == 0, proc.stderr
        assert "XVIII-16" in proc.stdout and "73" in proc.stdout
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f"drop database if exists {db} with (force)")
            admin.execute(f"drop role if exists {login}")
            admin.execute(f"drop role if exists {reader}")


def test_readme_example_queries_return_rows(home: Path) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    queries = [(info.split(), code) for lang, info, code in FENCE.findall(text) if lang == "sql"]
    assert len(queries) >= 8
    with duckdb.connect(str(home / "warehouse" / "treatywatch.duckdb"), read_only=True) as con:
        counts = [(len(con.execute(code).fetchall()), info, code) for info, code in queries]
    # Only a query the README itself says is empty on the one-night demo may be empty.
    empty = [code for n, info, code in counts if n == 0 and "empty-on-demo" not in info]
    assert not empty, "README queries without rows on the offline demo:\n" + "\n".join(empty)
    assert sum("empty-on-demo" in info for _, info, _ in counts) <= 1
