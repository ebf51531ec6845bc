-- Every fetch of every readable UN Treaty Collection load, whatever its outcome (quarantined
-- and failed fetches included): staleness needs what was tried and failed, not only what was
-- read. No payload is read here, only outcomes and reasons. Rejected and failed loads are not
-- read at all: the marts, freshness included, stay as the last readable night left them.
with

accepted_loads as (
    {{ accepted_load_ids('untc') }}
),

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
        fetch_log.url,
        fetch_log.fetched_at,
        fetch_log.outcome,
        fetch_log.error as error_message,
        coalesce(
            fetch_log.subject, regexp_extract(fetch_log.url, '([^/]+)\.en\.xml$', 1)
        ) as mtdsg_no
    from fetch_log
    inner join loads on fetch_log.load_id = loads.load_id
    where
        fetch_log.source = 'untc'
        and fetch_log.load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
