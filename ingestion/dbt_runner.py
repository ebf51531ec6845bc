"""Run ``dbt build`` on the working DuckDB file, in a subprocess.

A subprocess keeps dbt's global state and logging out of the Airflow task process and makes a
failure an exit code plus a log we can quote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ingestion.settings import Settings


class DbtBuildFailed(RuntimeError):
    """dbt build exited non-zero (a model, seed, snapshot or test failed)."""


def dbt_executable() -> str:
    """The dbt CLI of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise FileNotFoundError("dbt is not installed in this environment")
    return found


def dbt_env(settings: Settings) -> dict[str, str]:
    """Environment for dbt: where the working DB is, no telemetry."""
    env = dict(os.environ)
    env["TREATYWATCH_WORK_DB"] = str(settings.work_db)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.setdefault("DBT_PRINTER_WIDTH", "100")
    return env


def dbt_target_dir(settings: Settings) -> Path:
    """dbt's target/ lives with the data, so the project folder stays read-only in production."""
    return settings.data_dir / "dbt" / "target"


def run_dbt(settings: Settings, *args: str) -> str:
    """Run one dbt command against the project; return its output or raise DbtBuildFailed."""
    project = settings.dbt_project_dir.resolve()
    cmd = [
        dbt_executable(),
        *args,
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target-path", str(dbt_target_dir(settings)),
        "--log-path", str(settings.data_dir / "dbt" / "logs"),
    ]
    proc = subprocess.run(
        cmd, env=dbt_env(settings), capture_output=True, text=True, cwd=project, check=False
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        problems = [
            line for line in output.splitlines()
            if any(word in line for word in ("ERROR", "FAIL", "Error", "Failure"))
        ]
        tail = "\n".join(output.splitlines()[-25:])
        raise DbtBuildFailed(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}) on {settings.work_db}:\n"
            + "\n".join(problems[:30])
            + f"\n--- last lines ---\n{tail}"
        )
    return output


def dbt_build(settings: Settings) -> str:
    """Build seeds, models and tests (``dbt build``) in the working DB."""
    return run_dbt(settings, "build")
