"""Feeds, GDELT answers and article pages: parsed from bytes, bad ones rejected with a reason."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest

from ingestion.news import gdelt
from ingestion.news.articles import ArticleRejected, canonical_url, read_article
from ingestion.news.feeds import FeedError, google_news_url, parse_feed, resolve_google_news

REPO = Path(__file__).resolve().parents[2]
NEWS = REPO / "snapshot" / "news"


def test_recorded_google_news_feed() -> None:
    feed = next((NEWS / "feeds").glob("google_fr_*.xml")).read_bytes()
    items = parse_feed(feed, "fr")
    assert len(items) == 5
    assert items[0].published_at is not None and items[0].language == "fr"


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty body"),
    (b"<rss version='2.0'><channel><item><title>x</item></channel></rss>", "malformed feed XML"),
    (b"<html><head><title>404 Not Found</title></head><body>gone</body></html>",
     "not an RSS/Atom feed"),
])
def test_bad_feeds_are_rejected_with_a_reason(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body)


def test_google_news_url_quotes_every_alias() -> None:
    url = google_news_url(["Convention de Hanoï", "Hanoi Convention"], "fr")
    assert url.startswith("https://news.google.com/rss/search?q=%22Convention+de+Hano")
    assert "hl=fr&gl=FR&ceid=FR%3Afr" in url


def test_gdelt_artlist_and_its_errors() -> None:
    items = gdelt.parse_artlist((NEWS / "gdelt" / "artlist_cybercrime.json").read_bytes())
    assert len(items) == 5
    assert items[0].published_at == datetime(2025, 10, 8, 12, 0)
    assert items[0].language == "fr"
    with pytest.raises(gdelt.GdeltError, match="rate-limited or query error"):
        gdelt.parse_artlist(b"Please limit requests to one every 5 seconds.")
    assert gdelt.parse_artlist(json.dumps({}).encode()) == []


def test_gdelt_window_splitting_and_query() -> None:
    start, end = datetime(2025, 10, 1), datetime(2025, 10, 3)
    halves = gdelt.split_window(start, end)
    assert halves == [(start, datetime(2025, 10, 2)), (datetime(2025, 10, 2), end)]
    assert gdelt.split_window(start, datetime(2025, 10, 1, 1)) == []
    assert gdelt.query_for(["Hanoi Convention", "Convention de Hanoï"]) == (
        '("Hanoi Convention" OR "Convention de Hanoï")')
    assert "startdatetime=20251001000000" in gdelt.artlist_url("q", start, end)


def test_canonical_url() -> None:
    assert canonical_url("https://WWW.Example.com/a/b/?utm_source=x&id=3#top") == (
        "https://example.com/a/b?id=3")


def test_article_page_text() -> None:
    page = (NEWS / "articles" / "002.html").read_bytes()
    article = read_article(page, "text/html; charset=utf-8", "https://vtv.vn/x")
    assert "65 pays ont signé la Convention" in article.text
    assert "Accueil" not in article.text  # navigation is not article text
    assert article.language == "fr"


@pytest.mark.parametrize(("body", "ctype", "reason"), [
    (b"   ", "text/html", "empty body"),
    (b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
     "text/html", "HTML error page"),
    ("<html><body><p>Près de 70 pays ont signé.</p></body></html>".encode("latin-1"),
     "text/html; charset=utf-8", "wrong encoding"),
    (b"%PDF-1.4 ...", "application/pdf", "not an HTML page"),
])
def test_bad_pages_are_rejected_with_a_reason(body: bytes, ctype: str, reason: str) -> None:
    with pytest.raises(ArticleRejected, match=reason):
        read_article(body, ctype, "https://example.com/a")


def _old_style_google_id(url: str) -> str:
    """A Google News article id of the older kind: base64url protobuf holding the URL."""
    raw = b"\x08\x13\x22" + bytes([len(url)]) + url.encode() + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_google_news_redirect_links_resolve_to_the_publisher() -> None:
    publisher = "https://www.elfaro.es/noticia/14122/panorama-internacional/x.html"
    token = _old_style_google_id(publisher)
    assert token.startswith("CBMi")  # as Google's own ids of this kind
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>"Hanoi" - Google News</title>
<item><title>65 países firman - elfaro.es</title>
<link>https://news.google.com/rss/articles/{token}?oc=5</link>
<guid isPermaLink="false">{token}</guid><pubDate>Sat, 25 Oct 2025 12:00:00 GMT</pubDate>
<source url="https://www.elfaro.es">elfaro.es</source></item>
<item><title>New-style id - example</title>
<link>https://news.google.com/rss/articles/AU_yqLNopaque?oc=5</link>
<pubDate>Sat, 25 Oct 2025 13:00:00 GMT</pubDate></item>
</channel></rss>""".encode()
    items = parse_feed(feed, "es")
    assert items[0].url == publisher
    assert canonical_url(items[0].url) == "https://elfaro.es/noticia/14122/panorama-internacional/x.html"
    # a new-style id holds no URL: kept as it is (its page is then rejected as no article)
    assert items[1].url == "https://news.google.com/rss/articles/AU_yqLNopaque?oc=5"
    assert resolve_google_news("https://example.com/a?oc=5") == "https://example.com/a?oc=5"
