"""docker-compose.yml: the services the design names, and no secret committed in it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|_KEY$")


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_airflow_services() -> None:
    services = set(compose()["services"])
    assert {
        "postgres", "redis", "airflow-init", "airflow-apiserver", "airflow-scheduler",
        "airflow-dag-processor", "airflow-triggerer", "airflow-worker",
    } <= services


def test_compose_secrets_come_from_the_env_file_only() -> None:
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    for name, value in re.findall(r"^\s*([A-Z_]+):\s*(.+)$", text, flags=re.M):
        if SECRET_NAME.search(name) and not name.endswith("_FILE"):  # a path, not a secret
            assert "${" in value and ":?" in value, f"{name} must be required from .env: {value}"
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    for line in example.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            if SECRET_NAME.search(name.strip()):
                assert value.strip() == "", f".env.example must not ship a value for {name}"


def test_init_creates_the_duckdb_writer_pool_of_size_one() -> None:
    init = compose()["services"]["airflow-init"]
    assert 'pools set duckdb_writer 1' in yaml.safe_dump(init)
