-- Accepted loads of the UN Treaty Collection source: the only loads any model may read.
with

source as (
    select * from {{ source('raw', 'loads') }}
),

renamed as (
    select
        load_id,
        source as load_source,
        logical_date,
        started_at,
        finished_at,
        status as load_status,
        n_fetched,
        n_new_payloads
    from source
    where
        status in {{ readable_load_statuses() }}
        and source = 'untc'
)

select * from renamed
