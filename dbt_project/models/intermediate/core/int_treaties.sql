-- One row per treaty: every treaty with a current payload, plus every watched treaty (a
-- watched treaty never fetched yet has no payload columns). treaty_id is the watchlist id,
-- or the lower-case MTDSG number for a treaty not on the watchlist.
with

payloads as (
    select * from {{ ref('int_treaty_payloads_latest') }}
),

watchlist as (
    select * from {{ ref('int_watchlist_current') }}
),

joined as (
    select
        payloads.chapter,
        payloads.chapter_name,
        payloads.title,
        watchlist.short_name,
        payloads.conclusion_text,
        payloads.concluded_place,
        payloads.concluded_on,
        watchlist.opened_for_signature_on,
        watchlist.eif_threshold,
        watchlist.eif_lag_days,
        watchlist.eif_counted_actions,
        watchlist.eif_regional_org_counts,
        payloads.eif_text,
        payloads.eif_date,
        payloads.printed_signatories,
        payloads.printed_parties,
        payloads.status_as_of,
        payloads.has_participants_table,
        payloads.url as source_url,
        payloads.payload_sha256 as source_sha256,
        payloads.source_load_id,
        payloads.last_seen_load_id,
        coalesce(watchlist.treaty_id, lower(payloads.mtdsg_no)) as treaty_id,
        coalesce(payloads.mtdsg_no, watchlist.mtdsg_no) as mtdsg_no,
        coalesce(payloads.has_participants_table, false) as participants_known,
        watchlist.treaty_id is not null as is_watched
    from payloads
    full outer join watchlist on upper(payloads.mtdsg_no) = upper(watchlist.mtdsg_no)
)

select * from joined
