"""Tests of participant name resolution (pycountry, CLDR via babel, override seed)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pycountry
import pytest

from ingestion.participants import (
    MATCH_METHODS,
    PARTICIPANT_TYPES,
    ParticipantRef,
    load_overrides,
    resolve_all,
    resolve_participant,
)
from ingestion.settings import load_settings
from ingestion.untc.mtdsg import parse_mtdsg_file

SHARED = Path(__file__).resolve().parents[2] / "snapshot" / "untc"  # in-repo copies of ../shared
CYBERCRIME_CSV = SHARED / "cybercrime_XVIII-16_signatures.csv"
CORPUS = SHARED / "mtdsg_xml_2018"


@pytest.mark.parametrize(
    ("name", "iso3", "participant_type", "method"),
    [
        ("European Union", None, "regional_organisation", "override"),
        ("European Community", None, "regional_organisation", "override"),
        ("Cook Islands", "COK", "state", "override"),
        ("Niue", "NIU", "state", "override"),
        ("Türkiye", "TUR", "state", "pycountry"),
        ("Turkey", "TUR", "state", "override"),
        ("Côte d'Ivoire", "CIV", "state", "pycountry"),
        ("Côte d’Ivoire", "CIV", "state", "pycountry"),  # CLDR's curly apostrophe
        ("Viet Nam", "VNM", "state", "pycountry"),
        ("Iran (Islamic Republic of)", "IRN", "state", "pycountry"),
        ("Bolivia (Plurinational State of)", "BOL", "state", "pycountry"),
        ("Micronesia (Federated States of)", "FSM", "state", "pycountry"),
        ("Venezuela (Bolivarian Republic of)", "VEN", "state", "pycountry"),
        ("State of Palestine", "PSE", "state", "pycountry"),
        ("Holy See", "VAT", "state", "pycountry"),
        ("Czech Republic", "CZE", "state", "pycountry"),
        ("Republic of Korea", "KOR", "state", "pycountry"),
        ("Democratic People's Republic of Korea", "PRK", "state", "pycountry"),
        ("Democratic Republic of the Congo", "COD", "state", "pycountry"),
        ("Congo", "COG", "state", "pycountry"),
        ("St. Vincent and the Grenadines", "VCT", "state", "pycountry"),
        ("The former Yugoslav Republic of Macedonia", "MKD", "state", "override"),
        ("Swaziland", "SWZ", "state", "override"),
        ("Czechoslovakia", "CSK", "state", "pycountry_historic"),
        ("Yugoslavia", "YUG", "state", "pycountry_historic"),
        ("German Democratic Republic", "DDR", "state", "pycountry_historic"),
        ("Union of Soviet Socialist Republics", "SUN", "state", "pycountry_historic"),
        ("Serbia and Montenegro", "SCG", "state", "pycountry_historic"),
        ("Cape Verde", "CPV", "state", "babel"),  # CLDR English name only
        ("Hong Kong", "HKG", "other", "override"),
    ],
)
def test_known_names(name: str, iso3: str | None, participant_type: str, method: str) -> None:
    ref = resolve_participant(name)
    assert (ref.iso3, ref.participant_type, ref.match_method) == (iso3, participant_type, method)
    if iso3:
        assert ref.iso2 and len(ref.iso2) == 2 and ref.english_name


def test_english_names() -> None:
    # one form for all (CLDR's English names), whatever the printed spelling or the library
    # that matched it; issue 9 replaced the mix of ISO and CLDR forms
    assert resolve_participant("Iran (Islamic Republic of)").english_name == "Iran"
    assert resolve_participant("Bolivia (Plurinational State of)").english_name == "Bolivia"
    uk = resolve_participant("United Kingdom of Great Britain and Northern Ireland")
    assert uk.english_name == "United Kingdom"
    assert resolve_participant("Turkey").english_name == "Türkiye"  # the seed's code, CLDR's name
    assert resolve_participant("Czechoslovakia").english_name == "Czechoslovakia"
    assert resolve_participant("European Union").english_name == "European Union"
    assert resolve_participant("Holy See").english_name == "Vatican City"


def test_normalisation() -> None:
    ref = resolve_participant("Iran (Islamic Republic of)")
    assert resolve_participant("  iran  (ISLAMIC republic OF) ") == ref
    assert resolve_participant("Islamic Republic of Iran") == ref
    assert resolve_participant("Iran, Islamic Republic of") == ref
    assert resolve_participant("european union").match_method == "override"


def test_unresolvable_and_ambiguous_names() -> None:
    for name in ("World Health Organization", "Korea", "", "Atlantis"):
        assert resolve_participant(name) == ParticipantRef(None, None, None, "unmapped", "unmapped")


def test_resolve_all_and_cache() -> None:
    refs = resolve_all(["Algeria", "European Union", "Algeria"])
    assert set(refs) == {"Algeria", "European Union"}
    assert refs["Algeria"].iso3 == "DZA"
    assert resolve_participant("Algeria") is resolve_participant("Algeria")


def test_override_seed_is_valid_and_small() -> None:
    with load_settings().participant_overrides_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == [
        "untc_name", "iso3", "participant_type", "english_name", "note",
    ]  # fmt: skip
    assert len(rows) <= 20
    overrides = load_overrides()
    assert len(overrides) == len(rows)
    for ref in overrides.values():
        assert ref.participant_type in PARTICIPANT_TYPES - {"unmapped"}
        assert ref.match_method in MATCH_METHODS
        if ref.iso3:
            assert pycountry.countries.get(alpha_3=ref.iso3) is not None


def test_bad_override_row_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "overrides.csv"
    bad.write_text("untc_name,iso3,participant_type,english_name,note\nFoo,XXX,state,,\n")
    with pytest.raises(ValueError, match=r"overrides\.csv:2: XXX is not an ISO 3166"):
        load_overrides(bad)


@pytest.mark.skipif(not CYBERCRIME_CSV.is_file(), reason=f"{CYBERCRIME_CSV} not found")
def test_cybercrime_signatories_all_resolve() -> None:
    with CYBERCRIME_CSV.open(newline="", encoding="utf-8") as handle:
        names = [r["participant"] for r in csv.DictReader(handle) if r["status"] == "confirmed"]
    assert len(names) == 73
    refs = resolve_all(names)
    assert not [n for n, ref in refs.items() if ref.match_method == "unmapped"]
    assert refs["European Union"].participant_type == "regional_organisation"
    states = [ref for n, ref in refs.items() if n != "European Union"]
    assert all(ref.participant_type == "state" and ref.iso3 for ref in states)
    assert len({ref.iso3 for ref in states}) == 72


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"UNTC 2018 corpus not found at {CORPUS}")
def test_corpus_names_unmapped_only_for_organisations() -> None:
    names = {n for path in CORPUS.glob("*.en.xml") for n in parse_mtdsg_file(path).participants}
    unmapped = sorted(n for n, ref in resolve_all(names).items() if ref.match_method == "unmapped")
    organisation = re.compile(r"Organi[sz]ation|Union|Community|Council|Agency|Nations|Market")
    assert [n for n in unmapped if not organisation.search(n)] == []
    assert len(unmapped) <= 30
