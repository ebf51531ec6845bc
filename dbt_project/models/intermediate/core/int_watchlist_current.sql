-- The watchlist as written by the latest accepted load that wrote one: one row per treaty.
with

watchlist as (
    select * from {{ ref('stg_untc__watchlist') }}
),

loads as (
    select * from {{ ref('stg_untc__loads') }}
),

latest_watchlist_load as (
    select watchlist.load_id
    from watchlist
    inner join loads on watchlist.load_id = loads.load_id
    order by loads.started_at desc, watchlist.load_id desc
    limit 1
),

current_watchlist as (
    select
        watchlist.treaty_id,
        watchlist.mtdsg_no,
        watchlist.short_name,
        watchlist.eif_threshold,
        watchlist.eif_lag_days,
        watchlist.eif_counted_actions,
        watchlist.eif_regional_org_counts,
        watchlist.opened_for_signature_on,
        watchlist.load_id as watchlist_load_id
    from watchlist
    where watchlist.load_id in (select latest_watchlist_load.load_id from latest_watchlist_load)
    -- a treaty listed twice by mistake keeps one entry
    qualify row_number() over (
        partition by watchlist.mtdsg_no
        order by watchlist.treaty_id
    ) = 1
)

select * from current_watchlist
