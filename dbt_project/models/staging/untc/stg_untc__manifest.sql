-- Payloads of the UN Treaty Collection landed by accepted loads.
with

accepted_loads as (
    {{ accepted_load_ids('untc') }}
),

source as (
    select * from {{ source('raw', 'manifest') }}
),

renamed as (
    select
        sha256 as payload_sha256,
        url,
        fetched_at,
        http_status,
        content_type,
        bytes as payload_bytes,
        path as payload_path,
        load_id
    from source
    where
        source = 'untc'
        and load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
