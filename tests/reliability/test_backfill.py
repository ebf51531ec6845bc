"""Nights in any order: a backfilled older night leaves current marts, history, status_changes
and alerts right (real local UNTC, DuckDB, dbt, GX, a real local webhook).

Nights 10 Nov (65 signatures) and 20 Nov (73 and Algeria's ratification) run first; then the
night of 15 Nov (72) is backfilled, then 20 Nov is run again.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from faults import installation, published, real

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import xviii16_nights as x16

from ingestion.pipeline import run_untc_night, run_warehouse_night, warehouse_alert

pytestmark = pytest.mark.slow

ORIGINAL = real("XVIII-16")
LAST_EIGHT = x16.latest_signers(ORIGINAL, 8)
LATEST = x16.latest_signers(ORIGINAL, 1)
NOV10, NOV15, NOV20 = date(2026, 11, 10), date(2026, 11, 15), date(2026, 11, 20)
EDITS = {
    NOV10: lambda b: x16.drop_rows(b, LAST_EIGHT),
    NOV15: lambda b: x16.drop_rows(b, LATEST),
    NOV20: lambda b: x16.ratify(b, "Algeria", "18 Nov 2026"),
}



@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("backfill")
    with installation(root) as (untc, changes):
        state: dict = {}
        for step, night in enumerate((NOV10, NOV20, NOV15, NOV20)):
            untc.set("XVIII-16", lambda b, n=night: x16.with_header_counts(EDITS[n](b)))
            run_untc_night(night)
            state[step] = run_warehouse_night(night)
            warehouse_alert()
            state[f"signatories{step}"] = published(
                "select signatories, parties from treaty_progress where mtdsg_no = 'XVIII-16'"
            )[0]
        state["received"] = [c["change_id"] for c in changes]
        yield state


def test_every_night_builds_and_publishes(backfill) -> None:
    assert all(backfill[step].published for step in (0, 1, 2))


def test_current_is_the_latest_night_not_the_latest_run(backfill) -> None:
    assert backfill["signatories1"] == (73, 1)
    assert backfill["signatories2"] == (73, 1)  # after backfilling 15 Nov: still 20 Nov's


def test_changes_land_on_their_own_nights(backfill) -> None:
    rows = published(
        "select detected_on, change_type, count(*) from status_changes "
        "where mtdsg_no = 'XVIII-16' group by all order by all"
    )
    assert rows == [
        (NOV15, "new_signature", 7),
        (NOV20, "new_consent", 1),
        (NOV20, "new_signature", 1),
    ]


def test_history_as_of_the_backfilled_night(backfill) -> None:
    rows = published(
        "select count(*) filter (is_signatory) from treaty_participation_history "
        "where mtdsg_no = 'XVIII-16' and valid_from <= ? and (valid_to is null or valid_to > ?)",
        [NOV15, NOV15],
    )
    assert rows == [(72,)]


def test_no_change_is_alerted_twice(backfill) -> None:
    received = backfill["received"]
    assert len(received) == len(set(received)) == 9
    ids = {r[0] for r in published("select change_id from status_changes")}
    assert set(received) == ids


def test_rerun_after_backfill_changes_nothing(backfill) -> None:
    assert not backfill[3].published
    assert backfill[3].fingerprint == backfill[2].fingerprint
