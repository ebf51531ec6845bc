-- The counts UNTC prints in each file's header against the counts of its participants table.
-- counted_signatories mirrors UNTC's header: participants with a signature (or succession to
-- signature) in effect, whether or not they later became parties; bracketed (withdrawn)
-- entries are not counted. counted_parties: participants with status 'party'.
-- A comparison is null when nothing is printed or the participants are unknown.
with

treaties as (
    select * from {{ ref('dim_treaty') }}
),

progress as (
    select * from {{ ref('treaty_progress') }}
),

compared as (
    select
        treaties.treaty_id,
        treaties.mtdsg_no,
        treaties.participants_known,
        treaties.printed_signatories,
        progress.signatories as counted_signatories,
        treaties.printed_parties,
        progress.parties as counted_parties,
        treaties.source_sha256,
        progress.signatories - treaties.printed_signatories as signatories_difference,
        progress.parties - treaties.printed_parties as parties_difference,
        progress.signatories = treaties.printed_signatories as signatories_match,
        progress.parties = treaties.printed_parties as parties_match
    from treaties
    inner join progress on treaties.treaty_id = progress.treaty_id
),

final as (
    select
        treaty_id,
        mtdsg_no,
        participants_known,
        printed_signatories,
        counted_signatories,
        signatories_difference,
        signatories_match,
        printed_parties,
        counted_parties,
        parties_difference,
        parties_match,
        source_sha256,
        case
            when not participants_known then 'participants_unknown'
            when printed_signatories is null and printed_parties is null then 'not_printed'
            when not signatories_match or not parties_match then 'mismatch'
            else 'match'
        end as reconciliation_status
    from compared
)

select * from final
