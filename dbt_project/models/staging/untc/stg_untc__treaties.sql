-- One row per parsed MTDSG payload (its Header) that an accepted load landed or fetched.
with

accepted_payloads as (
    {{ accepted_payload_shas('untc') }}
),

source as (
    select * from {{ source('raw', 'untc_treaties') }}
),

renamed as (
    select
        load_id,
        sha256 as payload_sha256,
        url,
        mtdsg_no,
        chapter_roman as chapter,
        chapter_name,
        title,
        conclusion_text,
        concluded_place,
        concluded_on,
        eif_text,
        eif_date,
        registration_text,
        printed_signatories,
        printed_parties,
        status_as_of,
        has_participants_table,
        column_headers,
        parse_warnings
    from source
    where sha256 in (select accepted_payloads.sha256 from accepted_payloads)
)

select * from renamed
