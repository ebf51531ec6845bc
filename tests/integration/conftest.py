"""A real local HTTP server that serves the recorded UNTC responses as treaties.un.org would."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SNAPSHOT = Path(__file__).resolve().parents[2] / "snapshot"


class UntcSite:
    """Serves snapshot files by URL path; single files can be replaced to simulate changes."""

    def __init__(self, server: HTTPServer) -> None:
        index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
        self.bodies: dict[str, bytes] = {}
        self.paths: dict[str, Path] = {}
        for url, entry in index.items():
            path = unquote(urlsplit(url).path)
            self.paths[path] = SNAPSHOT / entry["path"]
        self.server = server
        server.expect_request(re.compile(r"^/")).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        path = request.path
        if path in self.bodies:
            return Response(self.bodies[path], content_type="text/xml")
        if path in self.paths:
            return Response(self.paths[path].read_bytes(), content_type="text/xml")
        return Response("<html><body>404 Not Found</body></html>", status=404)

    def replace(self, mtdsg_no: str, edit: Callable[[bytes], bytes]) -> None:
        """Serve an edited copy of one treaty's file from now on."""
        for path, file in self.paths.items():
            if path.endswith(f"/{mtdsg_no}.en.xml"):
                self.bodies[path] = edit(file.read_bytes())
                return
        raise KeyError(mtdsg_no)


@pytest.fixture
def untc_site(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tw_env: Path) -> UntcSite:
    """Point the UNTC client at the local server; online code path, real HTTP."""
    monkeypatch.setenv("TREATYWATCH_UNTC_BASE_URL", httpserver.url_for("/").rstrip("/"))
    return UntcSite(httpserver)
