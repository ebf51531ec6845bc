-- Warn (not fail) when a file's header counts disagree with its participants table: the
-- disagreement stays visible in treaty_reconciliation and in the build log.
{{ config(severity='warn') }}

select *
from {{ ref('treaty_reconciliation') }}
where reconciliation_status = 'mismatch'
