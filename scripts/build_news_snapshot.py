"""Add the news responses to the offline snapshot (run after build_offline_snapshot.py).

Writes snapshot/news/: the seed articles (benchmarks/news_seeds/) as article pages, the
Google News search feeds and UN News feeds the news load asks for, and the GDELT ArtList
answer, then merges their URLs into snapshot/index.json. The feeds and the GDELT answer are
CONSTRUCTED in the real formats from the seed articles' URLs, titles and dates (see
snapshot/news/PROVENANCE.md); nothing here was recorded from the live services.

Usage: python scripts/build_news_snapshot.py
"""

from __future__ import annotations

import html
import json
import sys
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingestion.news import gdelt  # noqa: E402
from ingestion.news.feeds import feed_urls  # noqa: E402
from ingestion.watchlist import load_watchlist  # noqa: E402

SEEDS = REPO / "benchmarks" / "news_seeds"
OUT = REPO / "snapshot" / "news"
# Hours of the day are not printed in the seeds: noon UTC stands for "that day".
NOON = "12:00:00"


def _page(article: dict, text: str) -> str:
    paragraphs = "\n".join(
        f"      <p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip()
    )
    title = html.escape(article["title"])
    return f"""<!DOCTYPE html>
<html lang="{article['language']}">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="canonical" href="{html.escape(article['url'])}">
  <meta property="article:published_time" content="{article['published']}T{NOON}Z">
</head>
<body>
  <nav><a href="/">Accueil</a> | <a href="/monde">Monde</a> | <a href="/pol">Politique</a></nav>
  <main>
    <article>
      <h1>{title}</h1>
{paragraphs}
    </article>
  </main>
  <footer>© {article['outlet']} — page rebuilt from the seed text by TreatyWatch</footer>
</body>
</html>
"""


def _rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(f"{day}T{NOON}+00:00"))


def _rss(title: str, link: str, lang: str, items: list[dict]) -> str:
    entries = "".join(
        f"""    <item>
      <title>{html.escape(a['title'])}</title>
      <link>{html.escape(a['url'])}</link>
      <guid isPermaLink="false">{a['id']}</guid>
      <pubDate>{_rfc822(a['published'])}</pubDate>
      <source url="https://{a['url'].split('/')[2]}">{html.escape(a['outlet'])}</source>
    </item>
"""
        for a in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>{html.escape(title)}</title>
    <link>{html.escape(link)}</link>
    <language>{lang}</language>
    <description>{html.escape(title)}</description>
{entries}  </channel>
</rss>
"""


def _gdelt(articles: list[dict]) -> str:
    rows = [
        {
            # one URL carries tracking parameters: deduplication by canonical URL must catch it
            "url": a["url"] + ("?utm_source=gdelt" if i == 0 else ""),
            "url_mobile": "",
            "title": a["title"],
            "seendate": a["published"].replace("-", "") + "T" + NOON.replace(":", "") + "Z",
            "socialimage": "",
            "domain": a["url"].split("/")[2],
            "language": "French",
            "sourcecountry": "Vietnam",
        }
        for i, a in enumerate(articles)
    ]
    return json.dumps({"articles": rows}, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    """Write the news files and merge their URLs into the snapshot index."""
    articles = json.loads((SEEDS / "articles.json").read_text(encoding="utf-8"))
    watchlist = load_watchlist(REPO / "config" / "watchlist.yml")
    entries: dict[str, dict] = {}

    def put(url: str, rel: str, body: str, content_type: str) -> None:
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        entries[url] = {"path": f"news/{rel}", "status": 200, "content_type": content_type}

    for a in articles:
        text = (SEEDS / a["file"]).read_text(encoding="utf-8")
        put(a["url"], f"articles/{a['id']}.html", _page(a, text), "text/html; charset=utf-8")
    for n, (url, lang) in enumerate(feed_urls(watchlist)):
        is_google = "news.google.com" in url
        items = [a for a in articles if a["language"] == lang] if is_google else []
        name = f"feeds/{'google' if is_google else 'un_news'}_{lang}_{n:02d}.xml"
        put(url, name, _rss("Google News" if is_google else "UN News", url, lang or "en", items),
            "application/rss+xml; charset=utf-8")
    for treaty in watchlist.treaties:
        names = [x for v in treaty.aliases.values() for x in v]
        if names:
            url = gdelt.artlist_url(gdelt.query_for(names))
            put(url, f"gdelt/artlist_{treaty.treaty_id}.json", _gdelt(articles),
                "application/json; charset=utf-8")
    index_path = REPO / "snapshot" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index = {u: e for u, e in index.items() if not e["path"].startswith("news/")}
    index.update(entries)
    index_path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} news responses added; index has {len(index)}")


if __name__ == "__main__":
    main()
