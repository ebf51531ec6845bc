-- treaty_progress_daily has one row per treaty and day.
select
    treaty_id,
    date_day,
    count(*) as n_rows
from {{ ref('treaty_progress_daily') }}
group by treaty_id, date_day
having count(*) > 1
