"""The report's shipped world map, its claim labels and banners, and the replay description."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pandas as pd

from ingestion.replay import describe_replay
from ingestion.report.data import WORLD_GEOJSON, ReportData
from ingestion.report.render import _banners, _claim_text
from ingestion.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def test_world_map_is_keyed_by_iso3_of_the_m49_seed() -> None:
    world = json.loads(WORLD_GEOJSON.read_text(encoding="utf-8"))
    codes = [f["properties"]["iso3"] for f in world["features"]]
    assert len(codes) == 177 and len(set(codes)) == 177 and None not in codes
    with (REPO / "dbt_project" / "seeds" / "un_m49_regions.csv").open(encoding="utf-8") as f:
        seed = {row["iso3"] for row in csv.DictReader(f)}
    # Natural Earth's own codes for two de facto units, not ISO 3166 (drawn as "no entry")
    assert set(codes) - seed == {"CYN", "SOL"}
    assert {"FRA", "NOR", "XKX", "VNM"} <= set(codes)


def _report(night: date, built_on: date, replay_of: str | None) -> ReportData:
    empty = pd.DataFrame()
    return ReportData(night, empty, empty, empty, empty, empty, is_replay=replay_of is not None,
                      replay_of=replay_of, built_on=built_on)


def test_banners_say_replay_and_stale() -> None:
    live_today = _report(date(2026, 11, 26), date(2026, 11, 27), None)
    assert _banners(live_today) == ""
    replay = _banners(_report(date(2026, 11, 26), date(2026, 11, 27), "snapshot/: 2018 files"))
    assert "replay-banner" in replay and "2018 files" in replay and "stale" not in replay
    stale = _banners(_report(date(2026, 11, 20), date(2026, 11, 27), None))
    assert "stale-banner" in stale and "7 days old" in stale


def test_claim_labels_are_readable() -> None:
    country = pd.Series({"claim_kind": "country_action", "claim": "BLR", "country": "Belarus",
                         "action": "signature", "is_negated": False, "tense": "past",
                         "qualifier": None})
    assert _claim_text(country) == "Belarus (BLR): signature"
    count = pd.Series({"claim_kind": "count", "claim": "65", "country": None,
                       "action": "ratification", "is_negated": True, "tense": "future",
                       "qualifier": "approximate"})
    assert _claim_text(count) == "about 65 countries: not ratification (future)"


def test_replay_is_described_only_offline(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TREATYWATCH_OFFLINE", raising=False)
    assert describe_replay(load_settings()) is None
    monkeypatch.setenv("TREATYWATCH_OFFLINE", "1")
    monkeypatch.setenv("TREATYWATCH_SNAPSHOT_DIR", str(tmp_path))
    assert describe_replay(load_settings()) == f"recorded snapshot {tmp_path.name}/"
    (tmp_path / "RECORDING.json").write_text('{"description": "UNTC files of 2018"}')
    expected = f"recorded snapshot {tmp_path.name}/: UNTC files of 2018"
    assert describe_replay(load_settings()) == expected
