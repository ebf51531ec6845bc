"""Sending a batch of changes over one channel; raise on any failure (the caller records it)."""

from __future__ import annotations

import hashlib
import json
import smtplib
from email.message import EmailMessage
from typing import Any

import requests

from ingestion.alerts.subscriptions import Email, Webhook

TIMEOUT_SECONDS = 10


def send_webhook(hook: Webhook, subscriber_id: str, changes: list[dict[str, Any]]) -> None:
    """POST ``{"subscriber", "changes"}`` as JSON; any non-2xx answer is a failure."""
    headers = {
        "Content-Type": "application/json",
        # lets a receiver drop a batch it already got (e.g. ledger write lost after the POST)
        "Idempotency-Key": _batch_key(subscriber_id, changes),
    }
    if hook.token:
        headers["Authorization"] = f"Bearer {hook.token}"
    body = json.dumps({"subscriber": subscriber_id, "changes": changes}, default=str)
    response = requests.post(hook.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()


def send_email(mail: Email, subscriber_id: str, changes: list[dict[str, Any]]) -> None:
    """One plain-text message listing the changes."""
    msg = EmailMessage()
    treaties = sorted({str(c["mtdsg_no"]) for c in changes})
    msg["Subject"] = f"TreatyWatch: {len(changes)} change(s) in {', '.join(treaties)}"
    msg["From"] = mail.sender
    msg["To"] = ", ".join(mail.to)
    msg["X-TreatyWatch-Batch"] = _batch_key(subscriber_id, changes)
    msg.set_content("\n".join(_line(c) for c in changes) + "\n")
    with smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_SECONDS) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.username:
            smtp.login(mail.username, mail.password or "")
        smtp.send_message(msg)


def _line(change: dict[str, Any]) -> str:
    what = change["change_type"].replace("_", " ")
    if change.get("action") and change["change_type"] != "withdrawal":
        what += f" ({change['action']})"
    values = f"{change.get('old_value') or '—'} → {change.get('new_value') or '—'}"
    return (
        f"{change['detected_on']}  {change['mtdsg_no']}  {change['untc_name']}: {what}, {values}"
    )


def _batch_key(subscriber_id: str, changes: list[dict[str, Any]]) -> str:
    ids = sorted(str(c["change_id"]) for c in changes)
    return hashlib.sha256("|".join([subscriber_id, *ids]).encode()).hexdigest()[:32]
