-- A treaty whose participants are unknown must show null counts, never zero; a treaty whose
-- participants are known must show counts.
select *
from {{ ref('treaty_progress') }}
where
    (
        not participants_known
        and (
            signatories is not null
            or parties is not null
            or counting_instruments is not null
            or instruments_remaining is not null
        )
    )
    or (participants_known and (signatories is null or parties is null))
