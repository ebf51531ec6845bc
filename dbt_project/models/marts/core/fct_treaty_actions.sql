-- One row per action shown by the current payload of each treaty.
with

actions as (
    select * from {{ ref('int_participant_actions_current') }}
),

treaties as (
    select * from {{ ref('int_treaties') }}
),

participants as (
    select * from {{ ref('int_participants_resolved') }}
),

final as (
    select
        actions.action_id,
        treaties.treaty_id,
        actions.mtdsg_no,
        participants.participant_id,
        actions.untc_name,
        actions.action,
        actions.suffix,
        actions.action_date,
        actions.effective_date,
        actions.is_consent_to_be_bound,
        actions.is_signature,
        actions.is_bracketed as is_withdrawn,
        actions.raw_value,
        actions.column_header,
        actions.first_seen_load_id,
        actions.first_seen_at,
        actions.first_seen_on,
        actions.payload_sha256 as source_sha256,
        actions.source_load_id
    from actions
    inner join treaties on actions.mtdsg_no = treaties.mtdsg_no
    inner join participants on actions.untc_name = participants.untc_name
)

select * from final
