-- One row per distinct article: the latest accepted payload of each canonical URL, then one
-- article per main text (the same text under two URLs is one article: the earliest listed).
with

articles as (
    select * from {{ ref('stg_news__articles') }}
),

loads as (
    select * from {{ ref('stg_news__loads') }}
),

items as (
    select * from {{ ref('stg_news__items') }}
),

listings as (
    select
        canonical_url,
        min(published_at) as published_at,
        list(distinct source_kind order by source_kind) as listed_by
    from items
    group by canonical_url
),

sightings as (
    select
        articles.*,
        loads.started_at,
        loads.logical_date
    from articles
    inner join loads on articles.load_id = loads.load_id
),

first_seen as (
    select
        canonical_url,
        arg_min(load_id, started_at) as first_seen_load_id,
        min(logical_date) as first_seen_on
    from sightings
    group by canonical_url
),

latest_per_url as (
    select * from sightings
    qualify row_number() over (
        partition by canonical_url order by started_at desc, payload_sha256 asc
    ) = 1
),

with_listing as (
    select
        latest_per_url.*,
        listings.published_at,
        listings.listed_by,
        first_seen.first_seen_load_id,
        first_seen.first_seen_on,
        count(*) over (partition by latest_per_url.text_sha256) - 1 as n_duplicate_urls
    from latest_per_url
    left join listings on latest_per_url.canonical_url = listings.canonical_url
    inner join first_seen on latest_per_url.canonical_url = first_seen.canonical_url
),

deduped as (
    select * from with_listing
    qualify row_number() over (
        partition by text_sha256 order by published_at asc nulls last, canonical_url asc
    ) = 1
)

select * from deduped
