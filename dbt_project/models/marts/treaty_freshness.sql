-- How fresh each treaty's published record is: the night of its last good payload, and, when
-- a later night tried and failed to refresh it, that it is stale and why. A treaty whose fetch
-- failed, whose payload was quarantined, or whose whole load was rejected or failed keeps its
-- last good state everywhere else in the warehouse; this table is where that shows.
with

treaties as (
    select * from {{ ref('int_treaties') }}
),

nights as (
    select * from {{ ref('int_treaty_payload_nights') }}
),

attempts as (
    select * from {{ ref('stg_untc__fetch_attempts') }}
),

refreshed as (
    select
        mtdsg_no,
        max(night) as last_refreshed_night
    from nights
    group by mtdsg_no
),

-- the latest attempt at each treaty, its outcome and reason
last_attempt as (
    select
        mtdsg_no,
        night as last_attempted_night,
        outcome,
        error_message
    from attempts
    qualify row_number() over (
        partition by mtdsg_no
        order by night desc, fetched_at desc
    ) = 1
),

-- a whole load that was rejected or failed leaves every treaty of the night unrefreshed
last_lost_load as (
    select
        load_status,
        load_message,
        load_id,
        night
    from attempts
    where load_status in ('rejected', 'failed')
    qualify row_number() over (order by night desc, fetched_at desc) = 1
),

joined as (
    select
        treaties.treaty_id,
        treaties.mtdsg_no,
        treaties.is_watched,
        refreshed.last_refreshed_night,
        last_attempt.last_attempted_night,
        last_attempt.outcome,
        last_attempt.error_message,
        last_lost_load.night as lost_load_night,
        last_lost_load.load_id as lost_load_id,
        last_lost_load.load_status as lost_load_status,
        last_lost_load.load_message as lost_load_message,
        greatest(
            last_attempt.last_attempted_night,
            case when treaties.is_watched then last_lost_load.night end
        ) as reference_night
    from treaties
    left join refreshed on treaties.mtdsg_no = refreshed.mtdsg_no
    left join last_attempt on treaties.mtdsg_no = last_attempt.mtdsg_no
    left join last_lost_load on true
),

classified as (
    select
        *,
        case
            when last_refreshed_night is not null and last_refreshed_night >= reference_night
                then null
            when
                lost_load_night = reference_night
                and (last_attempted_night is null or lost_load_night >= last_attempted_night)
                then 'load_' || lost_load_status
            when outcome in ('error', 'quarantined') then outcome
            when last_refreshed_night is null then 'never_fetched'
            else 'load_' || lost_load_status
        end as stale_outcome
    from joined
),

final as (
    select
        treaty_id,
        mtdsg_no,
        last_refreshed_night,
        last_attempted_night,
        stale_outcome,
        last_refreshed_night is null
        or coalesce(last_refreshed_night < reference_night, false) as is_stale,
        case
            when stale_outcome in ('error', 'quarantined') then error_message
            when stale_outcome = 'never_fetched' then 'no payload of this treaty was ever read'
            when stale_outcome is not null
                then
                    'load ' || lost_load_id || ' ' || lost_load_status || ': '
                    || lost_load_message
        end as stale_reason
    from classified
)

select * from final
