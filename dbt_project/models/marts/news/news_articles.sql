-- One row per distinct news article (deduplicated by canonical URL and by main text).
with

articles as (
    select
        *,
        md5(canonical_url) as article_id
    from {{ ref('int_news_articles') }}
),

claims as (
    select * from {{ ref('stg_news__claims') }}
),

claim_counts as (
    select
        payload_sha256,
        count(*) as n_claims
    from claims
    group by payload_sha256
),

final as (
    select
        articles.article_id,
        articles.canonical_url,
        articles.url,
        articles.title,
        articles.published_at,
        articles.language,
        articles.treaty_id,
        articles.listed_by,
        articles.text_sha256,
        articles.payload_sha256 as source_sha256,
        articles.first_seen_load_id,
        articles.first_seen_on,
        cast(articles.published_at as date) as published_on,
        cast(articles.n_chars as integer) as n_chars,
        cast(articles.n_duplicate_urls as integer) as n_duplicate_urls,
        cast(coalesce(claim_counts.n_claims, 0) as integer) as n_claims,
        regexp_extract(articles.canonical_url, '^https?://([^/]+)', 1) as outlet_domain
    from articles
    left join claim_counts on articles.payload_sha256 = claim_counts.payload_sha256
)

select * from final
