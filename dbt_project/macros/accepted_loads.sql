{#- The one definition of "accepted": staging models filter raw rows through these. -#}

{% macro accepted_load_ids(source_name) -%}
    select load_id from {{ source('raw', 'loads') }}
    where status = 'accepted' and source = '{{ source_name }}'
{%- endmacro %}

{#- Payloads fetched by an accepted load. The load's quality gate checked their parsed rows,
    whichever load parsed them first (a payload is parsed once, by content). -#}
{% macro accepted_payload_shas(source_name) -%}
    select sha256 from {{ source('raw', 'fetch_log') }}
    where sha256 is not null and load_id in ({{ accepted_load_ids(source_name) }})
{%- endmacro %}
