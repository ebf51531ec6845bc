"""Skip the dbt build on a night that changed nothing: fingerprints of what dbt reads.

After every dbt build the pipeline records, in the working DB (``pipeline_state.builds``):
the night the marts stand for, a fingerprint of the dbt project (and the ingestion code
whose output dbt cannot tell from the payload alone), a fingerprint of every raw row dbt can
read (loads, fetch log, accepted changes), and a description of that night's loads *without
the night* (per source: load status; per URL: payload sha256, outcome, error).

Tonight (night Y) is a **no-change night** when, compared with the last build (night X < Y):
the project is the same, the raw rows of nights up to X are exactly what that build read,
tonight's loads -- and those of any night between X and Y -- look exactly like night X's (same
payload and outcome for every URL), and no official date falls where moving the as-of date
from X to Y could change a count (see ``CALENDAR_GUARD``). A night between X and Y exists when
its loads changed nothing and so never triggered the warehouse (``plan_build`` with a
``source``: each source's load asks this before it signals its Asset). Then every mart
equals the one already built except for the columns that say which night it stands for, and
``refresh_night_columns`` moves those from X to Y instead of running dbt
(tests/integration/test_incremental.py proves the result equals a full build). Anything
else -- a new payload, a failed fetch, a backfill, a rerun after a change, a project change --
runs dbt; a project change runs it with ``--full-refresh``, as the incremental models keep
rows computed by the old code.

A rerun of a night whose inputs did not change at all is also a skip, with nothing to move.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from ingestion.clock import utcnow
from ingestion.settings import Settings

STATE_SCHEMA = "pipeline_state"
# ingestion code whose output the dbt models join to payloads (the name -> participant
# resolution): when it changes, rows the incremental models kept are stale
_CODE_READ_BY_DBT = ("ingestion/participants.py",)
_PROJECT_PARTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")

_STATE_DDL = f"""
create schema if not exists {STATE_SCHEMA};
create table if not exists {STATE_SCHEMA}.builds (
    night date not null,
    built_at timestamp not null,
    action varchar not null,            -- dbt | dbt_full_refresh | refreshed_night | unchanged
    project_fp varchar not null,
    raw_fp varchar not null,            -- every readable raw row, after this build
    night_fp varchar not null           -- the night's loads without the night (kept for inspection)
);
"""


@dataclass(frozen=True)
class BuildPlan:
    """What the warehouse build does tonight and why (``reason`` is one line for the log)."""

    action: str  # "dbt", "dbt_full_refresh", "refresh_night" or "unchanged"
    night: date
    reason: str
    built_night: date | None = None  # the night the current marts stand for


def project_fingerprint(settings: Settings) -> str:
    """sha256 over the dbt project's files and the ingestion code dbt depends on."""
    digest = hashlib.sha256()
    project = settings.dbt_project_dir
    files: list[Path] = []
    for part in _PROJECT_PARTS:
        path = project / part
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir()
                     else [path] if path.exists() else [])
    repo = Path(__file__).resolve().parents[1]
    files.extend(repo / name for name in _CODE_READ_BY_DBT)
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# A fingerprint of a set of rows: how many, and the sum of DuckDB's 64-bit hash of each. Order
# does not matter, a repeated row counts twice, and the raw fingerprint reads every fetch-log
# row of history, so it must stay cheap: on 651,525 rows (five years of nights over the whole
# catalogue) it took 47 ms where md5 of each row, sorted and joined, took 931 ms
# (benchmarks/fingerprint_cost.py). DuckDB may change its hash between versions: after such an
# upgrade the first night runs dbt once.
_SET_HASH = "count(*), coalesce(sum(hash({row})::hugeint), 0)"
# a payload landed by this load ('new') or by an earlier one ('unchanged') is the same input
_OUTCOME = "case when f.outcome in ('new', 'unchanged') then 'payload' else f.outcome end"


def _set_hash(con: duckdb.DuckDBPyConnection, query: str, params: list) -> str:
    """Order-independent fingerprint of a query's rows (see ``_SET_HASH``)."""
    row = con.execute(f"select {_SET_HASH.format(row='q')} from ({query}) as q", params).fetchone()
    return f"{row[0]}:{row[1]}"


def raw_fingerprint(con: duckdb.DuckDBPyConnection, through: date | None = None) -> str:
    """Fingerprint of the raw rows dbt can read, optionally only of nights up to ``through``.

    Payloads are content-addressed, so a load's fetch log (URL -> sha256, outcome) stands for
    its parsed rows. Wall-clock columns (fetched_at, started_at) are left out: a rerun that
    fetches the same payloads is the same input.
    """
    through = through or date(9999, 12, 31)
    # dbt shows the message of a lost (rejected, failed) load only; a payload landed by this
    # load ('new') or an earlier one ('unchanged') is the same input: a rerun changes neither
    loads = (
        "select load_id, source, logical_date, status, "
        "case when status in ('rejected', 'failed') then message end from raw.loads "
        "where status != 'running' and logical_date <= ?"
    )
    fetches = (
        f"select f.load_id, f.url, f.subject, f.sha256, {_OUTCOME}, f.error, f.http_status "
        "from raw.fetch_log f join raw.loads l using (load_id) "
        "where l.status != 'running' and l.logical_date <= ?"
    )
    changes = "select mtdsg_no, sha256 from raw.accepted_changes"
    return "|".join((
        _set_hash(con, loads, [through]),
        _set_hash(con, fetches, [through]),
        _set_hash(con, changes, []),
    ))


def night_fingerprints(con: duckdb.DuckDBPyConnection, nights: list[date],
                       source: str | None = None) -> dict[date, str]:
    """For each night, what its loads showed, without naming the night (no load id, no dates).

    With ``source``, only that source's load of each night. One query for all the nights, so
    a long run of quiet nights since the last build costs one scan, not one per night.
    """
    where = "l.logical_date in (select unnest($nights)) and l.source = coalesce($source, l.source)"
    loads = (
        f"select l.logical_date as night, row(l.source, l.status) as r from raw.loads l "
        f"where {where}"
    )
    fetches = (
        f"select l.logical_date as night, row(l.source, f.url, f.subject, f.sha256, {_OUTCOME}, "
        f"f.error, f.http_status) as r "
        f"from raw.fetch_log f join raw.loads l using (load_id) where {where}"
    )
    params = {"nights": list(nights), "source": source}
    parts = [_set_hashes(con, query, params) for query in (loads, fetches)]
    return {night: "|".join(part.get(night, "0:0") for part in parts) for night in nights}


def night_fingerprint(con: duckdb.DuckDBPyConnection, night: date,
                      source: str | None = None) -> str:
    """What the night's loads showed, without naming the night (see ``night_fingerprints``)."""
    return night_fingerprints(con, [night], source)[night]


def _set_hashes(con: duckdb.DuckDBPyConnection, query: str, params: dict) -> dict[date, str]:
    """Per night, the fingerprint of the ``r`` column of a query's rows (see ``_SET_HASH``)."""
    rows = con.execute(
        f"select night, {_SET_HASH.format(row='r')} from ({query}) as q group by night", params
    ).fetchall()
    return {night: f"{n}:{digest}" for night, n, digest in rows}


def _last_build(con: duckdb.DuckDBPyConnection) -> tuple | None:
    return con.execute(
        f"select night, project_fp, raw_fp from {STATE_SCHEMA}.builds "
        "order by built_at desc limit 1"
    ).fetchone()


def _marts_exist(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts'"
    ).fetchone()[0])


def _accepted_whole(con: duckdb.DuckDBPyConnection, nights: list[date],
                    source: str | None = None) -> set[date]:
    """The nights whose every load (of ``source``) passed its gate whole (no partial, rejected
    or failed load)."""
    return {night for (night,) in con.execute(
        "select logical_date from raw.loads where logical_date in (select unnest(?)) "
        "and source = coalesce(?, source) group by logical_date "
        "having bool_and(status = 'accepted')",
        [list(nights), source],
    ).fetchall()}


# Official dates that make the marts of night Y differ from night X's beyond the as-of columns:
# any action, opening or entry into force dated in [X, Y] (entering the as-of window; one on
# night X itself also makes X's row of treaty_progress_daily an event row), and a counting
# instrument leaving the 365-day pace window of treaty_progress. A false alarm only costs a
# dbt build.
CALENDAR_GUARD = """
select count(*) from (
    select action_date as day from marts.fct_treaty_actions
    union all select effective_date from marts.fct_treaty_actions
    union all select opened_for_signature_on from marts.dim_treaty
    union all select eif_date from marts.treaty_progress
) as official
where day between $built and $tonight
union all
select count(*) from marts.treaty_progress_daily
where new_counting_instruments > 0 and date_day > $built - 365 and date_day <= $tonight - 365
"""


def plan_build(con: duckdb.DuckDBPyConnection, settings: Settings, night: date,
               source: str | None = None) -> BuildPlan:
    """Decide whether tonight needs dbt (and a full refresh) or only its night moved.

    With ``source``, judge only that source's load of the night (the others may not have run
    yet): this is how a load decides whether to trigger the warehouse at all.
    """
    con.execute(_STATE_DDL)
    last = _last_build(con)
    if last is None or not _marts_exist(con):
        return BuildPlan("dbt", night, "no earlier build in this working DB")
    built_night, project_fp, raw_fp = last
    if project_fp != project_fingerprint(settings):
        return BuildPlan("dbt_full_refresh", night, "the dbt project changed since the last build")
    if raw_fingerprint(con) == raw_fp:
        return BuildPlan("unchanged", night, f"no input changed since the build of "
                         f"night {built_night}", built_night)
    if night <= built_night:
        return BuildPlan("dbt", night, f"night {night} is not after the built night "
                         f"{built_night} (backfill or rerun)")
    if night not in _accepted_whole(con, [night], source):
        return BuildPlan("dbt", night, f"a load of night {night} is not accepted whole")
    if raw_fingerprint(con, through=built_night) != raw_fp:
        return BuildPlan("dbt", night, f"inputs of nights up to {built_night} changed")
    # The built night's rows are what the build read (checked above), so they can be described
    # again now. Nights between the build and tonight changed nothing, or they would have
    # triggered a build: each must look exactly like the built night.
    tonight = night_fingerprints(con, [night, built_night], source)
    if tonight[night] != tonight[built_night]:
        return BuildPlan("dbt", night, f"night {night} brought a payload or fetch outcome "
                         f"that night {built_night} did not have")
    between = [night_ for (night_,) in con.execute(
        "select distinct logical_date from raw.loads where logical_date > ? and "
        "logical_date != ? and status != 'running' order by 1", [built_night, night]
    ).fetchall()]
    if between and between[-1] > night:
        return BuildPlan("dbt", night, f"night {between[-1]}, later than {night}, is loaded")
    fingerprints = night_fingerprints(con, [built_night, *between])
    accepted = _accepted_whole(con, between)
    for night_ in between:
        if night_ not in accepted or fingerprints[night_] != fingerprints[built_night]:
            return BuildPlan("dbt", night, f"night {night_} changed inputs since the build "
                             f"of night {built_night}")
    n_dates = sum(n for (n,) in con.execute(
        CALENDAR_GUARD, {"built": built_night, "tonight": night}).fetchall())
    if n_dates:
        return BuildPlan("dbt", night, f"{n_dates} official dates fall between night "
                         f"{built_night} and {night} (counts as of the night may move)")
    return BuildPlan("refresh_night", night, f"nothing changed since night {built_night}",
                     built_night)


def refresh_night_columns(con: duckdb.DuckDBPyConnection, built: date, night: date) -> None:
    """Move the marts' as-of columns from night ``built`` to ``night``, in one transaction.

    Only valid for a plan of ``refresh_night``: the same inputs and no official date between
    the two nights, so nothing else in the marts depends on the night.
    """
    days = (night - built).days
    con.execute("begin transaction")
    try:
        con.execute(
            "update marts.treaty_freshness set last_refreshed_night = $night "
            "where last_refreshed_night = $built",
            {"night": night, "built": built},
        )
        con.execute(
            "update marts.treaty_freshness set last_attempted_night = $night "
            "where last_attempted_night = $built",
            {"night": night, "built": built},
        )
        con.execute(
            "update marts.treaty_progress set as_of_date = $night, "
            "projected_eif_date = projected_eif_date + $days where as_of_date = $built",
            {"night": night, "built": built, "days": days},
        )
        # the as-of row of each treaty's curve (no event fell on night `built`: guarded)
        con.execute(
            "update marts.treaty_progress_daily set date_day = $night, "
            "days_since_opening = days_since_opening + $days where date_day = $built",
            {"night": night, "built": built, "days": days},
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def record_build(con: duckdb.DuckDBPyConnection, settings: Settings, plan: BuildPlan,
                 marts_night: date) -> None:
    """Remember what the marts were built from, for the next night's plan."""
    con.execute(_STATE_DDL)
    con.execute(
        f"insert into {STATE_SCHEMA}.builds values (?, ?, ?, ?, ?, ?)",
        [marts_night, utcnow(), plan.action, project_fingerprint(settings),
         raw_fingerprint(con), night_fingerprint(con, marts_night)],
    )
