-- Status of each participant in each treaty over the nights the warehouse saw it: one row per
-- stretch of published nights with the same status. valid_from is the night (load logical
-- date) the status was first shown, valid_to the night it stopped being shown (exclusive;
-- null = still current). As of night D: valid_from <= D and (valid_to > D or valid_to is null).
with

nights as (
    select * from {{ ref('int_treaty_payload_nights') }}
),

statuses as (
    select * from {{ ref('int_payload_participant_status') }}
),

treaties as (
    select * from {{ ref('int_treaties') }}
),

periods as (
    -- a period starts on each night a treaty showed a different payload than the night before
    select
        mtdsg_no,
        night as period_start,
        payload_sha256,
        lead(night) over treaty_periods as period_end,
        row_number() over treaty_periods as period_index
    from nights
    where previous_payload_sha256 is distinct from payload_sha256
    window treaty_periods as (partition by mtdsg_no order by night)
),

participant_periods as (
    select
        periods.mtdsg_no,
        periods.period_start,
        periods.period_end,
        periods.period_index,
        statuses.participant_id,
        statuses.untc_name,
        statuses.status,
        statuses.is_party,
        statuses.is_signatory,
        statuses.signed_on,
        statuses.consent_action,
        statuses.consent_on,
        statuses.withdrawn_on,
        md5(
            concat_ws(
                '|', statuses.untc_name, statuses.status, statuses.is_signatory,
                statuses.signed_on, statuses.consent_action, statuses.consent_on,
                statuses.withdrawn_on
            )
        ) as state_hash
    from periods
    inner join statuses on periods.payload_sha256 = statuses.payload_sha256
),

flagged as (
    -- a new stretch when the state differs from the previous period, or the participant was
    -- absent from the previous period of the treaty
    select
        *,
        case
            when
                lag(period_index) over participant_nights = period_index - 1
                and lag(state_hash) over participant_nights = state_hash
                then 0
            else 1
        end as is_new_stretch
    from participant_periods
    window participant_nights as (
        partition by mtdsg_no, participant_id order by period_start
    )
),

stretched as (
    select
        *,
        sum(is_new_stretch) over (
            partition by mtdsg_no, participant_id order by period_start
            rows between unbounded preceding and current row
        ) as stretch_no
    from flagged
),

collapsed as (
    select
        treaties.treaty_id,
        stretched.mtdsg_no,
        stretched.participant_id,
        any_value(stretched.untc_name) as untc_name,
        any_value(stretched.status) as status,
        any_value(stretched.is_party) as is_party,
        any_value(stretched.is_signatory) as is_signatory,
        any_value(stretched.signed_on) as signed_on,
        any_value(stretched.consent_action) as consent_action,
        any_value(stretched.consent_on) as consent_on,
        any_value(stretched.withdrawn_on) as withdrawn_on,
        min(stretched.period_start) as valid_from,
        -- the stretch's last period ends the stretch; no end = shown by the current payload
        -- (not arg_max: it skips null values)
        case
            when not bool_or(stretched.period_end is null) then max(stretched.period_end)
        end as valid_to,
        bool_or(stretched.period_end is null) as is_current
    from stretched
    inner join treaties on stretched.mtdsg_no = treaties.mtdsg_no
    group by treaties.treaty_id, stretched.mtdsg_no, stretched.participant_id, stretched.stretch_no
),

keyed as (
    select
        *,
        md5(concat_ws('|', mtdsg_no, participant_id, valid_from)) as history_id
    from collapsed
),

final as (
    select
        history_id,
        treaty_id,
        mtdsg_no,
        participant_id,
        untc_name,
        status,
        is_party,
        is_signatory,
        signed_on,
        consent_action,
        consent_on,
        withdrawn_on,
        valid_from,
        valid_to,
        is_current
    from keyed
)

select * from final
