"""The one HTTP layer every source uses.

Online it is a ``requests`` session with timeouts, retries with exponential backoff on 429/5xx
and connection errors (urllib3 ``Retry``, honouring ``Retry-After``), a user agent and a size
cap. Offline (``TREATYWATCH_OFFLINE=1``) the same session gets a transport adapter that answers
from the recorded snapshot instead of the network, so parsing, landing and every later step run
exactly the code they run online.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ingestion import __version__

USER_AGENT = f"TreatyWatch/{__version__} (treaty status research; python-requests)"
DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024  # the largest MTDSG file is < 1 MB; feeds are smaller
RETRY_STATUSES = (429, 500, 502, 503, 504)
SNAPSHOT_INDEX = "index.json"


class SourceUnreachable(RuntimeError):
    """The host could not be reached (DNS, refused, timeout) after every retry."""

    def __init__(self, url: str, reason: str) -> None:
        host = urlsplit(url).hostname or url
        super().__init__(
            f"cannot reach {host} ({url}): {reason}. No network? Run offline against the "
            "recorded snapshot: ./run.sh --offline (TREATYWATCH_OFFLINE=1)."
        )
        self.url = url
        self.host = host


class NotInSnapshot(SourceUnreachable):
    """Offline mode was asked for a URL the snapshot has no recording of."""

    def __init__(self, url: str, snapshot_dir: Path) -> None:
        RuntimeError.__init__(
            self, f"offline: the snapshot {snapshot_dir} has no recorded response for {url}"
        )
        self.url = url
        self.host = urlsplit(url).hostname or url


class PayloadTooLarge(RuntimeError):
    """The response body exceeded the size cap."""


@dataclass(frozen=True)
class FetchResult:
    """One HTTP response, fully read."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    fetched_at: datetime

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300


class SnapshotAdapter(HTTPAdapter):
    """A transport adapter that serves recorded responses from ``<snapshot>/index.json``.

    The index maps each URL to ``{"path": ..., "status": ..., "content_type": ...}`` with
    ``path`` relative to the snapshot folder.
    """

    def __init__(self, snapshot_dir: Path) -> None:
        super().__init__()
        self.snapshot_dir = snapshot_dir
        index_path = snapshot_dir / SNAPSHOT_INDEX
        try:
            self._index: dict[str, dict] = json.loads(index_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RuntimeError(f"offline: snapshot index {index_path} does not exist") from exc

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url, _ = urldefrag(request.url)
        entry = self._index.get(url)
        if entry is None:
            raise NotInSnapshot(url, self.snapshot_dir)
        body = (self.snapshot_dir / entry["path"]).read_bytes()
        headers = {"Content-Length": str(len(body))}
        if entry.get("content_type"):
            headers["Content-Type"] = entry["content_type"]
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=int(entry.get("status", 200)),
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)


class HttpClient:
    """Fetch URLs with the project's timeouts, retries, user agent and size cap."""

    def __init__(
        self,
        *,
        offline: bool = False,
        snapshot_dir: Path | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff_factor: float = 1.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.offline = offline
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if offline:
            if snapshot_dir is None:
                raise ValueError("offline mode needs a snapshot_dir")
            adapter: HTTPAdapter = SnapshotAdapter(snapshot_dir)
        else:
            retry = Retry(
                total=retries,
                connect=retries,
                read=retries,
                status=retries,
                backoff_factor=backoff_factor,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET", "HEAD"}),
                respect_retry_after_header=True,
                raise_on_status=False,  # hand the last 429/5xx back as a result, not an error
            )
            adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(self, url: str, params: dict | None = None) -> FetchResult:
        """GET ``url``; raise SourceUnreachable when the host cannot be reached.

        Non-2xx answers are returned (after retries for 429/5xx) so that callers record them.
        """
        fetched_at = datetime.now(UTC).replace(tzinfo=None)
        try:
            with self.session.get(url, params=params, timeout=self.timeout, stream=True) as resp:
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise PayloadTooLarge(f"{url}: Content-Length {declared} > {self.max_bytes}")
                content = self._read_capped(resp, url)
                return FetchResult(
                    url=url,  # the requested URL: it names the treaty, redirects or not
                    status=resp.status_code,
                    content=content,
                    content_type=resp.headers.get("Content-Type"),
                    fetched_at=fetched_at,
                )
        except NotInSnapshot:
            raise
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SourceUnreachable(url, _root_cause(exc)) from exc

    def _read_capped(self, resp: requests.Response, url: str) -> bytes:
        buf = bytearray()
        for chunk in resp.iter_content(chunk_size=64 * 1024):
            buf.extend(chunk)
            if len(buf) > self.max_bytes:
                raise PayloadTooLarge(f"{url}: body larger than {self.max_bytes} bytes")
        return bytes(buf)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()


def _root_cause(exc: BaseException) -> str:
    """The innermost exception message: 'Name or service not known' beats a urllib3 repr."""
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    reason = getattr(exc, "args", [None])[0]
    inner = str(seen) or seen.__class__.__name__
    if isinstance(reason, urllib3.exceptions.MaxRetryError) and reason.reason is not None:
        inner = str(reason.reason)
    return inner
