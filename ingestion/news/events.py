"""Article-level dates of the treaty's own events (claims of kind ``event_date``).

A date counts when its sentence (one about the article's treaty, or naming none) also names an
event of a treaty's life: opening for signature, the signing ceremony, a signature, a
ratification, adoption, entry into force, the end of the signature period. The event word
nearest to the date gives the kind. Dates of other things - invitations, meetings about the
treaty, cited sources - are skipped (SKIP below). A dateline ("（法新社河内25日电）",
"МОСКВА, 3 марта") dates the article's "today", so "today signed" takes the dateline's day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingestion.news.dates import FoundDate, find_dates_at
from ingestion.news.text import fold

# event kind -> words (folded; any language). Order matters: the first kind found nearest wins.
EVENT_WORDS: dict[str, str] = {
    "opening_for_signature": (
        r"open\w* for signature|ouvert\w* a la signature|abiert\w* a la firma|"
        r"abert\w* a assinatura|apert\w* alla firma|zur unterzeichnung aufgelegt|"
        r"открыт\w* для подписания|mở ký|开放签署|فتح (?:باب )?التوقيع"),
    "signature_deadline": (
        r"until|jusqu'au|hasta el|ate|fino al|bis zum|до \d|đến hết|截至|حتى"),
    "entry_into_force": (
        r"into force|en vigueur|en vigor|em vigor|in vigore|in kraft|в силу|hiệu lực|生效|"
        r"حيز التنفيذ"),
    "ratification": (
        r"ratif\w*|accession|acced\w*|adhesion|ратифик\w*|ратифицир\w*|phê chuẩn|批准|تصديق|"
        r"صادق\w*"),
    "signature": (
        r"\bsign(?:ed|s|ing|atur\w*|ator\w*|e|ee|ees|es|er|ent|erent)?(?!\w)|firm\w*|assin\w*|unterzeichn\w*|unterschr\w*|подпис\w*|ký|签署|签字|توقيع|وقع\w*"),
    "ceremony": (
        r"ceremon\w*|cerimonia|zeremonie|церемони\w*|lễ|仪式|حفل|conference|conferencia|"
        r"conferenza|konferenz|конференци\w*|hội nghị|会议|مؤتمر"),
    "adoption": (
        r"adopt\w*|aprobad\w*|approvat\w*|verabschiedet|принят\w*|thông qua|通过|اعتماد|اعتمدت"),
}
_EVENT = {kind: re.compile(words) for kind, words in EVENT_WORDS.items()}
# Dates of things around the treaty, not of the treaty's life.
SKIP = re.compile(
    r"invit\w*|приглаш\w*|mời|邀请|دعوه|cited|according to a report|publi\w* (?:le|on|el)|"
    r"meeting of|reunion de|réunion|riunione|sitzung|заседани\w*|cuộc họp|phiên họp|"
    r"\(\d{4}, \w+ \d{1,2}\)")
_TODAY = re.compile(r"today|aujourd'hui|\bhoy\b|\bhoje\b|\boggi\b|\bheute\b|сегодня|hôm nay|"
                    r"今天|今日|اليوم")
_ZH_DATELINE = re.compile(r"[（(][^）)]{0,20}?(\d{1,2})日电[）)]")
# "МОСКВА, 3 марта -", "HANOI, Oct 25 (Reuters) -": a city in capitals, a comma, the date
_CITY_DATELINE = re.compile(r"^\W*[A-ZА-ЯЁÀ-Ý][A-ZА-ЯЁÀ-Ý .'-]{2,30},\s+(?P<rest>.{0,40})")
_WINDOW = 80  # characters either side of a date in which an event word is looked for


@dataclass(frozen=True)
class EventDate:
    """A dated event of the treaty's life, with its sentence as evidence."""

    kind: str
    value: date
    evidence: str


def dateline_day(text: str, reference: date | None, lang: str | None = None) -> date | None:
    """The day a news-agency dateline gives the article ("河内25日电", "МОСКВА, 3 марта")."""
    match = _ZH_DATELINE.search(text[:400])
    if match and reference is not None:
        try:
            return reference.replace(day=int(match.group(1)))
        except ValueError:
            return None
    city = _CITY_DATELINE.match(text.lstrip()[:200])
    if city is not None:
        rest = fold(city.group("rest"), lang)
        found = find_dates_at(rest, lang, reference)
        if found and found[0].start <= 2:
            return found[0].value
    return None


def _kind_near(folded: str, start: int, end: int, exclude: str = "") -> str | None:
    best: tuple[int, str] | None = None
    for kind, pattern in _EVENT.items():
        if kind == exclude:
            continue
        for m in pattern.finditer(folded, max(0, start - _WINDOW), end + _WINDOW):
            distance = start - m.end() if m.end() <= start else max(0, m.start() - end)
            if best is None or distance < best[0]:
                best = (distance, kind)
    return best[1] if best else None


def sentence_events(sentence: str, lang: str | None, reference: date | None,
                    fallback_year: int | None, today: date | None,
                    folded: str | None = None,
                    dates: list[FoundDate] | None = None) -> list[EventDate]:
    """Event dates of one sentence (about the article's treaty).

    ``folded`` and ``dates``: the sentence folded and its dates, when the caller has them.
    """
    folded = fold(sentence, lang) if folded is None else folded
    if dates is not None and not dates and today is None:
        return []  # nothing dated, no dateline to lend its day
    if SKIP.search(folded):
        return []
    if dates is None:
        dates = find_dates_at(folded, lang, reference, fallback_year)
    events: list[EventDate] = []
    for found in dates:
        kind = _kind_near(folded, found.start, found.end)
        if kind == "signature_deadline" and not (found.value.month == 12 and found.value.day == 31):
            kind = _kind_near(folded, found.start, found.end, exclude="signature_deadline")
        if kind is not None:
            events.append(EventDate(kind, found.value, sentence))
    if today is not None and not events and _TODAY.search(folded):
        kind = _kind_near(folded, 0, len(folded))
        if kind in {"signature", "ratification", "opening_for_signature", "ceremony"}:
            events.append(EventDate(kind, today, sentence))
    return events
