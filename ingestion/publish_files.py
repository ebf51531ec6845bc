"""Filesystem side of publishing: temp names, atomic replacement, leftovers of crashed runs.

Every file the publisher writes is first written under a temp name that says which host and
process wrote it (``.<name>.tmp-<host>-<pid>``), then renamed into place. A crashed publish leaves
such temp files behind; the next publish removes those whose process is gone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

# .<name>.tmp-<host>-<pid>[.wal]; names without host are from before issue 8 (same machine).
_TEMP = re.compile(r"^\..+\.(?:tmp|trash)-(?:(?P<host>[^-]+)-)?(?P<pid>\d+)(?:\.wal)?$")
# A temp file of another machine (shared volume) cannot be checked for a live process; it is
# removed once it is older than any publish takes.
FOREIGN_TEMP_MAX_AGE_S = 6 * 3600


def host_tag() -> str:
    """This machine's name as it appears in temp names (no '-', which separates the fields)."""
    return socket.gethostname().replace("-", "_") or "host"


def temp_path(final: Path, kind: str = "tmp") -> Path:
    """A temp name beside ``final`` that identifies this host and process."""
    return final.with_name(f".{final.name}.{kind}-{host_tag()}-{os.getpid()}")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _is_stale(path: Path, host: str, pid: int) -> bool:
    if host == host_tag():
        return pid == os.getpid() or not _process_alive(pid)
    try:
        age = time.time() - path.lstat().st_mtime
    except FileNotFoundError:
        return False
    return age > FOREIGN_TEMP_MAX_AGE_S


def remove_stale_temps(*folders: Path) -> list[Path]:
    """Delete temp files and folders left by crashed publishes; return what was removed.

    Called at the start of a publish, so leftovers of this very process are stale too.
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _TEMP.match(entry.name)
            if not match or not _is_stale(entry, match["host"] or host_tag(), int(match["pid"])):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def write_json_atomic(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` so a reader sees the old or the new file, never half."""
    tmp = temp_path(path)
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, default=str)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> dict | None:
    """The JSON object in ``path``, or None if it is missing or unreadable (treated as absent)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def replace_with_link(source: Path, final: Path) -> None:
    """Atomically make ``final`` a copy of ``source``: a hard link when the filesystem allows.

    A hard link shares the bytes, so the stable path costs no space, and deleting the dated
    folder later never touches it.
    """
    tmp = temp_path(final)
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, final)


def replace_folder(new: Path, final: Path) -> None:
    """Move the finished folder ``new`` to ``final``, replacing an older one of the same name."""
    if final.exists():
        trash = temp_path(final, "trash")
        os.replace(final, trash)
        os.replace(new, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(new, final)
