-- Article pages fetched by an accepted news load, with their main text.
with

accepted_payloads as (
    {{ accepted_payload_shas('news') }}
),

source as (
    select * from {{ source('raw_news', 'news_articles') }}
),

renamed as (
    select
        load_id,
        sha256 as payload_sha256,
        url,
        canonical_url,
        title,
        language,
        treaty_id,
        text_sha256,
        n_chars,
        extractor_version
    from source
    where sha256 in (select accepted_payloads.sha256 from accepted_payloads)
)

select * from renamed
