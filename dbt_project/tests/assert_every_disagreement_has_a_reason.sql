-- Every disagreement between UNTC's header and its rows is classified by a rule, and only
-- disagreements carry a reason.
select *
from {{ ref('treaty_reconciliation') }}
where (reconciliation_status = 'mismatch') != (disagreement_reason is not null)
