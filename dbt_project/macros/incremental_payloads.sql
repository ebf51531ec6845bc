{#- Per-payload models are incremental by payload: a payload is immutable (it is keyed by its
    sha256), so its parsed rows never change and a night only has to add the payloads it
    brought. This filter, inside an incremental run, keeps the payloads the model has not
    processed yet. A backfilled older night needs nothing special here: its payloads are new
    to the model (or already there), whatever their night.
    What is not derived from the payload alone -- seeds (action_types), the name resolution --
    changes only with the project or ingestion code, and then the runner does a full refresh
    (ingestion/build_state.py). -#}
{% macro only_new_payloads(sha_column) -%}
    {%- if is_incremental() %}
        {{ sha_column }} not in (select distinct payload_sha256 from {{ this }})
    {%- else %}
        true
    {%- endif %}
{%- endmacro %}
