-- The status of every participant in every accepted payload, classified with the rules of
-- treaty_participation (test assert_history_current_matches_participation keeps them equal):
-- party = consent in effect and no later withdrawal; withdrawn = else a withdrawal or a
-- bracketed entry; signatory = a signature in effect; other = anything else.
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
        actions.is_bracketed,
        coalesce(action_types.is_signature, false) as is_signature,
        coalesce(action_types.is_consent_to_be_bound, false) as is_consent
    from actions
    inner join names on actions.untc_name = names.untc_name
    left join action_types on actions.action = action_types.action
),

latest_consent as (
    select
        payload_sha256,
        participant_id,
        action as consent_action,
        action_date as consent_on
    from keyed
    where is_consent
    qualify row_number() over (
        partition by payload_sha256, participant_id
        order by is_bracketed asc, action_date desc nulls last, action asc
    ) = 1
),

latest_withdrawal as (
    select
        payload_sha256,
        participant_id,
        action_date as withdrawn_on
    from keyed
    where action = 'withdrawal'
    qualify row_number() over (
        partition by payload_sha256, participant_id
        order by action_date desc nulls first
    ) = 1
),

per_participant as (
    select
        payload_sha256,
        mtdsg_no,
        participant_id,
        string_agg(distinct untc_name, ' / ' order by untc_name) as untc_name,
        min(case when is_signature then action_date end) as signed_on,
        bool_or(is_signature and not is_bracketed) as has_signature_in_effect,
        bool_or(is_consent and not is_bracketed) as has_consent_in_effect,
        max(case when is_consent and not is_bracketed then action_date end)
            as consent_in_effect_on,
        bool_or(is_bracketed) as has_bracketed_entry,
        bool_or(action = 'withdrawal') as has_withdrawal
    from keyed
    group by payload_sha256, mtdsg_no, participant_id
),

classified as (
    select
        per_participant.*,
        latest_consent.consent_action,
        latest_consent.consent_on,
        latest_withdrawal.withdrawn_on,
        per_participant.has_consent_in_effect
        and (
            not per_participant.has_withdrawal
            or coalesce(
                per_participant.consent_in_effect_on > latest_withdrawal.withdrawn_on, false
            )
        ) as is_party
    from per_participant
    left join latest_consent
        on
            per_participant.payload_sha256 = latest_consent.payload_sha256
            and per_participant.participant_id = latest_consent.participant_id
    left join latest_withdrawal
        on
            per_participant.payload_sha256 = latest_withdrawal.payload_sha256
            and per_participant.participant_id = latest_withdrawal.participant_id
),

final as (
    select
        payload_sha256,
        mtdsg_no,
        participant_id,
        untc_name,
        signed_on,
        consent_action,
        consent_on,
        withdrawn_on,
        is_party,
        case
            when is_party then 'party'
            when has_withdrawal or has_bracketed_entry then 'withdrawn'
            when has_signature_in_effect then 'signatory'
            else 'other'
        end as status,
        has_signature_in_effect
        and (is_party or not (has_withdrawal or has_bracketed_entry)) as is_signatory,
        has_withdrawal or has_bracketed_entry as has_withdrawn_entry
    from classified
)

select * from final
