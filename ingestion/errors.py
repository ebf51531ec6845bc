"""The base of every failure TreatyWatch expects to meet and explains itself.

Data, network and lock problems raise a subclass of `KnownFailure` whose message is meant for
the operator (what failed, which treaty or file, what to do). The CLI and ``./run.sh`` print
that message as is; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class KnownFailure(RuntimeError):
    """A failure whose message says what went wrong and what to do; no traceback needed."""


class DataRejected(KnownFailure):
    """The data itself failed a gate: retrying the same step cannot help."""
