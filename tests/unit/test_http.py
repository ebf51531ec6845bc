"""The HTTP layer against a real local HTTP server (pytest-httpserver) and the snapshot."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ingestion.http import HttpClient, NotInSnapshot, PayloadTooLarge, SourceUnreachable

REAL_XML = Path(__file__).resolve().parents[2] / "snapshot" / "untc" / "mtdsg_xml_2018"


def fast_client(**kwargs) -> HttpClient:
    return HttpClient(backoff_factor=0.01, timeout=(2, 5), **kwargs)


def test_get_returns_bytes_unchanged(httpserver: HTTPServer) -> None:
    body = (REAL_XML / "XVIII-15.en.xml").read_bytes()
    httpserver.expect_request("/x.xml").respond_with_data(body, content_type="text/xml")
    result = fast_client().get(httpserver.url_for("/x.xml"))
    assert result.ok and result.content == body
    assert result.content_type == "text/xml"


def test_retries_5xx_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/flaky").respond_with_data("ok", status=200)
    result = fast_client().get(httpserver.url_for("/flaky"))
    assert result.status == 200 and result.content == b"ok"
    assert len(httpserver.log) == 3


def test_retries_429_honouring_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/limited").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "0"})
    )
    httpserver.expect_ordered_request("/limited").respond_with_data("ok")
    assert fast_client().get(httpserver.url_for("/limited")).content == b"ok"


def test_gives_up_and_returns_last_error_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    result = fast_client(retries=2).get(httpserver.url_for("/down"))
    assert result.status == 503 and not result.ok
    assert len(httpserver.log) == 3  # first try + 2 retries


def test_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    assert fast_client().get(httpserver.url_for("/missing")).status == 404
    assert len(httpserver.log) == 1


def test_size_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(PayloadTooLarge, match="5000"):
        fast_client(max_bytes=1000).get(httpserver.url_for("/big"))


def test_sends_user_agent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    fast_client().get(httpserver.url_for("/ua"))
    assert httpserver.log[0][0].headers["User-Agent"].startswith("TreatyWatch/")


def test_unreachable_host_names_the_host() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceUnreachable) as err:
        fast_client(retries=1).get(f"http://127.0.0.1:{port}/x.xml")
    assert "cannot reach 127.0.0.1" in str(err.value)
    assert "TREATYWATCH_OFFLINE=1" in str(err.value)


def test_offline_replays_the_snapshot(tmp_path: Path) -> None:
    body = (REAL_XML / "XVIII-15.en.xml").read_bytes()
    (tmp_path / "a.xml").write_bytes(body)
    url = "https://treaties.un.org/doc/a.xml"
    index = {url: {"path": "a.xml", "status": 200, "content_type": "text/xml"}}
    (tmp_path / "index.json").write_text(json.dumps(index))
    client = HttpClient(offline=True, snapshot_dir=tmp_path)
    result = client.get(url)
    assert result.content == body and result.status == 200 and result.url == url
    with pytest.raises(NotInSnapshot, match=r"no recorded response for https://treaties\.un\.org/b"):
        client.get("https://treaties.un.org/b.xml")
