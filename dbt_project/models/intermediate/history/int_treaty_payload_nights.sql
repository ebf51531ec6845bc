-- The payload each treaty showed on each accepted night (the sha256 its URL returned in that
-- night's accepted load, from the fetch log), with the previous night the treaty was served.
-- This is the source of history: every payload is kept by content, so the status of any
-- past night can be rebuilt, and a rerun of a night yields the same rows.
-- A table, not a view: three marts read it, and it grows with nights x treaties.
{{ config(materialized='table') }}

with

fetch_log as (
    select * from {{ ref('stg_untc__fetch_log') }}
),

loads as (
    select * from {{ ref('stg_untc__loads') }}
),

treaties as (
    select * from {{ ref('stg_untc__treaties') }}
),

payload_treaty as (
    select distinct
        payload_sha256,
        mtdsg_no
    from treaties
),

served as (
    select
        payload_treaty.mtdsg_no,
        loads.logical_date as night,
        loads.load_id,
        fetch_log.payload_sha256
    from fetch_log
    inner join loads on fetch_log.load_id = loads.load_id
    inner join payload_treaty on fetch_log.payload_sha256 = payload_treaty.payload_sha256
    qualify row_number() over (
        partition by payload_treaty.mtdsg_no, loads.logical_date
        order by fetch_log.fetched_at desc, fetch_log.payload_sha256 asc
    ) = 1
),

final as (
    select
        mtdsg_no,
        night,
        load_id,
        payload_sha256,
        lag(night) over nights as previous_night,
        lag(payload_sha256) over nights as previous_payload_sha256
    from served
    window nights as (partition by mtdsg_no order by night)
)

select * from final
