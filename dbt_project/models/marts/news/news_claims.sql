-- One row per claim of a distinct news article, with its sentence as evidence.
with

articles as (
    select * from {{ ref('news_articles') }}
),

claims as (
    select * from {{ ref('stg_news__claims') }}
),

final as (
    select
        articles.article_id,
        claims.claim_no,
        claims.treaty_id,
        claims.claim_kind,
        claims.iso3,
        claims.action,
        claims.claim_count,
        claims.qualifier,
        claims.is_negated,
        claims.tense,
        claims.claim_date,
        articles.published_on,
        claims.evidence,
        md5(articles.article_id || '|' || cast(claims.claim_no as varchar)) as claim_id
    from claims
    inner join articles on claims.payload_sha256 = articles.source_sha256
)

select * from final
