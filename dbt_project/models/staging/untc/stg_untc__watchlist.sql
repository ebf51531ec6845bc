-- The watchlist (treaties followed and their entry-into-force rules) as written by accepted
-- loads; the latest load's copy is picked in int_watchlist_current.
with

accepted_loads as (
    {{ accepted_load_ids('untc') }}
),

source as (
    select * from {{ source('raw', 'watchlist') }}
),

renamed as (
    select
        load_id,
        treaty_id,
        mtdsg_no,
        short_name,
        eif_threshold,
        eif_lag_days,
        eif_counted_actions,
        eif_regional_org_counts,
        opened_for_signature_on
    from source
    where load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
