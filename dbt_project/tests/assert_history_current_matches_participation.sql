-- The current stretch of treaty_participation_history says what treaty_participation says:
-- both classify status with the same rules, from the same current payload.
with

history as (
    select
        treaty_id,
        participant_id,
        status
    from {{ ref('treaty_participation_history') }}
    where is_current
),

current_status as (
    select
        treaty_id,
        participant_id,
        status
    from {{ ref('treaty_participation') }}
),

differences as (
    (select * from history except select * from current_status)
    union all
    (select * from current_status except select * from history)
)

select * from differences
