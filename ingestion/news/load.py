"""News load: feeds + GDELT -> article pages -> landed payloads -> raw news tables.

One load per night (``news-<date>``), landed like every source (content-addressed payloads,
manifest, fetch log). Listings land under source ``news_feed``/``news_gdelt``, pages under
``news_article``. Anything unusable (HTTP error, malformed feed, HTML error page, empty body,
wrong encoding) is a fetch-log row with outcome ``error`` and its reason; it never stops the rest.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.http import FetchFailed, FetchResult, HttpClient, SourceUnreachable
from ingestion.landing import begin_load, finish_load, land_payload, record_fetch_error
from ingestion.news import gdelt
from ingestion.news.articles import ArticleRejected, canonical_url, read_article
from ingestion.news.extract import extract
from ingestion.news.feeds import FeedError, FeedItem, feed_urls, parse_feed
from ingestion.news.treaties import aliases_of
from ingestion.watchlist import Watchlist

SOURCE = "news"
FEED, GDELT, ARTICLE = "news_feed", "news_gdelt", "news_article"
EXTRACTOR_VERSION = "rules-2"  # issue 10: concepts, zh/ar, event dates
MAX_ARTICLES = 200  # per night: a runaway feed must not turn into thousands of page fetches
log = logging.getLogger(__name__)


@dataclass
class NewsSummary:
    """What one night's news fetch did."""

    load_id: str
    listings: int = 0
    items: int = 0
    articles: int = 0
    errors: list[str] = field(default_factory=list)


def _get(client: HttpClient, con, source: str, load_id: str, url: str) -> FetchResult | None:
    """Fetch one URL; log a failure (with its reason) and return None instead of raising."""
    try:
        fetched = client.get(url)
    except (SourceUnreachable, FetchFailed) as exc:  # NotInSnapshot is a SourceUnreachable
        record_fetch_error(con, source, load_id, url, str(exc))
        return None
    if not fetched.ok:
        record_fetch_error(con, source, load_id, url, f"HTTP {fetched.status}", fetched.status)
        return None
    return fetched


def _record_items(con, load_id: str, kind: str, listing_url: str, sha: str,
                  items: list[FeedItem]) -> None:
    rows = [
        {"load_id": load_id, "source_kind": kind, "listing_url": listing_url,
         "listing_sha256": sha, "item_url": i.url, "canonical_url": canonical_url(i.url),
         "title": i.title, "published_at": i.published_at, "language": i.language}
        for i in items
    ]
    _insert(con, "raw.news_items", rows)


def _fetch_feeds(con, client, feeds, raw_dir, load_id, night, summary) -> None:
    for url, lang in feeds:
        fetched = _get(client, con, FEED, load_id, url)
        if fetched is None:
            summary.errors.append(url)
            continue
        try:
            items = parse_feed(fetched.content, lang)
        except FeedError as exc:
            record_fetch_error(con, FEED, load_id, url, str(exc), fetched.status)
            summary.errors.append(url)
            continue
        landed = land_payload(con, raw_dir, FEED, load_id, night, fetched)
        _record_items(con, load_id, "feed", url, landed.sha256, items)
        summary.listings += 1


def _fetch_gdelt(con, client, watchlist, raw_dir, load_id, night, summary,
                 throttle: gdelt.Throttle, api: str) -> None:
    for treaty in watchlist.treaties:
        names = [a for v in treaty.aliases.values() for a in v]
        if not names:
            continue
        query = gdelt.query_for(names)
        windows: list[tuple[datetime | None, datetime | None]] = [(None, None)]
        end_of_night = datetime.combine(night + timedelta(days=1), datetime.min.time())
        requests_left = gdelt.MAX_REQUESTS
        while windows and requests_left > 0:
            requests_left -= 1
            start, end = windows.pop(0)
            url = gdelt.artlist_url(query, start, end, api)
            throttle.wait()
            fetched = _get(client, con, GDELT, load_id, url)
            if fetched is None:
                summary.errors.append(url)
                break
            try:
                items = gdelt.parse_artlist(fetched.content)
            except gdelt.GdeltError as exc:
                record_fetch_error(con, GDELT, load_id, url, str(exc), fetched.status)
                summary.errors.append(url)
                break  # rate-limited: the next run asks again
            landed = land_payload(con, raw_dir, GDELT, load_id, night, fetched)
            _record_items(con, load_id, "gdelt", url, landed.sha256, items)
            summary.listings += 1
            if len(items) >= gdelt.MAX_RECORDS:  # capped: ask again in two halves
                lo = start or end_of_night - timedelta(days=90)
                windows.extend(gdelt.split_window(lo, end or end_of_night))


def _already_read(con: duckdb.DuckDBPyConnection, content: bytes) -> bool:
    """Whether these exact bytes were already extracted into an article."""
    sha = hashlib.sha256(content).hexdigest()
    return con.execute("select count(*) from raw.news_articles where sha256 = ?",
                       [sha]).fetchone()[0] > 0


def _fetch_articles(con, client, raw_dir, load_id, night, summary) -> None:
    rows = con.execute(
        """
        select min(item_url) from raw.news_items where load_id = ?
        group by canonical_url order by canonical_url limit ?
        """,
        [load_id, MAX_ARTICLES],
    ).fetchall()
    for (url,) in rows:
        fetched = _get(client, con, ARTICLE, load_id, url)
        if fetched is None:
            summary.errors.append(url)
            continue
        try:
            # the same bytes already gave an article (payloads are content-addressed): no need
            # to read them again
            if not _already_read(con, fetched.content):
                read_article(fetched.content, fetched.content_type, url)
        except ArticleRejected as exc:
            record_fetch_error(con, ARTICLE, load_id, url, str(exc), fetched.status)
            summary.errors.append(url)
            continue
        land_payload(con, raw_dir, ARTICLE, load_id, night, fetched)
        summary.articles += 1


def fetch_and_land(
    con: duckdb.DuckDBPyConnection,
    client: HttpClient,
    watchlist: Watchlist,
    raw_dir: Path,
    night: date,
    gdelt_interval: float = gdelt.MIN_INTERVAL_S,
    feeds: list[tuple[str, str | None]] | None = None,
    gdelt_api: str = gdelt.API,
    replay_of: str | None = None,
) -> NewsSummary:
    """Fetch feeds and GDELT, then every listed article page; land what is usable.

    ``feeds`` ((url, language) pairs) and ``gdelt_api`` default to the real ones;
    ``replay_of`` says what an offline night replays.
    """
    load_id = begin_load(con, SOURCE, night, replay_of=replay_of)
    con.execute("delete from raw.news_items where load_id = ?", [load_id])
    summary = NewsSummary(load_id)
    feeds = feed_urls(watchlist) if feeds is None else feeds
    _fetch_feeds(con, client, feeds, raw_dir, load_id, night, summary)
    _fetch_gdelt(con, client, watchlist, raw_dir, load_id, night, summary,
                 gdelt.Throttle(gdelt_interval), gdelt_api)
    summary.items = con.execute(
        "select count(distinct canonical_url) from raw.news_items where load_id = ?", [load_id]
    ).fetchone()[0]
    _fetch_articles(con, client, raw_dir, load_id, night, summary)
    if summary.listings == 0:
        message = f"news load {load_id}: no feed or GDELT listing could be read"
        finish_load(con, load_id, "failed", message)
        raise RuntimeError(message)
    log.info("news %s: %d listings, %d items, %d articles, %d failed fetches",
             load_id, summary.listings, summary.items, summary.articles, len(summary.errors))
    return summary


def parse_load(con: duckdb.DuckDBPyConnection, load_id: str, watchlist: Watchlist) -> int:
    """Extract text and claims of the load's article pages not extracted before."""
    pending = con.execute(
        """
        select distinct f.url, f.sha256, m.path, m.content_type
        from raw.fetch_log f
        join raw.manifest m on m.source = f.source and m.sha256 = f.sha256
        where f.load_id = ? and f.source = ? and f.sha256 is not null
          and f.sha256 not in (select sha256 from raw.news_articles)
        order by f.url
        """,
        [load_id, ARTICLE],
    ).fetchall()
    aliases = aliases_of(watchlist)
    articles, claims = [], []
    for url, sha, path, content_type in pending:
        canonical = canonical_url(url)
        published = con.execute(
            "select min(published_at) from raw.news_items where canonical_url = ?", [canonical]
        ).fetchone()[0]
        try:
            page = read_article(Path(path).read_bytes(), content_type, url)
        except ArticleRejected as exc:  # landed before the rules changed: keep it visible
            con.execute("insert into raw.parse_errors values (?, ?, ?, ?, ?)",
                        [load_id, ARTICLE, url, sha, str(exc)])
            continue
        result = extract(page.text, aliases=aliases, language=page.language,
                         reference_date=published.date() if published else None)
        articles.append({
            "load_id": load_id, "sha256": sha, "url": url, "canonical_url": canonical,
            "title": page.title, "language": result.language, "treaty_id": result.treaty,
            "text_sha256": page.text_sha256, "n_chars": len(page.text), "body": page.text,
            "extractor_version": EXTRACTOR_VERSION,
        })
        for n, c in enumerate(result.claims, start=1):
            claims.append({
                "load_id": load_id, "sha256": sha, "claim_no": n, "kind": c.kind,
                "treaty_id": c.treaty, "iso3": c.iso3, "action": c.action,
                "claim_count": c.count, "qualifier": c.qualifier, "negated": c.negated,
                "tense": c.tense, "claim_date": date.fromisoformat(c.date) if c.date else None,
                "evidence": c.evidence,
            })
    con.begin()  # claims first, then the articles that mark pages parsed: all or nothing
    try:
        _insert(con, "raw.news_claims", claims)
        _insert(con, "raw.news_articles", articles)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return len(articles)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Bulk insert through a DataFrame (DuckDB's replacement scan reads ``frame``)."""
    if not rows:
        return
    frame = pd.DataFrame(rows)  # noqa: F841
    columns = ", ".join(rows[0])
    con.execute(f"insert into {table} ({columns}) select {columns} from frame")
