"""Run ``dbt build`` on the working DuckDB file, in a subprocess.

A subprocess keeps dbt's global state and logging out of the Airflow task process and makes a
failure an exit code plus a log we can quote. dbt dies with its parent (Linux parent-death
signal), and a dbt left behind by a crash on another platform is found by its pid file and
stopped by the next run, so it can never hold the working DB's lock for the next night.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingestion.errors import KnownFailure
from ingestion.failpoints import failpoint
from ingestion.settings import Settings


class DbtBuildFailed(KnownFailure):
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
    """Environment for dbt: where the working DB (or lake) is, no telemetry."""
    env = dict(os.environ)
    env["TREATYWATCH_WORK_DB"] = str(settings.work_db)
    if settings.work_catalog:  # target ducklake (profiles.yml)
        env["TREATYWATCH_WORK_CATALOG"] = settings.work_catalog
        env["TREATYWATCH_DUCKDB_EXTENSION_DIR"] = str(settings.data_dir / "duckdb_extensions")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.setdefault("DBT_PRINTER_WIDTH", "100")
    return env


def dbt_target_dir(settings: Settings) -> Path:
    """dbt's target/ lives with the data, so the project folder stays read-only in production."""
    return settings.data_dir / "dbt" / "target"


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGKILL this (dbt) process when the process that started it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _pid_file(settings: Settings) -> Path:
    return settings.data_dir / "dbt" / "dbt.pid"


def stop_orphan_dbt(settings: Settings) -> int | None:
    """Stop a dbt that a crashed run left behind (its pid file names it); return its pid.

    Only a process whose command line is dbt's on this project is stopped.
    """
    pid_file = _pid_file(settings)
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        cmdline = ""
    project = str(settings.dbt_project_dir.resolve())
    if "dbt" not in cmdline or project not in cmdline:
        pid_file.unlink(missing_ok=True)
        return None
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
    pid_file.unlink(missing_ok=True)
    return pid


def run_dbt(settings: Settings, *args: str) -> str:
    """Run one dbt command against the project; return its output or raise DbtBuildFailed."""
    project = settings.dbt_project_dir.resolve()
    cmd = [
        dbt_executable(),
        *args,
        # the working lake (ingestion/work_lake.py); else the profile's default: the file
        *(["--target", "ducklake"] if settings.work_catalog else []),
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target-path", str(dbt_target_dir(settings)),
        "--log-path", str(settings.data_dir / "dbt" / "logs"),
    ]
    stop_orphan_dbt(settings)
    pid_file = _pid_file(settings)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(
        cmd, env=dbt_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=project, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    ) as proc:
        pid_file.write_text(f"{proc.pid}\n")
        failpoint("during_dbt")
        try:
            stdout, stderr = proc.communicate()
        finally:
            pid_file.unlink(missing_ok=True)
    output = stdout + stderr
    if proc.returncode != 0:
        problems = [
            line for line in output.splitlines()
            if any(word in line for word in ("ERROR", "FAIL", "Error", "Failure"))
        ]
        tail = "\n".join(output.splitlines()[-25:])
        raise DbtBuildFailed(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}) on {_where(settings)}:\n"
            + "\n".join(problems[:30])
            + f"\n--- last lines ---\n{tail}"
        )
    return output


def _where(settings: Settings) -> str:
    """What dbt ran on, for messages: the working DB file or the working lake."""
    if settings.work_catalog:
        from ingestion.work_lake import label

        return label(settings)
    return str(settings.work_db)


def dbt_build(settings: Settings, full_refresh: bool = False) -> str:
    """Build seeds, models and tests (``dbt build``) in the working DB.

    ``full_refresh`` rebuilds the incremental models from every payload (after a change of
    the project, whose old rows they would otherwise keep).
    """
    return run_dbt(settings, "build", *(["--full-refresh"] if full_refresh else []))
