-- Each news claim about a watched treaty against the official record (fct_treaty_actions).
-- Actions compared: a signature claim with signatures; a ratification or accession claim with
-- any consent to be bound (ratification, acceptance, approval, accession), since news rarely
-- tells them apart. Withdrawn (bracketed) actions do not count.
-- Country claims:
--   past, affirmed: confirmed when the record dates the act on or before the article's day
--     (+1 day for time zones); contradicted when it dates it later; unconfirmed when absent.
--   past, negated:  contradicted when the record dates the act on or before the article's
--     day; otherwise confirmed (the record agrees it had not happened).
--   future:         confirmed once the record shows the act (affirmed) or contradicted by it
--     (negated); unconfirmed while it does not.
-- Count claims compare with the record's count of participants on the article's day (future
-- ones with the latest count): exact must equal, approximate within 10% (at least 2),
-- at_least >=, at_most <=. Negated counts and treaties without known participants stay
-- unconfirmed.
-- Event dates (signature, ratification ... of the treaty on a day): confirmed when the record
-- shows such an act on that day, or the treaty entering into force then; unconfirmed otherwise.
-- Every claim is kept: one that cannot be judged is 'unjudged' with the reason (no treaty
-- recognised, a treaty that is not watched, an article without a date).
with

claims as (
    select * from {{ ref('news_claims') }}
),

treaties as (
    select * from {{ ref('dim_treaty') }}
),

actions as (
    select * from {{ ref('fct_treaty_actions') }}
),

progress as (
    select * from {{ ref('treaty_progress') }}
),

record_actions as (
    select
        treaty_id,
        participant_id,
        action_date,
        case
            when is_signature then 'signature'
            when is_consent_to_be_bound then 'consent'
        end as action_class
    from actions
    where not is_withdrawn and (is_signature or is_consent_to_be_bound)
),

comparable as (
    select
        claims.*,
        treaties.mtdsg_no,
        treaties.participants_known,
        treaties.eif_date,
        progress.as_of_date as record_as_of,
        case
            when claims.action in ('signature', 'opening_for_signature', 'ceremony')
                then 'signature'
            else 'consent'
        end as action_class,
        case
            when claims.treaty_id is null then 'no treaty recognised in the article'
            when treaties.treaty_id is null or not treaties.is_watched
                then 'treaty not watched: ' || claims.treaty_id
            when claims.published_on is null then 'article has no date'
        end as unjudged_reason
    from claims
    left join treaties on claims.treaty_id = treaties.treaty_id
    left join progress on claims.treaty_id = progress.treaty_id
),

event_record as (
    select
        comparable.claim_id,
        count(record_actions.participant_id) as acts_that_day
    from comparable
    left join record_actions
        on
            comparable.treaty_id = record_actions.treaty_id
            and comparable.action_class = record_actions.action_class
            and comparable.claim_date = record_actions.action_date
    where comparable.claim_kind = 'event_date'
    group by comparable.claim_id
),

country_record as (
    select
        comparable.claim_id,
        min(record_actions.action_date) as record_action_date
    from comparable
    inner join record_actions
        on
            comparable.treaty_id = record_actions.treaty_id
            and comparable.iso3 = record_actions.participant_id
            and comparable.action_class = record_actions.action_class
    where comparable.claim_kind = 'country_action'
    group by comparable.claim_id
),

count_record as (
    select
        comparable.claim_id,
        count(distinct case
            when record_actions.action_date <= comparable.published_on
                then record_actions.participant_id
        end) as count_on_article_date,
        count(distinct record_actions.participant_id) as count_latest
    from comparable
    left join record_actions
        on
            comparable.treaty_id = record_actions.treaty_id
            and comparable.action_class = record_actions.action_class
    where comparable.claim_kind = 'count'
    group by comparable.claim_id
),

joined as (
    select
        comparable.*,
        country_record.record_action_date,
        event_record.acts_that_day,
        case
            when comparable.claim_kind = 'count' and comparable.participants_known
                then
                    case
                        when comparable.tense = 'future' then count_record.count_latest
                        else count_record.count_on_article_date
                    end
        end as record_count
    from comparable
    left join country_record on comparable.claim_id = country_record.claim_id
    left join count_record on comparable.claim_id = count_record.claim_id
    left join event_record on comparable.claim_id = event_record.claim_id
),

judged as (
    select
        *,
        case
            when unjudged_reason is not null then 'unjudged'
            when claim_kind = 'event_date'
                then case
                    when acts_that_day > 0 then 'confirmed'
                    when action = 'entry_into_force' and eif_date = claim_date then 'confirmed'
                    else 'unconfirmed'
                end
            when claim_kind = 'country_action' and tense = 'past' and not is_negated
                then case
                    when record_action_date is null then 'unconfirmed'
                    when record_action_date <= published_on + 1 then 'confirmed'
                    else 'contradicted'
                end
            when claim_kind = 'country_action' and tense = 'past'
                then case
                    when record_action_date <= published_on then 'contradicted'
                    else 'confirmed'
                end
            when claim_kind = 'country_action'
                then case
                    when record_action_date is null then 'unconfirmed'
                    when is_negated then 'contradicted'
                    else 'confirmed'
                end
            when record_count is null or is_negated then 'unconfirmed'
            when tense = 'future'
                then case when record_count >= claim_count then 'confirmed' else 'unconfirmed' end
            when qualifier = 'exact'
                then case when record_count = claim_count then 'confirmed' else 'contradicted' end
            when qualifier = 'approximate'
                then case
                    when abs(record_count - claim_count) <= greatest(2, round(claim_count * 0.1))
                        then 'confirmed'
                    else 'contradicted'
                end
            when qualifier = 'at_least'
                then case when record_count >= claim_count then 'confirmed' else 'contradicted' end
            when qualifier = 'at_most'
                then case when record_count <= claim_count then 'confirmed' else 'contradicted' end
            else 'unconfirmed'
        end as verdict
    from joined
),

final as (
    select
        claim_id,
        article_id,
        treaty_id,
        mtdsg_no,
        claim_kind,
        iso3,
        action,
        is_negated,
        tense,
        claim_count,
        qualifier,
        claim_date,
        published_on as article_date,
        record_action_date,
        cast(record_action_date - published_on as integer) as lag_days,
        cast(record_count as integer) as record_count,
        record_as_of,
        verdict,
        unjudged_reason,
        evidence
    from judged
)

select * from final
