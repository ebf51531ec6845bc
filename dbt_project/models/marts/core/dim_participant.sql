-- One row per participant_id (iso3, else a slug of the name). When several UNTC spellings
-- resolve to the same participant, untc_name is the latest printed and untc_names lists all;
-- int_participants_resolved maps every spelling.
with

names as (
    select * from {{ ref('int_participants_resolved') }}
),

spellings as (
    select
        participant_id,
        list(untc_name order by untc_name) as untc_names
    from names
    group by participant_id
),

regions as (
    select * from {{ ref('un_m49_regions') }}
),

final as (
    select
        names.participant_id,
        names.iso3,
        names.iso2,
        names.untc_name,
        spellings.untc_names,
        names.english_name,
        names.participant_type,
        regions.m49_region,
        regions.m49_sub_region
    from names
    inner join spellings on names.participant_id = spellings.participant_id
    left join regions on names.iso3 = regions.iso3
    where names.is_preferred_name
)

select * from final
