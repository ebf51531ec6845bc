"""Read what the report shows from the published warehouse (read-only), the M49 seed and the
shipped world map."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

CHANGE_NIGHTS = 7  # the report lists the changes of the last week of nights
STALE_AFTER_DAYS = 2  # a published night older than this (vs the report's day) is stale
WORLD_GEOJSON = Path(__file__).with_name("world_110m.geojson")  # see its PROVENANCE.md
FOCUS_MTDSG_NO = "XVIII-16"  # the treaty the peer curves compare the others with


@dataclass
class ReportData:
    """Frames the report renders; one row per watched treaty in ``treaties``."""

    night: date | None
    treaties: pd.DataFrame
    daily: pd.DataFrame
    participation: pd.DataFrame
    changes: pd.DataFrame
    claims: pd.DataFrame  # news claims about watched treaties, judged against the record
    is_replay: bool = False  # the night replayed a recording (meta_publish)
    replay_of: str | None = None  # what it replayed
    built_on: date = field(default_factory=date.today)
    world: dict | None = None  # GeoJSON FeatureCollection keyed by ISO alpha-3
    # watched treaties a later night failed to refresh (treaty_freshness): they show their
    # last good state; mtdsg_no, last_refreshed_night, stale_reason
    stale_treaties: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def stale_days(self) -> int | None:
        """Days the published night lags the report's day, when more than STALE_AFTER_DAYS."""
        if self.night is None:
            return None
        lag = (self.built_on - self.night).days
        return lag if lag > STALE_AFTER_DAYS else None


def read_report_data(published_db: Path, regions_csv: Path) -> ReportData:
    """Everything the report needs, from the published file only."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        night = con.execute("select max(logical_date) from meta_publish").fetchone()[0]
        is_replay, replay_of = _replay(con)
        treaties = con.execute(
            """
            select t.treaty_id, t.mtdsg_no, coalesce(t.short_name, t.title) as name,
                   t.opened_for_signature_on, g.as_of_date, g.participants_known,
                   g.signatories, g.parties, g.counting_instruments, g.eif_threshold,
                   g.instruments_remaining, g.eif_date, g.eif_status, g.projected_eif_date,
                   g.instruments_last_365_days, g.threshold_reached_on,
                   g.reported_signatories, g.reported_parties, g.reported_counts_source,
                   t.eif_counted_actions is not null as has_counting_rule, t.status_as_of
            from dim_treaty t join treaty_progress g using (treaty_id)
            where t.is_watched
            order by g.eif_status = 'pending' desc, t.mtdsg_no
            """
        ).df()
        daily = con.execute(
            "select d.*, coalesce(t.short_name, t.mtdsg_no) as name, t.is_watched "
            "from treaty_progress_daily d join dim_treaty t using (treaty_id) "
            "order by treaty_id, date_day"
        ).df()
        participation = con.execute(
            """
            select tp.treaty_id, tp.status, tp.is_signatory, tp.is_party, p.iso3,
                   p.participant_type, p.english_name
            from treaty_participation tp join dim_participant p using (participant_id)
            """
        ).df()
        since = (night or date.today()) - timedelta(days=CHANGE_NIGHTS)
        changes = con.execute(
            "select detected_on, mtdsg_no, untc_name, change_type, action, old_value, new_value "
            "from status_changes where detected_on > ? "
            "order by detected_on desc, mtdsg_no, untc_name",
            [since],
        ).df()
        claims = con.execute(
            """
            select c.article_date, a.outlet_domain as outlet, c.mtdsg_no, c.claim_kind,
                   coalesce(c.iso3, cast(c.claim_count as varchar)) as claim,
                   p.english_name as country, c.action, c.qualifier, c.is_negated, c.tense,
                   c.verdict, c.record_count, c.lag_days, c.evidence
            from claims_vs_record c join news_articles a using (article_id)
            left join dim_participant p on p.iso3 = c.iso3
            order by c.article_date desc, c.mtdsg_no, c.claim_kind, claim
            """
        ).df()
        stale_treaties = con.execute(
            """
            select f.mtdsg_no, f.last_refreshed_night, f.stale_reason
            from treaty_freshness f join dim_treaty t using (treaty_id)
            where f.is_stale and t.is_watched order by f.mtdsg_no
            """
        ).df()
    regions = pd.read_csv(regions_csv, dtype=str, keep_default_na=False)
    participation = participation.merge(regions, on="iso3", how="left")
    participation["m49_region"] = participation["m49_region"].where(
        participation["m49_region"].notna() & (participation["m49_region"] != ""),
        participation["participant_type"].map(
            {"regional_organisation": "Regional organisations"}
        ).fillna("Other"),
    )
    world = json.loads(WORLD_GEOJSON.read_text(encoding="utf-8"))
    return ReportData(
        night, treaties, daily, participation, changes, claims,
        is_replay=is_replay, replay_of=replay_of, world=world, stale_treaties=stale_treaties,
    )


def _replay(con: duckdb.DuckDBPyConnection) -> tuple[bool, str | None]:
    """(is_replay, replay_of) of the latest publication; a file published before these
    columns existed says nothing (False, None)."""
    columns = {r[0] for r in con.execute("describe meta_publish").fetchall()}
    if not {"is_replay", "replay_of"} <= columns:
        return False, None
    row = con.execute(
        "select is_replay, replay_of from meta_publish order by published_at desc limit 1"
    ).fetchone()
    return (bool(row[0]), row[1]) if row else (False, None)
