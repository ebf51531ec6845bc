-- Every fetch of every finished UN Treaty Collection load, whatever the load's outcome:
-- staleness needs what was tried and failed, not only what was read. No payload is read here
-- (only outcomes and reasons), so rejected loads stay unread in every other sense.
with

loads as (
    select * from {{ source('raw', 'loads') }}
),

fetch_log as (
    select * from {{ source('raw', 'fetch_log') }}
),

renamed as (
    select
        fetch_log.load_id,
        loads.logical_date as night,
        loads.status as load_status,
        fetch_log.url,
        fetch_log.fetched_at,
        fetch_log.outcome,
        fetch_log.error as error_message,
        split_part(coalesce(loads.message, ''), chr(10), 1) as load_message,
        coalesce(
            fetch_log.subject, regexp_extract(fetch_log.url, '([^/]+)\.en\.xml$', 1)
        ) as mtdsg_no
    from fetch_log
    inner join loads on fetch_log.load_id = loads.load_id
    where
        fetch_log.source = 'untc'
        and loads.source = 'untc'
        and loads.status != 'running'
)

select * from renamed
