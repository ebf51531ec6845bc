-- The status of every participant in every accepted payload, classified with the rules of
-- treaty_participation (one definition: macros/participation_status.sql; the test
-- assert_history_current_matches_participation checks the current payload agrees).
-- Incremental by payload (macros/incremental_payloads.sql): a night adds only its new payloads.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='payload_sha256',
        on_schema_change='fail',
    )
}}

with

actions as (
    select * from {{ ref('int_participant_actions_deduped') }}
),

names as (
    select * from {{ ref('int_participants_resolved') }}
),

action_types as (
    select * from {{ ref('action_types') }}
),

keyed as (
    select
        actions.payload_sha256,
        actions.mtdsg_no,
        names.participant_id,
        actions.untc_name,
        actions.action,
        actions.action_date,
        actions.effective_date,
        actions.is_bracketed as is_withdrawn,
        coalesce(action_types.is_signature, false) as is_signature,
        coalesce(action_types.is_consent_to_be_bound, false) as is_consent_to_be_bound
    from actions
    inner join names on actions.untc_name = names.untc_name
    left join action_types on actions.action = action_types.action
    where {{ only_new_payloads('actions.payload_sha256') }}
),

{{ participation_status_ctes('keyed', 'payload_sha256') }},

spellings as (
    select
        payload_sha256,
        participant_id,
        string_agg(distinct untc_name, ' / ' order by untc_name) as untc_name
    from keyed
    group by payload_sha256, participant_id
),

final as (
    select
        participation_status.payload_sha256,
        participation_status.mtdsg_no,
        participation_status.participant_id,
        spellings.untc_name,
        participation_status.signed_on,
        participation_status.consent_action,
        participation_status.consent_on,
        participation_status.withdrawn_on,
        participation_status.is_party,
        participation_status.status,
        participation_status.is_signatory,
        participation_status.has_withdrawn_entry
    from participation_status
    inner join spellings
        on
            participation_status.payload_sha256 = spellings.payload_sha256
            and participation_status.participant_id = spellings.participant_id
)

select * from final
