"""Where things live and how a run behaves, from environment variables with project defaults.

Every path derives from ``TREATYWATCH_HOME`` (the repository root by default), so tests and the
Docker image point a whole run elsewhere with one variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingestion.errors import KnownFailure
from ingestion.untc.urls import DEFAULT_BASE_URL as UNTC_BASE_URL

_REPO_ROOT = Path(__file__).resolve().parents[1]
_TRUE = {"1", "true", "yes", "on"}


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_set(name: str) -> bool:
    """Whether the variable holds a value (unset and empty both mean "the default")."""
    return bool(os.environ.get(name, "").strip())


@dataclass(frozen=True)
class Settings:
    """Resolved paths and switches of one TreatyWatch installation."""

    home: Path
    data_dir: Path  # landed payloads, working DuckDB, validation results
    warehouse_dir: Path  # published DuckDB + Parquet: the only files readers open
    snapshot_dir: Path  # recorded responses replayed offline
    watchlist_path: Path
    dbt_project_dir: Path
    expectations_dir: Path
    subscriptions_path: Path  # who gets alerts (ingestion/alerts/subscriptions.py)
    offline: bool
    watchlist_mode: str | None  # "watchlist" | "all" | None (take the config file's)
    # Fetching: nothing may hang a night (ingestion/http.py).
    http_deadline_s: float = 180.0  # one URL, all attempts and the whole body
    night_deadline_s: float = 3600.0  # one source's fetch for one night
    max_retry_after_s: float = 120.0  # a longer Retry-After fails that URL tonight
    untc_base_url: str = UNTC_BASE_URL  # tests point it at a local HTTP server
    # seconds between GDELT requests; None: GDELT's own pace live, no wait offline (nothing
    # to be polite to when replaying)
    gdelt_interval_s: float | None = None
    # Airflow (dags/treatywatch_dags): every task's retries when set (run.sh sets 0: a one-shot
    # run fails at once), else each task's own; and the file a failed task appends its
    # operator's message to (run.sh prints it).
    airflow_retries: int | None = None
    failure_note: Path | None = None
    # Semantic guards (ingestion/untc/guards.py): a treaty whose new payload would remove more
    # than this many of its actions, or this share of them, is quarantined, not published.
    guard_max_removed_actions: int = 5
    guard_max_removed_share: float = 0.10
    # How long a step waits for another run holding the warehouse lock (ingestion/locking.py).
    lock_wait_s: float = 0.0
    parquet_keep_nights: int = 7  # dated Parquet publications kept (parquet-nights/<night>/)
    serve_postgres_dsn: str | None = None  # optional: also serve the marts from PostgreSQL
    serve_postgres_schema: str = "treatywatch"
    serve_postgres_reader_role: str = "treatywatch_reader"
    ducklake_catalog: str | None = None  # optional: also publish into DuckLake (ingestion/ducklake)
    ducklake_data_path: Path | None = None  # the lake's data files (default warehouse/ducklake)
    # run dbt every night, even when no input changed (ingestion/build_state.py)
    always_build: bool = False
    # Optional: the working warehouse in a DuckLake instead of work_db (ingestion/work_lake.py)
    work_catalog: str | None = None  # e.g. "postgres:dbname=treatywatch_work host=…"
    work_data_path: Path | None = None  # the lake's data files (needed when it is created)
    payload_dir: Path | None = None  # landed payloads (default data_dir/raw): shared in lake mode

    @property
    def raw_dir(self) -> Path:
        """Root of the content-addressed payload store (``TREATYWATCH_RAW_DIR``)."""
        return self.payload_dir or self.data_dir / "raw"

    @property
    def work_db(self) -> Path:
        """The working DuckDB file: raw tables and dbt models (never read by analysts)."""
        return self.data_dir / "treatywatch_work.duckdb"

    @property
    def lock_path(self) -> Path:
        """Held by each step that writes the working DB or the warehouse (one at a time)."""
        return self.data_dir / ".work.lock"

    @property
    def night_lock_path(self) -> Path:
        """Held by a whole night (./run.sh, treatywatch nightly): one night at a time."""
        return self.data_dir / ".night.lock"

    @property
    def validations_dir(self) -> Path:
        """GX validation results, one JSON file per validated load or mart build."""
        return self.data_dir / "validations"

    @property
    def participant_overrides_path(self) -> Path:
        """The dbt seed of names the libraries cannot resolve (ingestion/participants.py)."""
        return self.dbt_project_dir / "seeds" / "participant_name_overrides.csv"

    @property
    def published_db(self) -> Path:
        """The published warehouse that analysts and BI tools open read-only."""
        return self.warehouse_dir / "treatywatch.duckdb"

    @property
    def parquet_dir(self) -> Path:
        """Stable path of each published table: ``parquet/<table>.parquet`` (always the latest)."""
        return self.warehouse_dir / "parquet"


class SettingsError(KnownFailure, ValueError):
    """An environment variable holds an unusable value; the message names it."""


def _env_number(name: str, default: float, minimum: float = 0.0) -> float:
    """A number from the environment (at least ``minimum``), or SettingsError naming it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: not a number") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r}: must be at least {minimum:g}")
    return value


def _env_int(name: str, default: int, minimum: int) -> int:
    """A whole number from the environment (at least ``minimum``), or SettingsError."""
    value = _env_number(name, default, minimum)
    if value != int(value):
        raise SettingsError(f"{name}={os.environ.get(name)!r}: not a whole number")
    return int(value)


def load_settings() -> Settings:
    """Read settings from the environment.

    Called when needed, never when a module of ``ingestion`` is imported (tests change the
    environment between calls); the DAG files read it when parsed, for the tasks' arguments.
    """
    home = _env_path("TREATYWATCH_HOME", _REPO_ROOT)
    return Settings(
        home=home,
        data_dir=_env_path("TREATYWATCH_DATA_DIR", home / "data"),
        warehouse_dir=_env_path("TREATYWATCH_WAREHOUSE_DIR", home / "warehouse"),
        snapshot_dir=_env_path("TREATYWATCH_SNAPSHOT_DIR", home / "snapshot"),
        watchlist_path=_env_path("TREATYWATCH_WATCHLIST", home / "config" / "watchlist.yml"),
        dbt_project_dir=_env_path("TREATYWATCH_DBT_PROJECT_DIR", home / "dbt_project"),
        expectations_dir=_env_path("TREATYWATCH_EXPECTATIONS_DIR", home / "expectations"),
        subscriptions_path=_env_path(
            "TREATYWATCH_SUBSCRIPTIONS", home / "config" / "subscriptions.yml"
        ),
        offline=os.environ.get("TREATYWATCH_OFFLINE", "").strip().lower() in _TRUE,
        watchlist_mode=os.environ.get("TREATYWATCH_WATCHLIST_MODE") or None,
        http_deadline_s=_env_number("TREATYWATCH_HTTP_DEADLINE_S", 180.0),
        night_deadline_s=_env_number("TREATYWATCH_NIGHT_DEADLINE_S", 3600.0),
        max_retry_after_s=_env_number("TREATYWATCH_MAX_RETRY_AFTER_S", 120.0),
        untc_base_url=(os.environ.get("TREATYWATCH_UNTC_BASE_URL") or UNTC_BASE_URL).rstrip("/"),
        gdelt_interval_s=(
            _env_number("TREATYWATCH_GDELT_INTERVAL", 0.0)
            if _env_set("TREATYWATCH_GDELT_INTERVAL") else None
        ),
        airflow_retries=(
            _env_int("TREATYWATCH_AIRFLOW_RETRIES", 0, minimum=0)
            if _env_set("TREATYWATCH_AIRFLOW_RETRIES") else None
        ),
        failure_note=(
            _env_path("TREATYWATCH_FAILURE_NOTE", Path())
            if _env_set("TREATYWATCH_FAILURE_NOTE") else None
        ),
        guard_max_removed_actions=_env_int("TREATYWATCH_GUARD_MAX_REMOVED_ACTIONS", 5, minimum=0),
        guard_max_removed_share=_env_number("TREATYWATCH_GUARD_MAX_REMOVED_SHARE", 0.10),
        lock_wait_s=_env_number("TREATYWATCH_LOCK_WAIT_S", 0.0),
        parquet_keep_nights=_env_int("TREATYWATCH_PARQUET_KEEP_NIGHTS", 7, minimum=1),
        serve_postgres_dsn=os.environ.get("TREATYWATCH_SERVE_POSTGRES_DSN") or None,
        serve_postgres_schema=os.environ.get("TREATYWATCH_SERVE_POSTGRES_SCHEMA") or "treatywatch",
        serve_postgres_reader_role=(
            os.environ.get("TREATYWATCH_SERVE_POSTGRES_READER_ROLE") or "treatywatch_reader"
        ),
        ducklake_catalog=os.environ.get("TREATYWATCH_DUCKLAKE_CATALOG") or None,
        ducklake_data_path=_env_path(
            "TREATYWATCH_DUCKLAKE_DATA_PATH",
            _env_path("TREATYWATCH_WAREHOUSE_DIR", home / "warehouse") / "ducklake",
        ),
        always_build=os.environ.get("TREATYWATCH_ALWAYS_BUILD", "").strip().lower() in _TRUE,
        work_catalog=os.environ.get("TREATYWATCH_WORK_CATALOG") or None,
        work_data_path=(_env_path("TREATYWATCH_WORK_DATA_PATH", home)
                        if os.environ.get("TREATYWATCH_WORK_DATA_PATH") else None),
        payload_dir=(_env_path("TREATYWATCH_RAW_DIR", home)
                     if os.environ.get("TREATYWATCH_RAW_DIR") else None),
    )
