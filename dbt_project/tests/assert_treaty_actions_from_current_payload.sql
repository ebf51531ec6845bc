-- Every action comes from its treaty's current payload (dim_treaty.source_sha256).
select actions.action_id
from {{ ref('fct_treaty_actions') }} as actions
inner join {{ ref('dim_treaty') }} as treaties on actions.treaty_id = treaties.treaty_id
where actions.source_sha256 is distinct from treaties.source_sha256
