"""Under ./run.sh a failing night ends with the operator's message, not a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from faults import dtd_entity

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_rejected_load_under_run_sh_names_the_payload_and_the_defect(
    tw_env: Path, snapshot_copy: Path
) -> None:
    target = snapshot_copy / "untc" / "XVIII-16.en.xml"
    target.write_bytes(dtd_entity(target.read_bytes()))
    proc = subprocess.run(
        [str(REPO / "run.sh"), "--offline", "--date", "2026-11-20"],
        capture_output=True, text=True, check=False, timeout=900,
    )
    assert proc.returncode == 1
    assert "!! untc_status failed. The reason:" in proc.stderr
    assert "rejected by quality gate" in proc.stderr
    assert "XVIII-16.en.xml" in proc.stderr and "declares a DTD or entity" in proc.stderr
    assert "Traceback" not in proc.stderr
