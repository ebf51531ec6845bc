"""The news load over real HTTP (a local server): good and bad feeds, pages and GDELT answers.

Real requests through the project's HTTP layer, real DuckDB, the real GX gate.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ingestion.http import HttpClient
from ingestion.news import load as news_load
from ingestion.pipeline import news_parse, news_validate, work_db
from ingestion.settings import load_settings
from ingestion.watchlist import load_watchlist

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "snapshot" / "news" / "articles"
NIGHT = date(2026, 11, 26)
ERROR_PAGE = (b"<html><head><title>404 Not Found</title></head>"
              b"<body><h1>Not Found</h1></body></html>")


class NewsSite:
    """Feeds, a GDELT endpoint and article pages, good and bad, on one local server."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.gdelt_body = b""
        self.gdelt_window_body: bytes | None = None  # answer to explicit-window requests
        self.gdelt_requests: list[str] = []
        server.expect_request(re.compile(r"^/")).respond_with_handler(self._handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def _rss(self, paths: list[str]) -> bytes:
        items = "".join(
            f"<item><title>t{i}</title><link>{self.url(p)}</link>"
            f"<pubDate>Sat, 25 Oct 2025 12:00:00 GMT</pubDate></item>"
            for i, p in enumerate(paths)
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>local</title>{items}</channel></rss>").encode()

    def _handle(self, request: Request) -> Response:
        path = request.path
        html = "text/html; charset=utf-8"
        pages = {
            "/a/002": (SEEDS / "002.html").read_bytes(),
            "/a/003": (SEEDS / "003.html").read_bytes(),
            "/a/002-copy": (SEEDS / "002.html").read_bytes(),  # same text, other URL
            "/a/error": ERROR_PAGE,
            "/a/empty": b"",
            "/a/latin1": (SEEDS / "003.html").read_text("utf-8").encode("latin-1", "replace"),
        }
        if path in pages:
            return Response(pages[path], content_type=html)
        if path == "/feeds/good.xml":
            return Response(self._rss(["/a/002", "/a/002?utm_source=rss", "/a/error",
                                       "/a/empty", "/a/latin1", "/a/missing"]),
                            content_type="application/rss+xml")
        if path == "/feeds/malformed.xml":
            return Response(b"<rss version='2.0'><channel><item><title>x</item>",
                            content_type="application/rss+xml")
        if path == "/feeds/html":
            return Response(ERROR_PAGE, content_type="text/html")
        if path == "/gdelt":
            query = request.query_string.decode()
            self.gdelt_requests.append(query)
            body = self.gdelt_body
            if "startdatetime" in query and self.gdelt_window_body is not None:
                body = self.gdelt_window_body
            return Response(body, content_type="application/json")
        return Response(ERROR_PAGE, status=404, content_type="text/html")

    def gdelt_lists(self, paths: list[str]) -> None:
        rows = [{"url": self.url(p), "title": p, "seendate": "20251025T093000Z",
                 "language": "French", "domain": "localhost"} for p in paths]
        self.gdelt_body = json.dumps({"articles": rows}).encode()


@pytest.fixture
def news_site(httpserver: HTTPServer, tw_env: Path) -> NewsSite:
    return NewsSite(httpserver)


def run_fetch(site: NewsSite) -> news_load.NewsSummary:
    settings = load_settings()
    feeds = [(site.url(p), "fr") for p in
             ("/feeds/good.xml", "/feeds/malformed.xml", "/feeds/html", "/feeds/gone")]
    client = HttpClient(retries=0)
    try:
        with work_db(settings) as con:
            return news_load.fetch_and_land(
                con, client, load_watchlist(settings.watchlist_path), settings.raw_dir, NIGHT,
                gdelt_interval=0, feeds=feeds, gdelt_api=site.url("/gdelt"))
    finally:
        client.close()


def work(sql: str) -> list[tuple]:
    with duckdb.connect(str(load_settings().work_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_bad_feeds_and_pages_are_failed_fetches_and_the_rest_lands(news_site) -> None:
    news_site.gdelt_lists(["/a/003", "/a/002-copy"])
    summary = run_fetch(news_site)
    load_id = summary.load_id
    errors = dict(work(
        "select regexp_replace(url, '^http://[^/]+', ''), error from raw.fetch_log "
        "where outcome = 'error'"))
    assert errors["/feeds/malformed.xml"].startswith("malformed feed XML")
    assert errors["/feeds/html"].startswith("not an RSS/Atom feed")
    assert errors["/feeds/gone"] == "HTTP 404"
    assert errors["/a/error"].startswith("HTML error page")
    assert errors["/a/empty"] == "empty body"
    assert errors["/a/latin1"].startswith("wrong encoding")
    assert errors["/a/missing"] == "HTTP 404"
    # /a/002 and its utm_source twin are one canonical URL: fetched once
    landed = sorted(r[0] for r in work(
        "select regexp_replace(url, '^http://[^/]+', '') from raw.fetch_log "
        "where source = 'news_article' and outcome != 'error'"))
    assert landed == ["/a/002", "/a/002-copy", "/a/003"]

    assert news_parse(load_id) == 3
    assert "0 failed" in news_validate(load_id, NIGHT)
    claims = work("select kind, claim_count, iso3, tense from raw.news_claims order by all")
    assert ("count", 65, None, "past") in claims
    assert ("country_action", None, "BLR", "past") in claims
    # issue 7: a night with failed fetches is "partial" (the usable rest is read), not "accepted"
    assert work(f"select status from raw.loads where load_id = '{load_id}'") == [("partial",)]
    assert work(f"select n_failed from raw.loads where load_id = '{load_id}'") == [(7,)]

    # rerunning the night lands nothing new and extracts nothing again
    run_fetch(news_site)
    assert news_parse(load_id) == 0
    assert work("select count(*) from raw.manifest where source = 'news_article'") == [(3,)]


def test_gdelt_answering_without_json_is_a_failed_fetch(news_site) -> None:
    news_site.gdelt_body = b"Please limit requests to one every 5 seconds or contact us."
    summary = run_fetch(news_site)
    (error,) = work("select error from raw.fetch_log where source = 'news_gdelt'")[0]
    assert "rate-limited or query error" in error
    assert summary.articles == 1  # the good feed's page still landed
    assert len(news_site.gdelt_requests) == 1  # no hammering after a refusal


def test_gdelt_cap_splits_the_window(news_site, monkeypatch) -> None:
    news_site.gdelt_lists([f"/a/none-{i}" for i in range(250)])
    news_site.gdelt_window_body = json.dumps({"articles": []}).encode()
    monkeypatch.setattr(news_load, "MAX_ARTICLES", 0)  # only the listings matter here
    run_fetch(news_site)
    assert "timespan=3months" in news_site.gdelt_requests[0]
    windows = [q for q in news_site.gdelt_requests if "startdatetime" in q]
    assert len(windows) == 2  # the capped answer was asked again in two halves
