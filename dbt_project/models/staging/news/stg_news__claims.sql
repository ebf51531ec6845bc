-- Claims extracted from article pages fetched by an accepted news load.
with

accepted_payloads as (
    {{ accepted_payload_shas('news') }}
),

source as (
    select * from {{ source('raw_news', 'news_claims') }}
),

renamed as (
    select
        sha256 as payload_sha256,
        claim_no,
        kind as claim_kind,
        treaty_id,
        iso3,
        action,
        claim_count,
        qualifier,
        negated as is_negated,
        tense,
        claim_date,
        evidence
    from source
    where sha256 in (select accepted_payloads.sha256 from accepted_payloads)
)

select * from renamed
