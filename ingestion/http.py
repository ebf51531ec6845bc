"""The one HTTP layer every source uses.

Online it is a ``requests`` session with timeouts, retries with exponential backoff on 429/5xx
and connection errors (urllib3 ``Retry``, honouring ``Retry-After`` up to a cap), a user agent and
a size cap. Nothing can hang a night: every request has a wall-clock deadline that covers its
retries and its body (a server dripping one byte at a time included); resets and protocol errors
mid-body are retried like other transient errors; what still fails raises `FetchFailed` for that
URL alone, so the caller records it and goes on with the next.
Offline (``TREATYWATCH_OFFLINE=1``) the same session gets a transport adapter that answers from
the recorded snapshot instead of the network, so parsing, landing and every later step run
exactly the code they run online.
"""

from __future__ import annotations

import io
import json
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ingestion import __version__
from ingestion.errors import KnownFailure

USER_AGENT = f"TreatyWatch/{__version__} (treaty status research; python-requests)"
DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024  # the largest MTDSG file is < 1 MB; feeds are smaller
DEFAULT_DEADLINE_S = 180.0  # wall clock for one URL: every attempt, wait and byte of the body
DEFAULT_MAX_RETRY_AFTER_S = 120.0  # a server asking for a longer pause fails that URL tonight
RETRY_STATUSES = (429, 500, 502, 503, 504)
SNAPSHOT_INDEX = "index.json"


class SourceUnreachable(KnownFailure):
    """The host could not be reached (DNS, refused, connect timeout) after every retry."""

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


class FetchFailed(KnownFailure):
    """This URL gave no usable answer tonight (after retries); other URLs may still work."""


class PayloadTooLarge(FetchFailed):
    """The response body exceeded the size cap."""


class RetryAfterTooLong(FetchFailed):
    """The server asked to come back later than the cap (or than the request's deadline)."""


class _Transient(Exception):
    """An attempt failed in a way another attempt may not (reset, timeout, broken body)."""


class CappedRetry(Retry):
    """urllib3 Retry that refuses to sleep past ``max_retry_after`` or the request's deadline.

    urllib3 builds a new Retry per attempt with ``new()``: the two extra settings are carried
    over there.
    """

    def __init__(
        self, *args, max_retry_after: float = DEFAULT_MAX_RETRY_AFTER_S,
        stop_at: float | None = None, **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after
        self.stop_at = stop_at

    def new(self, **kw) -> CappedRetry:  # type: ignore[override]
        kw.setdefault("max_retry_after", self.max_retry_after)
        kw.setdefault("stop_at", self.stop_at)
        return super().new(**kw)  # type: ignore[return-value]

    def sleep(self, response=None) -> None:
        wait = None
        answer = f"HTTP {response.status}: " if response is not None else ""
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)
        if wait is not None and wait > self.max_retry_after:
            raise RetryAfterTooLong(
                f"{answer}server asked to retry after {wait:.0f} s "
                f"(cap {self.max_retry_after:.0f} s); not retried tonight"
            )
        if wait is None:
            wait = self.get_backoff_time()
        if self.stop_at is not None and time.monotonic() + wait > self.stop_at:
            raise RetryAfterTooLong(
                f"{answer}gave up: the next retry in {wait:.0f} s would pass the deadline"
            )
        if wait > 0:
            time.sleep(wait)


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
    """Fetch URLs with the project's timeouts, retries, deadline, user agent and size cap."""

    def __init__(
        self,
        *,
        offline: bool = False,
        snapshot_dir: Path | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff_factor: float = 1.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline_s: float = DEFAULT_DEADLINE_S,
        max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S,
    ) -> None:
        self.offline = offline
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.deadline_s = deadline_s
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._retry: CappedRetry | None = None
        if offline:
            if snapshot_dir is None:
                raise ValueError("offline mode needs a snapshot_dir")
            self._adapter: HTTPAdapter = SnapshotAdapter(snapshot_dir)
        else:
            # urllib3 retries what happens before a body arrives: refused/failed connects and
            # 429/5xx answers. Read errors are retried by get() itself, under the deadline.
            self._retry = CappedRetry(
                total=retries,
                connect=retries,
                read=0,
                status=retries,
                other=0,
                backoff_factor=backoff_factor,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET", "HEAD"}),
                respect_retry_after_header=True,
                raise_on_status=False,  # hand the last 429/5xx back as a result, not an error
                max_retry_after=max_retry_after_s,
            )
            self._adapter = HTTPAdapter(max_retries=self._retry)
        self.session.mount("http://", self._adapter)
        self.session.mount("https://", self._adapter)

    def get(
        self, url: str, params: dict | None = None, deadline_s: float | None = None
    ) -> FetchResult:
        """GET ``url`` within a wall-clock deadline (``deadline_s``, default the client's).

        Non-2xx answers are returned (after retries for 429/5xx) so that callers record them.
        Raises SourceUnreachable when the host cannot be reached at all, and FetchFailed (or
        its PayloadTooLarge / RetryAfterTooLong) when this URL gave nothing usable in time.
        """
        budget = self.deadline_s if deadline_s is None else min(deadline_s, self.deadline_s)
        stop_at = time.monotonic() + budget
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._get_once(url, params, stop_at)
            except _Transient as exc:
                problem = str(exc)
            delay = self.backoff_factor * 2 ** (attempt - 1)
            if attempt > self.retries or time.monotonic() + delay >= stop_at:
                raise FetchFailed(
                    f"{url}: {problem} ({attempt} attempt(s) within {budget:.0f} s)"
                )
            time.sleep(delay)

    def _get_once(self, url: str, params: dict | None, stop_at: float) -> FetchResult:
        remaining = stop_at - time.monotonic()
        if remaining <= 0:
            raise _Transient("deadline reached")
        if self._retry is not None:  # this request's deadline, for Retry-After waits
            self._adapter.max_retries = self._retry.new(stop_at=stop_at)
        timeout = (min(self.timeout[0], remaining), min(self.timeout[1], remaining))
        fetched_at = datetime.now(UTC).replace(tzinfo=None)
        try:
            with self.session.get(url, params=params, timeout=timeout, stream=True) as resp:
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise PayloadTooLarge(f"{url}: Content-Length {declared} > {self.max_bytes}")
                content = self._read_capped(resp, url, stop_at)
                return FetchResult(
                    url=url,  # the requested URL: it names the treaty, redirects or not
                    status=resp.status_code,
                    content=content,
                    content_type=resp.headers.get("Content-Type"),
                    fetched_at=fetched_at,
                )
        except (NotInSnapshot, FetchFailed):
            raise
        except requests.ConnectTimeout as exc:
            raise SourceUnreachable(url, _root_cause(exc)) from exc
        except requests.ConnectionError as exc:
            if _is_connect_failure(exc):
                raise SourceUnreachable(url, _root_cause(exc)) from exc
            if _in_chain(exc, urllib3.exceptions.ReadTimeoutError):
                raise _Transient(f"no answer within {timeout[1]:.0f} s") from exc
            raise _Transient(f"connection broken: {_root_cause(exc)}") from exc
        except requests.Timeout as exc:
            raise _Transient(f"no answer within {timeout[1]:.0f} s") from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise _Transient(f"{exc.__class__.__name__}: {_root_cause(exc)}") from exc

    def _read_capped(self, resp: requests.Response, url: str, stop_at: float) -> bytes:
        """Read (and decompress) the body in pieces as they arrive, under cap and deadline.

        ``read1`` returns whatever has arrived, so a slow drip is checked against the deadline
        between pieces; the decompressed size is capped too (a gzip bomb stops at the cap).
        """
        buf = bytearray()
        while True:
            chunk = resp.raw.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            buf.extend(chunk)
            if len(buf) > self.max_bytes:
                raise PayloadTooLarge(f"{url}: body larger than {self.max_bytes} bytes")
            if time.monotonic() > stop_at:
                raise _Transient(f"body still arriving at the deadline ({len(buf)} bytes read)")
        return bytes(buf)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()


_CONNECT_FAILURES = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.NameResolutionError,
    ConnectionRefusedError,
    socket.gaierror,
)


def _in_chain(exc: BaseException, kinds: type | tuple[type, ...]) -> bool:
    """True when ``exc`` or an exception it wraps (cause, context, MaxRetryError reason,
    first argument) is one of ``kinds``."""
    seen: BaseException | None = exc
    for _ in range(20):  # wrapped chains are short; never loop forever on a cycle
        if seen is None:
            return False
        if isinstance(seen, kinds):
            return True
        if isinstance(seen, urllib3.exceptions.MaxRetryError):
            seen = seen.reason
            continue
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or seen.__context__ or nested
    return False


def _is_connect_failure(exc: requests.ConnectionError) -> bool:
    """True when no connection could be made at all (DNS, refused), not a broken one."""
    return _in_chain(exc, _CONNECT_FAILURES)


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
