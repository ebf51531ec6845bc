-- Items listed by feeds and GDELT in accepted news loads.
with

accepted_loads as (
    {{ accepted_load_ids('news') }}
),

source as (
    select * from {{ source('raw_news', 'news_items') }}
),

renamed as (
    select
        load_id,
        source_kind,
        listing_url,
        item_url,
        canonical_url,
        title as listed_title,
        published_at,
        language as listed_language
    from source
    where load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
