-- The counts UNTC prints in each file's header against the counts of its participants table.
-- counted_signatories mirrors UNTC's header: participants with a signature (or succession to
-- signature) in effect, whether or not they later became parties; bracketed (withdrawn)
-- entries are not counted. counted_parties: participants with status 'party'.
-- A comparison is null when nothing is printed or the participants are unknown.
-- Every disagreement carries a reason decided by evidence in the rows, per count, first
-- rule that holds:
--   untc_counts_provisional  (parties) printed = parties + participants whose only entry in
--                            effect is a provisional application/acceptance (XIX-34)
--   untc_header_stale        printed = what the rows gave on an earlier date of an entry:
--                            the header was not updated for the later entries
--   untc_rows_inconsistent   no counting variant nor earlier date reproduces the printed
--                            count from the rows: the header and the rows disagree
with

treaties as (
    select * from {{ ref('dim_treaty') }}
),

progress as (
    select * from {{ ref('treaty_progress') }}
),

participation as (
    select * from {{ ref('treaty_participation') }}
),

actions as (
    select * from {{ ref('fct_treaty_actions') }}
),

provisional_only as (
    -- participants neither party nor signatory whose entry in effect is provisional
    select
        participation.treaty_id,
        count(distinct participation.participant_id) as provisional_only_participants
    from participation
    inner join actions
        on
            participation.treaty_id = actions.treaty_id
            and participation.participant_id = actions.participant_id
    where
        participation.status = 'other'
        and actions.action = 'provisional_application'
        and not actions.is_withdrawn
    group by participation.treaty_id
),

entry_dates as (
    -- the date each counted participant entered each count: first consent in effect of a
    -- party, first signature of a signatory
    select
        actions.treaty_id,
        'parties' as count_name,
        actions.participant_id,
        min(actions.action_date) as entered_on
    from actions
    inner join participation
        on
            actions.treaty_id = participation.treaty_id
            and actions.participant_id = participation.participant_id
    where participation.is_party and actions.is_consent_to_be_bound and not actions.is_withdrawn
    group by actions.treaty_id, actions.participant_id
    union all
    select
        treaty_id,
        'signatories' as count_name,
        participant_id,
        signed_on as entered_on
    from participation
    where is_signatory
),

cumulative as (
    -- what each count was on the date of each entry, by the rows as printed today
    select distinct
        treaty_id,
        count_name,
        entered_on,
        count(*) over (
            partition by treaty_id, count_name order by entered_on
            range between unbounded preceding and current row
        ) as count_as_of,
        max(entered_on) over (partition by treaty_id, count_name) as latest_entry_on
    from entry_dates
    where entered_on is not null
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
        progress.parties = treaties.printed_parties as parties_match,
        coalesce(provisional_only.provisional_only_participants, 0)
            as provisional_only_participants
    from treaties
    inner join progress on treaties.treaty_id = progress.treaty_id
    left join provisional_only on treaties.treaty_id = provisional_only.treaty_id
),

stale_as_of as (
    -- the latest earlier entry date on which the rows gave the printed count
    select
        compared.treaty_id,
        max(case when cumulative.count_name = 'parties' then cumulative.entered_on end)
            as parties_stale_as_of,
        max(case when cumulative.count_name = 'signatories' then cumulative.entered_on end)
            as signatories_stale_as_of
    from compared
    inner join cumulative
        on
            compared.treaty_id = cumulative.treaty_id
            and cumulative.entered_on < cumulative.latest_entry_on
            and cumulative.count_as_of = case cumulative.count_name
                when 'parties' then compared.printed_parties
                else compared.printed_signatories
            end
    group by compared.treaty_id
),

reasoned as (
    select
        compared.*,
        stale_as_of.parties_stale_as_of,
        stale_as_of.signatories_stale_as_of,
        case
            when not compared.parties_match
                then case
                    when
                        compared.printed_parties
                        = compared.counted_parties + compared.provisional_only_participants
                        then 'untc_counts_provisional'
                    when stale_as_of.parties_stale_as_of is not null then 'untc_header_stale'
                    else 'untc_rows_inconsistent'
                end
        end as parties_disagreement_reason,
        case
            when not compared.signatories_match
                then case
                    when stale_as_of.signatories_stale_as_of is not null
                        then 'untc_header_stale'
                    else 'untc_rows_inconsistent'
                end
        end as signatories_disagreement_reason
    from compared
    left join stale_as_of on compared.treaty_id = stale_as_of.treaty_id
),

evidenced as (
    select
        *,
        nullif(concat_ws(
            '; ',
            case parties_disagreement_reason
                when 'untc_counts_provisional'
                    then format(
                        'parties: printed {} = {} parties + {} provisional only',
                        printed_parties, counted_parties, provisional_only_participants
                    )
                when 'untc_header_stale'
                    then format(
                        'parties: printed {} = the rows as of {}; today {}',
                        printed_parties, parties_stale_as_of, counted_parties
                    )
                when 'untc_rows_inconsistent'
                    then format(
                        'parties: printed {}, rows {}; no earlier date of the rows gives {}',
                        printed_parties, counted_parties, printed_parties
                    )
            end,
            case signatories_disagreement_reason
                when 'untc_header_stale'
                    then format(
                        'signatories: printed {} = the rows as of {}; today {}',
                        printed_signatories, signatories_stale_as_of, counted_signatories
                    )
                when 'untc_rows_inconsistent'
                    then format(
                        'signatories: printed {}, rows {}; no earlier date of the rows gives {}',
                        printed_signatories, counted_signatories, printed_signatories
                    )
            end
        ), '') as disagreement_evidence
    from reasoned
),

final as (
    -- noqa: disable=ST06
    -- (the reason columns are appended after the existing ones: column order is contract)
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
        end as reconciliation_status,
        signatories_disagreement_reason,
        parties_disagreement_reason,
        coalesce(parties_disagreement_reason, signatories_disagreement_reason)
            as disagreement_reason,
        disagreement_evidence
    from evidenced
)

select * from final
