"""Subscriptions (``config/subscriptions.yml``): who wants which changes, over which channel.

Secrets never live in the file: a channel names the environment variables holding them
(``url_env``, ``token_env``, ``password_env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingestion.errors import KnownFailure


class SubscriptionError(KnownFailure, ValueError):
    """The subscriptions file is malformed, or names an environment variable that is unset."""


@dataclass(frozen=True)
class Webhook:
    """JSON POST of the changes to ``url``; ``token`` goes in ``Authorization: Bearer``."""

    url: str
    token: str | None = None


@dataclass(frozen=True)
class Email:
    """One e-mail per run listing the changes, sent through an SMTP server."""

    to: tuple[str, ...]
    sender: str
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True)
class Subscriber:
    """A subscriber, its filters (empty = everything) and its channels (each optional)."""

    id: str
    treaties: frozenset[str] = field(default_factory=frozenset)
    participants: frozenset[str] = field(default_factory=frozenset)
    change_types: frozenset[str] = field(default_factory=frozenset)
    webhook: Webhook | None = None
    email: Email | None = None

    def wants(self, change: dict[str, Any]) -> bool:
        """True when the change passes every filter (case-insensitive)."""
        def ok(wanted: frozenset[str], *values: Any) -> bool:
            return not wanted or any(str(v).lower() in wanted for v in values if v)

        return (
            ok(self.treaties, change.get("mtdsg_no"), change.get("treaty_id"))
            and ok(self.participants, change.get("participant_id"), change.get("untc_name"))
            and ok(self.change_types, change.get("change_type"), change.get("action"))
        )

    def channels(self) -> dict[str, Webhook | Email]:
        """The configured channels by name."""
        found: dict[str, Webhook | Email] = {}
        if self.webhook:
            found["webhook"] = self.webhook
        if self.email:
            found["email"] = self.email
        return found


def _secret(cfg: dict, key: str, where: str) -> str | None:
    """The value of the env var named by ``cfg[key]``, or ``cfg[key[:-4]]`` given inline."""
    var = cfg.get(key)
    if var is None:
        value = cfg.get(key.removesuffix("_env"))
        return str(value) if value is not None else None
    value = os.environ.get(var)
    if not value:
        raise SubscriptionError(f"{where}: environment variable {var} is not set")
    return value


def _lower_set(values: Any) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = [values]
    return frozenset(str(v).lower() for v in values)


def _subscriber(raw: dict) -> Subscriber:
    sid = raw.get("id")
    if not sid:
        raise SubscriptionError(f"subscriber without id: {raw!r}")
    where = f"subscriber {sid}"
    webhook = email = None
    if hook := raw.get("webhook"):
        url = _secret(hook, "url_env", where)
        if not url:
            raise SubscriptionError(f"{where}: webhook needs url or url_env")
        webhook = Webhook(url=url, token=_secret(hook, "token_env", where))
    if mail := raw.get("email"):
        to = mail.get("to")
        host = _secret(mail, "host_env", where)
        if not to or not host or not mail.get("from"):
            raise SubscriptionError(f"{where}: email needs to, from and host (or host_env)")
        email = Email(
            to=tuple([to] if isinstance(to, str) else to),
            sender=mail["from"],
            host=host,
            port=int(_secret(mail, "port_env", where) or 25),
            username=_secret(mail, "username_env", where),
            password=_secret(mail, "password_env", where),
            starttls=bool(mail.get("starttls", False)),
        )
    filters = raw.get("filters") or {}
    return Subscriber(
        id=str(sid),
        treaties=_lower_set(filters.get("treaties")),
        participants=_lower_set(filters.get("participants")),
        change_types=_lower_set(filters.get("change_types")),
        webhook=webhook,
        email=email,
    )


def load_subscriptions(path: Path) -> list[Subscriber]:
    """Every subscriber of the file; none when the file does not exist."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    subscribers = [_subscriber(raw) for raw in data.get("subscribers") or []]
    ids = [s.id for s in subscribers]
    if len(ids) != len(set(ids)):
        raise SubscriptionError(f"duplicate subscriber ids in {path}")
    return subscribers
