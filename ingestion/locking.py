"""One writer at a time: advisory file locks around the working data of an installation.

Two locks, so that a whole night can hold one while each of its steps takes the other:
``night`` (held by ``./run.sh`` and ``treatywatch nightly`` for the whole run) and ``work`` (held
by every step that writes the working DuckDB file or the published warehouse). They are
``flock`` locks: the kernel releases them when the holding process dies, even by ``kill -9``, so
a crash never leaves a stale lock behind. The lock file records the holder for the message.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingestion.errors import KnownFailure


class Busy(KnownFailure):
    """Another process holds the lock (and did not let go within the wait)."""


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "unknown process"
    return text or "unknown process"


@contextmanager
def exclusive(path: Path, what: str, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the lock at ``path`` for the block; raise Busy naming the holder if it is taken.

    ``what`` says in the message what is locked ("the working data in data/").
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise Busy(
                        f"{what} is in use by another TreatyWatch run ({_holder(path)}); "
                        "wait for it to finish or stop it (the lock frees itself when that "
                        "process ends)"
                    ) from None
                time.sleep(0.2)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock
