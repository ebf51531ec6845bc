"""docker-compose.yml as the Celery test taught it: DAGs unpaused, task secrets, healthchecks."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("postgres", "redis", "airflow-apiserver", "airflow-scheduler",
                "airflow-dag-processor", "airflow-triggerer", "airflow-worker")


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_all_three_dags_are_unpaused_after_parsing() -> None:
    unpause = compose()["services"]["airflow-unpause"]
    assert unpause["environment"]["TREATYWATCH_UNPAUSE_DAGS"].endswith(
        "untc_status news warehouse}")
    assert "airflow dags unpause" in unpause["command"][-1]
    assert unpause["depends_on"]["airflow-dag-processor"]["condition"] == "service_healthy"


def test_task_settings_come_from_an_optional_env_file() -> None:
    common = compose()["x-airflow-common"]
    assert common["env_file"] == [{"path": "./treatywatch.env", "required": False}]
    assert "treatywatch.env" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
    example = (REPO / "treatywatch.env.example").read_text(encoding="utf-8")
    assert "TREATYWATCH_SERVE_POSTGRES_DSN" in example and "TREATYWATCH_SMTP_PASSWORD" in example
    for line in example.splitlines():
        assert not line.strip() or line.lstrip().startswith("#"), f"a value is set: {line}"


def test_every_long_running_service_has_a_healthcheck() -> None:
    services = compose()["services"]
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), name
