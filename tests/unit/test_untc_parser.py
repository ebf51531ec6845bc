"""Tests of the MTDSG XML parser on real UNTC files (no mocks).

Targeted tests read the byte-for-byte copies in tests/fixtures/untc/ (see PROVENANCE.md there);
the corpus tests read all 356 real files kept in snapshot/untc/mtdsg_xml_2018 (byte-for-byte
copies of ../shared/untc/mtdsg_xml_2018).
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import pytest

from ingestion.untc.models import (
    ACTIONS,
    CONSENT_ACTIONS,
    MtdsgParseError,
    ParsedTreaty,
    ParticipantAction,
)
from ingestion.untc.mtdsg import parse_mtdsg, parse_mtdsg_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "untc"
CORPUS = Path(__file__).resolve().parents[2] / "snapshot" / "untc" / "mtdsg_xml_2018"
CORPUS_FILES = sorted(CORPUS.glob("*.en.xml")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(
    not CORPUS_FILES,
    reason=f"UNTC 2018 corpus not found at {CORPUS} (run scripts/build_offline_snapshot.py)",
)
C0_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@functools.cache
def fixture(mtdsg_no: str) -> ParsedTreaty:
    return parse_mtdsg_file(FIXTURES / f"{mtdsg_no}.en.xml")


def actions_of(parsed: ParsedTreaty, participant: str) -> list[ParticipantAction]:
    return [a for a in parsed.actions if a.participant == participant]


def one(parsed: ParsedTreaty, participant: str, column: int) -> ParticipantAction:
    (action,) = [a for a in actions_of(parsed, participant) if a.column_number == column]
    return action


# ---------------------------------------------------------------------------------------------
# Every real file
# ---------------------------------------------------------------------------------------------


@needs_corpus
def test_corpus_is_complete() -> None:
    assert len(CORPUS_FILES) == 356


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name.removesuffix(".en.xml"))
def test_every_file_parses(path: Path) -> None:
    parsed = parse_mtdsg_file(path)
    header = parsed.header
    # The MTDSG number built from the header equals the file name for all 356 files.
    assert header.mtdsg_no == path.name.removesuffix(".en.xml")
    assert header.title
    assert header.has_participants_table == bool(parsed.participants)
    if not header.has_participants_table:
        assert parsed.actions == []
    for action in parsed.actions:
        assert action.action in ACTIONS
        assert action.mtdsg_no == header.mtdsg_no
        assert action.participant and not C0_RE.search(action.raw_value)
        if action.column_number:
            assert action.action_date is not None, action  # every real cell holds a valid date
    texts = [
        header.title,
        header.conclusion_text or "",
        header.eif_text or "",
        *parsed.participants,
    ]
    assert not any(C0_RE.search(text) or "<" in text for text in texts)


@needs_corpus
def test_corpus_totals() -> None:
    parsed = [parse_mtdsg_file(path) for path in CORPUS_FILES]
    assert sum(p.header.has_participants_table for p in parsed) == 276
    withdrawals = [a for p in parsed for a in p.actions if a.action == "withdrawal"]
    assert len(withdrawals) == 45
    # A suffix always wins over the header; the only header-dependent meanings are documented.
    odd = {(a.suffix, a.action) for p in parsed for a in p.actions if a.suffix} - {
        ("a", "accession"), ("A", "acceptance"), ("AA", "approval"), ("d", "succession"),
        ("n", "provisional_application"), ("P", "participation"), ("s", "definitive_signature"),
        ("p", "simplified_procedure"), ("c", "formal_confirmation"),
        ("C", "confirmation_of_signature"), ("d", "succession_to_signature"),
    }  # fmt: skip
    assert odd == set()


# ---------------------------------------------------------------------------------------------
# Suffixes and bare dates, on concrete rows
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mtdsg_no", "participant", "column", "action", "suffix", "on"),
    [
        ("XVIII-15", "Algeria", 3, "accession", "a", date(2011, 3, 3)),
        ("XVIII-15", "Finland", 3, "acceptance", "A", date(2009, 1, 13)),
        ("XXVII-7-a", "China", 3, "approval", "AA", date(2002, 8, 30)),
        ("XXVII-7-a", "European Union", 3, "approval", "AA", date(2002, 5, 31)),
        # d in a "Signature, Succession to signature(d)" column is not a consent to be bound
        ("XVIII-15", "Montenegro", 2, "succession_to_signature", "d", date(2006, 10, 23)),
        ("XIX-37", "Argentina", 3, "provisional_application", "n", date(1992, 12, 29)),
        ("X-4", "Bangladesh", 3, "participation", "P", date(1973, 3, 14)),
        ("VI-1", "Afghanistan", 3, "definitive_signature", "s", date(1946, 12, 11)),
        ("XXI-6-a", "Bahamas", 5, "simplified_procedure", "p", date(1995, 7, 28)),
        # bare dates take the meaning of their column
        ("XVIII-15", "Afghanistan", 2, "signature", "", date(2005, 12, 29)),
        ("XVIII-15", "Afghanistan", 3, "ratification", "", date(2013, 3, 25)),
        ("III-2-1", "Albania", 2, "application", "", date(2007, 10, 4)),
        # "Signature ad referendum (s)" prints its dates bare; "Confirmation of signature" too,
        # in a definitive-signature column: the confirmed signature is definitive (consent)
        ("XIV-7-a", "Brazil", 2, "signature", "", date(1986, 5, 5)),
        ("XIV-7-a", "Brazil", 3, "confirmation_of_definitive_signature", "", date(1990, 3, 9)),
        ("XIV-7-a", "Afghanistan", 3, "definitive_signature", "s", date(1984, 8, 15)),
    ],
)
def test_cell_meaning(
    mtdsg_no: str, participant: str, column: int, action: str, suffix: str, on: date
) -> None:
    cell = one(fixture(mtdsg_no), participant, column)
    assert (cell.action, cell.suffix, cell.action_date) == (action, suffix, on)
    assert not cell.bracketed


def test_cell_keeps_raw_value_and_header() -> None:
    cell = one(fixture("XVIII-15"), "Algeria", 3)
    assert cell.raw_value == "3 Mar 2011 a"
    assert cell.column_header == "Approval(AA), Acceptance(A), Accession(a), Ratification"
    assert cell.row_number == 3


def test_unknown_column_meaning_is_other_with_warning() -> None:
    parsed = fixture("XXI-6-a")
    cells = [a for a in parsed.actions if a.column_number == 4]
    assert cells and {a.action for a in cells} == {"other"}
    assert any("column 4" in w and "other" in w for w in parsed.warnings)


# ---------------------------------------------------------------------------------------------
# Names, footnotes, withdrawals
# ---------------------------------------------------------------------------------------------


def test_footnote_markers_split_from_name() -> None:
    canada = actions_of(fixture("XXVII-7-a"), "Canada")
    assert canada and {a.footnotes for a in canada} == {("2",)}
    assert {a.participant_raw for a in canada} == {"Canada<superscript>2</superscript>"}
    assert "Canada" in fixture("XXVII-7-a").participants


def test_several_footnotes() -> None:
    parsed = fixture("III-2-1")
    assert {a.footnotes for a in actions_of(parsed, "Croatia")} == {("1", "2")}
    assert {a.footnotes for a in actions_of(parsed, "Germany")} == {("4", "5", "6")}
    assert "The former Yugoslav Republic of Macedonia" in parsed.participants
    # header footnote markers are dropped too: "Participant<superscript>1</superscript>"
    assert fixture("XIV-7-a").header.column_headers[0] == "Participant"


def test_kyoto_canada_withdrawal() -> None:
    canada = actions_of(fixture("XXVII-7-a"), "Canada")
    signature = one(fixture("XXVII-7-a"), "Canada", 2)
    ratification = one(fixture("XXVII-7-a"), "Canada", 3)
    assert (signature.action, signature.action_date, signature.bracketed) == (
        "signature", date(1998, 4, 29), True,
    )  # fmt: skip
    assert (ratification.action, ratification.action_date, ratification.bracketed) == (
        "ratification", date(2002, 12, 17), True,
    )  # fmt: skip
    (withdrawal,) = [a for a in canada if a.action == "withdrawal"]
    assert withdrawal.column_number == 0
    assert withdrawal.action_date == date(2011, 12, 15)
    assert withdrawal.effective_date == date(2012, 12, 15)
    assert "withdraw from the Kyoto Protocol" in withdrawal.raw_value


def test_withdrawal_table_without_brackets_and_reaccession() -> None:
    # Barbados withdrew from XIX-37 in 1994 (end-note table) and acceded again in 2007.
    barbados = {a.action: a for a in actions_of(fixture("XIX-37"), "Barbados")}
    assert barbados["withdrawal"].action_date == date(1994, 9, 1)
    assert barbados["withdrawal"].effective_date == date(1994, 10, 1)
    assert barbados["accession"].action_date == date(2007, 3, 27)
    assert not barbados["accession"].bracketed


def test_bracketed_suffix_inside_brackets() -> None:
    finland_n = one(fixture("XIX-37"), "Finland", 3)
    assert (finland_n.raw_value, finland_n.suffix, finland_n.bracketed) == (
        "[22 Dec 1992 n]", "n", True,
    )  # fmt: skip
    trinidad = one(fixture("IV-5"), "Trinidad and Tobago", 3)
    assert (trinidad.action, trinidad.action_date, trinidad.bracketed) == (
        "accession", date(1980, 11, 14), True,
    )  # fmt: skip


def test_withdrawals_from_note_prose() -> None:
    # "On 26 May 1998 ... denounce ... with effect from 26 August 1998. ... On 27 March 2000
    # ... denounce the Optional Protocol for the second time with effect from 27 June 2000."
    wds = [a for a in actions_of(fixture("IV-5"), "Trinidad and Tobago") if a.column_number == 0]
    assert [(a.action_date, a.effective_date) for a in wds] == [
        (date(1998, 5, 26), date(1998, 8, 26)),
        (date(2000, 3, 27), date(2000, 6, 27)),
    ]
    (jamaica,) = [a for a in actions_of(fixture("IV-5"), "Jamaica") if a.action == "withdrawal"]
    assert (jamaica.action_date, jamaica.effective_date) == (date(1997, 10, 23), None)


def test_bracketed_without_explaining_note() -> None:
    parsed = fixture("VI-1")
    (withdrawal,) = [a for a in actions_of(parsed, "Netherlands") if a.action == "withdrawal"]
    assert withdrawal.action_date is None and withdrawal.effective_date is None
    assert withdrawal.raw_value == "[11 Dec 1946 ] | [10 Mar 1948 A]"
    assert any("Netherlands" in w and "no note" in w for w in parsed.warnings)


def test_no_withdrawal_without_brackets_or_note() -> None:
    assert not [a for a in fixture("XVIII-15").actions if a.action == "withdrawal"]


# ---------------------------------------------------------------------------------------------
# Encoding repairs
# ---------------------------------------------------------------------------------------------


def test_control_bytes_become_typography() -> None:
    raw = (FIXTURES / "IV-5.en.xml").read_bytes()
    assert b"<text>\x1c1. [...]</text>" in raw and b"\x18at any time\x19" in raw
    parsed = fixture("IV-5")
    (first, _) = [a for a in actions_of(parsed, "Trinidad and Tobago") if a.column_number == 0]
    assert "(6 August 1999): “1. [...]" in first.raw_value
    assert any("U+001C" in w and "“" in w for w in parsed.warnings)
    assert any("U+0018" in w and "‘" in w for w in parsed.warnings)


def test_bare_ampersand_and_lone_cr_repaired() -> None:
    parsed = fixture("XVIII-15")
    assert any(w.startswith("bare '&' escaped (12x)") for w in parsed.warnings)
    assert any(w.startswith("lone carriage returns") for w in parsed.warnings)
    assert not any("recovery" in w for w in parsed.warnings)


def test_strict_parser_rejects_raw_file() -> None:
    # Why the repair exists: the file as served is not well-formed XML.
    from lxml import etree

    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring((FIXTURES / "XVIII-15.en.xml").read_bytes())


# ---------------------------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------------------------


def test_header_xviii_15() -> None:
    header = fixture("XVIII-15").header
    assert header.mtdsg_no == "XVIII-15"
    assert (header.chapter_roman, header.chapter_name) == ("XVIII", "PENAL MATTERS")
    assert header.title == (
        "International Convention for the Suppression of Acts of Nuclear Terrorism"
    )
    assert header.conclusion_text == "New York, 13 April 2005"
    assert (header.concluded_place, header.concluded_on) == ("New York", date(2005, 4, 13))
    assert header.eif_text == "7 July 2007, in accordance with article 25(1)."
    assert header.eif_date == date(2007, 7, 7)
    assert header.registration_text == "7 July 2007, No. 44004"
    assert (header.printed_signatories, header.printed_parties) == (115, 113)
    assert header.status_as_of is None
    assert header.column_headers == (
        "Participant",
        "Signature, Succession to signature(d)",
        "Approval(AA), Acceptance(A), Accession(a), Ratification",
    )


def test_subsection_number_and_subtitle() -> None:
    header = fixture("XXVII-7-a").header
    assert header.mtdsg_no == "XXVII-7-a"
    assert header.title.startswith("Kyoto Protocol")


def test_eif_definitive_after_provisional() -> None:
    # "provisionally on 20 January 1993, ... and definitively on 10 December 1996, ..."
    assert fixture("XIX-37").header.eif_date == date(1996, 12, 10)


@pytest.mark.parametrize("mtdsg_no", ["XVIII-12", "XVIII-14"])
def test_file_without_participants_table(mtdsg_no: str) -> None:
    parsed = fixture(mtdsg_no)
    assert parsed.header.has_participants_table is False
    assert parsed.actions == [] and parsed.participants == []
    assert parsed.header.mtdsg_no == mtdsg_no


def _counts(parsed: ParsedTreaty) -> tuple[int, int]:
    """Signatories and current parties as UNTC counts them from the rows."""
    signatories, consent, withdrawn = set(), {}, {}
    for a in parsed.actions:
        if a.bracketed or a.action_date is None:
            continue
        if a.action in ("signature", "succession_to_signature"):
            signatories.add(a.row_number)
        elif a.action in CONSENT_ACTIONS:
            consent[a.row_number] = max(a.action_date, consent.get(a.row_number, a.action_date))
        elif a.action == "withdrawal":
            withdrawn[a.row_number] = max(a.action_date, withdrawn.get(a.row_number, a.action_date))
    parties = {r for r, d in consent.items() if r not in withdrawn or d > withdrawn[r]}
    return len(signatories), len(parties)


@pytest.mark.parametrize(
    ("mtdsg_no", "signatories", "parties"),
    [("XVIII-15", 115, 113), ("XXVII-7-a", 83, 192), ("XIX-37", 21, 61), ("X-4", 30, 47)],
)
def test_printed_counts_match_rows(mtdsg_no: str, signatories: int, parties: int) -> None:
    parsed = fixture(mtdsg_no)
    assert (parsed.header.printed_signatories, parsed.header.printed_parties) == (
        signatories, parties,
    )  # fmt: skip
    assert _counts(parsed) == (signatories, parties)


def test_confirmed_signature_ad_referendum_counts_as_party() -> None:
    # XIV-7-a prints 33 parties; 5 of them confirmed a signature ad referendum in the column
    # "Definitive signature(s), Confirmation of signature". UNTC counts them as parties, and
    # so do the rows now (the rows gave 28 while this was typed as a mere confirmation).
    parsed = fixture("XIV-7-a")
    assert parsed.header.printed_parties == 33
    assert _counts(parsed)[1] == 33
    confirmed = {
        a.row_number for a in parsed.actions if a.action == "confirmation_of_definitive_signature"
    }
    assert len(confirmed) == 5
    assert "confirmation_of_definitive_signature" in CONSENT_ACTIONS


@needs_corpus
def test_confirmation_in_its_own_column_is_not_consent() -> None:
    # XIV-7: "Confirmation of signature ad referendum(C)" has its own column and ratification
    # follows: confirming leaves a signature subject to ratification.
    parsed = parse_mtdsg_file(CORPUS / "XIV-7.en.xml")
    actions = {a.action for a in parsed.actions if a.suffix == "C"}
    assert actions == {"confirmation_of_signature"}
    assert "confirmation_of_signature" not in CONSENT_ACTIONS


def test_application_counts_as_party() -> None:
    # III-2-x: the only column is "Application"; UNTC counts appliers as parties.
    parsed = fixture("III-2-1")
    assert {a.action for a in parsed.actions if a.action != "withdrawal"} == {"application"}
    assert _counts(parsed)[1] > 100


@needs_corpus
def test_mixed_consent_column_reads_unspecified_consent() -> None:
    # VII-9 "Definitive signature of the Protocol, Acceptance of the Protocol, Succession ...":
    # a bare date there is a consent to be bound of a kind UNTC does not state.
    parsed = parse_mtdsg_file(CORPUS / "VII-9.en.xml")
    column_2 = {a.action for a in parsed.actions if a.column_number == 2}
    assert column_2 == {"consent_unspecified"}
    assert not any("several unsuffixed" in w for w in parsed.warnings)


def test_withdrawal_note_names_participant_differently() -> None:
    # The end-note table says "Principality of Andorra", the row "Andorra": the same
    # participant through name resolution, so the withdrawal keeps its dates.
    data = (FIXTURES / "XXVII-7-a.en.xml").read_bytes()
    row = b"<Entry>Canada&lt;superscript&gt;2&lt;/superscript&gt;</Entry>"
    assert data.count(row) == 1 and data.count(b"<col>Canada</col>") == 1
    data = data.replace(row, b"<Entry>Andorra&lt;superscript&gt;2&lt;/superscript&gt;</Entry>")
    data = data.replace(b"<col>Canada</col>", b"<col>Principality of Andorra</col>")
    parsed = parse_mtdsg(data, "XXVII-7-a.en.xml")
    (withdrawal,) = [a for a in actions_of(parsed, "Andorra") if a.action == "withdrawal"]
    assert (withdrawal.action_date, withdrawal.effective_date) == (
        date(2011, 12, 15), date(2012, 12, 15),
    )  # fmt: skip
    assert not any("withdrawal note names" in w for w in parsed.warnings)


# ---------------------------------------------------------------------------------------------
# Payloads that are not MTDSG files
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "payload is empty"),
        (b"  \r\n", "payload is empty"),
        (
            b"<!DOCTYPE html><html><head><title>Runtime Error</title></head>"
            b"<body>Server Error in '/' Application.</body></html>",
            "payload is an HTML page, not MTDSG XML",
        ),
        (b"\x00\x1fService Unavailable", "not XML even after repair"),
        (b"<rss><channel/></rss>", "no <Treaty> element"),
        (b"<Document><Treaty><Template/></Treaty></Document>", "no <Header> element"),
    ],
    ids=["empty", "blank", "html", "text", "other-xml", "no-header"],
)
def test_unreadable_payloads(payload: bytes, reason: str) -> None:
    source = (
        "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
    )
    with pytest.raises(MtdsgParseError) as caught:
        parse_mtdsg(payload, source)
    assert caught.value.source == source
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{source}: ")


@pytest.mark.parametrize("cut", [60, 5_000, 50_000])
def test_truncated_file_is_rejected(cut: int) -> None:
    data = (FIXTURES / "XVIII-15.en.xml").read_bytes()[:cut]
    with pytest.raises(MtdsgParseError, match=r"XVIII-15\.en\.xml: payload is truncated"):
        parse_mtdsg(data, "XVIII-15.en.xml")


def test_status_as_at_is_captured_where_printed() -> None:
    data = (FIXTURES / "XVIII-15.en.xml").read_bytes()
    assert parse_mtdsg(data, "XVIII-15.en.xml").header.status_as_of is None  # 2018: none
    data = data.replace(
        b"<Numsect>", b"<StatusAsAt>Status as at : 26-11-2026 09:15:02 EDT</StatusAsAt><Numsect>", 1
    )
    assert parse_mtdsg(data, "XVIII-15.en.xml").header.status_as_of == date(2026, 11, 26)


def test_source_name_is_fallback_for_number() -> None:
    data = (FIXTURES / "XVIII-14.en.xml").read_bytes().replace(b"<Numsect>14</Numsect>", b"")
    parsed = parse_mtdsg(data, "/tmp/XVIII-14.en.xml")
    assert parsed.header.mtdsg_no == "XVIII-14"
    assert any("taken from the source" in w for w in parsed.warnings)


def test_weird_dates_never_raise() -> None:
    data = (FIXTURES / "XVIII-15.en.xml").read_bytes()
    data = data.replace(b"<Entry>3 Mar 2011 a</Entry>", b"<Entry>31 Feb 2011 a</Entry>")
    data = data.replace(b"<Entry>29 Dec 2005</Entry>", b"<Entry>29 Dcm 2005</Entry>")
    parsed = parse_mtdsg(data, "XVIII-15.en.xml")
    algeria = one(parsed, "Algeria", 3)
    assert (algeria.action, algeria.action_date) == ("accession", None)
    assert one(parsed, "Afghanistan", 2).action_date is None
    assert any("impossible date 31 Feb 2011" in w for w in parsed.warnings)
    assert any("unknown month 'Dcm'" in w for w in parsed.warnings)


@needs_corpus
@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.en.xml")), ids=lambda p: p.name)
def test_fixture_is_byte_copy_of_corpus_file(path: Path) -> None:
    assert path.read_bytes() == (CORPUS / path.name).read_bytes()


def _minimal_file(row_name: str, notes: list[tuple[str, str]]) -> bytes:
    """A small MTDSG file: one bracketed row footnoted to every note given."""
    marks = ",".join(index for index, _ in notes)
    note_xml = "".join(
        f"<Note><index>{index}</index><text>{text}</text></Note>" for index, text in notes
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><Document><Treaty><Header>"
        "<Chapter><Header>CHAPTER XXVII</Header></Chapter>"
        "<ExternalData><Numsect>99</Numsect><Titlesect>Test</Titlesect></ExternalData></Header>"
        "<Participants><Table><TGroup><Thead><Row><Entry>Participant</Entry>"
        "<Entry>Ratification</Entry></Row></Thead><Tbody><Rows><Row>"
        f"<Entry>{row_name}&lt;superscript&gt;{marks}&lt;/superscript&gt;</Entry>"
        "<Entry>[1 Jan 2000 ]</Entry></Row></Rows></Tbody></TGroup></Table></Participants>"
        f"<EndNotes>{note_xml}</EndNotes></Treaty></Document>"
    ).encode()


def test_withdrawal_prose_note_naming_the_participant_in_english_is_preferred() -> None:
    row = "United Kingdom of Great Britain and Northern Ireland"
    data = _minimal_file(row, [
        ("1", "On 3 March 2001, the Government of France notified its withdrawal."),
        ("2", "On 5 May 2005, the Government of the United Kingdom notified its withdrawal."),
    ])
    parsed = parse_mtdsg(data, "XXVII-99.en.xml")
    (withdrawal,) = [a for a in parsed.actions if a.action == "withdrawal"]
    assert withdrawal.action_date == date(2005, 5, 5)
