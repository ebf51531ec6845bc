-- Every accepted load that served a UNTC payload: the load that landed (and parsed) it, when
-- accepted, and every accepted load whose fetch log shows the same sha256 (payloads are
-- content-addressed: a payload fetched again is logged, not landed or parsed again).
-- One row per payload and load.
-- A table: three models read it (and, through them, most marts); as a view each computed it
-- again from the whole fetch log.
{{ config(materialized='table') }}

with

treaties as (
    select * from {{ ref('stg_untc__treaties') }}
),

manifest as (
    select * from {{ ref('stg_untc__manifest') }}
),

fetch_log as (
    select * from {{ ref('stg_untc__fetch_log') }}
),

loads as (
    select * from {{ ref('stg_untc__loads') }}
),

landings as (
    select
        treaties.payload_sha256,
        treaties.load_id,
        manifest.fetched_at
    from treaties
    left join manifest
        on
            treaties.payload_sha256 = manifest.payload_sha256
            and treaties.url = manifest.url
),

fetches as (
    select
        payload_sha256,
        load_id,
        fetched_at
    from fetch_log
    where payload_sha256 is not null
),

sightings as (
    select * from landings
    union all
    select * from fetches
),

final as (
    select
        sightings.payload_sha256,
        sightings.load_id,
        loads.started_at,
        loads.logical_date,
        max(sightings.fetched_at) as fetched_at
    from sightings
    inner join loads on sightings.load_id = loads.load_id
    where sightings.payload_sha256 in (select treaties.payload_sha256 from treaties)
    group by
        sightings.payload_sha256,
        sightings.load_id,
        loads.started_at,
        loads.logical_date
)

select * from final
