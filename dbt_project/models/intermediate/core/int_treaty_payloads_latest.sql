-- The current payload of each treaty: the one it showed on its latest night (the latest
-- logical date of a readable load that served it usably, int_treaty_payload_nights), with its
-- parsed header and the first and last readable loads that served it. "Latest" is by logical
-- night, never by wall clock: backfilling an older night does not change what is current.
with

treaties as (
    select * from {{ ref('stg_untc__treaties') }}
),

sightings as (
    select * from {{ ref('int_payload_sightings') }}
),

nights as (
    select * from {{ ref('int_treaty_payload_nights') }}
),

payloads as (
    -- one row per payload (parsed once; should it be parsed twice, the first parse wins)
    select treaties.*
    from treaties
    qualify row_number() over (
        partition by treaties.payload_sha256
        order by treaties.load_id asc
    ) = 1
),

payload_span as (
    select
        payload_sha256,
        arg_min(load_id, logical_date) as first_seen_load_id,
        min(started_at) as first_seen_at,
        arg_max(load_id, logical_date) as last_seen_load_id,
        max(started_at) as last_seen_at,
        max(fetched_at) as last_fetched_at
    from sightings
    group by payload_sha256
),

latest_payload as (
    select
        mtdsg_no,
        payload_sha256
    from nights
    qualify row_number() over (partition by mtdsg_no order by night desc) = 1
),

final as (
    select
        payloads.mtdsg_no,
        payloads.payload_sha256,
        payload_span.first_seen_load_id as source_load_id,
        payload_span.first_seen_at,
        payload_span.last_seen_load_id,
        payload_span.last_seen_at,
        payloads.load_id as parsed_load_id,
        payloads.url,
        payloads.chapter,
        payloads.chapter_name,
        payloads.title,
        payloads.conclusion_text,
        payloads.concluded_place,
        payloads.concluded_on,
        payloads.eif_text,
        payloads.eif_date,
        payloads.registration_text,
        payloads.printed_signatories,
        payloads.printed_parties,
        payloads.status_as_of,
        payloads.has_participants_table,
        payloads.column_headers,
        payloads.parse_warnings
    from latest_payload
    inner join payloads on latest_payload.payload_sha256 = payloads.payload_sha256
    inner join payload_span on latest_payload.payload_sha256 = payload_span.payload_sha256
)

select * from final
