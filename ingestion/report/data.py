"""Read what the report shows from the published warehouse (read-only) and the M49 seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

CHANGE_NIGHTS = 7  # the report lists the changes of the last week of nights


@dataclass
class ReportData:
    """Frames the report renders; one row per watched treaty in ``treaties``."""

    night: date | None
    treaties: pd.DataFrame
    daily: pd.DataFrame
    participation: pd.DataFrame
    changes: pd.DataFrame
    claims: pd.DataFrame  # news claims about watched treaties, judged against the record


def read_report_data(published_db: Path, regions_csv: Path) -> ReportData:
    """Everything the report needs, from the published file only."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        night = con.execute("select max(logical_date) from meta_publish").fetchone()[0]
        treaties = con.execute(
            """
            select t.treaty_id, t.mtdsg_no, coalesce(t.short_name, t.title) as name,
                   t.opened_for_signature_on, g.as_of_date, g.participants_known,
                   g.signatories, g.parties, g.counting_instruments, g.eif_threshold,
                   g.instruments_remaining, g.eif_date, g.eif_status, g.projected_eif_date,
                   g.instruments_last_365_days
            from dim_treaty t join treaty_progress g using (treaty_id)
            where t.is_watched
            order by g.eif_status = 'pending' desc, t.mtdsg_no
            """
        ).df()
        daily = con.execute(
            "select d.*, coalesce(t.short_name, t.mtdsg_no) as name "
            "from treaty_progress_daily d join dim_treaty t using (treaty_id) "
            "order by treaty_id, date_day"
        ).df()
        participation = con.execute(
            """
            select tp.treaty_id, tp.status, tp.is_signatory, tp.is_party, p.iso3,
                   p.participant_type
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
                   c.action, c.qualifier, c.is_negated, c.tense, c.verdict,
                   c.record_count, c.lag_days, c.evidence
            from claims_vs_record c join news_articles a using (article_id)
            order by c.article_date desc, c.mtdsg_no, c.claim_kind, claim
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
    return ReportData(night, treaties, daily, participation, changes, claims)
