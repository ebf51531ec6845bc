"""Recorded-night variants of the real XVIII-16 file, for replaying a sequence of nights.

Each function edits the bytes of the shipped UNTC file the way UNTC would change it between
two nights: fewer signatures (an earlier night), a ratification, a corrected date, a
withdrawal (a bracketed entry, as UNTC prints entries no longer in effect).
"""

from __future__ import annotations

import re
from datetime import datetime

ROW_RE = re.compile(
    rb"<Row>\s*<Entry>(?P<name>[^<]+)</Entry>\s*<Entry>(?P<sig>[^<]*)</Entry>\s*"
    rb"(?P<third><Entry\s*/>|<Entry>[^<]*</Entry>)\s*</Row>\s*"
)


def signatures(body: bytes) -> list[tuple[str, datetime]]:
    """(participant, signature date) of every row, in file order."""
    return [
        (m["name"].decode("latin-1"), datetime.strptime(m["sig"].decode(), "%d %b %Y"))
        for m in ROW_RE.finditer(body)
    ]


def latest_signers(body: bytes, n: int) -> list[str]:
    """The n participants who signed last (by date, then by file order)."""
    rows = signatures(body)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][1], i))
    return [rows[i][0] for i in order[len(rows) - n :]]


def drop_rows(body: bytes, names: list[str]) -> bytes:
    """The file without the rows of these participants."""
    wanted = {name.encode("latin-1") for name in names}
    return ROW_RE.sub(lambda m: b"" if m["name"] in wanted else m[0], body)


def _edit_row(body: bytes, name: str, edit) -> bytes:
    pattern = re.compile(
        rb"(<Row>\s*<Entry>" + re.escape(name.encode("latin-1")) + rb"</Entry>\s*)"
        rb"<Entry>(?P<sig>[^<]*)</Entry>(\s*)(<Entry\s*/>|<Entry>[^<]*</Entry>)"
    )
    new, n = pattern.subn(lambda m: m[1] + edit(m), body)
    if n != 1:
        raise KeyError(name)
    return new


def ratify(body: bytes, name: str, on: str) -> bytes:
    """A ratification dated ``on`` ('18 Nov 2026') in the participant's consent column."""
    return _edit_row(body, name, lambda m: b"<Entry>" + m["sig"] + b"</Entry>" + m[3]
                     + b"<Entry>" + on.encode() + b"</Entry>")


def set_signature(body: bytes, name: str, value: str) -> bytes:
    """Replace the participant's signature cell (a corrected date, or ``[date]``)."""
    return _edit_row(body, name, lambda m: b"<Entry>" + value.encode() + b"</Entry>" + m[3] + m[4])


def rename(body: bytes, old: str, new: str) -> bytes:
    """UNTC prints the participant under another name (e.g. back to 'Turkey')."""
    cell = b"<Entry>%s</Entry>"
    out, n = re.subn(re.escape(cell % old.encode("latin-1")), cell % new.encode("latin-1"), body)
    if n != 1:
        raise KeyError(old)
    return out


def with_header_counts(body: bytes) -> bytes:
    """Print the header counts UNTC would print for these rows (signatures in effect, parties)."""
    signed = parties = 0
    for m in ROW_RE.finditer(body):
        sig = m["sig"].strip()
        signed += bool(sig) and not sig.startswith(b"[")
        consent = re.fullmatch(rb"<Entry>([^<\[]+)</Entry>", m["third"])
        parties += bool(consent and consent[1].strip())
    body = re.sub(rb"<Signatories>\d+<", b"<Signatories>%d<" % signed, body)
    return re.sub(rb"<Parties>\d+<", b"<Parties>%d<" % parties, body)
