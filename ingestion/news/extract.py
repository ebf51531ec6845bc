"""Rule-based claim extraction from an article's plain text.

For each sentence: split into clauses, find the verbs of signing/ratifying/acceding
(lexicon.TRIGGERS), then
- country claims: countries (countries.py) in the clause, bound to the nearest trigger;
- count claims: a number (digits or words) before a count noun ("pays", "signatories"),
  bound to a trigger or implied by the noun; thresholds, attendance and ordinals are skipped.
Every claim keeps its sentence as evidence. Claims repeated in one article are kept once.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache

from ingestion.news import lexicon as lx
from ingestion.news.countries import find_countries
from ingestion.news.dates import find_dates_at, latest_year
from ingestion.news.events import dateline_day, sentence_events
from ingestion.news.numbers import find_numbers
from ingestion.news.text import detect_language, fold, split_sentences
from ingestion.news.treaties import NO_TREATY, article_treaty, name_filter, sentence_treaty

MAX_COUNT = 250  # no treaty has more participants; larger numbers are people, cases, money
_FUTURE_AUX = {
    "fr": r"(?:aura|auront|sera|seront|devra|devront)\s+(?:\w+\s+){0,2}$",
    "en": r"(?:will|would|shall|to be|is expected to|are expected to)\s+(?:\w+\s+){0,2}$",
    "es": r"(?:habra|habran|sera|seran|va a|van a|vaya a)\s+(?:\w+\s+)?$",
    "pt": r"(?:vai|vao|sera|serao|tera|terao)\s+(?:\w+\s+)?$",
    "it": r"(?:avra|avranno|sara|saranno)\s+(?:\w+\s+)?$",
    "de": r"(?:wird|werden|will|wollen|soll|sollen)\b.*$",
    "ru": r"(?:будет|будут|намерен\w*|собира\w*)\s+(?:\w+\s+)?$",
    "vi": r"(?:sẽ)\s+$",
    "zh": r"(?:将|将会|将要|计划|准备|拟)\S{0,3}$",
    "ar": r"(?:\bسوف|\bس)\s*$",
}
# English bare "sign"/"ratify" after a subject is the headline present ("72 states sign");
# after these words it is an infinitive or a question of will.
_EN_NOT_PRESENT = (r"(?:\bto|\bwill|\bwould|\bshall|\bshould|\bcould|\bcan|\bmay|\bmight|"
                   r"\bmust|\bnot|n't|\bdid|\bdoes|\bdo|\bplans?|\bwants?)\s+(?:\w+\s+)?$")


@dataclass(frozen=True)
class Claim:
    """One claim of an article (the JSON line of ``treatywatch extract``)."""

    kind: str  # country_action | count | event_date
    treaty: str | None
    iso3: str | None
    action: str  # signature | ratification | accession; for event_date the event's kind
    count: int | None
    qualifier: str | None  # exact | approximate | at_least | at_most
    negated: bool
    tense: str  # past | future
    date: str | None
    evidence: str

    def key(self) -> tuple:
        """What makes two claims of one article the same claim."""
        return (self.kind, self.treaty, self.iso3, self.action, self.count, self.qualifier,
                self.negated, self.tense)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one article."""

    language: str | None
    treaty: str | None
    treaty_mentions: dict[str, int]
    claims: list[Claim]


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    action: str
    tense: str
    negated: bool


def _clauses(folded: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, separator before it) of each clause of a folded sentence."""
    spans, start, separator = [], 0, ""
    for m in lx.CLAUSE_SPLIT.get(lang, lx.CLAUSE_SPLIT["en"]).finditer(folded):
        spans.append((start, m.start(), separator))
        start, separator = m.end(), m.group()
    spans.append((start, len(folded), separator))
    return spans


def _triggers(folded: str, lo: int, hi: int, lang: str) -> list[_Hit]:
    hits: list[_Hit] = []
    if lang not in lx.ANY_TRIGGER or not lx.ANY_TRIGGER[lang].search(folded, lo, hi):
        return hits
    taken: list[tuple[int, int]] = []
    for trig in lx.TRIGGERS.get(lang, ()):
        for m in trig.pattern.finditer(folded, lo, hi):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            before = folded[lo:m.start()]
            tense = trig.tense
            if tense == "infinitive" and lang == "en" and not re.search(_EN_NOT_PRESENT, before):
                tense = "past"  # "72 states sign UN treaty": the headline present
            elif tense == "infinitive":
                tense = "past" if re.search(lx.INFINITIVE_PAST[lang], before) else "future"
                if re.search(lx.ORDINAL_INFINITIVE.get(lang, "$^"), before):
                    # "le premier pays à ratifier": done, unless "sera le premier pays à"
                    tense = "future" if re.search(lx.FUTURE_MARKERS, before) else "past"
            elif tense == "past" and re.search(_FUTURE_AUX.get(lang, "$^"), before[-40:]):
                tense = "future"
            if tense == "past" and re.search(lx.HOPE, before):
                tense = "future"  # "nous espérons que la Convention sera signée"
            negated = bool(re.search(lx.NEGATION[lang], before[-40:]))
            taken.append((m.start(), m.end()))
            if re.match(lx.OTHER_OBJECT, folded[m.end():hi]):
                continue  # "signed a letter", "signed the protocol": not the treaty
            hits.append(_Hit(m.start(), m.end(), trig.action, tense, negated))
    return sorted(hits, key=lambda h: h.start)


def _nearest(hits: list[_Hit], pos: int, end: int) -> _Hit | None:
    """The trigger a mention belongs to: the next one after it, else the closest before."""
    after = [h for h in hits if h.start >= end]
    if after:
        return after[0]
    before = [h for h in hits if h.end <= pos]
    return before[-1] if before else None


def _country_claims(folded: str, lo: int, hi: int, lang: str, hits: list[_Hit],
                    original: str | None):
    if re.search(rf"\b{lx.OTHER_AGREEMENT}\b", folded[lo:hi]) and not re.search(
        lx.TREATY_WORDS, folded[lo:hi]
    ):
        return
    location = lx.LOCATION_BEFORE.get(lang, "$^")
    for mention in find_countries(folded[lo:hi], lang, original[lo:hi] if original else None):
        start, end = lo + mention.start, lo + mention.end
        if not mention.is_adjective and re.search(location, folded[lo:start]):
            continue  # "à Hanoï, au Vietnam": a place, not an actor
        if mention.is_adjective and not _beside_role(folded, start, end, lang):
            continue  # "les médias russes": an adjective alone names no actor
        hit = _nearest(hits, start, end)
        if hit is not None and hit.start >= end and re.search(
            lx.SPOKE_OF_OTHERS, folded[end:hit.start]
        ):
            continue  # the country spoke of others' acts
        if hit is not None:
            yield mention.iso3, hit


def _beside_role(folded: str, start: int, end: int, lang: str) -> bool:
    role = lx.ROLE_NOUNS.get(lang)
    if role is None:
        return False
    near_before = folded[max(0, start - 30):start]
    near_after = folded[end:end + 30]
    return bool(re.search(rf"\b{role}(?:\s+\S+)?\s*$", near_before)
                or re.match(rf"^\s*(?:\S+\s+)?{role}\b", near_after))


def _elliptic_claims(folded: str, lo: int, hi: int, lang: str, previous: _Hit | None,
                     original: str | None):
    """"..., but Canada did not": the previous clause's act, negated, for this clause's country."""
    pattern = lx.ELLIPTIC_NEGATION.get(lang)
    if previous is None or pattern is None or not re.search(pattern, folded[lo:hi]):
        return
    for mention in find_countries(folded[lo:hi], lang, original[lo:hi] if original else None):
        if not mention.is_adjective:
            yield mention.iso3, _Hit(lo, hi, previous.action, previous.tense, True)


@cache
def _count_noun(lang: str) -> re.Pattern[str]:
    return re.compile(lx.COUNT_NOUNS.get(lang, "$^"))


def _count_claims(folded: str, lo: int, hi: int, lang: str, hits: list[_Hit]):
    implied_words = "|".join(lx.NOUN_ACTION)
    boundary = "" if lang in {"zh", "ar"} else r"\b"
    noun_re = re.compile(
        rf"^\s*(?P<more>多|余)?(?:de |d'|of |các |из )?(?:{lx.OTHERS_BEFORE_NOUN}\s*)?"
        rf"(?:(?:{implied_words})\s+)?"
        rf"{lx.COUNT_NOUNS.get(lang, '$^')}(?:\s+(?:{implied_words})\b)?{boundary}"
    )
    if not _count_noun(lang).search(folded, lo, hi):
        return  # no count noun, no count
    for start, end, value, approximate in find_numbers(folded[lo:hi], lang):
        start, end = lo + start, lo + end
        noun = noun_re.match(folded[end:hi])
        if noun is None or not 2 <= value <= MAX_COUNT:
            continue
        noun_end = end + noun.end()
        head = folded[lo:start]
        if re.search(lx.THRESHOLD, head):
            continue  # "une fois que 40 pays auront ratifié": a rule, not a count
        if re.search(lx.ATTENDANCE, head[-40:]) or re.search(lx.INCREMENT_BEFORE, head[-20:]):
            continue  # "delegations of 119 countries", "an additional two States"
        if re.match(rf"^.{{0,25}}?{lx.THRESHOLD}", folded[noun_end:hi]):
            continue  # "the 60 ratifications needed": a rule
        implied = next((lx.NOUN_ACTION[w] for w in reversed(noun.group().split())
                        if w in lx.NOUN_ACTION), None)
        after = [h for h in hits if h.start >= noun_end]
        before = [h for h in hits if h.end <= start]
        hit = after[0] if after else (before[-1] if before else None)
        if implied and hit is not None and hit.action != implied:
            hit = None  # "40 pays signataires ... ratifiée": the noun says what was counted
        if hit is not None:
            between = folded[noun_end:hit.start] if hit.start >= noun_end else ""
            if re.search(lx.THRESHOLD, between) or re.search(lx.ATTENDANCE, between):
                hit = None
        if hit is None and implied is None:
            continue  # "110 countries attended": no act reported
        if hit is None and re.search(lx.THRESHOLD, folded[lo:hi]):
            continue  # "the treaty needs 40 ratifications": a rule, not a count
        action = hit.action if hit else implied
        if hit:
            tense, negated = hit.tense, hit.negated
        else:
            tense = "future" if re.search(lx.HOPE, folded[lo:hi]) else "past"
            negated = False
        qualifier = "approximate" if approximate else "exact"
        if noun.group("more"):
            qualifier = "at_least"  # "六十多个国家": sixty-odd, more than sixty
        for name, pattern in lx.QUALIFIERS.items():
            if re.search(rf"(?:\b|(?=[\u0600-\u06ff\u4e00-\u9fff])){pattern}\s*$", head):
                qualifier = name
                break
        yield value, qualifier, action, tense, negated


def _list_claims(folded: str, lo: int, hi: int, lang: str, hit: _Hit, original: str | None):
    """A bare list after ":" or "including" belongs to the previous clause's verb."""
    for mention in find_countries(folded[lo:hi], lang, original[lo:hi] if original else None):
        if not mention.is_adjective:
            yield mention.iso3, hit


def _sentence_claims(sentence: str, folded: str, lang: str, treaty: str | None,
                     when: str | None) -> list[Claim]:
    found: list[Claim] = []
    # abbreviations ("US", "UK") are matched on the original casing, position for position
    original = sentence if len(sentence) == len(folded) else None

    def country(iso3: str, hit: _Hit, negated: bool | None = None) -> None:
        found.append(Claim("country_action", treaty, iso3, hit.action, None, None,
                           hit.negated if negated is None else negated, hit.tense, when,
                           sentence))

    last_hit: _Hit | None = None
    for lo, hi, separator in _clauses(folded, lang):
        hits = _triggers(folded, lo, hi, lang)
        if not hits:
            if last_hit is not None and lx.LIST_SEPARATOR.match(separator):
                for iso3, hit in _list_claims(folded, lo, hi, lang, last_hit, original):
                    country(iso3, hit)
            else:
                for iso3, hit in _elliptic_claims(folded, lo, hi, lang, last_hit, original):
                    country(iso3, hit, negated=True)
            # count nouns that imply the act ("dont 65 signataires") need no verb
            for value, qualifier, action, tense, negated in _count_claims(
                folded, lo, hi, lang, []
            ):
                found.append(Claim("count", treaty, None, action, value, qualifier, negated,
                                   tense, when, sentence))
            continue
        last_hit = hits[-1]
        for iso3, hit in _country_claims(folded, lo, hi, lang, hits, original):
            country(iso3, hit)
        for value, qualifier, action, tense, negated in _count_claims(folded, lo, hi, lang, hits):
            found.append(Claim("count", treaty, None, action, value, qualifier, negated, tense,
                               when, sentence))
    for value, action in _number_of_claims(folded, lang):
        found.append(Claim("count", treaty, None, action, value, "exact", False, "past", when,
                           sentence))
    return found


_NUMBER_OF_CUE = re.compile(r"number|nombre|numero")


def _may_claim(folded: str, lang: str) -> bool:
    """Whether a sentence can hold a claim: a trigger's stem or a count noun (most cannot)."""
    trigger = lx.ANY_TRIGGER.get(lang)
    return bool((trigger is not None and trigger.search(folded))
                or _count_noun(lang).search(folded) or _NUMBER_OF_CUE.search(folded))


def _number_of_claims(folded: str, lang: str):
    """"the number of ratifications ... to 28": a total stated the other way round."""
    pattern = lx.NUMBER_OF.get(lang)
    if pattern is None:
        return
    for m in re.finditer(pattern, folded):
        value = int(m.group("number"))
        if 2 <= value <= MAX_COUNT:
            yield value, lx.NUMBER_OF_ACTION.get(m.group("noun"), "signature")


def extract(
    text: str,
    *,
    aliases: dict[str, list[str]] | None = None,
    language: str | None = None,
    reference_date: date | None = None,
) -> Extraction:
    """Claims of one article. ``reference_date`` (publication) gives dates their year.

    ``aliases`` is treaties.TreatyNames (aliases and key terms) or a plain alias dict.
    """
    lang = language or detect_language(text) or "en"
    names = aliases or {}
    sentences = split_sentences(text)
    folded_all = [fold(s, lang) for s in sentences]
    # accent-free in every language, for treaty names (only Vietnamese folds differently)
    plain = [fold(s) for s in sentences] if lang == "vi" else folded_all
    names_any = name_filter(names)  # most sentences name no treaty: one search rules them out
    named = [sentence_treaty(p, names) if names_any.search(p) else NO_TREATY for p in plain]
    treaty, scores = article_treaty(named)
    fallback_year = None if reference_date else latest_year(text)
    today = dateline_day(text, reference_date, lang)
    claims: dict[tuple, Claim] = {}
    events: dict[tuple, Claim] = {}
    for sentence, folded, own in zip(sentences, folded_all, named, strict=True):
        # a sentence naming another treaty speaks of that one ("the Budapest Convention ...")
        sentence_treaty_id = own.treaty if own.treaty and own.treaty != treaty else treaty
        dates = find_dates_at(folded, lang, reference_date, fallback_year)
        when = dates[0].value.isoformat() if dates else None
        if _may_claim(folded, lang):
            for claim in _sentence_claims(sentence, folded, lang, sentence_treaty_id, when):
                claims.setdefault(claim.key(), claim)
        if sentence_treaty_id == treaty:
            for event in sentence_events(sentence, lang, reference_date, fallback_year, today,
                                         folded, dates):
                claim = Claim("event_date", treaty, None, event.kind, None, None, False, "past",
                              event.value.isoformat(), sentence)
                events.setdefault((event.value, event.kind), claim)
    seen_dates: set[str | None] = set()
    for claim in events.values():  # one event per date: the first sentence's reading
        if claim.date not in seen_dates:
            seen_dates.add(claim.date)
            claims.setdefault((*claim.key(), claim.date), claim)
    return Extraction(lang, treaty, scores, list(claims.values()))
