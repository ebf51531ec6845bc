"""Article pages: decode, reject what is not an article, reduce to main text (trafilatura)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingestion.news.text import detect_language

MIN_TEXT_CHARS = 200  # shorter "main text" is a teaser, a cookie wall or an error page
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ocid|cmpid|at_\w+|ref|src)$", re.I)
_ERROR_TITLE = re.compile(
    r"\b(?:404|403|410|500|502|503|not found|page not found|introuvable|no encontrada|"
    r"access denied|forbidden|error|erreur|unavailable)\b", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


class ArticleRejected(ValueError):
    """A fetched page that holds no usable article; the message is the reason recorded."""


@dataclass(frozen=True)
class ArticleText:
    """The main text of an article page and what we know about it."""

    text: str
    title: str | None
    language: str | None
    text_sha256: str


def canonical_url(url: str) -> str:
    """Lower-case scheme/host, no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    host = (parts.hostname or "").lower().removeprefix("www.")
    return urlunsplit((parts.scheme.lower() or "https", host, path, query, ""))


def _charset(content: bytes, content_type: str | None) -> str:
    declared = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if declared:
        return declared.group(1)
    meta = _CHARSET.search(content[:4096])
    return meta.group(1).decode("ascii") if meta else "utf-8"


def decode_page(content: bytes, content_type: str | None) -> str:
    """The page as text in its declared charset; ArticleRejected when the bytes disagree."""
    if not content.strip():
        raise ArticleRejected("empty body")
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct and "html" not in ct and "xml" not in ct and "text" not in ct:
        raise ArticleRejected(f"not an HTML page (Content-Type {ct})")
    charset = _charset(content, content_type)
    try:
        return content.decode(charset)
    except LookupError as exc:
        raise ArticleRejected(f"wrong encoding: unknown charset {charset!r}") from exc
    except UnicodeDecodeError as exc:
        raise ArticleRejected(
            f"wrong encoding: bytes are not valid {charset} (at byte {exc.start})") from exc


def read_article(content: bytes, content_type: str | None, url: str) -> ArticleText:
    """Main text of a page (comments off); ArticleRejected with the reason otherwise."""
    import trafilatura  # only when a new article is read: a quiet night imports none of it

    html = decode_page(content, content_type)
    title_match = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    title = re.sub(r"\s+", " ", title_match.group(1)).strip() if title_match else None
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                               favor_precision=True) or ""
    if len(text) < MIN_TEXT_CHARS:
        if title and _ERROR_TITLE.search(title):
            raise ArticleRejected(f"HTML error page ({title!r})")
        raise ArticleRejected(f"no article text ({len(text)} characters of main text)")
    if text.count("\ufffd") > 3:
        raise ArticleRejected("wrong encoding: replacement characters in the text")
    digest = hashlib.sha256(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()
    return ArticleText(text=text, title=title, language=detect_language(text),
                       text_sha256=digest)
