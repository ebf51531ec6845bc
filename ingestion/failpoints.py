"""Failpoints: named places where a test can make the process die, to prove crash safety.

``TREATYWATCH_FAILPOINT=<name>[,<name>...]`` makes :func:`failpoint` end the process at once with
``os._exit`` (no cleanup, no ``finally``, like ``kill -9``) when execution reaches that name.
Unset, a failpoint costs one environment lookup.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "TREATYWATCH_FAILPOINT"
EXIT_CODE = 137  # what a shell reports for a process killed by SIGKILL


def failpoint(name: str) -> None:
    """Die here if ``TREATYWATCH_FAILPOINT`` names this point."""
    armed = os.environ.get(ENV_VAR)
    if armed and name in {part.strip() for part in armed.split(",")}:
        sys.stderr.write(f"failpoint {name}: exiting\n")
        sys.stderr.flush()
        os._exit(EXIT_CODE)
