-- Actions of every accepted payload keyed by participant_id (not by the name as printed), so
-- that a renamed participant keeps its history. One row per payload, participant and action,
-- with every date of that action listed (a re-accession can print the same action twice).
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

final as (
    select
        actions.payload_sha256,
        actions.mtdsg_no,
        names.participant_id,
        actions.action,
        coalesce(any_value(action_types.is_signature), false) as is_signature,
        coalesce(any_value(action_types.is_consent_to_be_bound), false)
            as is_consent_to_be_bound,
        count(*) as n_entries,
        min(actions.action_date) as first_date,
        max(actions.action_date) as last_date,
        string_agg(
            coalesce(strftime(actions.action_date, '%Y-%m-%d'), 'undated'), ', '
            order by actions.action_date nulls last
        ) as dates,
        bool_or(actions.is_bracketed) as is_bracketed,
        string_agg(distinct actions.untc_name, ' / ' order by actions.untc_name) as untc_names
    from actions
    inner join names on actions.untc_name = names.untc_name
    left join action_types on actions.action = action_types.action
    where {{ only_new_payloads('actions.payload_sha256') }}
    group by actions.payload_sha256, actions.mtdsg_no, names.participant_id, actions.action
)

select * from final
