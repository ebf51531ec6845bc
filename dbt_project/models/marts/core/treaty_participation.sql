-- Current status of each participant in each treaty's participants table. The status rules
-- (party, withdrawn, signatory, other; is_signatory as UNTC's header counts it) are defined
-- once in macros/participation_status.sql, shared with int_payload_participant_status.
with

actions as (
    select * from {{ ref('fct_treaty_actions') }}
),

{{ participation_status_ctes('actions', 'treaty_id') }},

final as (
    select
        treaty_id,
        mtdsg_no,
        participant_id,
        signed_on,
        consent_action,
        consent_on,
        withdrawn_on,
        withdrawal_effective_on,
        is_party,
        status,
        is_signatory
    from participation_status
)

select * from final
