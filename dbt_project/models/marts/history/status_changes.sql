-- What changed between two published nights, one row per change: for each night a treaty
-- showed a different payload than on its previous night, the participant actions of the two
-- payloads are compared. The first night a treaty is seen is its baseline (no changes).
--   new_signature / new_consent / new_action  an action (or one more entry of it) appeared
--   corrected_date                            same action, same number of entries, other dates
--   action_removed                            an action no longer printed
--   withdrawal                                a withdrawal or bracketed entry appeared
--   participant_renamed                       the name UNTC prints for the participant changed
-- change_id is stable: it hashes what changed (treaty, participant, type, action, old and new
-- value, occurrence), not the night it was detected on, so neither a rerun nor a backfilled
-- older night that moves a change to an earlier night gives it a new id (no second alert).
with

nights as (
    select * from {{ ref('int_treaty_payload_nights') }}
    where previous_payload_sha256 is not null and previous_payload_sha256 != payload_sha256
),

actions as (
    select * from {{ ref('int_payload_participant_actions') }}
    where action != 'withdrawal'
),

statuses as (
    select * from {{ ref('int_payload_participant_status') }}
),

withdrawals as (
    select
        payload_sha256,
        participant_id,
        max(first_date) as withdrawn_on
    from {{ ref('int_payload_participant_actions') }}
    where action = 'withdrawal'
    group by payload_sha256, participant_id
),

treaties as (
    select * from {{ ref('int_treaties') }}
),

current_side as (
    select
        nights.mtdsg_no,
        nights.night,
        actions.participant_id,
        actions.action,
        actions.is_signature,
        actions.is_consent_to_be_bound,
        actions.dates,
        actions.last_date,
        actions.n_entries
    from nights
    inner join actions on nights.payload_sha256 = actions.payload_sha256
),

previous_side as (
    select
        nights.mtdsg_no,
        nights.night,
        actions.participant_id,
        actions.action,
        actions.is_signature,
        actions.is_consent_to_be_bound,
        actions.dates,
        actions.last_date,
        actions.n_entries
    from nights
    inner join actions on nights.previous_payload_sha256 = actions.payload_sha256
),

action_pairs as (
    select
        nights.mtdsg_no,
        nights.night,
        nights.previous_night,
        nights.load_id,
        nights.payload_sha256,
        nights.previous_payload_sha256,
        prev.dates as old_value,
        cur.dates as new_value,
        cur.last_date as action_date,
        coalesce(cur.participant_id, prev.participant_id) as participant_id,
        coalesce(cur.action, prev.action) as action,  -- noqa: RF04
        coalesce(cur.is_signature, prev.is_signature) as is_signature,
        coalesce(cur.is_consent_to_be_bound, prev.is_consent_to_be_bound) as is_consent,
        coalesce(cur.n_entries, 0) as n_now,
        coalesce(prev.n_entries, 0) as n_before
    from current_side as cur
    full outer join previous_side as prev
        on
            cur.mtdsg_no = prev.mtdsg_no
            and cur.night = prev.night
            and cur.participant_id = prev.participant_id
            and cur.action = prev.action
    inner join nights
        on
            coalesce(cur.mtdsg_no, prev.mtdsg_no) = nights.mtdsg_no
            and coalesce(cur.night, prev.night) = nights.night
    where cur.dates is distinct from prev.dates
),

action_changes as (
    select
        mtdsg_no,
        night,
        previous_night,
        load_id,
        payload_sha256,
        previous_payload_sha256,
        participant_id,
        action,
        old_value,
        new_value,
        action_date,
        case
            when n_now > n_before and is_signature then 'new_signature'
            when n_now > n_before and is_consent then 'new_consent'
            when n_now > n_before then 'new_action'
            when n_now < n_before then 'action_removed'
            else 'corrected_date'
        end as change_type
    from action_pairs
),

participant_pairs as (
    select
        nights.mtdsg_no,
        nights.night,
        nights.previous_night,
        nights.load_id,
        nights.payload_sha256,
        nights.previous_payload_sha256,
        cur.participant_id,
        cur.untc_name,
        prev.untc_name as previous_untc_name,
        cur.has_withdrawn_entry,
        withdrawals.withdrawn_on,
        coalesce(prev.has_withdrawn_entry, false) as had_withdrawn_entry
    from nights
    inner join statuses as cur on nights.payload_sha256 = cur.payload_sha256
    left join statuses as prev
        on
            nights.previous_payload_sha256 = prev.payload_sha256
            and cur.participant_id = prev.participant_id
    left join withdrawals
        on
            cur.payload_sha256 = withdrawals.payload_sha256
            and cur.participant_id = withdrawals.participant_id
),

participant_changes as (
    select
        mtdsg_no,
        night,
        previous_night,
        load_id,
        payload_sha256,
        previous_payload_sha256,
        participant_id,
        'withdrawal' as action,  -- noqa: RF04
        null as old_value,
        coalesce(strftime(withdrawn_on, '%Y-%m-%d'), 'undated') as new_value,
        withdrawn_on as action_date,
        'withdrawal' as change_type
    from participant_pairs
    where has_withdrawn_entry and not had_withdrawn_entry
    union all
    select
        mtdsg_no,
        night,
        previous_night,
        load_id,
        payload_sha256,
        previous_payload_sha256,
        participant_id,
        null as action,  -- noqa: RF04
        previous_untc_name as old_value,
        untc_name as new_value,
        null as action_date,
        'participant_renamed' as change_type
    from participant_pairs
    where previous_untc_name is not null and previous_untc_name != untc_name
),

all_changes as (
    select * from action_changes
    union all
    select * from participant_changes
),

numbered as (
    -- the same change (same values) can happen more than once (a signature removed, then
    -- printed again): its occurrence number keeps change_id unique without naming the night
    select
        *,
        row_number() over (
            partition by
                mtdsg_no, participant_id, change_type, action,
                cast(old_value as varchar), cast(new_value as varchar)
            order by night
        ) as occurrence
    from all_changes
),

keyed as (
    select
        numbered.*,
        treaties.treaty_id,
        md5(
            concat_ws(
                '|', numbered.mtdsg_no, numbered.participant_id, numbered.change_type,
                coalesce(numbered.action, ''), coalesce(cast(numbered.old_value as varchar), ''),
                coalesce(cast(numbered.new_value as varchar), ''), numbered.occurrence
            )
        ) as change_id,
        -- a removed participant has no row tonight: the name the previous payload printed
        coalesce(cur_status.untc_name, prev_status.untc_name, numbered.participant_id)
            as untc_name
    from numbered
    inner join treaties on numbered.mtdsg_no = treaties.mtdsg_no
    left join statuses as cur_status
        on
            numbered.payload_sha256 = cur_status.payload_sha256
            and numbered.participant_id = cur_status.participant_id
    left join statuses as prev_status
        on
            numbered.previous_payload_sha256 = prev_status.payload_sha256
            and numbered.participant_id = prev_status.participant_id
),

final as (
    select
        change_id,
        treaty_id,
        mtdsg_no,
        participant_id,
        untc_name,
        change_type,
        action,
        old_value,
        new_value,
        action_date,
        night as detected_on,
        previous_night,
        load_id,
        payload_sha256,
        previous_payload_sha256
    from keyed
)

select * from final
