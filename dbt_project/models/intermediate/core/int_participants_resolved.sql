-- Every participant name UNTC printed in an accepted payload (or that ingestion resolved),
-- with its latest ISO 3166 resolution and the participant_id it maps to: iso3 when there is
-- one, else a slug of the name. Several spellings can share a participant_id ("Turkey",
-- "Türkiye"); is_preferred_name marks the one dim_participant shows: the latest printed
-- (ties, e.g. both printed by tonight's files: the one equal to the English name, then the
-- one more current treaties print, then alphabetical).
-- A table: it reads every payload's names and every load's resolutions, and four models and
-- three tests read it; as a view each of them computed it again over the whole history.
{{ config(materialized='table') }}

with

actions as (
    select * from {{ ref('int_participant_actions_deduped') }}
),

current_actions as (
    select * from {{ ref('int_participant_actions_current') }}
),

sightings as (
    select * from {{ ref('int_payload_sightings') }}
),

names as (
    select * from {{ ref('stg_untc__participant_names') }}
),

loads as (
    select * from {{ ref('stg_untc__loads') }}
),

latest_resolution as (
    select names.*
    from names
    inner join loads on names.load_id = loads.load_id
    qualify row_number() over (
        partition by names.untc_name
        order by loads.started_at desc, names.load_id desc
    ) = 1
),

payload_names as (
    select distinct
        payload_sha256,
        untc_name
    from actions
),

payload_span as (
    select
        payload_sha256,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at
    from sightings
    group by payload_sha256
),

printed_span as (
    -- when each name was printed: first and last accepted load serving a payload showing it
    select
        payload_names.untc_name,
        min(payload_span.first_seen_at) as first_printed_at,
        max(payload_span.last_seen_at) as last_printed_at
    from payload_names
    inner join payload_span on payload_names.payload_sha256 = payload_span.payload_sha256
    group by payload_names.untc_name
),

current_use as (
    select
        untc_name,
        count(distinct mtdsg_no) as n_current_treaties
    from current_actions
    group by untc_name
),

all_names as (
    select untc_name from printed_span
    union
    select untc_name from latest_resolution
),

resolved as (
    select
        all_names.untc_name,
        latest_resolution.iso3,
        latest_resolution.iso2,
        latest_resolution.english_name,
        latest_resolution.match_method,
        latest_resolution.load_id as resolution_load_id,
        printed_span.first_printed_at,
        printed_span.last_printed_at,
        coalesce(latest_resolution.participant_type, 'unmapped') as participant_type,
        coalesce(current_use.n_current_treaties, 0) as n_current_treaties,
        coalesce(
            latest_resolution.iso3,
            nullif(
                trim(
                    regexp_replace(
                        lower(strip_accents(all_names.untc_name)), '[^a-z0-9]+', '-', 'g'
                    ),
                    '-'
                ),
                ''
            ),
            md5(all_names.untc_name)
        ) as participant_id
    from all_names
    left join latest_resolution on all_names.untc_name = latest_resolution.untc_name
    left join printed_span on all_names.untc_name = printed_span.untc_name
    left join current_use on all_names.untc_name = current_use.untc_name
),

final as (
    select
        *,
        row_number() over (
            partition by participant_id
            order by
                last_printed_at desc nulls last,
                first_printed_at desc nulls last,
                (untc_name = english_name) desc nulls last,
                n_current_treaties desc,
                untc_name asc
        ) = 1 as is_preferred_name
    from resolved
)

select * from final
