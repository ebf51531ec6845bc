"""The fault corpus and a misbehaving UNTC server, for the reliability tests.

Every corrupted payload is made here from the real MTDSG files of the snapshot (none is
stored): the bytes UNTC serves, edited the way a broken night would serve them. The server is
a real HTTP server on 127.0.0.1 (a raw socket server, so that it can also reset a connection
mid-body, drip a body a byte at a time or never answer): each URL path can be given a fault.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "snapshot"


def snapshot_files() -> dict[str, Path]:
    """URL path -> recorded file, for every UNTC file of the snapshot."""
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    return {
        unquote(urlsplit(url).path): SNAPSHOT / entry["path"]
        for url, entry in index.items()
        if "treaties.un.org" in url and url.endswith(".en.xml")
    }


def real(mtdsg_no: str) -> bytes:
    """The recorded bytes of one treaty's file."""
    for path, file in snapshot_files().items():
        if path.endswith(f"/{mtdsg_no}.en.xml"):
            return file.read_bytes()
    raise KeyError(mtdsg_no)


# --- corrupted payloads, each from a real file --------------------------------------------

_ROW_RE = re.compile(rb"<Row>.*?</Row>\s*", re.DOTALL)
_FIRST_ENTRY_RE = re.compile(rb"(<Row>\s*<Entry>)([^<]+)(</Entry>)")


def empty_table(body: bytes) -> bytes:
    """The participants table printed with no rows (header kept)."""
    return _ROW_RE.sub(b"", body)


def mass_removal(body: bytes, keep_every: int = 2) -> bytes:
    """Every other participant row gone."""
    counter = iter(range(10**6))
    return _ROW_RE.sub(lambda m: m[0] if next(counter) % keep_every == 0 else b"", body)


def dtd_entity(body: bytes) -> bytes:
    """An internal DTD declaring an entity, referenced in the first participant's name."""
    decl_end = body.index(b"?>") + 2
    dtd = b'\n<!DOCTYPE Document [<!ENTITY x "Atlantis">]>'
    named = _FIRST_ENTRY_RE.sub(rb"\1&x;\3", body[decl_end:], count=1)
    return body[:decl_end] + dtd + named


def billion_laughs(body: bytes) -> bytes:
    """The classic exponential entity expansion, referenced from a participant name."""
    decl_end = body.index(b"?>") + 2
    ents = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)
    ]
    dtd = b"\n<!DOCTYPE Document [" + b"".join(ents) + b"]>"
    named = _FIRST_ENTRY_RE.sub(rb"\1&lol9;\3", body[decl_end:], count=1)
    return body[:decl_end] + dtd + named


def utf16(body: bytes, big_endian: bool = False) -> bytes:
    """The same document re-encoded as UTF-16 with a BOM (declaration says so too)."""
    text = body.decode("iso-8859-1")
    text = re.sub(r'encoding="[^"]+"', 'encoding="UTF-16"', text, count=1)
    if big_endian:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def truncated(body: bytes) -> bytes:
    """A download cut off two thirds of the way through."""
    return body[: len(body) * 2 // 3]


MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
    b"<h1>The United Nations Treaty Collection is under maintenance</h1></body></html>"
)


def gzip_bomb(decompressed_mb: int = 200) -> bytes:
    """A small gzip body that inflates to ``decompressed_mb`` MB of zeros."""
    return gzip.compress(b"\0" * (decompressed_mb * 1024 * 1024), compresslevel=9)


# --- the server -----------------------------------------------------------------------------


@dataclass
class Fault:
    """How the server answers one path (default: the recorded file, status 200)."""

    body: bytes | None = None
    status: int = 200
    headers: dict[str, str | None] | None = None  # None drops a default header
    reset_after: int | None = None  # send this many body bytes, then reset the connection
    resets: int = 10**6  # ... for this many requests, then answer normally
    drip_s: float | None = None  # send the body one byte per drip_s seconds
    hang: bool = False  # read the request, never answer


class FaultyUntc:
    """A UNTC look-alike on 127.0.0.1 whose answers per path can be faults."""

    def __init__(self) -> None:
        self.files = snapshot_files()
        self.faults: dict[str, Fault] = {}
        self.hits: dict[str, int] = {}
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def path_of(self, mtdsg_no: str) -> str:
        return next(p for p in self.files if p.endswith(f"/{mtdsg_no}.en.xml"))

    def set(self, mtdsg_no: str, fault: Fault | Callable[[bytes], bytes]) -> None:
        """Serve a fault (or an edit of the real file) for this treaty from now on."""
        path = self.path_of(mtdsg_no)
        if not isinstance(fault, Fault):
            fault = Fault(body=fault(self.files[path].read_bytes()))
        self.faults[path] = fault

    def clear(self) -> None:
        self.faults.clear()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    request += chunk
                path = unquote(request.split(b" ", 2)[1].decode())
                self.hits[path] = self.hits.get(path, 0) + 1
                fault = self.faults.get(path, Fault())
                if fault.hang:
                    self._stop.wait(60)
                    return
                body = fault.body
                if body is None:
                    if path not in self.files:
                        body, fault = b"<html><body>404</body></html>", Fault(status=404)
                    else:
                        body = self.files[path].read_bytes()
                headers = {"Content-Type": "text/xml", "Content-Length": str(len(body)),
                           "Connection": "close", **(fault.headers or {})}
                headers = {k: v for k, v in headers.items() if v is not None}
                head = f"HTTP/1.1 {fault.status} X\r\n" + "".join(
                    f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                conn.sendall(head.encode())
                if fault.reset_after is not None and self.hits[path] <= fault.resets:
                    conn.sendall(body[: fault.reset_after])
                    # SO_LINGER 0: close() sends RST, as a dropped connection does
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if fault.drip_s is not None:
                    for i in range(len(body)):
                        conn.sendall(body[i : i + 1])
                        if self._stop.wait(fault.drip_s):
                            return
                    return
                conn.sendall(body)
            except OSError:
                return


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


# --- a whole installation for a replay of nights ---------------------------------------------


@contextmanager
def installation(root: Path, **extra_env: object) -> Iterator[tuple[FaultyUntc, list[dict]]]:
    """A fresh data/warehouse folder, a faulty UNTC and a catch-all webhook subscriber.

    Yields the UNTC server and the list of changes the webhook received (in order).
    """
    from pytest_httpserver import HTTPServer
    from werkzeug import Request, Response

    untc = FaultyUntc()
    hooks = HTTPServer(host="127.0.0.1", port=0)
    hooks.start()
    received: list[dict] = []

    def hook(request: Request) -> Response:
        received.extend(json.loads(request.data)["changes"])
        return Response("ok")

    hooks.expect_request("/hook", method="POST").respond_with_handler(hook)
    subs = root / "subscriptions.yml"
    subs.write_text("subscribers:\n  - id: all\n    webhook: {url_env: TW_TEST_HOOK}\n")
    env = {
        "TREATYWATCH_DATA_DIR": root / "data",
        "TREATYWATCH_WAREHOUSE_DIR": root / "warehouse",
        "TREATYWATCH_UNTC_BASE_URL": untc.base_url,
        "TREATYWATCH_SUBSCRIPTIONS": subs,
        "TW_TEST_HOOK": hooks.url_for("/hook"),
        **extra_env,
    }
    saved = {var: os.environ.get(var) for var in env}
    os.environ.update({var: str(value) for var, value in env.items()})
    try:
        yield untc, received
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value
        untc.close()
        hooks.clear()
        hooks.stop()


# --- reading what a night left ---------------------------------------------------------------


def _rows(path: Path, sql: str, params: list | None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def published(sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on the published warehouse of the current settings (read-only)."""
    from ingestion.settings import load_settings

    return _rows(load_settings().published_db, sql, params)


def work(sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on the working DB of the current settings (read-only)."""
    from ingestion.settings import load_settings

    return _rows(load_settings().work_db, sql, params)
