"""The published file opens in the DuckDB clients analysts use, not only in our own Python.

The DuckDB CLI from PyPI (`duckdb-cli`, pinned in requirements.lock) is a separate binary with
its own DuckDB build: if the published file's storage format were newer than it reads, it would
refuse the file, as the 1.5 CLI refused DuckDB 2.0 files. The Node client of the same line
(`@duckdb/node-api`, pinned in tests/clients/node/package-lock.json) is installed with `npm ci`
into a cache folder on first use; in CI (CI_REQUIRE_NODE=1) a missing Node.js fails the test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.settings import load_settings

NIGHT = date(2026, 11, 26)
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


@pytest.fixture
def published_file(untc_site) -> Path:
    run_untc_night(NIGHT)
    assert run_warehouse_night(NIGHT).published
    return load_settings().published_db


def cli_json(path: Path, sql: str) -> list[dict]:
    """Run one query through the DuckDB CLI (read-only, as docs/connect.md tells users)."""
    done = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-json", str(path), "-c", sql],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "[]")


def test_the_pypi_duckdb_cli_opens_the_published_file(published_file: Path) -> None:
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("v1."), version.stdout  # the CLI line users install
    tables = {
        row["table_name"]: row["comment"]
        for row in cli_json(published_file, "select table_name, comment from duckdb_tables()")
    }
    assert {"dim_treaty", "treaty_progress", "status_changes", "meta_publish"} <= set(tables)
    assert tables["treaty_progress"] and "treaty" in tables["treaty_progress"].lower()
    columns = cli_json(
        published_file,
        "select column_name, comment from duckdb_columns() "
        "where table_name = 'treaty_progress' and column_name = 'instruments_remaining'",
    )
    assert columns and columns[0]["comment"], columns
    rows = cli_json(
        published_file, "select signatories from treaty_progress where mtdsg_no = 'XVIII-16'"
    )
    assert rows == [{"signatories": 73}]


def test_published_file_uses_the_pinned_storage_format(published_file: Path) -> None:
    # DuckDB's header: 8-byte checksum, magic "DUCK", then the storage version number.
    header = published_file.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64  # v1.0.0: readable by DuckDB >= 1.0


NODE_CLIENT = Path(__file__).resolve().parents[1] / "clients" / "node"


@pytest.fixture(scope="session")
def node_client() -> Path:
    """A folder with the pinned DuckDB Node client installed (npm ci, cached between runs)."""
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI_REQUIRE_NODE"):
            pytest.fail("Node.js and npm are required in CI (the Node client test must run)")
        pytest.skip("Node.js is not installed")
    lock = (NODE_CLIENT / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
        "treatywatch-node-client-" + hashlib.sha256(lock).hexdigest()[:12])
    if not (cache / "node_modules" / "@duckdb" / "node-api").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(NODE_CLIENT / name, cache / name)
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=cache,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    shutil.copyfile(NODE_CLIENT / "query.mjs", cache / "query.mjs")
    return cache


def node_json(client: Path, path: Path, sql: str) -> list[dict]:
    """Run one read-only query through the DuckDB Node client."""
    done = subprocess.run(["node", str(client / "query.mjs"), str(path), sql],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_node_client_opens_the_published_file(published_file: Path, node_client) -> None:
    version = node_json(node_client, published_file,
                        "select library_version from pragma_version()")
    assert version[0]["library_version"].startswith("v1.5."), version
    tables = {row["table_name"]: row["comment"] for row in node_json(
        node_client, published_file, "select table_name, comment from duckdb_tables()")}
    assert {"dim_treaty", "treaty_progress", "status_changes", "meta_publish"} <= set(tables)
    assert tables["treaty_progress"] and "treaty" in tables["treaty_progress"].lower()
    rows = node_json(node_client, published_file,
                     "select signatories from treaty_progress where mtdsg_no = 'XVIII-16'")
    assert rows == [{"signatories": "73"}]  # the Node client spells BIGINT as a JSON string
