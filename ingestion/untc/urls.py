"""Where the UN Treaty Collection publishes each treaty's MTDSG status XML."""

from __future__ import annotations

# Settings.untc_base_url (TREATYWATCH_UNTC_BASE_URL) overrides it; the offline snapshot is
# recorded under it.
DEFAULT_BASE_URL = "https://treaties.un.org"

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_to_int(roman: str) -> int:
    """Convert a chapter numeral such as 'XVIII' to 18."""
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN[ch]
        nxt = _ROMAN.get(roman[i + 1]) if i + 1 < len(roman) else 0
        total += -value if nxt and nxt > value else value
    return total


def mtdsg_xml_url(mtdsg_no: str, base_url: str) -> str:
    """URL of the English MTDSG XML of a treaty (Volume I holds chapters I-XII)."""
    chapter = mtdsg_no.split("-")[0]
    volume = "I" if roman_to_int(chapter) <= 12 else "II"
    return (
        f"{base_url}/doc/Publication/MTDSG/Volume%20{volume}/"
        f"Chapter%20{chapter}/{mtdsg_no}.en.xml"
    )
