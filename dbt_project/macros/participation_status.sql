{#- The participation status rules, in one place: treaty_participation (current payload, keyed
    by treaty_id) and int_payload_participant_status (every payload, keyed by payload_sha256).
    Emits CTEs (to follow other CTEs) ending in participation_status. Expects a relation named
    by `actions` with: <key>, mtdsg_no, participant_id, action, action_date, effective_date,
    is_signature, is_consent_to_be_bound, is_withdrawn (bracketed: no longer in effect).
      party      a consent to be bound in effect, and no withdrawal on or after it
      withdrawn  not a party, and a withdrawal or a bracketed entry
      signatory  a signature in effect, nothing of the above
      other      anything else (e.g. provisional application only)
    is_signatory: a signature in effect and not withdrawn, party or not (UNTC's header count). -#}
{% macro participation_status_ctes(actions, key) -%}
participation_per_participant as (
    select
        {{ key }},
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
    from {{ actions }}
    group by {{ key }}, mtdsg_no, participant_id
),

participation_latest_consent as (
    select
        {{ key }},
        participant_id,
        action as consent_action,
        action_date as consent_on
    from {{ actions }}
    where is_consent_to_be_bound
    qualify row_number() over (
        partition by {{ key }}, participant_id
        order by is_withdrawn asc, action_date desc nulls last, action asc
    ) = 1
),

participation_latest_withdrawal as (
    select
        {{ key }},
        participant_id,
        action_date as withdrawn_on,
        effective_date as withdrawal_effective_on
    from {{ actions }}
    where action = 'withdrawal'
    qualify row_number() over (
        partition by {{ key }}, participant_id
        order by action_date desc nulls first, effective_date desc nulls first
    ) = 1
),

participation_classified as (
    select
        participation_per_participant.*,
        participation_latest_consent.consent_action,
        participation_latest_consent.consent_on,
        participation_latest_withdrawal.withdrawn_on,
        participation_latest_withdrawal.withdrawal_effective_on,
        participation_per_participant.has_consent_in_effect
        and (
            not participation_per_participant.has_withdrawal
            or coalesce(
                participation_per_participant.consent_in_effect_on
                > participation_latest_withdrawal.withdrawn_on,
                false
            )
        ) as is_party
    from participation_per_participant
    left join participation_latest_consent
        on
            participation_per_participant.{{ key }} = participation_latest_consent.{{ key }}
            and participation_per_participant.participant_id
            = participation_latest_consent.participant_id
    left join participation_latest_withdrawal
        on
            participation_per_participant.{{ key }} = participation_latest_withdrawal.{{ key }}
            and participation_per_participant.participant_id
            = participation_latest_withdrawal.participant_id
),

participation_status as (
    select
        *,
        case
            when is_party then 'party'
            when has_withdrawal or has_bracketed_entry then 'withdrawn'
            when has_signature_in_effect then 'signatory'
            else 'other'
        end as status,
        has_signature_in_effect
        and (is_party or not (has_withdrawal or has_bracketed_entry)) as is_signatory,
        has_withdrawal or has_bracketed_entry as has_withdrawn_entry
    from participation_classified
)
{%- endmacro %}
