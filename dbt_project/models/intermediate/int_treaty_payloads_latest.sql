-- The current payload of each treaty: the one most recently served in an accepted load
-- (int_payload_sightings), with its parsed header, the first accepted load that served it
-- and the last.
with

treaties as (
    select * from {{ ref('stg_untc__treaties') }}
),

sightings as (
    select * from {{ ref('int_payload_sightings') }}
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
        arg_min(load_id, started_at) as first_seen_load_id,
        min(started_at) as first_seen_at,
        arg_max(load_id, started_at) as last_seen_load_id,
        max(started_at) as last_seen_at,
        max(fetched_at) as last_fetched_at
    from sightings
    group by payload_sha256
),

latest_payload as (
    select
        payloads.mtdsg_no,
        payloads.payload_sha256
    from payloads
    inner join payload_span on payloads.payload_sha256 = payload_span.payload_sha256
    qualify row_number() over (
        partition by payloads.mtdsg_no
        order by
            payload_span.last_seen_at desc,
            payload_span.last_fetched_at desc nulls last,
            payload_span.first_seen_at desc,
            payloads.payload_sha256 asc
    ) = 1
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
