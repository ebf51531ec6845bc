"""DDL of the `raw` schema in the working DuckDB file (or the working DuckLake).

Ingestion owns these tables; dbt reads them only through `sources` and only for loads whose
status is `accepted`. Every parsed row carries the `load_id` of the load that landed it and the
`sha256` of the payload it came from.

DuckLake supports no PRIMARY KEY or UNIQUE constraint (only NOT NULL), so in a working lake
(ingestion/work_lake.py) the same DDL runs without its keys, and the code that writes keyed
tables keeps them unique itself: ``merge into`` for upserts, ``insert … where not exists`` for
inserts, under the writer lock -- the same statements in both modes.
"""

from __future__ import annotations

import re

import duckdb

RAW_DDL: tuple[str, ...] = (
    "create schema if not exists raw",
    # One row per ingestion run of one source.
    # status: running | accepted | partial (some fetches failed or were quarantined: the rest
    # is used) | rejected (quality gate) | failed (stopped by an error)
    """
    create table if not exists raw.loads (
        load_id varchar primary key,
        source varchar not null,
        logical_date date not null,
        started_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        n_fetched integer,
        n_new_payloads integer,
        message varchar,
        validation_json varchar
    )
    """,
    # One row per distinct payload (content-addressed); the load that first landed it.
    """
    create table if not exists raw.manifest (
        sha256 varchar not null,
        source varchar not null,
        url varchar not null,
        fetched_at timestamp not null,
        http_status integer not null,
        content_type varchar,
        bytes bigint not null,
        path varchar not null,
        load_id varchar not null,
        primary key (source, url, sha256)
    )
    """,
    # Every fetch of a load, also of payloads already landed. The payload a treaty shows on a
    # night is the sha256 its URL returned in that night's accepted load.
    """
    create table if not exists raw.fetch_log (
        load_id varchar not null,
        source varchar not null,
        url varchar not null,
        fetched_at timestamp not null,
        http_status integer,
        sha256 varchar,
        outcome varchar not null,
        error varchar
    )
    """,
    # Payloads that could not be parsed: they make their load fail validation.
    """
    create table if not exists raw.parse_errors (
        load_id varchar not null,
        source varchar not null,
        url varchar not null,
        sha256 varchar not null,
        error varchar not null
    )
    """,
    # The treaties named by the watchlist config, with their entry-into-force rule.
    """
    create table if not exists raw.watchlist (
        load_id varchar not null,
        treaty_id varchar not null,
        mtdsg_no varchar not null,
        short_name varchar,
        eif_threshold integer,
        eif_lag_days integer,
        eif_counted_actions varchar[],
        eif_regional_org_counts boolean,
        opened_for_signature_on date
    )
    """,
    """
    create table if not exists raw.untc_treaties (
        load_id varchar not null,
        sha256 varchar not null,
        url varchar not null,
        mtdsg_no varchar not null,
        chapter_roman varchar,
        chapter_name varchar,
        title varchar,
        conclusion_text varchar,
        concluded_place varchar,
        concluded_on date,
        eif_text varchar,
        eif_date date,
        registration_text varchar,
        printed_signatories integer,
        printed_parties integer,
        status_as_of date,
        has_participants_table boolean not null,
        column_headers varchar[],
        parse_warnings varchar[]
    )
    """,
    """
    create table if not exists raw.untc_participant_actions (
        load_id varchar not null,
        sha256 varchar not null,
        mtdsg_no varchar not null,
        row_number integer not null,
        participant_raw varchar not null,
        participant varchar not null,
        footnotes varchar[],
        column_number integer not null,
        column_header varchar,
        action varchar not null,
        suffix varchar,
        action_date date,
        raw_value varchar,
        bracketed boolean not null,
        effective_date date
    )
    """,
    # How each participant name printed by UNTC resolves to ISO 3166 (pycountry + overrides).
    # participant_type: state | regional_organisation | other | unmapped
    """
    create table if not exists raw.untc_participant_names (
        load_id varchar not null,
        participant varchar not null,
        iso3 varchar,
        iso2 varchar,
        english_name varchar,
        participant_type varchar not null,
        match_method varchar not null
    )
    """,
    # News (ingestion/news): every item a feed or GDELT listed, per load.
    # source_kind: feed | gdelt
    """
    create table if not exists raw.news_items (
        load_id varchar not null,
        source_kind varchar not null,
        listing_url varchar not null,
        listing_sha256 varchar not null,
        item_url varchar not null,
        canonical_url varchar not null,
        title varchar,
        published_at timestamp,
        language varchar
    )
    """,
    # One row per landed article page (by payload): its main text (trafilatura).
    """
    create table if not exists raw.news_articles (
        load_id varchar not null,
        sha256 varchar not null,
        url varchar not null,
        canonical_url varchar not null,
        title varchar,
        language varchar,
        treaty_id varchar,
        text_sha256 varchar not null,
        n_chars integer not null,
        body varchar not null,
        extractor_version varchar not null
    )
    """,
    # Claims the extractor found in an article page (ingestion/news/extract.py).
    """
    create table if not exists raw.news_claims (
        load_id varchar not null,
        sha256 varchar not null,
        claim_no integer not null,
        kind varchar not null,
        treaty_id varchar,
        iso3 varchar,
        action varchar not null,
        claim_count integer,
        qualifier varchar,
        negated boolean not null,
        tense varchar not null,
        claim_date date,
        evidence varchar not null
    )
    """,
    # Issue 9: a load replaying a recording says so (null = live fetch); set by begin_load.
    "alter table raw.loads add column if not exists replay_of varchar",
)


# Columns added after the first release: `create table if not exists` leaves an older working
# DB as it was, so they are added here (idempotent).
RAW_MIGRATIONS: tuple[str, ...] = (
    # fetches that gave no usable payload (error) or were quarantined by the semantic guards
    "alter table raw.loads add column if not exists n_failed integer",
    # what the URL was fetched for: the treaty's MTDSG number for UNTC (staleness per treaty)
    "alter table raw.fetch_log add column if not exists subject varchar",
    # Changes a person accepted although the semantic guards quarantined them
    # (`treatywatch accept-change`): the guards let that payload of that treaty through.
    """
    create table if not exists raw.accepted_changes (
        mtdsg_no varchar not null,
        sha256 varchar not null,
        accepted_at timestamp not null,
        reason varchar not null,
        note varchar,
        primary key (mtdsg_no, sha256)
    )
    """,
)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con``'s current database is a DuckLake (the working lake)."""
    row = con.execute(
        "select type from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return row is not None and row[0] == "ducklake"


_TABLE_KEY = re.compile(r",\s*primary\s+key\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\s+primary\s+key\b", re.IGNORECASE)


def without_keys(statement: str) -> str:
    """The DDL without PRIMARY KEY clauses, for DuckLake; a key column stays NOT NULL."""
    return _COLUMN_KEY.sub(" not null", _TABLE_KEY.sub("", statement))


def execute_ddl(con: duckdb.DuckDBPyConnection, statements: tuple[str, ...]) -> None:
    """Run DDL as written on a DuckDB file, without keys on a DuckLake."""
    lake = is_lake(con)
    for statement in statements:
        con.execute(without_keys(statement) if lake else statement)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `raw` schema and its tables if they do not exist yet."""
    execute_ddl(con, (*RAW_DDL, *RAW_MIGRATIONS))
