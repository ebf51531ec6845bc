"""A tiny Chrome DevTools Protocol client: open a page in headless chromium, collect console
errors and uncaught exceptions, read the page text, take a screenshot."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from websockets.sync.client import connect

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0",
]


def find_chromium() -> str | None:
    """Debian's chromium (or a Chrome) on PATH, else None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


@dataclass
class PageVisit:
    """What the browser saw."""

    text: str
    errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    probes: dict[str, object] = field(default_factory=dict)  # name -> value of a JS expression


class _Session:
    def __init__(self, ws_url: str) -> None:
        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=20)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, timeout: float = 30, **params) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            self.events.append(msg)
            if msg.get("method") == event:
                return
        raise TimeoutError(event)


def _errors(events: list[dict]) -> list[str]:
    found = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')} "
                         f"{params['exceptionDetails'].get('exception', {}).get('description')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(
                str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    return found


def visit(
    chromium: str, url: str, screenshot: Path | None = None, probes: dict[str, str] | None = None
) -> PageVisit:
    """Load ``url``, wait for the load event and a moment for scripts, report what happened.

    ``probes`` maps names to JavaScript expressions evaluated in the page after it drew (e.g.
    how many map shapes plotly drew); their values come back in ``PageVisit.probes``."""
    profile = Path(tempfile.mkdtemp(prefix="tw-chromium-"))
    proc = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().splitlines()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            pages = [t for t in json.load(resp) if t["type"] == "page"]
        session = _Session(pages[0]["webSocketDebuggerUrl"])
        try:
            for domain in ("Page", "Runtime", "Log"):
                session.call(f"{domain}.enable")
            session.call("Emulation.setDeviceMetricsOverride", width=1280, height=1800,
                         deviceScaleFactor=1, mobile=False)
            session.call("Page.navigate", url=url)
            session.wait_for("Page.loadEventFired")
            time.sleep(1.0)  # let plotly draw (it renders after load)
            text = session.call("Runtime.evaluate", expression="document.body.innerText",
                                returnByValue=True)["result"]["value"]
            values = {
                name: session.call("Runtime.evaluate", expression=expression,
                                   returnByValue=True)["result"].get("value")
                for name, expression in (probes or {}).items()
            }
            shot = None
            if screenshot is not None:
                data = session.call("Page.captureScreenshot", format="png")["data"]
                screenshot.write_bytes(base64.b64decode(data))
                shot = screenshot
            return PageVisit(text=text, errors=_errors(session.events), screenshot=shot,
                             probes=values)
        finally:
            session.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
