-- treaty_progress_daily has one row per treaty and day.
select
    treaty_id,
    day,
    count(*) as n_rows
from {{ ref('treaty_progress_daily') }}
group by treaty_id, day
having count(*) > 1
