"""Whether a night is live or a replay of a recording, and of what (shown to analysts)."""

from __future__ import annotations

import json

from ingestion.settings import Settings

RECORDING_FILE = "RECORDING.json"  # {"description": "..."} beside the snapshot's index.json


def describe_replay(settings: Settings) -> str | None:
    """None for a live night; else what the offline snapshot replays, in one line.

    The description comes from the snapshot's own RECORDING.json, so a rebuilt snapshot says
    what it holds; without one, the snapshot folder is named.
    """
    if not settings.offline:
        return None
    recording = settings.snapshot_dir / RECORDING_FILE
    try:
        description = json.loads(recording.read_text(encoding="utf-8"))["description"]
    except (OSError, ValueError, KeyError, TypeError):
        description = None
    where = f"recorded snapshot {settings.snapshot_dir.name}/"
    return f"{where}: {description}" if description else where
