-- treaty_participation has one row per treaty and participant.
select
    treaty_id,
    participant_id,
    count(*) as n_rows
from {{ ref('treaty_participation') }}
group by treaty_id, participant_id
having count(*) > 1
