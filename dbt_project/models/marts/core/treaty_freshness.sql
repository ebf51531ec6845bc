-- How fresh each treaty's published record is: the night of its last good payload and, when a
-- later night tried and failed to refresh it (its fetch failed, or its payload was quarantined
-- by the semantic guards), that it is stale and why. Such a treaty keeps its last good state
-- in every other mart; this table is where that shows.
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

joined as (
    select
        treaties.treaty_id,
        treaties.mtdsg_no,
        refreshed.last_refreshed_night,
        last_attempt.last_attempted_night,
        last_attempt.outcome,
        last_attempt.error_message,
        refreshed.last_refreshed_night is null
        or coalesce(
            refreshed.last_refreshed_night < last_attempt.last_attempted_night, false
        ) as is_stale
    from treaties
    left join refreshed on treaties.mtdsg_no = refreshed.mtdsg_no
    left join last_attempt on treaties.mtdsg_no = last_attempt.mtdsg_no
),

final as (
    select
        treaty_id,
        mtdsg_no,
        last_refreshed_night,
        last_attempted_night,
        is_stale,
        case
            when not is_stale then null
            when outcome in ('error', 'quarantined') then outcome
            else 'never_fetched'
        end as stale_outcome,
        case
            when not is_stale then null
            when outcome in ('error', 'quarantined') then error_message
            else 'no payload of this treaty was ever read'
        end as stale_reason
    from joined
)

select * from final
