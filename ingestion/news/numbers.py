"""Cardinal numbers in words (fr, en, es, pt, it, de, ru, ar, zh) or digits, on folded text."""

from __future__ import annotations

import re

_UNITS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
    "fr": "zero un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
    "quince dieciseis diecisiete dieciocho diecinueve veinte veintiuno veintidos veintitres "
    "veinticuatro veinticinco veintiseis veintisiete veintiocho veintinueve",
    "pt": "zero um dois tres quatro cinco seis sete oito nove dez onze doze treze catorze quinze "
    "dezesseis dezessete dezoito dezenove",
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
    "quattordici quindici sedici diciassette diciotto diciannove",
    "de": "null eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf dreizehn vierzehn "
    "funfzehn sechzehn siebzehn achtzehn neunzehn",
}
_TENS = {
    "en": "twenty thirty forty fifty sixty seventy eighty ninety",
    "fr": "vingt trente quarante cinquante soixante",
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "pt": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa",
    "it": "venti trenta quaranta cinquanta sessanta settanta ottanta novanta",
    "de": "zwanzig dreissig vierzig funfzig sechzig siebzig achtzig neunzig",
}
_HUNDRED = {"en": "hundred", "fr": "cent cents", "es": "cien ciento", "pt": "cem cento",
            "it": "cento", "de": "hundert"}
_CONNECTORS = {"en": "and", "fr": "et", "es": "y", "pt": "e", "it": "e", "de": "und"}
# French "une soixantaine de pays": a round, approximate number.
_APPROX_NOUNS = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20,
                 "trentaine": 30, "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60,
                 "centaine": 100, "decena": 10, "veintena": 20, "treintena": 30,
                 "cuarentena": 40, "centenar": 100, "dozens": 24}


# Russian cardinals in the cases news uses ("более ста стран", "шестидесяти пяти"), and
# Arabic ones ("خمس وستين"): words whose values add up.
_ADDITIVE_TEXT = {
    "ru": {
        2: "два две двух двум", 3: "три трех трем", 4: "четыре четырех четырем",
        5: "пять пяти", 6: "шесть шести", 7: "семь семи", 8: "восемь восьми",
        9: "девять девяти", 10: "десять десяти", 11: "одиннадцать одиннадцати",
        12: "двенадцать двенадцати", 15: "пятнадцать пятнадцати", 20: "двадцать двадцати",
        30: "тридцать тридцати", 40: "сорок сорока", 50: "пятьдесят пятидесяти",
        60: "шестьдесят шестидесяти", 70: "семьдесят семидесяти",
        80: "восемьдесят восьмидесяти", 90: "девяносто девяноста", 100: "сто ста",
        200: "двести двухсот",
    },
    "ar": {
        2: "اثنان اثنين اثنتين", 3: "ثلاث ثلاثه", 4: "اربع اربعه", 5: "خمس خمسه", 6: "ست سته",
        7: "سبع سبعه", 8: "ثماني ثمانيه ثمان", 9: "تسع تسعه", 10: "عشر عشره",
        20: "عشرين عشرون", 30: "ثلاثين ثلاثون", 40: "اربعين اربعون", 50: "خمسين خمسون",
        60: "ستين ستون", 70: "سبعين سبعون", 80: "ثمانين ثمانون", 90: "تسعين تسعون",
        100: "مائه مئه",
    },
}
_ADDITIVE_CONNECTOR = {"ru": r"\s+", "ar": r"\s+و?"}
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+")


def zh_to_int(text: str) -> int | None:
    """Value of a Chinese numeral below 1000 ("六十五" -> 65, "十" -> 10, "一百" -> 100)."""
    total, digit = 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (1 if digit is None else digit) * 10
            digit = None
        elif ch == "百":
            total += (1 if digit is None else digit) * 100
            digit = None
    return total + (digit or 0)


def _compound(lang: str, tens: str, unit: str, value: int) -> str:
    """Italian tens+unit with elision (ventuno), German unit+und+tens (einundzwanzig)."""
    if lang == "it":
        return (tens[:-1] if unit[0] in "aeiou" else tens) + unit
    return ("ein" if value == 1 else unit) + "und" + tens


def _vocabulary(lang: str) -> dict[str, int]:
    vocab = {w: i for i, w in enumerate(_UNITS[lang].split())}
    for i, w in enumerate(_TENS[lang].split()):
        vocab[w] = 20 + 10 * i
    for w in _HUNDRED[lang].split():
        vocab[w] = 100
    if lang == "fr":
        vocab["une"] = 1
    if lang in {"es", "pt"}:
        vocab["una"] = 1
        vocab["uma"] = 1
    if lang in {"it", "de"}:  # compounds are one word: sessantacinque, fünfundsechzig
        units = _UNITS[lang].split()
        for t, tens in enumerate(_TENS[lang].split()):
            for u in range(1, 10):
                vocab[_compound(lang, tens, units[u], u)] = 20 + 10 * t + u
    return vocab


VOCAB = {lang: _vocabulary(lang) for lang in _UNITS}


def _pattern(lang: str) -> re.Pattern[str]:
    words = sorted(VOCAB[lang], key=len, reverse=True)
    tok = "(?:" + "|".join(map(re.escape, words)) + ")"
    conn = _CONNECTORS[lang]
    return re.compile(rf"\b{tok}(?:(?:[\s-]+{conn})?[\s-]+{tok})*\b")


PATTERNS = {lang: _pattern(lang) for lang in _UNITS}


def _additive_vocabulary(lang: str) -> dict[str, int]:
    from ingestion.news.text import fold  # text imports nothing from here; keep it lazy

    return {fold(w): value for value, words in _ADDITIVE_TEXT[lang].items()
            for w in words.split()}


ADDITIVE = {lang: _additive_vocabulary(lang) for lang in _ADDITIVE_TEXT}
def _additive_pattern(lang: str) -> re.Pattern[str]:
    word = "|".join(sorted(map(re.escape, ADDITIVE[lang]), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{word})(?:{_ADDITIVE_CONNECTOR[lang]}(?:{word}))*(?!\w)")


ADDITIVE_PATTERNS = {lang: _additive_pattern(lang) for lang in ADDITIVE}
DIGITS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ .,]\d{3})*(?![\d]|[.,]\d)")
# Ordinals are never counts: "40th", "40e", "40ème", "40.º", "40-й".
ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|e|eme|er|ere|o|a|º|ª|\.º|\.ª|-?й|-?я|-?е)\b")


def words_to_int(phrase: str, lang: str) -> int | None:
    """Value of a number phrase in words ("soixante-cinq" -> 65); None if not a number."""
    vocab = VOCAB.get(lang)
    if not vocab:
        return None
    tokens = [t for t in re.split(r"[\s-]+", phrase) if t and t != _CONNECTORS[lang]]
    if not tokens or any(t not in vocab for t in tokens):
        return None
    total, previous = 0, None
    for tok in tokens:
        value = vocab[tok]
        if value == 100:
            total = max(total, 1) * 100 if total < 100 else total + 100
        elif lang == "fr" and tok in {"vingt", "vingts"} and previous == "quatre":
            total += 80 - 4  # quatre-vingt(s)
        elif lang == "fr" and previous in {"soixante", "vingt", "vingts"} and 10 <= value <= 19:
            total += value  # soixante-dix-sept = 60 + 17
        else:
            total += value
        previous = tok
    return total


def approximate_noun(word: str) -> int | None:
    """Value of a round-number noun such as "soixantaine" (60), or None."""
    return _APPROX_NOUNS.get(word.rstrip("s"))


def find_numbers(folded: str, lang: str | None) -> list[tuple[int, int, int, bool]]:
    """(start, end, value, approximate) of every cardinal number in a folded sentence."""
    found: list[tuple[int, int, int, bool]] = []
    for m in DIGITS.finditer(folded):
        if ORDINAL_AFTER.match(folded[m.end():]):
            continue
        value = int(re.sub(r"[ .,]", "", m.group()))
        found.append((m.start(), m.end(), value, False))
    pattern = PATTERNS.get(lang or "")
    if pattern is not None:
        for m in pattern.finditer(folded):
            value = words_to_int(m.group(), lang or "")
            if value is None or value < 2:  # "un pays", "one country": an article, not a count
                continue
            if ORDINAL_AFTER.match(folded[m.end():]):
                continue
            found.append((m.start(), m.end(), value, False))
    additive = ADDITIVE_PATTERNS.get(lang or "")
    if additive is not None:
        vocab = ADDITIVE[lang or ""]
        for m in additive.finditer(folded):
            words = re.findall(r"\w+", m.group())
            value = sum(vocab.get(w, vocab.get(w.removeprefix("و"), 0)) for w in words)
            if value >= 2:
                found.append((m.start(), m.end(), value, False))
    if lang == "zh":
        for m in _ZH_NUMBER.finditer(folded):
            value = zh_to_int(m.group())
            if value is not None and value >= 2 and m.group() not in {"一", "两"}:
                found.append((m.start(), m.end(), value, False))
    for m in re.finditer(r"\b(?:une?\s+|una\s+)?(\w+aines?|decenas?|veintenas?|treintenas?|"
                         r"cuarentenas?|centenar(?:es)?|dozens)\b", folded):
        value = approximate_noun(m.group(1))
        if value:
            found.append((m.start(), m.end(), value, True))
    return sorted(found)
