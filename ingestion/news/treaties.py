"""Treaty aliases per language, from the watchlist config."""

from __future__ import annotations

from pathlib import Path

from ingestion.watchlist import Watchlist, load_watchlist


def aliases_of(watchlist: Watchlist) -> dict[str, list[str]]:
    """treaty id -> every alias in every language (treaties without aliases are left out)."""
    return {
        t.treaty_id: [alias for names in t.aliases.values() for alias in names]
        for t in watchlist.treaties
        if t.aliases
    }


def treaty_aliases(watchlist_path: Path) -> dict[str, list[str]]:
    """The aliases of the watchlist file at ``watchlist_path``."""
    return aliases_of(load_watchlist(watchlist_path))
