-- One row per dated action of one participant, from payloads an accepted load landed or fetched.
with

accepted_payloads as (
    {{ accepted_payload_shas('untc') }}
),

source as (
    select * from {{ source('raw', 'untc_participant_actions') }}
),

renamed as (
    select
        load_id,
        sha256 as payload_sha256,
        mtdsg_no,
        row_number as table_row_number,
        participant_raw,
        participant as untc_name,
        footnotes,
        column_number,
        column_header,
        action,
        action_date,
        raw_value,
        bracketed as is_bracketed,
        effective_date,
        coalesce(suffix, '') as suffix
    from source
    where sha256 in (select accepted_payloads.sha256 from accepted_payloads)
)

select * from renamed
