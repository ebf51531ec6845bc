"""RSS/Atom feeds: which to read, and their items, parsed by feedparser from the fetched bytes."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote_plus, urlsplit

import feedparser

from ingestion.watchlist import Watchlist

UN_NEWS_FEEDS = (
    "https://news.un.org/feed/subscribe/en/news/all/rss.xml",
    "https://news.un.org/feed/subscribe/fr/news/all/rss.xml",
    "https://news.un.org/feed/subscribe/es/news/all/rss.xml",
)
# Google News edition per language: hl, gl, ceid.
_EDITIONS = {
    "en": ("en-US", "US", "US:en"), "fr": ("fr", "FR", "FR:fr"),
    "es": ("es-419", "US", "US:es-419"), "ru": ("ru", "RU", "RU:ru"), "vi": ("vi", "VN", "VN:vi"),
    "pt": ("pt-BR", "BR", "BR:pt-419"), "de": ("de", "DE", "DE:de"), "it": ("it", "IT", "IT:it"),
    "zh": ("zh-CN", "CN", "CN:zh-Hans"), "ar": ("ar", "EG", "EG:ar"),
}
# Google News item links: https://news.google.com/rss/articles/<id>?oc=5
_GOOGLE_ARTICLE = re.compile(r"^/(?:rss/)?articles/([A-Za-z0-9_-]+)")
_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


class FeedError(ValueError):
    """The payload is not a usable RSS/Atom feed; the message says why."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed."""

    url: str
    title: str | None
    published_at: datetime | None  # UTC, naive
    language: str | None


def resolve_google_news(url: str) -> str:
    """The publisher's URL behind a Google News redirect link, when the link carries it.

    Older article ids are base64url protobuf holding the URL itself (decoded here, offline).
    Newer ids ("AU_yqL…") hold only a key that Google resolves in a scripted page; those links
    are returned unchanged (the page fetch then lands Google's page, which read_article
    rejects for lack of article text).
    """
    parts = urlsplit(url)
    match = _GOOGLE_ARTICLE.match(parts.path) if parts.hostname == "news.google.com" else None
    if match is None:
        return url
    token = match.group(1)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return url
    found = _EMBEDDED_URL.search(raw)
    if found is None:
        return url
    # the protobuf field that follows the URL starts with a non-printable byte or "Ò"
    return found.group().decode("ascii", errors="ignore")


def google_news_url(aliases: list[str], lang: str) -> str:
    """The Google News search feed for a treaty's aliases in one language."""
    hl, gl, ceid = _EDITIONS.get(lang, ("en-US", "US", "US:en"))
    query = " OR ".join(f'"{a}"' for a in aliases)
    return (f"https://news.google.com/rss/search?q={quote_plus(query)}"
            f"&hl={hl}&gl={gl}&ceid={quote_plus(ceid)}")


def feed_urls(watchlist: Watchlist) -> list[tuple[str, str | None]]:
    """(url, language) of every feed of a run: UN News plus one search per treaty and language."""
    urls: list[tuple[str, str | None]] = [(u, u.split("/")[5]) for u in UN_NEWS_FEEDS]
    for treaty in watchlist.treaties:
        for lang, names in sorted(treaty.aliases.items()):
            urls.append((google_news_url(list(names), lang), lang))
    return urls


def parse_feed(content: bytes, language: str | None = None) -> list[FeedItem]:
    """Items of a feed; FeedError for malformed XML, an HTML page or an empty body."""
    if not content.strip():
        raise FeedError("empty body")
    parsed = feedparser.parse(content)
    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and exc is not None and not isinstance(
        exc, feedparser.CharacterEncodingOverride
    ):
        kind = "wrong encoding" if isinstance(exc, feedparser.CharacterEncodingUnknown) else \
            "malformed feed XML"
        raise FeedError(f"{kind}: {exc}")
    if not parsed.get("version"):
        raise FeedError("not an RSS/Atom feed (an HTML page?)")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(
            url=resolve_google_news(link),
            title=entry.get("title"),
            published_at=datetime(*when[:6], tzinfo=UTC).replace(tzinfo=None) if when else None,
            language=language or (parsed.feed.get("language") or "")[:2] or None,
        ))
    return items
