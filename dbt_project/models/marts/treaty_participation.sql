-- Current status of each participant in each treaty's participants table.
--   party      an instrument of consent to be bound (CONSENT_ACTIONS) not bracketed, and no
--              withdrawal dated on or after it
--   withdrawn  not a party, and a withdrawal or a bracketed (no longer in effect) entry
--   signatory  a signature (or succession to signature) in effect, nothing of the above
--   other      anything else (e.g. provisional application only)
-- is_signatory: a signature in effect and not withdrawn, whether or not the participant also
-- became a party (that is how UNTC's header counts signatories).
with

actions as (
    select * from {{ ref('fct_treaty_actions') }}
),

per_participant as (
    select
        treaty_id,
        mtdsg_no,
        participant_id,
        min(case when is_signature then action_date end) as signed_on,
        bool_or(is_signature and not is_withdrawn) as has_signature_in_effect,
        bool_or(is_consent_to_be_bound and not is_withdrawn) as has_consent_in_effect,
        max(
            case when is_consent_to_be_bound and not is_withdrawn then action_date end
        ) as consent_in_effect_on,
        bool_or(is_withdrawn) as has_bracketed_entry,
        bool_or(action = 'withdrawal') as has_withdrawal
    from actions
    group by treaty_id, mtdsg_no, participant_id
),

latest_consent as (
    select
        treaty_id,
        participant_id,
        action as consent_action,
        action_date as consent_on
    from actions
    where is_consent_to_be_bound
    qualify row_number() over (
        partition by treaty_id, participant_id
        order by is_withdrawn asc, action_date desc nulls last, action asc
    ) = 1
),

latest_withdrawal as (
    select
        treaty_id,
        participant_id,
        action_date as withdrawn_on,
        effective_date as withdrawal_effective_on
    from actions
    where action = 'withdrawal'
    qualify row_number() over (
        partition by treaty_id, participant_id
        order by action_date desc nulls first, effective_date desc nulls first
    ) = 1
),

classified as (
    select
        per_participant.*,
        latest_consent.consent_action,
        latest_consent.consent_on,
        latest_withdrawal.withdrawn_on,
        latest_withdrawal.withdrawal_effective_on,
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
            per_participant.treaty_id = latest_consent.treaty_id
            and per_participant.participant_id = latest_consent.participant_id
    left join latest_withdrawal
        on
            per_participant.treaty_id = latest_withdrawal.treaty_id
            and per_participant.participant_id = latest_withdrawal.participant_id
),

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
        case
            when is_party then 'party'
            when has_withdrawal or has_bracketed_entry then 'withdrawn'
            when has_signature_in_effect then 'signatory'
            else 'other'
        end as status,
        has_signature_in_effect
        and (is_party or not (has_withdrawal or has_bracketed_entry)) as is_signatory
    from classified
)

select * from final
