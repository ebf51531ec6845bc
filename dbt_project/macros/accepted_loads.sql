{#- The one definition of "readable": staging models filter raw rows through these.
    A load is readable when it passed its quality gate: 'accepted', or 'partial' (some fetches
    failed or were quarantined; those rows carry no usable payload). -#}

{% macro readable_load_statuses() -%}
    ('accepted', 'partial')
{%- endmacro %}

{#- Fetch outcomes whose payload may be read: landed now, seen before, or quarantined by the
    semantic guards and then accepted by a person (treatywatch accept-change). -#}
{% macro usable_fetch_outcomes() -%}
    ('new', 'unchanged', 'accepted_change')
{%- endmacro %}

{% macro accepted_load_ids(source_name) -%}
    select load_id from {{ source('raw', 'loads') }}
    where status in {{ readable_load_statuses() }} and source = '{{ source_name }}'
{%- endmacro %}

{#- Payloads fetched (usably: not quarantined) by a readable load. The load's quality gate
    checked their parsed rows, whichever load parsed them first (a payload is parsed once, by
    content). -#}
{% macro accepted_payload_shas(source_name) -%}
    select sha256 from {{ source('raw', 'fetch_log') }}
    where
        sha256 is not null
        and outcome in {{ usable_fetch_outcomes() }}
        and load_id in ({{ accepted_load_ids(source_name) }})
{%- endmacro %}
