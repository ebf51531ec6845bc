"""Strict, safe XML intake: the fault corpus made from real MTDSG files, through the parser."""

from __future__ import annotations

import pytest
from faults import (
    MAINTENANCE_PAGE,
    billion_laughs,
    dtd_entity,
    real,
    truncated,
    utf16,
)

from ingestion.untc.models import MtdsgParseError
from ingestion.untc.mtdsg import parse_mtdsg

URL = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"


def _rows(body: bytes) -> list[tuple]:
    parsed = parse_mtdsg(body, URL)
    return [(a.participant, a.action, a.action_date) for a in parsed.actions]


@pytest.mark.parametrize("big_endian", [False, True])
def test_utf16_with_bom_reads_like_the_original(big_endian: bool) -> None:
    original = real("XVIII-16")
    assert _rows(utf16(original, big_endian)) == _rows(original)


def test_utf8_bom_is_honoured() -> None:
    original = real("XVIII-15")
    text = original.decode("iso-8859-1").replace('encoding="iso-8859-1"', 'encoding="utf-8"')
    assert _rows(b"\xef\xbb\xbf" + text.encode("utf-8")) == _rows(original)


def test_a_dtd_with_an_entity_is_refused_and_no_entity_text_becomes_data() -> None:
    with pytest.raises(MtdsgParseError, match="declares a DTD or entity") as err:
        parse_mtdsg(dtd_entity(real("XVIII-16")), URL)
    assert "Atlantis" not in str(err.value)


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    with pytest.raises(MtdsgParseError, match="declares a DTD or entity"):
        parse_mtdsg(billion_laughs(real("XVIII-16")), URL)


def test_truncated_download_is_refused() -> None:
    with pytest.raises(MtdsgParseError, match="truncated"):
        parse_mtdsg(truncated(real("XVIII-15")), URL)


def test_maintenance_page_with_status_200_is_refused() -> None:
    with pytest.raises(MtdsgParseError, match="HTML page"):
        parse_mtdsg(MAINTENANCE_PAGE, URL)
