-- Current progress of each treaty towards (and in) force, as of the latest accepted load.
-- Counting instruments follow the treaty's rule (dim_treaty), defined once in
-- macros/eif_counting.sql: instruments of eif_counted_actions, not bracketed, of participants
-- not withdrawn; the EU's does not count where eif_regional_org_counts is false. Each
-- participant counts once, at the date of its first counting instrument.
-- A treaty whose file has no participants table has unknown counts (null, never zero); its
-- reported_* columns then carry the counts UNTC prints in the header, flagged 'printed_header'.
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

loads as (
    select * from {{ ref('stg_untc__loads') }}
),

as_of as (
    select max(logical_date) as as_of_date from loads
),

participation_counts as (
    select
        treaty_id,
        count(distinct case when is_signatory then participant_id end) as signatories,
        count(distinct case when is_party then participant_id end) as parties
    from participation
    group by treaty_id
),

counting_instruments as (
    {{ counting_instruments() }}
),

instrument_counts as (
    select
        treaty_id,
        count(*) as counting_instruments
    from counting_instruments
    group by treaty_id
),

recent_pace as (
    -- counting instruments dated in the 365 days up to the as-of date: the pace the
    -- projection assumes will continue
    select
        counting_instruments.treaty_id,
        count(*) as instruments_last_365_days
    from counting_instruments
    cross join as_of
    where
        counting_instruments.counted_on > as_of.as_of_date - 365
        and counting_instruments.counted_on <= as_of.as_of_date
    group by counting_instruments.treaty_id
),

threshold_instruments as (
    select
        counting_instruments.treaty_id,
        counting_instruments.counted_on as threshold_reached_on
    from counting_instruments
    inner join treaties on counting_instruments.treaty_id = treaties.treaty_id
    qualify row_number() over (
        partition by counting_instruments.treaty_id
        order by
            counting_instruments.counted_on asc nulls last,
            counting_instruments.participant_id asc
    ) = treaties.eif_threshold
),

measured as (
    select
        treaties.treaty_id,
        treaties.mtdsg_no,
        as_of.as_of_date,
        treaties.participants_known,
        treaties.eif_threshold,
        treaties.eif_lag_days,
        treaties.eif_date as printed_eif_date,
        treaties.printed_signatories,
        treaties.printed_parties,
        case
            when treaties.participants_known then coalesce(participation_counts.signatories, 0)
        end as signatories,
        case
            when treaties.participants_known then coalesce(participation_counts.parties, 0)
        end as parties,
        case
            when treaties.participants_known and treaties.eif_counted_actions is not null
                then coalesce(instrument_counts.counting_instruments, 0)
        end as counting_instruments,
        case
            when treaties.participants_known then threshold_instruments.threshold_reached_on
        end as threshold_reached_on,
        case
            when treaties.participants_known and treaties.eif_counted_actions is not null
                then coalesce(recent_pace.instruments_last_365_days, 0)
        end as instruments_last_365_days
    from treaties
    cross join as_of
    left join participation_counts on treaties.treaty_id = participation_counts.treaty_id
    left join instrument_counts on treaties.treaty_id = instrument_counts.treaty_id
    left join threshold_instruments on treaties.treaty_id = threshold_instruments.treaty_id
    left join recent_pace on treaties.treaty_id = recent_pace.treaty_id
),

projected as (
    select
        *,
        threshold_reached_on + eif_lag_days as computed_eif_date,
        -- greatest() skips nulls in DuckDB: keep "unknown" unknown explicitly
        case
            when eif_threshold is not null and counting_instruments is not null
                then greatest(eif_threshold - counting_instruments, 0)
        end as instruments_remaining
    from measured
),

final as (
    -- noqa: disable=ST06
    -- (instruments_last_365_days and projected_eif_date are appended after the existing
    -- columns: the mart's column order is part of its contract)
    select
        treaty_id,
        mtdsg_no,
        as_of_date,
        participants_known,
        signatories,
        parties,
        counting_instruments,
        eif_threshold,
        instruments_remaining,
        threshold_reached_on,
        eif_lag_days,
        coalesce(printed_eif_date, computed_eif_date) as eif_date,
        case
            when printed_eif_date is not null then 'printed'
            when computed_eif_date is not null then 'computed'
        end as eif_date_source,
        case
            when printed_eif_date <= as_of_date then 'in_force'
            when printed_eif_date > as_of_date then 'threshold_reached'
            when counting_instruments is null or eif_threshold is null then 'unknown'
            when counting_instruments < eif_threshold then 'pending'
            when computed_eif_date <= as_of_date then 'in_force'
            else 'threshold_reached'
        end as eif_status,
        instruments_last_365_days,
        -- straight-line projection: the remaining instruments arrive at the last 365 days'
        -- pace; only for pending treaties with a pace above zero
        case
            when
                printed_eif_date is null and computed_eif_date is null
                and instruments_remaining > 0 and instruments_last_365_days > 0
                then
                    as_of_date
                    + cast(
                        ceil(instruments_remaining * 365.0 / instruments_last_365_days) as integer
                    )
                    + coalesce(eif_lag_days, 0)
        end as projected_eif_date,
        -- what to show: the rows' counts, else (no participants table, e.g. the 2018 files
        -- of UNTOC and UNCAC) the counts UNTC prints in the header, flagged as printed
        case when participants_known then signatories else printed_signatories end
            as reported_signatories,
        case when participants_known then parties else printed_parties end
            as reported_parties,
        case
            when participants_known then 'rows'
            when printed_signatories is not null or printed_parties is not null
                then 'printed_header'
        end as reported_counts_source
    from projected
)

select * from final
