"""HTTP that cannot hang: a real misbehaving server on 127.0.0.1 against the one HTTP layer."""

from __future__ import annotations

import pytest
from faults import Fault, FaultyUntc, gzip_bomb, real

from ingestion.http import FetchFailed, HttpClient, PayloadTooLarge, RetryAfterTooLong


@pytest.fixture
def server():
    s = FaultyUntc()
    yield s
    s.close()


def client(**kwargs) -> HttpClient:
    defaults = {"backoff_factor": 0.05, "timeout": (2.0, 2.0), "deadline_s": 8.0}
    return HttpClient(**{**defaults, **kwargs})


def url(server: FaultyUntc, mtdsg_no: str = "XVIII-16") -> str:
    return server.base_url + server.path_of(mtdsg_no)


def test_reset_mid_body_is_retried(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=real("XVIII-16"), reset_after=500, resets=2))
    result = client().get(url(server))
    assert result.ok and result.content == real("XVIII-16")
    assert server.hits[server.path_of("XVIII-16")] == 3


def test_reset_every_time_fails_this_url_with_one_line(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=real("XVIII-16"), reset_after=500))
    with pytest.raises(FetchFailed, match=r"connection broken|IncompleteRead|ProtocolError") as err:
        client(retries=2).get(url(server))
    assert "XVIII-16.en.xml" in str(err.value) and "\n" not in str(err.value)
    assert server.hits[server.path_of("XVIII-16")] == 3


def test_slow_drip_body_stops_at_the_deadline(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=real("XVIII-16"), drip_s=0.2))
    with pytest.raises(FetchFailed, match="deadline"):
        client(deadline_s=3.0).get(url(server))


def test_server_that_never_answers_times_out(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(hang=True))
    with pytest.raises(FetchFailed, match=r"no answer within|deadline"):
        client(retries=1, deadline_s=5.0).get(url(server))


def test_huge_retry_after_is_not_obeyed(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=b"slow down", status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(RetryAfterTooLong, match="3600 s"):
        client(max_retry_after_s=120).get(url(server))
    assert server.hits[server.path_of("XVIII-16")] == 1


def test_429_storm_gives_the_429_back_after_retries(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=b"slow down", status=429, headers={"Retry-After": "0"}))
    result = client(retries=3).get(url(server))
    assert result.status == 429 and not result.ok
    assert server.hits[server.path_of("XVIII-16")] == 4


def test_always_503_gives_the_503_back(server: FaultyUntc) -> None:
    server.set("XVIII-16", Fault(body=b"down", status=503))
    assert client(retries=2).get(url(server)).status == 503


@pytest.mark.parametrize("declared", [True, False])
def test_60_mb_body_is_refused_by_the_cap(server: FaultyUntc, declared: bool) -> None:
    # declared: refused by its Content-Length; undeclared (read to close): by counting
    headers = None if declared else {"Content-Length": None}
    server.set("XVIII-16", Fault(body=b"<x>" + b"a" * (60 * 1024 * 1024) + b"</x>",
                                 headers=headers))
    with pytest.raises(PayloadTooLarge, match=r"Content-Length|larger than"):
        client().get(url(server))


def test_gzip_bomb_stops_at_the_cap_while_inflating(server: FaultyUntc) -> None:
    bomb = gzip_bomb(200)
    server.set("XVIII-16", Fault(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(PayloadTooLarge, match="larger than"):
        client().get(url(server))
