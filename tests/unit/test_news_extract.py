"""The claim extractor on sentences in several languages, and on the labelled seed articles."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from ingestion.news.extract import extract
from ingestion.news.numbers import find_numbers, words_to_int
from ingestion.news.text import detect_language, fold, split_sentences
from ingestion.news.treaties import treaty_aliases

REPO = Path(__file__).resolve().parents[2]
ALIASES = treaty_aliases(REPO / "config" / "watchlist.yml")


def claims(text: str, lang: str, ref: date | None = None) -> list[dict]:
    """Country and count claims (event dates, article-level since issue 10, left out)."""
    return [c.as_dict() for c in extract(text, aliases=ALIASES, language=lang,
                                         reference_date=ref).claims if c.kind != "event_date"]


def only(text: str, lang: str, **expected) -> dict:
    found = claims(text, lang)
    assert len(found) == 1, found
    assert {k: found[0][k] for k in expected} == expected, found[0]
    return found[0]


@pytest.mark.parametrize(("phrase", "lang", "value"), [
    ("soixante-cinq", "fr", 65), ("quatre-vingt-dix-neuf", "fr", 99),
    ("soixante et onze", "fr", 71), ("sesenta y cinco", "es", 65),
    ("sixty-five", "en", 65), ("setenta e dois", "pt", 72), ("cent dix", "fr", 110),
    ("sessantacinque", "it", 65), ("ventuno", "it", 21), ("fünfundsechzig", "de", 65),
    ("einundzwanzig", "de", 21),
])
def test_numbers_in_words(phrase: str, lang: str, value: int) -> None:
    assert words_to_int(fold(phrase), lang) == value


def test_ordinals_are_not_numbers() -> None:
    assert find_numbers(fold("la 40e ratification"), "fr") == []
    assert find_numbers(fold("the 40th ratification"), "en") == []


@pytest.mark.parametrize(("text", "lang", "iso3", "negated", "tense"), [
    ("The United States did not sign the Hanoi Convention.", "en", "USA", True, "past"),
    ("Brazil will sign the convention next year.", "en", "BRA", False, "future"),
    ("Canada has yet to sign the convention.", "en", "CAN", True, "past"),
    ("La France n'a pas signé la Convention de Hanoï.", "fr", "FRA", True, "past"),
    ("Le Canada signera la Convention.", "fr", "CAN", False, "future"),
    ("Le ministre biélorusse de l'Intérieur signe la Convention.", "fr", "BLR", False, "past"),
    ("Estados Unidos no firmó la Convención de Hanói.", "es", "USA", True, "past"),
    ("México firmará la convención.", "es", "MEX", False, "future"),
    ("O Brasil assinou a Convenção de Hanói.", "pt", "BRA", False, "past"),
    ("Россия подписала Конвенцию ООН против киберпреступности.", "ru", "RUS", False, "past"),
    ("Việt Nam đã ký Công ước Hà Nội.", "vi", "VNM", False, "past"),
    ("Viet Nam became the first country to sign it.", "en", "VNM", False, "past"),
    ("Vietnam will be the first country to sign.", "en", "VNM", False, "future"),
    ("Colombia fue el primer país en firmar la Convención.", "es", "COL", False, "past"),
    ("The Russian delegation signed the convention.", "en", "RUS", False, "past"),
    ("Deutschland hat die Konvention nicht unterzeichnet.", "de", "DEU", True, "past"),
    ("L'Italia ha firmato la Convenzione di Hanoi.", "it", "ITA", False, "past"),
])
def test_country_claims(text: str, lang: str, iso3: str, negated: bool, tense: str) -> None:
    only(text, lang, kind="country_action", iso3=iso3, action="signature", negated=negated,
         tense=tense)


def test_ratification_with_date_in_the_articles_language() -> None:
    claim = only("L'Allemagne a ratifié la convention le 3 mars 2026.", "fr",
                 iso3="DEU", action="ratification", tense="past")
    assert claim["date"] == "2026-03-03"


@pytest.mark.parametrize(("text", "lang", "iso3", "action", "negated"), [
    ("Japan deposited its instrument of ratification on 3 March 2026.", "en", "JPN",
     "ratification", False),
    ("Le Japon a déposé son instrument d'adhésion.", "fr", "JPN", "accession", False),
    ("Chile depositó su instrumento de ratificación.", "es", "CHL", "ratification", False),
    ("Hoa Kỳ chưa ký Công ước Hà Nội.", "vi", "USA", "signature", True),
])
def test_instruments_and_vietnamese_negation(text, lang, iso3, action, negated) -> None:
    only(text, lang, kind="country_action", iso3=iso3, action=action, negated=negated)


def test_a_signing_ceremony_is_not_a_signature() -> None:
    assert claims("Việt Nam tổ chức lễ ký Công ước Hà Nội.", "vi") == []


def test_elliptic_negation() -> None:
    found = {(c["iso3"], c["negated"]) for c in claims(
        "France and Germany signed the convention, but Canada did not.", "en")}
    assert found == {("FRA", False), ("DEU", False), ("CAN", True)}


def test_a_place_is_not_an_actor() -> None:
    assert claims("La Convention a été signée à Hanoï, au Vietnam.", "fr") == []


@pytest.mark.parametrize(("text", "lang", "count", "qualifier"), [
    ("65 pays ont signé la Convention.", "fr", 65, "exact"),
    ("Soixante-cinq pays ont signé la Convention.", "fr", 65, "exact"),
    ("Près de 70 pays ont signé la Convention de Hanoï.", "fr", 70, "approximate"),
    ("Une soixantaine de pays ont signé la Convention.", "fr", 60, "approximate"),
    ("More than 60 countries signed the convention.", "en", 60, "at_least"),
    ("Nearly seventy states have signed it.", "en", 70, "approximate"),
    ("Sesenta y cinco países firmaron la Convención.", "es", 65, "exact"),
    ("Más de 70 países han firmado el tratado.", "es", 70, "at_least"),
    ("Hơn 60 quốc gia đã ký Công ước.", "vi", 60, "at_least"),
    ("The convention has been signed by 72 countries so far.", "en", 72, "exact"),
])
def test_count_claims(text: str, lang: str, count: int, qualifier: str) -> None:
    only(text, lang, kind="count", count=count, qualifier=qualifier, action="signature")


@pytest.mark.parametrize(("text", "lang"), [
    ("110 countries attended the signing ceremony.", "en"),
    ("Plus de 100 pays ont participé à la cérémonie de signature.", "fr"),
    ("The convention enters into force after the 40th ratification.", "en"),
    ("Elle entrera en vigueur une fois que 40 pays l'auront ratifiée.", "fr"),
    ("Vietnam signed a trade agreement with Japan.", "en"),
    ("Les médias russes ont rapporté la cérémonie de signature.", "fr"),
    ("The treaty needs 40 ratifications to enter into force.", "en"),
    ("La convención entrará en vigor tras la cuadragésima ratificación.", "es"),
])
def test_not_claims(text: str, lang: str) -> None:
    assert claims(text, lang) == []


def test_language_treaty_and_sentences() -> None:
    text = (REPO / "benchmarks" / "news_seeds" / "003.txt").read_text(encoding="utf-8")
    assert detect_language(text) == "fr"
    assert extract(text, aliases=ALIASES).treaty == "cybercrime"
    assert extract("Le pho est un plat.", aliases=ALIASES).treaty is None
    assert split_sentences("M. F. N. Nemov est là. Il signe.") == ["M. F. N. Nemov est là.",
                                                                    "Il signe."]


def test_seed_labels_score() -> None:
    spec = importlib.util.spec_from_file_location(
        "extraction_eval", REPO / "benchmarks" / "extraction_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores = module.evaluate_seeds(REPO / "benchmarks" / "news_seeds")
    for kind in ("country_action", "count"):
        assert scores[kind]["precision"] >= 0.8, scores
        assert scores[kind]["recall"] >= 0.8, scores
    assert scores["treaty"]["accuracy"] == 1.0
