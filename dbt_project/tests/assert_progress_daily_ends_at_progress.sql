-- The as-of row of treaty_progress_daily carries treaty_progress's counting instruments
-- (treaties with an undated counting instrument are left out: it has no day to count on).
with

last_day as (
    select
        treaty_id,
        counting_instruments_to_date
    from {{ ref('treaty_progress_daily') }}
    qualify row_number() over (partition by treaty_id order by date_day desc) = 1
),

undated as (
    select distinct treaty_id
    from {{ ref('fct_treaty_actions') }}
    where action_date is null
)

select
    progress.treaty_id,
    progress.counting_instruments,
    last_day.counting_instruments_to_date
from {{ ref('treaty_progress') }} as progress
inner join last_day on progress.treaty_id = last_day.treaty_id
where
    progress.counting_instruments is distinct from last_day.counting_instruments_to_date
    and progress.counting_instruments is not null
    and progress.treaty_id not in (select undated.treaty_id from undated)
