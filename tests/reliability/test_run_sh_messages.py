"""Under ./run.sh a failing night ends with the operator's message, not a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def test_a_night_that_changed_nothing_leaves_the_publication_alone(
    tw_env: Path, snapshot_copy: Path
) -> None:
    import hashlib

    from ingestion.settings import load_settings

    def night(on: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(REPO / "run.sh"), "--offline", "--date", on],
                              capture_output=True, text=True, check=False, timeout=900)
        assert proc.returncode == 0, proc.stderr
        return proc

    first = night("2026-11-20")
    assert "warehouse 2026-11-20: success" in first.stdout
    published = load_settings().published_db
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    second = night("2026-11-21")  # the same snapshot: the same payloads as the night before
    assert "warehouse: not triggered, tonight's loads changed nothing" in second.stdout
    assert "warehouse 2026-11-21" not in second.stdout
    assert hashlib.sha256(published.read_bytes()).hexdigest() == digest
    assert "(night 2026-11-20," in second.stdout  # the summary: still the night it was built


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda src: src + 'raise RuntimeError("broken on purpose")\n',
         "failed to import: news.py: RuntimeError: broken on purpose"),
        (lambda src: src.replace('dag_id="news"', 'dag_id="renamed_news"'),
         "no DAG news in"),
    ],
    ids=["import-error", "dag-missing"],
)
def test_a_broken_dags_folder_stops_the_night_with_one_line(
    tw_env: Path, airflow_db: Path, breakage, expected: str
) -> None:
    dags = tw_env / "dags"
    shutil.copytree(REPO / "dags", dags)
    news = dags / "news.py"
    broken = breakage(news.read_text())
    assert broken != news.read_text()
    news.write_text(broken)
    home = tw_env / "airflow"  # a copy of the session's migrated metadata DB
    shutil.copytree(airflow_db, home, ignore=shutil.ignore_patterns("logs"))
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
           "TREATYWATCH_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "airflow_night.py"), "--night", "2026-11-20",
         "--logs", str(tw_env / "logs")],
        capture_output=True, text=True, check=False, timeout=300, env=env,
    )
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("!! Airflow could not start: ") and expected in lines[0], lines
    assert lines[1].startswith("!! full log: ")
    assert "Traceback" not in proc.stderr
    assert "untc_status" not in proc.stdout  # no DAG ran
