-- Fetch attempts of readable UN Treaty Collection loads, also of payloads landed before;
-- quarantined fetches are left out (their payload must not be read).
with

accepted_loads as (
    {{ accepted_load_ids('untc') }}
),

source as (
    select * from {{ source('raw', 'fetch_log') }}
),

renamed as (
    select
        load_id,
        url,
        fetched_at,
        http_status,
        sha256 as payload_sha256,
        outcome,
        error as error_message
    from source
    where
        source = 'untc'
        and outcome != 'quarantined'
        and load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
