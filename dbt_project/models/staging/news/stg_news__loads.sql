-- Accepted loads of the news source: the only news loads any model may read.
with

source as (
    select * from {{ source('raw', 'loads') }}
),

renamed as (
    select
        load_id,
        logical_date,
        started_at,
        finished_at
    from source
    where
        status in {{ readable_load_statuses() }}
        and source = 'news'
)

select * from renamed
