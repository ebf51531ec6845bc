"""Crashes at each stage (failpoints: the process dies like kill -9), locks, stuck loads.

Each crash runs the real step in a child process with ``TREATYWATCH_FAILPOINT`` set; the test
then checks what a rerun sees: nothing half-written, no orphan, one clear line for a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from faults import work

from ingestion.locking import exclusive
from ingestion.pipeline import WorkDbLocked, run_untc_night, run_warehouse_night
from ingestion.settings import load_settings
from ingestion.untc.load import NoPayloadFetched

REPO = Path(__file__).resolve().parents[2]
NIGHT = date(2026, 11, 20)
TREATYWATCH = str(Path(sys.executable).parent / "treatywatch")


def child(code: str, failpoint: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run Python code in a child process with this test's settings (and a failpoint)."""
    full_env = {**os.environ, **env}
    if failpoint:
        full_env["TREATYWATCH_FAILPOINT"] = failpoint
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=full_env, capture_output=True,
        text=True, check=False, timeout=600,
    )



UNTC_NIGHT = f"""
    from datetime import date
    from ingestion.pipeline import run_untc_night
    run_untc_night(date.fromisoformat("{NIGHT}"))
"""


def test_crash_between_parse_inserts_leaves_the_payload_unparsed(tw_env, snapshot_copy) -> None:
    crashed = child(UNTC_NIGHT, failpoint="untc_parse_between_inserts")
    assert crashed.returncode == 137, crashed.stderr
    # the transaction died with the process: no header row without its actions, no actions
    assert work("select count(*) from raw.untc_treaties") == [(0,)]
    assert work("select count(*) from raw.untc_participant_actions") == [(0,)]
    rerun = child(UNTC_NIGHT)
    assert rerun.returncode == 0, rerun.stderr
    assert work(
        "select count(*) from raw.untc_participant_actions where mtdsg_no = 'XVIII-16'"
    ) == [(73,)]
    assert work("select status from raw.loads where load_id = 'untc-2026-11-20'") == [
        ("accepted",)
    ]


def test_killed_run_takes_its_dbt_child_along(tw_env, snapshot_copy) -> None:
    run_untc_night(NIGHT)
    crashed = child(
        "from ingestion.pipeline import warehouse_build; warehouse_build()",
        failpoint="during_dbt",
    )
    assert crashed.returncode == 137, crashed.stderr
    pid_file = load_settings().data_dir / "dbt" / "dbt.pid"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    status = Path(f"/proc/{pid}/status")
    alive = status.exists() and "zombie" not in status.read_text()
    assert not alive, f"dbt (pid {pid}) outlived its parent"
    # the next run is not blocked by any lock the dead run held
    assert run_warehouse_night(NIGHT).published


def test_second_night_at_once_exits_with_one_line(tw_env, snapshot_copy) -> None:
    settings = load_settings()
    with exclusive(settings.night_lock_path, "night"):
        proc = subprocess.run(
            [TREATYWATCH, "nightly", "--offline", "--date", str(NIGHT)],
            capture_output=True, text=True, check=False, timeout=120,
        )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "in use by another TreatyWatch run (pid" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_second_run_sh_at_once_exits_with_one_line(tw_env, snapshot_copy) -> None:
    settings = load_settings()
    with exclusive(settings.night_lock_path, "night"):
        proc = subprocess.run(
            [str(REPO / "run.sh"), "--offline", "--date", str(NIGHT)],
            capture_output=True, text=True, check=False, timeout=300,
        )
    assert proc.returncode == 1
    assert "another TreatyWatch night is running (pid" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_foreign_writer_on_the_working_db_gives_one_clear_line(tw_env, snapshot_copy) -> None:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(settings.work_db)!r}); "
         "print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WorkDbLocked, match="is open in another process") as err:
            run_untc_night(NIGHT)
        assert "\n" not in str(err.value)
    finally:
        holder.kill()
        holder.wait()


def test_load_never_stays_running(tw_env, snapshot_copy, monkeypatch) -> None:
    monkeypatch.setenv("TREATYWATCH_NIGHT_DEADLINE_S", "0")
    with pytest.raises(NoPayloadFetched, match="none of 7 treaty files"):
        run_untc_night(NIGHT)
    status, message = work("select status, message from raw.loads")[0]
    assert status == "failed" and "could be fetched" in message
    reasons = {r[0] for r in work("select error from raw.fetch_log")}
    assert reasons == {"not fetched: the night's fetch deadline was reached"}
