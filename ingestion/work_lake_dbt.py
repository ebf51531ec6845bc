"""dbt-duckdb plugin of the ``ducklake`` target: load the lake's extensions from their wheels.

dbt-duckdb runs a plugin's ``configure_connection`` before it attaches the profile's
databases, so the ``ducklake`` and ``postgres`` extensions are loaded (offline, from the PyPI
wheels: ``ducklake.load_extensions``) by the time it attaches ``ducklake:<catalog>``. Kept out
of ``work_lake`` so that the pipeline never imports dbt.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from ingestion.ducklake import load_extensions


class Plugin(BasePlugin):
    """Loads ducklake + postgres on dbt's DuckDB connection (profiles.yml, target ducklake)."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        """``extension_dir``: where the renamed postgres extension is cached."""
        folder = plugin_config.get("extension_dir") or ""
        self.extension_dir = (Path(folder) if folder
                              else Path(tempfile.gettempdir()) / "treatywatch-duckdb-extensions")

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        """Load the extensions before dbt-duckdb attaches the lake."""
        load_extensions(conn, self.extension_dir)
