"""A tiny but real working DuckDB file with a ``marts`` schema, for the publish, alert and report
unit tests: no dbt, no GX, no Airflow.

The marts carry the columns (names and DuckDB types) that the publisher, the alerts and the
report read from the real ones, with a handful of rows: two watched treaties (one counted, one
whose file has no participants table), one treaty not watched, three participants, a week of
status changes, one news claim. The load row is written by the loader's own functions.
A minimal dbt manifest (descriptions and the tests that make a primary key) sits where dbt
writes it, so the publisher copies its descriptions.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb

from ingestion.landing import begin_load, finish_load
from ingestion.raw_schema import ensure_raw_schema
from ingestion.replay import describe_replay
from ingestion.settings import Settings

NIGHT = date(2026, 11, 26)
FOCUS = "XVIII-16"

TABLE_DOCS = {
    "dim_treaty": ("One row per treaty.", {"treaty_id": "Stable treaty key.",
                                           "mtdsg_no": "UNTC's MTDSG number."}),
    "status_changes": ("One row per change seen between two nights.",
                       {"change_id": "Stable key of the change."}),
}
UNDOCUMENTED = "treaty_progress_daily"  # no manifest node: published without comments


def _marts_sql(night: date) -> list[str]:
    """DDL + rows of the tiny marts as of ``night`` (dates move with the night)."""
    n = f"date '{night.isoformat()}'"
    return [
        "create schema if not exists marts",
        f"""
        create or replace table marts.dim_treaty as
        select * from (values
            ('cybercrime', '{FOCUS}', 'United Nations Convention against Cybercrime',
             'Cybercrime Convention', date '2025-10-25', ['ratification', 'accession'],
             {n}, true),
            ('printed_only', 'IV-99', 'A treaty whose file has no participants table',
             null, date '1990-01-01', null, null, true),
            ('unwatched', 'X-1', 'A treaty nobody watches', null, date '1980-01-01', null,
             null, false)
        ) t(treaty_id, mtdsg_no, title, short_name, opened_for_signature_on,
            eif_counted_actions, status_as_of, is_watched)
        """,
        f"""
        create or replace table marts.treaty_progress as
        select treaty_id, mtdsg_no, {n} as as_of_date, participants_known,
               cast(signatories as bigint) as signatories, cast(parties as bigint) as parties,
               cast(counting as bigint) as counting_instruments,
               cast(threshold as integer) as eif_threshold,
               cast(threshold - counting as bigint) as instruments_remaining,
               cast(null as date) as threshold_reached_on, cast(null as date) as eif_date,
               eif_status, cast(counting as bigint) as instruments_last_365_days,
               cast(projected as date) as projected_eif_date,
               cast(rep_sig as bigint) as reported_signatories,
               cast(rep_par as bigint) as reported_parties, reported_counts_source
        from (values
            ('cybercrime', '{FOCUS}', true, 3, 1, 1, 40, 'pending', '2029-01-01', null, null,
             'rows'),
            ('printed_only', 'IV-99', false, null, null, null, null, null, null, 17, 12,
             'printed_header'),
            ('unwatched', 'X-1', true, 0, 0, 0, null, 'unknown', null, null, null, 'rows')
        ) t(treaty_id, mtdsg_no, participants_known, signatories, parties, counting,
            threshold, eif_status, projected, rep_sig, rep_par, reported_counts_source)
        """,
        """
        create or replace table marts.treaty_progress_daily as
        select 'cybercrime' as treaty_id, 'XVIII-16' as mtdsg_no, date_day,
               cast(date_day - date '2025-10-25' as bigint) as days_since_opening,
               cast(signatures as bigint) as signatures_to_date,
               cast(counting as bigint) as counting_instruments_to_date
        from (values (date '2025-10-25', 2, 0), (date '2026-03-01', 3, 1))
            t(date_day, signatures, counting)
        """,
        """
        create or replace table marts.dim_participant as
        select * from (values
            ('VNM', 'VNM', 'Viet Nam', 'state'),
            ('NOR', 'NOR', 'Norway', 'state'),
            ('EUR', null, 'European Union', 'regional_organisation')
        ) t(participant_id, iso3, english_name, participant_type)
        """,
        f"""
        create or replace table marts.treaty_participation as
        select * from (values
            ('cybercrime', '{FOCUS}', 'VNM', true, 'party', true),
            ('cybercrime', '{FOCUS}', 'NOR', false, 'signatory', true),
            ('cybercrime', '{FOCUS}', 'EUR', false, 'signatory', true)
        ) t(treaty_id, mtdsg_no, participant_id, is_party, status, is_signatory)
        """,
        # one change on the night, one two nights before, one a month before (outside the
        # week that alerts and the report look back on)
        f"""
        create or replace table marts.status_changes as
        select * from (values
            ('c-new', 'cybercrime', '{FOCUS}', 'VNM', 'Viet Nam', 'new_consent',
             'ratification', 'signatory', 'party', {n} - 3, {n}),
            ('c-week', 'cybercrime', '{FOCUS}', 'NOR', 'Norway', 'new_signature',
             'signature', null, 'signatory', {n} - 4, {n} - 2),
            ('c-old', 'cybercrime', '{FOCUS}', 'EUR', 'European Union', 'new_signature',
             'signature', null, 'signatory', {n} - 40, {n} - 30)
        ) t(change_id, treaty_id, mtdsg_no, participant_id, untc_name, change_type, action,
            old_value, new_value, action_date, detected_on)
        """,
        """
        create or replace table marts.news_articles as
        select 'a1' as article_id, 'news.example' as outlet_domain,
               'Viet Nam ratifies' as title
        """,
        f"""
        create or replace table marts.claims_vs_record as
        select 'k1' as claim_id, 'a1' as article_id, '{FOCUS}' as mtdsg_no,
               'country_action' as claim_kind, 'VNM' as iso3, 'ratification' as action,
               false as is_negated, 'past' as tense, cast(null as integer) as claim_count,
               cast(null as varchar) as qualifier, {n} - 1 as article_date,
               cast(-2 as integer) as lag_days, cast(null as integer) as record_count,
               'confirmed' as verdict, 'Viet Nam ratified the convention.' as evidence
        """,
        f"""
        create or replace table marts.treaty_freshness as
        select * from (values
            ('cybercrime', '{FOCUS}', {n}, {n}, false, null),
            ('printed_only', 'IV-99', {n} - 3, {n}, true, 'HTTP 503 from treaties.un.org')
        ) t(treaty_id, mtdsg_no, last_refreshed_night, last_attempted_night, is_stale,
            stale_reason)
        """,
    ]


def build_work_db(settings: Settings, night: date = NIGHT) -> str:
    """Create (or move to ``night``) the working DB: an accepted load and the tiny marts.

    Returns the load id. The connection is closed on return, as the publisher needs.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.work_db)) as con:
        ensure_raw_schema(con)
        load_id = begin_load(con, "untc", night, replay_of=describe_replay(settings))
        finish_load(con, load_id, "accepted", "tiny warehouse")
        for statement in _marts_sql(night):
            con.execute(statement)
    write_manifest(settings)
    return load_id


def write_manifest(settings: Settings, docs: dict | None = None) -> None:
    """A dbt manifest with a model node per documented mart and the tests that key dim_treaty."""
    nodes: dict[str, dict] = {}
    for table, (description, columns) in (docs or TABLE_DOCS).items():
        nodes[f"model.treatywatch.{table}"] = {
            "resource_type": "model", "schema": "marts", "alias": table,
            "unique_id": f"model.treatywatch.{table}", "description": description,
            "columns": {name: {"name": name, "description": text}
                        for name, text in columns.items()},
        }
    for test in ("unique", "not_null"):
        nodes[f"test.treatywatch.{test}_dim_treaty_treaty_id"] = {
            "resource_type": "test", "column_name": "treaty_id",
            "attached_node": "model.treatywatch.dim_treaty", "test_metadata": {"name": test},
        }
    target = settings.data_dir / "dbt" / "target"
    target.mkdir(parents=True, exist_ok=True)
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}), encoding="utf-8")


def mart_names(settings: Settings) -> list[str]:
    """The marts of the working DB, sorted."""
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1"
        ).fetchall()
    return [r[0] for r in rows]
