-- Progress of each treaty towards entry into force by official date: one row per treaty and
-- day (date_day) on which its counts change (a signature or counting instrument is dated),
-- plus the day it opened for signature and the as-of day. Counts hold until the next row
-- (use an ASOF join or "last row on or before D" for any other day). Counting uses the rule
-- of treaty_progress (macros/eif_counting.sql; test assert_progress_daily_ends_at_progress).
-- days_since_opening gives the ratification curve: compare treaties at the same age.
with

treaties as (
    select * from {{ ref('dim_treaty') }}
),

participants as (
    select * from {{ ref('dim_participant') }}
),

actions as (
    select * from {{ ref('fct_treaty_actions') }}
),

participation as (
    select * from {{ ref('treaty_participation') }}
),

progress as (
    select * from {{ ref('treaty_progress') }}
),

counted as (
    {{ counting_instruments() }}
),

signed as (
    select
        treaty_id,
        participant_id,
        signed_on
    from participation
    where is_signatory and signed_on is not null
),

events as (
    select
        treaty_id,
        counted_on as date_day,
        0 as n_signatures,
        1 as n_counting
    from counted
    where counted_on is not null
    union all
    select
        treaty_id,
        signed_on as date_day,
        1 as n_signatures,
        0 as n_counting
    from signed
),

known_treaties as (
    select
        treaties.treaty_id,
        treaties.mtdsg_no,
        treaties.eif_threshold,
        progress.as_of_date,
        treaties.eif_counted_actions is not null as has_counting_rule,
        coalesce(
            treaties.opened_for_signature_on,
            (
                select min(events.date_day) from events
                where events.treaty_id = treaties.treaty_id
            )
        ) as opened_on
    from treaties
    inner join progress on treaties.treaty_id = progress.treaty_id
    where treaties.participants_known
),

days as (
    select
        treaty_id,
        date_day,
        sum(n_signatures) as new_signatures,
        sum(n_counting) as new_counting_instruments
    from (
        select
            treaty_id,
            date_day,
            n_signatures,
            n_counting
        from events
        union all
        select
            treaty_id,
            opened_on as date_day,
            0 as n_signatures,
            0 as n_counting
        from known_treaties
        where opened_on is not null
        union all
        select
            treaty_id,
            as_of_date as date_day,
            0 as n_signatures,
            0 as n_counting
        from known_treaties
    ) as all_days
    group by treaty_id, date_day
),

cumulative as (
    select
        days.*,
        sum(days.new_signatures) over to_date as signatures_to_date,
        sum(days.new_counting_instruments) over to_date as counting_instruments_to_date
    from days
    window to_date as (
        partition by days.treaty_id order by days.date_day
        rows between unbounded preceding and current row
    )
),

measured as (
    select
        known_treaties.treaty_id,
        known_treaties.mtdsg_no,
        cumulative.date_day,
        known_treaties.eif_threshold,
        cast(cumulative.new_signatures as bigint) as new_signatures,
        cast(cumulative.signatures_to_date as bigint) as signatures_to_date,
        -- no counting rule: the instruments counting are unknown (null), never 0
        case
            when known_treaties.has_counting_rule
                then cast(cumulative.new_counting_instruments as bigint)
        end as new_counting_instruments,
        case
            when known_treaties.has_counting_rule
                then cast(cumulative.counting_instruments_to_date as bigint)
        end as counting_instruments_to_date,
        cumulative.date_day - known_treaties.opened_on as days_since_opening,
        case
            when known_treaties.eif_threshold is not null
                then cast(
                    greatest(
                        known_treaties.eif_threshold - cumulative.counting_instruments_to_date, 0
                    ) as bigint
                )
        end as instruments_remaining,
        case
            when known_treaties.has_counting_rule
                then coalesce(
                    cumulative.counting_instruments_to_date >= known_treaties.eif_threshold,
                    false
                )
        end as is_threshold_reached
    from cumulative
    inner join known_treaties on cumulative.treaty_id = known_treaties.treaty_id
    where cumulative.date_day <= known_treaties.as_of_date
),

final as (
    select
        treaty_id,
        mtdsg_no,
        date_day,
        days_since_opening,
        new_signatures,
        new_counting_instruments,
        signatures_to_date,
        counting_instruments_to_date,
        eif_threshold,
        instruments_remaining,
        is_threshold_reached
    from measured
)

select * from final
