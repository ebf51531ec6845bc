"""Shared test set-up.

Airflow reads its configuration when first imported, so its home (a throw-away folder with a
SQLite metadata DB) and the DAGs folder are set here, before any test module imports it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SNAPSHOT = REPO / "snapshot"

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="tw-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
# The DAG files import their shared package `treatywatch_dags` from the DAGs folder, which
# Airflow's own parsers put on sys.path (BundleDagBag); a plain DagBag in a test does not.
sys.path.append(str(REPO / "dags"))
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ["AIRFLOW__CORE__PARALLELISM"] = "4"
os.environ.setdefault("TQDM_DISABLE", "1")
for _var in [v for v in os.environ if v.startswith("TREATYWATCH_")]:
    del os.environ[_var]  # a developer's own settings must not leak into tests


@pytest.fixture
def tw_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh TreatyWatch data + warehouse folder for one test; returns its root."""
    monkeypatch.setenv("TREATYWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TREATYWATCH_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    return tmp_path


@pytest.fixture
def raw_con(tmp_path: Path):
    """A fresh working DuckDB file with the raw schema, open read-write."""
    import duckdb

    from ingestion.raw_schema import ensure_raw_schema

    connection = duckdb.connect(str(tmp_path / "work.duckdb"))
    ensure_raw_schema(connection)
    yield connection
    connection.close()


@pytest.fixture
def snapshot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the offline snapshot (index + watched files) used offline."""
    dst = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, dst)
    monkeypatch.setenv("TREATYWATCH_SNAPSHOT_DIR", str(dst))
    monkeypatch.setenv("TREATYWATCH_OFFLINE", "1")
    return dst


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate the session's Airflow metadata DB once and create the DuckDB writer pool."""
    import subprocess
    import sys

    airflow = str(Path(sys.executable).parent / "airflow")
    env = dict(os.environ)
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [airflow, "pools", "set", "duckdb_writer", "1", "DuckDB single writer"],
        env=env, check=True, capture_output=True,
    )
    return _AIRFLOW_HOME
