{#- The entry-into-force counting rule, in one place (treaty_progress, treaty_progress_daily).
    Expects CTEs named treaties (dim_treaty), participants (dim_participant), actions
    (fct_treaty_actions) and participation (treaty_participation). One row per treaty and
    participant whose instrument counts: of the treaty's eif_counted_actions, not bracketed, of
    a participant not withdrawn; a regional organisation's instrument (the EU) does not count
    where eif_regional_org_counts is false. counted_on = its first counting instrument. -#}
{% macro counting_instruments() -%}
    select
        actions.treaty_id,
        actions.participant_id,
        min(actions.action_date) as counted_on
    from actions
    inner join treaties on actions.treaty_id = treaties.treaty_id
    inner join participation
        on
            actions.treaty_id = participation.treaty_id
            and actions.participant_id = participation.participant_id
    left join participants on actions.participant_id = participants.participant_id
    where
        list_contains(treaties.eif_counted_actions, actions.action)
        and not actions.is_withdrawn
        and participation.status != 'withdrawn'
        and (
            coalesce(treaties.eif_regional_org_counts, true)
            or coalesce(participants.participant_type, 'unmapped') != 'regional_organisation'
        )
    group by actions.treaty_id, actions.participant_id
{%- endmacro %}
