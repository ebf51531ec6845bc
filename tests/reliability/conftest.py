"""Fixtures of the reliability suite: a misbehaving UNTC server and a fresh installation."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the faults module beside the tests

from faults import FaultyUntc


@pytest.fixture
def faulty_untc(monkeypatch: pytest.MonkeyPatch, tw_env: Path) -> Iterator[FaultyUntc]:
    """A local UNTC whose answers can be faults; the UNTC client points at it."""
    server = FaultyUntc()
    monkeypatch.setenv("TREATYWATCH_UNTC_BASE_URL", server.base_url)
    try:
        yield server
    finally:
        server.close()
