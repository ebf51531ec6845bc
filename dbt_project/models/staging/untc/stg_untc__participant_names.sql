-- Resolution of participant names to ISO 3166, as written by accepted loads (one row per
-- load and name; the latest per name is picked in int_participants_resolved).
with

accepted_loads as (
    {{ accepted_load_ids('untc') }}
),

source as (
    select * from {{ source('raw', 'untc_participant_names') }}
),

renamed as (
    select
        load_id,
        participant as untc_name,
        english_name,
        participant_type,
        match_method,
        upper(iso3) as iso3,
        upper(iso2) as iso2
    from source
    where load_id in (select accepted_loads.load_id from accepted_loads)
)

select * from renamed
