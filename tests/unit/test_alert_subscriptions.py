"""Subscriptions: parsing, secrets from the environment, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.alerts.subscriptions import SubscriptionError, load_subscriptions

REPO = Path(__file__).resolve().parents[2]
CHANGE = {
    "mtdsg_no": "XVIII-16", "treaty_id": "cybercrime", "participant_id": "DZA",
    "untc_name": "Algeria", "change_type": "new_consent", "action": "ratification",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_has_no_subscriber() -> None:
    assert load_subscriptions(REPO / "config" / "subscriptions.yml") == []
    assert load_subscriptions(REPO / "config" / "missing.yml") == []


def test_secrets_come_from_the_environment(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, """
subscribers:
  - id: a
    webhook: {url_env: HOOK_URL, token_env: HOOK_TOKEN}
    email: {to: x@example.org, from: y@example.org, host: localhost, password_env: SMTP_PW,
            username_env: SMTP_USER}
""")
    monkeypatch.setenv("HOOK_URL", "http://hooks.example/x")
    monkeypatch.setenv("HOOK_TOKEN", "t")
    monkeypatch.setenv("SMTP_USER", "u")
    monkeypatch.delenv("SMTP_PW", raising=False)
    with pytest.raises(SubscriptionError, match="SMTP_PW is not set"):
        load_subscriptions(path)
    monkeypatch.setenv("SMTP_PW", "pw")
    [sub] = load_subscriptions(path)
    assert sub.webhook.url == "http://hooks.example/x" and sub.webhook.token == "t"
    assert sub.email.to == ("x@example.org",) and sub.email.password == "pw"
    assert set(sub.channels()) == {"webhook", "email"}


@pytest.mark.parametrize(
    ("filters", "wanted"),
    [
        ("{}", True),
        ("{treaties: [xviii-16]}", True),
        ("{treaties: [cybercrime], participants: [dza]}", True),
        ("{participants: [Algeria], change_types: [ratification]}", True),
        ("{change_types: [new_consent, withdrawal]}", True),
        ("{treaties: [XVIII-15]}", False),
        ("{change_types: [withdrawal]}", False),
    ],
)
def test_filters(tmp_path, filters: str, wanted: bool) -> None:
    path = write(tmp_path, f"""
subscribers:
  - id: a
    filters: {filters}
    webhook: {{url: "http://hooks.example/x"}}
""")
    [sub] = load_subscriptions(path)
    assert sub.wants(CHANGE) is wanted


def test_duplicate_ids_and_missing_channel_settings_are_errors(tmp_path) -> None:
    dup = write(tmp_path, "subscribers: [{id: a}, {id: a}]")
    with pytest.raises(SubscriptionError, match="duplicate"):
        load_subscriptions(dup)
    bad = write(tmp_path, "subscribers: [{id: a, email: {to: x@example.org}}]")
    with pytest.raises(SubscriptionError, match="email needs"):
        load_subscriptions(bad)
