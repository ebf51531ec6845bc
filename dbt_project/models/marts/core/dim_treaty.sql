with

treaties as (
    select * from {{ ref('int_treaties') }}
),

final as (
    select
        treaty_id,
        mtdsg_no,
        chapter,
        chapter_name,
        title,
        short_name,
        'Secretary-General of the United Nations' as depositary,
        conclusion_text,
        concluded_place,
        concluded_on,
        opened_for_signature_on,
        eif_threshold,
        eif_lag_days,
        eif_counted_actions,
        eif_regional_org_counts,
        eif_text,
        eif_date,
        printed_signatories,
        printed_parties,
        status_as_of,
        has_participants_table,
        participants_known,
        is_watched,
        source_url,
        source_sha256,
        source_load_id
    from treaties
)

select * from final
