"""The report's shipped world map, its claim labels and banners, the replay description, and
the whole page rendered from a tiny published warehouse (checked with an HTML parser)."""

from __future__ import annotations

import csv
import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from tiny_warehouse import NIGHT, build_work_db

from ingestion.publish import publish
from ingestion.replay import describe_replay
from ingestion.report.build import build_report, report_path
from ingestion.report.data import WORLD_GEOJSON, ReportData, read_report_data
from ingestion.report.render import _banners, _claim_text, render_report
from ingestion.settings import Settings, load_settings

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


@pytest.fixture
def replayed_warehouse(tw_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The tiny marts of NIGHT, loaded offline from a recording and published."""
    recording = tw_env / "recording"
    recording.mkdir()
    (recording / "RECORDING.json").write_text('{"description": "UNTC files of 2018"}')
    monkeypatch.setenv("TREATYWATCH_OFFLINE", "1")
    monkeypatch.setenv("TREATYWATCH_SNAPSHOT_DIR", str(recording))
    settings = load_settings()
    build_work_db(settings, NIGHT)
    assert publish(settings, NIGHT).published
    return settings


def texts(page: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """Visible text of each element the XPath selects, its text nodes joined by spaces."""
    return [" ".join(" ".join(e.itertext()).split()) for e in page.xpath(xpath)]


def table_rows(page: lxml.html.HtmlElement, table_id: str) -> list[list[str]]:
    return [[" ".join(td.text_content().split()) for td in tr.xpath("td")]
            for tr in page.xpath(f"//table[@id='{table_id}']/tbody/tr")]


def test_report_page_from_a_published_warehouse(replayed_warehouse: Settings) -> None:
    settings = replayed_warehouse
    path = build_report(settings)

    assert path == report_path(settings) == settings.warehouse_dir / "report.html"
    page = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    assert texts(page, "//title") == [f"TreatyWatch report {NIGHT.isoformat()}"]
    [replay] = texts(page, "//div[@id='replay-banner']")
    assert "UNTC files of 2018" in replay
    assert texts(page, "//div[contains(@class, 'treaty-stale')]") == [
        "IV-99 is stale: shown as of night 2026-11-23; tonight's refresh failed: "
        "HTTP 503 from treaties.un.org"
    ]

    # one section per watched treaty, the pending one first; the unwatched X-1 has none
    assert page.xpath("//section/@id") == ["XVIII-16", "IV-99"]
    figures = dict(zip(page.xpath("//section[@id='XVIII-16']//dd/@data-figure"),
                       texts(page, "//section[@id='XVIII-16']//dd"), strict=True))
    assert figures == {
        "signatories": "3", "parties": "1", "instruments counting": "1",
        "threshold": "40 not reached", "remaining": "39",
        "entry into force": "projected 2029-01-01",
    }
    printed = texts(page, "//section[@id='IV-99']//dd")
    assert printed == ["17 printed by UNTC", "12 printed by UNTC"]
    [note] = texts(page, "//section[@id='IV-99']//p[@class='note']")
    assert "prints 17 signatories and 12 parties" in note
    charts = set(page.xpath("//div[@id]/@id"))
    assert {"ratification_curves", "progress_XVIII_16", "map_XVIII_16", "timeline_XVIII_16",
            "regions_XVIII_16"} <= charts
    assert not {c for c in charts if c.endswith("IV_99")}

    # the week's changes, newest first (the change of a month ago is not listed)
    assert table_rows(page, "changes") == [
        ["2026-11-26", "XVIII-16", "Viet Nam", "new_consent", "ratification", "signatory",
         "party"],
        ["2026-11-24", "XVIII-16", "Norway", "new_signature", "signature", "—", "signatory"],
    ]
    [claim] = table_rows(page, "claims")
    assert claim[2:5] == ["XVIII-16", "Viet Nam (VNM): ratification", "confirmed"]

    # self-contained: no script loaded from elsewhere, plotly.js inlined once
    assert page.xpath("//script[@src]") == []
    bundles = [s for s in page.xpath("//script/text()") if len(s) > 500_000]
    assert len(bundles) == 1


def test_report_page_says_when_the_night_is_stale(replayed_warehouse: Settings) -> None:
    settings = replayed_warehouse
    regions = settings.dbt_project_dir / "seeds" / "un_m49_regions.csv"
    data = read_report_data(settings.published_db, regions)
    assert data.night == NIGHT and data.is_replay

    fresh = lxml.html.fromstring(render_report(
        dataclasses.replace(data, built_on=NIGHT + timedelta(days=1))))
    late = lxml.html.fromstring(render_report(
        dataclasses.replace(data, built_on=NIGHT + timedelta(days=5))))

    assert fresh.xpath("//div[@id='stale-banner']") == []
    assert texts(late, "//div[@id='stale-banner']") == [
        "Stale: the published night 2026-11-26 is 5 days old."
    ]
