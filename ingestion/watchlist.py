"""The watchlist config: which treaties to follow and the rule that brings each into force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ingestion.errors import KnownFailure

DEFAULT_COUNTED_ACTIONS = ("ratification", "acceptance", "approval", "accession")


class WatchlistError(KnownFailure, ValueError):
    """The watchlist file is missing or malformed."""


@dataclass(frozen=True)
class WatchedTreaty:
    """One treaty TreatyWatch follows."""

    treaty_id: str
    mtdsg_no: str
    short_name: str | None = None
    opened_for_signature_on: date | None = None
    eif_threshold: int | None = None
    eif_lag_days: int | None = None
    eif_counted_actions: tuple[str, ...] = DEFAULT_COUNTED_ACTIONS
    eif_regional_org_counts: bool = True
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # per language: words of the treaty's subject ("cybercrime"), for news about it
    key_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Watchlist:
    """The parsed config: mode and the watched treaties."""

    mode: str  # "watchlist" or "all"
    treaties: tuple[WatchedTreaty, ...]
    catalogue_path: Path  # every MTDSG number the "all" mode fetches

    def mtdsg_numbers(self, mode: str | None = None) -> list[str]:
        """MTDSG numbers to fetch: the watched ones, or the whole catalogue plus them."""
        effective = mode or self.mode
        watched = [t.mtdsg_no for t in self.treaties]
        if effective == "watchlist":
            return watched
        if effective != "all":
            raise WatchlistError(f"unknown watchlist mode {effective!r} (watchlist | all)")
        catalogue = [
            line.strip()
            for line in self.catalogue_path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        return sorted(set(catalogue) | set(watched), key=_mtdsg_sort_key)


def _mtdsg_sort_key(mtdsg_no: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in mtdsg_no.split("-"))


def load_watchlist(path: Path) -> Watchlist:
    """Parse the watchlist YAML; errors name the file and the offending entry."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise WatchlistError(f"watchlist {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise WatchlistError(f"watchlist {path} is not valid YAML: {exc}") from exc
    treaties = []
    for i, entry in enumerate(doc.get("treaties") or []):
        try:
            eif = entry.get("entry_into_force") or {}
            treaties.append(
                WatchedTreaty(
                    treaty_id=str(entry["id"]),
                    mtdsg_no=str(entry["mtdsg_no"]),
                    short_name=entry.get("short_name"),
                    opened_for_signature_on=entry.get("opened_for_signature_on"),
                    eif_threshold=eif.get("threshold"),
                    eif_lag_days=eif.get("lag_days"),
                    eif_counted_actions=tuple(
                        eif.get("counted_actions") or DEFAULT_COUNTED_ACTIONS
                    ),
                    eif_regional_org_counts=bool(eif.get("regional_org_counts", True)),
                    aliases={
                        lang: tuple(names) for lang, names in (entry.get("aliases") or {}).items()
                    },
                    key_terms={
                        lang: tuple(terms)
                        for lang, terms in (entry.get("key_terms") or {}).items()
                    },
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise WatchlistError(
                f"watchlist {path}: treaty entry #{i + 1} is invalid: {exc!r}"
            ) from exc
    ids = [t.treaty_id for t in treaties]
    if len(ids) != len(set(ids)):
        raise WatchlistError(f"watchlist {path}: duplicate treaty ids in {ids}")
    catalogue = path.parent / str(doc.get("catalogue", "mtdsg_catalogue.txt"))
    return Watchlist(mode=str(doc.get("mode", "watchlist")), treaties=tuple(treaties),
                     catalogue_path=catalogue)
