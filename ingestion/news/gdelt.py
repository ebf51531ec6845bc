"""GDELT DOC 2.0 API, ArtList mode: articles matching a treaty's aliases.

GDELT asks for at most one request per 5 s (we keep 6 s), caps a response at 250 rows (we
split the time window in two until each half has fewer), and answers some errors and rate
limits with a 200 whose body is plain text, not JSON: that is an error here, never "no news".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from ingestion.news.feeds import FeedItem

API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250
MIN_INTERVAL_S = 6.0
MIN_WINDOW = timedelta(hours=1)
MAX_REQUESTS = 24  # per query and night: at 6 s each, a busy topic costs minutes, not hours


class GdeltError(RuntimeError):
    """GDELT answered with something other than an ArtList JSON (rate limit, bad query)."""


def query_for(aliases: list[str]) -> str:
    """GDELT query: the aliases as quoted phrases, OR-ed (GDELT needs parentheses for OR)."""
    phrases = [f'"{a}"' for a in aliases if len(a.split()) > 1 or len(a) > 4]
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


def artlist_url(query: str, start: datetime | None = None, end: datetime | None = None,
                api: str = API) -> str:
    """The request URL: the rolling 3-month window, or an explicit [start, end) window."""
    params = {"query": query, "mode": "ArtList", "format": "json",
              "maxrecords": str(MAX_RECORDS), "sort": "DateDesc"}
    if start and end:
        params["startdatetime"] = start.strftime("%Y%m%d%H%M%S")
        params["enddatetime"] = end.strftime("%Y%m%d%H%M%S")
    else:
        params["timespan"] = "3months"
    return f"{api}?{urlencode(params)}"


def parse_artlist(content: bytes) -> list[FeedItem]:
    """Articles of an ArtList JSON answer; GdeltError when the body is not one."""
    try:
        doc = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        snippet = content[:120].decode("utf-8", "replace").strip()
        raise GdeltError(f"GDELT answered 200 without JSON (rate-limited or query error, "
                         f"retried next run): {snippet!r}") from exc
    if not isinstance(doc, dict):
        raise GdeltError("GDELT JSON is not an object")
    items = []
    for art in doc.get("articles") or []:
        seen = art.get("seendate")  # e.g. 20251025T093000Z, UTC first-seen time
        try:
            seen_at = datetime.strptime(seen, "%Y%m%dT%H%M%SZ") if seen else None
        except ValueError:
            seen_at = None
        items.append(FeedItem(url=art.get("url", ""), title=art.get("title"),
                              published_at=seen_at,
                              language=_LANGUAGE_CODES.get((art.get("language") or "").lower())))
    return [i for i in items if i.url]


_LANGUAGE_CODES = {"english": "en", "french": "fr", "spanish": "es", "russian": "ru",
                   "vietnamese": "vi", "portuguese": "pt", "german": "de", "italian": "it"}


@dataclass
class Throttle:
    """At least ``interval`` seconds between two calls of ``wait``."""

    interval: float = MIN_INTERVAL_S
    _last: float | None = None

    def wait(self) -> None:
        """Sleep until the interval since the previous request has passed."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            time.sleep(self.interval - (now - self._last))
        self._last = time.monotonic()


def split_window(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Two halves of a window that hit the 250-row cap (none below MIN_WINDOW)."""
    if end - start <= MIN_WINDOW:
        return []
    middle = start + (end - start) / 2
    return [(start, middle), (middle, end)]
