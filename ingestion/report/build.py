"""Build ``warehouse/report.html`` from the published warehouse."""

from __future__ import annotations

from pathlib import Path

from ingestion.report.data import read_report_data
from ingestion.report.render import render_report, write_report
from ingestion.settings import Settings

REPORT_NAME = "report.html"


def report_path(settings: Settings) -> Path:
    """The report sits beside the published DuckDB file."""
    return settings.warehouse_dir / REPORT_NAME


def build_report(settings: Settings) -> Path:
    """Read the published marts, render, write; return the path."""
    regions = settings.dbt_project_dir / "seeds" / "un_m49_regions.csv"
    data = read_report_data(settings.published_db, regions)
    return write_report(render_report(data), report_path(settings))
