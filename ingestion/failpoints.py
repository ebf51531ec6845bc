"""Failpoints: named places where a test can make the process die, as a crash or power cut would.

Code calls ``failpoint("publish_between_swaps")`` at a point worth crashing at. Normally this
does nothing. With ``TREATYWATCH_FAILPOINT=publish_between_swaps`` (several names: comma-separated)
the process exits on the spot through ``os._exit``: no ``finally`` blocks, no atexit handlers,
no flushing of open files, which is what a killed worker looks like to the next run.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "TREATYWATCH_FAILPOINT"
EXIT_CODE = 77  # distinctive, so a test can tell "died at the failpoint" from a real failure


def failpoint(name: str) -> None:
    """Die immediately if the environment arms the failpoint ``name``; otherwise do nothing."""
    armed = {part.strip() for part in os.environ.get(ENV_VAR, "").split(",")}
    if name in armed:
        sys.stderr.write(f"treatywatch: failpoint {name} reached, exiting\n")
        sys.stderr.flush()
        os._exit(EXIT_CODE)
