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
from ingestion.news.dates import find_dates
from ingestion.news.numbers import find_numbers
from ingestion.news.text import detect_language, fold, split_sentences

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
}


@dataclass(frozen=True)
class Claim:
    """One claim of an article (the JSON line of ``treatywatch extract``)."""

    kind: str  # country_action | count
    treaty: str | None
    iso3: str | None
    action: str
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


@cache
def _alias_pattern(alias: str) -> re.Pattern[str]:
    folded = re.escape(fold(alias)).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w){folded}(?!\w)")


def treaty_mentions(text: str, aliases: dict[str, list[str]]) -> dict[str, int]:
    """How often each watched treaty is named by one of its aliases (any language)."""
    folded = fold(text)
    folded_vi = fold(text, "vi")
    counts: dict[str, int] = {}
    for treaty, names in aliases.items():
        n = 0
        for alias in names:
            target = folded_vi if any(ord(c) > 0x1E00 for c in alias) else folded
            pattern = _alias_pattern(alias) if target is folded else re.compile(
                re.escape(fold(alias, "vi")))
            n += len(pattern.findall(target))
        if n:
            counts[treaty] = n
    return counts


def _clauses(folded: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in lx.CLAUSE_SPLIT.finditer(folded):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(folded)))
    return spans


def _triggers(folded: str, lo: int, hi: int, lang: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for trig in lx.TRIGGERS.get(lang, ()):
        for m in trig.pattern.finditer(folded, lo, hi):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            before = folded[lo:m.start()]
            tense = trig.tense
            if tense == "infinitive":
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
            hits.append(_Hit(m.start(), m.end(), trig.action, tense, negated))
    return sorted(hits, key=lambda h: h.start)


def _nearest(hits: list[_Hit], pos: int, end: int) -> _Hit | None:
    """The trigger a mention belongs to: the next one after it, else the closest before."""
    after = [h for h in hits if h.start >= end]
    if after:
        return after[0]
    before = [h for h in hits if h.end <= pos]
    return before[-1] if before else None


def _country_claims(folded: str, lo: int, hi: int, lang: str, hits: list[_Hit]):
    if re.search(rf"\b{lx.OTHER_AGREEMENT}\b", folded[lo:hi]) and not re.search(
        lx.TREATY_WORDS, folded[lo:hi]
    ):
        return
    location = lx.LOCATION_BEFORE.get(lang, "$^")
    for mention in find_countries(folded[lo:hi], lang):
        start, end = lo + mention.start, lo + mention.end
        if not mention.is_adjective and re.search(location, folded[lo:start]):
            continue  # "à Hanoï, au Vietnam": a place, not an actor
        if mention.is_adjective and not _beside_role(folded, start, end, lang):
            continue  # "les médias russes": an adjective alone names no actor
        hit = _nearest(hits, start, end)
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


def _elliptic_claims(folded: str, lo: int, hi: int, lang: str, previous: _Hit | None):
    """"..., but Canada did not": the previous clause's act, negated, for this clause's country."""
    pattern = lx.ELLIPTIC_NEGATION.get(lang)
    if previous is None or pattern is None or not re.search(pattern, folded[lo:hi]):
        return
    for mention in find_countries(folded[lo:hi], lang):
        if not mention.is_adjective:
            yield mention.iso3, _Hit(lo, hi, previous.action, previous.tense, True)


def _count_claims(folded: str, lo: int, hi: int, lang: str, hits: list[_Hit]):
    implied_words = "|".join(lx.NOUN_ACTION)
    noun_re = re.compile(
        rf"^\s*(?:de |d'|of |các |из )?(?:(?:{implied_words})\s+)?"
        rf"{lx.COUNT_NOUNS.get(lang, '$^')}(?:\s+(?:{implied_words})\b)?\b"
    )
    for start, end, value, approximate in find_numbers(folded[lo:hi], lang):
        start, end = lo + start, lo + end
        noun = noun_re.match(folded[end:hi])
        if noun is None or not 2 <= value <= MAX_COUNT:
            continue
        noun_end = end + noun.end()
        head = folded[lo:start]
        if re.search(lx.THRESHOLD, head):
            continue  # "une fois que 40 pays auront ratifié": a rule, not a count
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
        for name, pattern in lx.QUALIFIERS.items():
            if re.search(rf"\b{pattern}\s*$", head):
                qualifier = name
                break
        yield value, qualifier, action, tense, negated


def extract(
    text: str,
    *,
    aliases: dict[str, list[str]] | None = None,
    language: str | None = None,
    reference_date: date | None = None,
) -> Extraction:
    """Claims of one article. ``reference_date`` (publication) gives dates their year."""
    lang = language or detect_language(text) or "en"
    mentions = treaty_mentions(text, aliases or {})
    treaty = max(mentions, key=lambda t: mentions[t]) if mentions else None
    claims: dict[tuple, Claim] = {}
    for sentence in split_sentences(text):
        folded = fold(sentence, lang)
        sentence_treaty = treaty
        own = treaty_mentions(sentence, aliases or {})
        if own and treaty not in own:
            sentence_treaty = max(own, key=lambda t: own[t])
        dates = find_dates(sentence, lang, reference_date)
        when = dates[0].isoformat() if dates else None
        last_hit: _Hit | None = None
        for lo, hi in _clauses(folded):
            hits = _triggers(folded, lo, hi, lang)
            if not hits:
                for iso3, hit in _elliptic_claims(folded, lo, hi, lang, last_hit):
                    claim = Claim("country_action", sentence_treaty, iso3, hit.action, None,
                                  None, True, hit.tense, when, sentence)
                    claims.setdefault(claim.key(), claim)
                continue
            last_hit = hits[-1]
            found: list[Claim] = []
            for iso3, hit in _country_claims(folded, lo, hi, lang, hits):
                found.append(Claim("country_action", sentence_treaty, iso3, hit.action, None,
                                   None, hit.negated, hit.tense, when, sentence))
            for value, qualifier, action, tense, negated in _count_claims(
                folded, lo, hi, lang, hits
            ):
                found.append(Claim("count", sentence_treaty, None, action, value, qualifier,
                                   negated, tense, when, sentence))
            for claim in found:
                claims.setdefault(claim.key(), claim)
        # count nouns that imply the act ("dont 65 signataires") need no verb in the clause
        for lo, hi in _clauses(folded):
            if _triggers(folded, lo, hi, lang):
                continue
            for value, qualifier, action, tense, negated in _count_claims(
                folded, lo, hi, lang, []
            ):
                claim = Claim("count", sentence_treaty, None, action, value, qualifier,
                              negated, tense, when, sentence)
                claims.setdefault(claim.key(), claim)
    return Extraction(lang, treaty, mentions, list(claims.values()))
