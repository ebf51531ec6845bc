"""Bad nights through the real path: a misbehaving local UNTC, real DuckDB, dbt and GX.

One module-scoped replay (the nights build on each other, and dbt is slow):

1. a good night: the baseline, published;
2. a night of faults, one per treaty: an empty participants table, a mass removal, another
   treaty's file at the URL, 503 for ever, a 429 asking for an hour, a slow drip, a gzip bomb.
   The load is ``partial``; every treaty keeps its last good state; nothing is alerted;
   ``treaty_freshness`` says which treaty is stale and why;
3. a good night again (one file re-encoded as UTF-16 with a BOM): nothing changed, nothing
   alerted, nothing stale;
4. a real mass change: quarantined, then accepted with ``treatywatch accept-change``;
   published and alerted once, and a rerun of the night does not quarantine it again;
5. a night of payloads that must be refused (a DTD with an entity, a truncated file, an HTML
   maintenance page): the load is rejected naming each, the published file stays byte-identical.
"""

from __future__ import annotations

from datetime import date

import pytest
from faults import (
    MAINTENANCE_PAGE,
    Fault,
    dtd_entity,
    empty_table,
    gzip_bomb,
    installation,
    mass_removal,
    published,
    real,
    truncated,
    utf16,
    work,
)

from ingestion.cli import main as cli
from ingestion.pipeline import (
    run_untc_night,
    run_warehouse_night,
    warehouse_alert,
    warehouse_report,
)
from ingestion.quality import LoadRejected
from ingestion.settings import load_settings

pytestmark = pytest.mark.slow

GOOD, FAULTS, AGAIN, MASS, REFUSED = (date(2026, 11, d) for d in (20, 21, 22, 23, 24))




def signatories(mtdsg_no: str) -> int:
    return published("select signatories from treaty_progress where mtdsg_no = ?", [mtdsg_no])[0][0]


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad-nights")
    with installation(root, TREATYWATCH_HTTP_DEADLINE_S=4) as (untc, received):
        state: dict = {"received": received}

        def night(when: date) -> None:
            load_id = run_untc_night(when)
            state[when] = {"load": work("select status, message from raw.loads "
                                        "where load_id = ?", [load_id])[0]}
            run_warehouse_night(when)
            warehouse_alert()
            state[when]["received"] = len(received)
            state[when]["freshness"] = {
                r[0]: r[1:] for r in published(
                    "select mtdsg_no, is_stale, stale_outcome, stale_reason, "
                    "last_refreshed_night from treaty_freshness")
            }
            state[when]["signatories"] = {
                r[0]: r[1] for r in published("select mtdsg_no, signatories from treaty_progress")
            }
            state[when]["report"] = warehouse_report().read_text(encoding="utf-8")

        night(GOOD)
        untc.set("XVIII-16", empty_table)
        untc.set("XVIII-15", mass_removal)
        untc.set("XVIII-12-b", Fault(body=real("XVIII-12-c")))
        untc.set("XVIII-12-a", Fault(body=b"busy", status=503))
        untc.set("XVIII-12-c", Fault(body=b"later", status=429, headers={"Retry-After": "3600"}))
        untc.set("XVIII-14", Fault(body=real("XVIII-14"), drip_s=0.5))
        untc.set("XVIII-12", Fault(body=gzip_bomb(60), headers={"Content-Encoding": "gzip"}))
        night(FAULTS)
        untc.clear()
        untc.set("XVIII-15", lambda body: utf16(body))
        night(AGAIN)
        untc.clear()
        untc.set("XVIII-16", lambda body: mass_removal(body, keep_every=8))
        night(MASS)
        state["accept_exit"] = cli(["accept-change", "XVIII-16", "--note", "test: real"])
        run_untc_night(MASS)  # the rerun must not quarantine the accepted payload again
        run_warehouse_night(MASS)
        warehouse_alert()
        state["after_accept"] = {
            "signatories": signatories("XVIII-16"),
            "received": len(received),
            "load": work("select status from raw.loads where load_id = 'untc-2026-11-23'")[0][0],
        }
        before = load_settings().published_db.read_bytes()
        untc.clear()
        untc.set("XVIII-16", dtd_entity)
        untc.set("XVIII-15", truncated)
        untc.set("XVIII-14", Fault(body=MAINTENANCE_PAGE))
        with pytest.raises(LoadRejected) as rejected:
            run_untc_night(REFUSED)
        state["rejected"] = str(rejected.value)
        state["bytes_unchanged"] = load_settings().published_db.read_bytes() == before
        yield state


def test_baseline_night_is_accepted_and_fresh(nights) -> None:
    assert nights[GOOD]["load"][0] == "accepted"
    assert nights[GOOD]["signatories"]["XVIII-16"] == 73
    assert not any(stale for stale, *_ in nights[GOOD]["freshness"].values())


def test_faulty_night_is_partial_and_names_every_failure(nights) -> None:
    status, message = nights[FAULTS]["load"]
    assert status == "partial"
    for mtdsg_no in ("XVIII-16", "XVIII-15", "XVIII-12-b", "XVIII-12-a", "XVIII-12-c",
                     "XVIII-14", "XVIII-12"):
        assert f"  {mtdsg_no}: " in message


def test_faulty_night_keeps_every_treaty_at_its_last_good_state(nights) -> None:
    assert nights[FAULTS]["signatories"] == nights[GOOD]["signatories"]


def test_faulty_night_alerts_nobody(nights) -> None:
    assert nights[FAULTS]["received"] == nights[GOOD]["received"] == 0


def test_faulty_night_says_which_treaty_is_stale_and_why(nights) -> None:
    fresh = nights[FAULTS]["freshness"]
    expected = {
        "XVIII-16": ("quarantined", "no participant rows"),
        "XVIII-15": ("quarantined", "would remove"),
        "XVIII-12-b": ("quarantined", "is the status of XVIII-12-c"),
        "XVIII-12-a": ("error", "HTTP 503"),
        "XVIII-12-c": ("error", "3600 s"),
        "XVIII-14": ("error", "deadline"),
        "XVIII-12": ("error", "larger than"),
    }
    for mtdsg_no, (outcome, words) in expected.items():
        is_stale, stale_outcome, reason, refreshed = fresh[mtdsg_no]
        assert is_stale and stale_outcome == outcome and words in reason, (mtdsg_no, reason)
        assert refreshed == GOOD


def test_report_shows_which_treaty_is_stale(nights) -> None:
    report = nights[FAULTS]["report"]
    assert "XVIII-16 is stale: shown as of night 2026-11-20" in report
    assert "no participant rows" in report
    assert "is stale: shown as of" not in nights[AGAIN]["report"]


def test_good_night_after_faults_changes_and_alerts_nothing(nights) -> None:
    assert nights[AGAIN]["load"][0] == "accepted"
    assert nights[AGAIN]["received"] == 0
    assert not any(stale for stale, *_ in nights[AGAIN]["freshness"].values())
    assert nights[AGAIN]["signatories"] == nights[GOOD]["signatories"]


def test_real_mass_change_is_held_until_a_person_accepts_it(nights) -> None:
    assert nights[MASS]["load"][0] == "partial"
    assert nights[MASS]["signatories"]["XVIII-16"] == 73
    assert nights[MASS]["received"] == 0
    assert nights["accept_exit"] == 0
    after = nights["after_accept"]
    kept = len(range(0, 73, 8))
    assert after["signatories"] == kept
    assert after["received"] == 73 - kept  # one action_removed alert per removed signature
    assert after["load"] == "accepted"


def test_refused_payloads_reject_the_load_and_leave_the_published_file_alone(nights) -> None:
    message = nights["rejected"]
    assert "declares a DTD or entity" in message
    assert "truncated" in message
    assert "HTML page" in message
    assert nights["bytes_unchanged"]
