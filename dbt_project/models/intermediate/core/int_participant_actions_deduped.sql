-- Actions of every accepted payload, one row per payload and action. The action key
-- (action_id) is treaty + participant name as printed + action + date (or the table column
-- when the date is missing): stable across payloads, so the same action in two payloads has
-- the same action_id. Duplicate rows of a payload collapse into one (bracketed if any copy
-- is bracketed).
-- Incremental by payload (macros/incremental_payloads.sql): every payload's rows are read here
-- once, the night it is first accepted, not again on every later night; whole payloads are
-- filtered before the window, which never crosses payloads.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='payload_sha256',
        on_schema_change='fail',
    )
}}

with

actions as (
    select * from {{ ref('stg_untc__participant_actions') }}
    where {{ only_new_payloads('payload_sha256') }}
),

keyed as (
    select
        *,
        md5(
            concat_ws(
                '|',
                mtdsg_no,
                untc_name,
                action,
                coalesce(strftime(action_date, '%Y-%m-%d'), 'column ' || column_number)
            )
        ) as action_id
    from actions
),

deduplicated as (
    select
        action_id,
        payload_sha256,
        mtdsg_no,
        untc_name,
        participant_raw,
        action,
        suffix,
        action_date,
        table_row_number,
        column_number,
        column_header,
        raw_value,
        bool_or(is_bracketed) over copies as is_bracketed,
        max(effective_date) over copies as effective_date,
        count(*) over copies as n_source_rows
    from keyed
    window copies as (partition by payload_sha256, action_id)
    qualify row_number() over (
        partition by payload_sha256, action_id
        order by load_id asc, table_row_number asc, column_number asc
    ) = 1
)

select * from deduplicated
