-- Actions of each treaty's current payload, with the earliest accepted load that served a
-- payload of that treaty showing the same action (participant, action, date).
-- A table: a mart, a model and two tests read it; as a view each joined every payload's actions
-- again.
{{ config(materialized='table') }}

with

actions as (
    select * from {{ ref('int_participant_actions_deduped') }}
),

sightings as (
    select * from {{ ref('int_payload_sightings') }}
),

latest_payloads as (
    select * from {{ ref('int_treaty_payloads_latest') }}
),

action_types as (
    select * from {{ ref('action_types') }}
),

payload_first_seen as (
    select
        payload_sha256,
        -- by logical night, not wall clock: a backfilled older night is the first sighting
        arg_min(load_id, logical_date) as first_seen_load_id,
        arg_min(started_at, logical_date) as first_seen_at,
        min(logical_date) as first_seen_on
    from sightings
    group by payload_sha256
),

action_first_seen as (
    select
        actions.action_id,
        arg_min(payload_first_seen.first_seen_load_id, payload_first_seen.first_seen_on)
            as first_seen_load_id,
        arg_min(payload_first_seen.first_seen_at, payload_first_seen.first_seen_on)
            as first_seen_at,
        min(payload_first_seen.first_seen_on) as first_seen_on
    from actions
    inner join payload_first_seen on actions.payload_sha256 = payload_first_seen.payload_sha256
    group by actions.action_id
),

current_actions as (
    select
        actions.*,
        latest_payloads.source_load_id
    from actions
    inner join latest_payloads
        on
            actions.payload_sha256 = latest_payloads.payload_sha256
            and actions.mtdsg_no = latest_payloads.mtdsg_no
),

final as (
    select
        current_actions.action_id,
        current_actions.mtdsg_no,
        current_actions.untc_name,
        current_actions.participant_raw,
        current_actions.action,
        current_actions.suffix,
        current_actions.action_date,
        current_actions.effective_date,
        current_actions.is_bracketed,
        current_actions.table_row_number,
        current_actions.column_number,
        current_actions.column_header,
        current_actions.raw_value,
        current_actions.n_source_rows,
        current_actions.payload_sha256,
        current_actions.source_load_id,
        action_first_seen.first_seen_load_id,
        action_first_seen.first_seen_at,
        action_first_seen.first_seen_on,
        coalesce(action_types.is_consent_to_be_bound, false) as is_consent_to_be_bound,
        coalesce(action_types.is_signature, false) as is_signature
    from current_actions
    inner join action_first_seen on current_actions.action_id = action_first_seen.action_id
    left join action_types on current_actions.action = action_types.action
)

select * from final
