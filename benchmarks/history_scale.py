"""Benchmark: does a night's cost grow with the number of nights of history?

Synthesises nightly UNTC payloads for every catalogue treaty ("all" mode) by editing the real
MTDSG files of the snapshot: the first night withholds the latest quarter of each file's
participant rows; then, every night, each treaty changes with probability ``--change-rate``:
a withheld row appears (a new signature, ratification or accession), or a printed date is
corrected by a day, or (1 change in 20) an entry is bracketed (a withdrawal).

History nights are written with the ingestion code itself -- ``begin_load``, ``land_payload``
for each changed payload, ``parse_load``, ``finish_load`` -- except that the fetch log rows of
unchanged treaties are inserted in one batch (the same row ``land_payload`` writes for a
known payload) and the load gate is not run on them (it only reads the load's new payloads).
At each checkpoint (1, 30, 365, 1825 nights by default) the warehouse is built for the night
before (not timed), then one whole night runs for real, in a process of its own, and is
timed: fetch over HTTP from a local server, land, parse, guards + load gate, dbt build, mart
gate, publish. Printed per checkpoint: night wall time, dbt time, working DB and warehouse
size, and the night's peak memory (its process, and the dbt it started); then the ratio
night(last)/night(30), a no-change night, and a full rebuild (dbt --full-refresh) at the last
checkpoint.

    python benchmarks/history_scale.py [--nights 1,30,365,1825] [--change-rate 0.02]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import resource
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SPAWN = multiprocessing.get_context("spawn")  # a night's process starts empty: its own peak
FIRST_NIGHT = date(2026, 12, 1)  # after every date the files print
ROW_RE = re.compile(rb"<Row>.*?</Row>\s*", re.S)
DATE_RE = re.compile(rb"(?<![\[\d])(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     rb"(\d{4})(?!\])")
ENTRY_WITH_DATE_RE = re.compile(rb"<Entry>([^<\[\]]*\d \w{3} \d{4}[^<\[\]]*)</Entry>")


class Treaty:
    """One treaty's synthetic file: the real rows, some withheld until a later night."""

    def __init__(self, mtdsg_no: str, body: bytes, rng: random.Random) -> None:
        self.mtdsg_no = mtdsg_no
        rows = list(ROW_RE.finditer(body))
        self.head = body[: rows[0].start()] if rows else body
        self.tail = body[rows[-1].end():] if rows else b""
        self.rows = [m[0] for m in rows]
        # the table's first row is its header; withhold a quarter of the others, from the end
        n_withheld = (len(self.rows) - 1) // 4
        self.shown = len(self.rows) - n_withheld
        self.rng = rng

    def body(self) -> bytes:
        """The file as UNTC shows it tonight."""
        return self.head + b"".join(self.rows[: self.shown]) + self.tail

    def change(self) -> str:
        """Apply one night's change; return its kind."""
        if self.shown < len(self.rows) and self.rng.random() < 0.6:
            self.shown += 1
            return "new_action"
        candidates = [i for i in range(1, self.shown) if DATE_RE.search(self.rows[i])]
        if not candidates:
            return "none"
        i = self.rng.choice(candidates)
        if self.rng.random() < 0.05:
            # UNTC brackets the whole cell of an entry no longer in effect: [21 Nov 1949 a]
            self.rows[i] = ENTRY_WITH_DATE_RE.sub(rb"<Entry>[\1]</Entry>", self.rows[i], count=1)
            return "withdrawal"
        self.rows[i] = DATE_RE.sub(_shift_day, self.rows[i], count=1)
        return "correction"


def _shift_day(m: re.Match) -> bytes:
    day = int(m[1])
    return b"%d %s %s" % (day + 1 if day < 28 else day - 1, m[2], m[3])


class Site:
    """A real HTTP server on 127.0.0.1 serving tonight's body of every treaty by URL path."""

    def __init__(self) -> None:
        bodies: dict[str, bytes] = {}
        self.bodies = bodies

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bodies.get(urlsplit(self.path).path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"


def dir_mb(path: Path) -> float:
    """Size of a file or folder in MB."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nights", default="1,30,365,1825")
    parser.add_argument("--change-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="data folder to use and keep")
    args = parser.parse_args()
    checkpoints = sorted(int(n) for n in args.nights.split(","))
    root = args.keep or Path(tempfile.mkdtemp(prefix="tw-history-"))
    site = Site()
    os.environ.update(
        TREATYWATCH_DATA_DIR=str(root / "data"),
        TREATYWATCH_WAREHOUSE_DIR=str(root / "warehouse"),
        TREATYWATCH_UNTC_BASE_URL=site.base_url,
        TREATYWATCH_WATCHLIST_MODE="all",
        # a corrected date removes one action: in a small treaty that is over the share guard
        TREATYWATCH_GUARD_MAX_REMOVED_ACTIONS="1000000",
        TREATYWATCH_GUARD_MAX_REMOVED_SHARE="1.0",
        TQDM_DISABLE="1",
    )
    os.environ.pop("TREATYWATCH_OFFLINE", None)

    import duckdb

    from ingestion import pipeline
    from ingestion.clock import utcnow
    from ingestion.dbt_runner import dbt_build
    from ingestion.http import FetchResult
    from ingestion.landing import begin_load, finish_load, land_payload
    from ingestion.settings import load_settings
    from ingestion.untc import load as untc_load
    from ingestion.untc.urls import mtdsg_xml_url
    from ingestion.watchlist import load_watchlist

    settings = load_settings()
    watchlist = load_watchlist(settings.watchlist_path)
    rng = random.Random(args.seed)
    files = {p.name.removesuffix(".en.xml"): p for p in (settings.snapshot_dir / "untc").rglob(
        "*.en.xml")}
    treaties = [Treaty(no, files[no].read_bytes(), rng)
                for no in watchlist.mtdsg_numbers("all") if no in files]
    urls = {t.mtdsg_no: mtdsg_xml_url(t.mtdsg_no, site.base_url) for t in treaties}
    for t in treaties:
        site.bodies[urlsplit(urls[t.mtdsg_no]).path] = t.body()
    print(f"{len(treaties)} treaties, change rate {args.change_rate}/treaty/night, "
          f"data in {root}", flush=True)

    def advance() -> int:
        """Tonight's changes; returns how many treaties changed."""
        changed = 0
        for t in treaties:
            if rng.random() < args.change_rate and t.change() != "none":
                site.bodies[urlsplit(urls[t.mtdsg_no]).path] = t.body()
                changed += 1
        return changed

    last_sha: dict[str, str] = {}

    def history_night(night: date) -> None:
        """One night of history, written with the ingestion code (see the module doc)."""
        with pipeline.work_db(settings) as con:
            load_id = begin_load(con, untc_load.SOURCE, night, replay_of=None)
            untc_load._record_watchlist(con, load_id, watchlist)
            unchanged = []
            for t in treaties:
                body = site.bodies[urlsplit(urls[t.mtdsg_no]).path]
                if last_sha.get(t.mtdsg_no) is None or _changed(t, body, last_sha):
                    fetched = FetchResult(urls[t.mtdsg_no], 200, body, "text/xml", utcnow())
                    landed = land_payload(con, settings.raw_dir, untc_load.SOURCE, load_id,
                                          night, fetched, subject=t.mtdsg_no)
                    last_sha[t.mtdsg_no] = landed.sha256
                else:
                    unchanged.append((load_id, untc_load.SOURCE, urls[t.mtdsg_no], utcnow(),
                                      200, last_sha[t.mtdsg_no], "unchanged", None, t.mtdsg_no))
            con.executemany(
                "insert into raw.fetch_log (load_id, source, url, fetched_at, http_status, "
                "sha256, outcome, error, subject) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                unchanged,
            )
            untc_load.parse_load(con, load_id)
            finish_load(con, load_id, "accepted", "history night (benchmark)")

    def real_night(night: date) -> dict:
        """A whole night through the pipeline, in a process of its own; its times and peaks."""
        queue = SPAWN.Queue()
        child = SPAWN.Process(target=timed_night, args=(night, queue))
        child.start()
        times = queue.get()
        child.join()
        with duckdb.connect(str(settings.work_db), read_only=True) as con:
            for t in treaties:
                row = con.execute(
                    "select sha256 from raw.fetch_log where load_id = ? and subject = ?",
                    [f"untc-{night}", t.mtdsg_no]).fetchone()
                last_sha[t.mtdsg_no] = row[0] if row else last_sha.get(t.mtdsg_no)
        return times

    header = (f"{'nights':>7} {'changed':>7} {'night s':>8} {'dbt s':>7} {'untc s':>7} "
              f"{'work MB':>8} {'wh MB':>7} {'peak MB*':>8} {'dbt MB*':>8}")
    results: dict[int, dict] = {}
    night_no = 0
    print("* peak MB: the night's largest resident set (ru_maxrss), in the process that ran it "
          "(fetch, parse, gates, publish) and in the dbt it started")
    print(header, flush=True)
    for checkpoint in checkpoints:
        start = time.perf_counter()
        while night_no < checkpoint - 1:  # history up to the night before the checkpoint
            advance()
            history_night(FIRST_NIGHT + timedelta(days=night_no))
            night_no += 1
        filler_s = time.perf_counter() - start
        if night_no > 0:  # the marts as they stood the night before (not timed)
            warm = time.perf_counter()
            pipeline.warehouse_build(settings, FIRST_NIGHT + timedelta(days=night_no - 1))
            warm_s = time.perf_counter() - warm
        else:
            warm_s = 0.0
        changed = advance()
        times = real_night(FIRST_NIGHT + timedelta(days=night_no))
        night_no += 1
        results[checkpoint] = {**times, "changed": changed}
        print(f"{checkpoint:>7} {changed:>7} {times['night']:>8.1f} {times['dbt']:>7.1f} "
              f"{times['untc']:>7.1f} {dir_mb(settings.work_db):>8.1f} "
              f"{dir_mb(settings.warehouse_dir):>7.1f} {times['py_mb']:>8.0f} "
              f"{times['dbt_mb']:>8.0f}"
              f"   (history written in {filler_s:.0f} s, warm-up build {warm_s:.1f} s)",
              flush=True)

    last = checkpoints[-1]
    if 30 in results:
        print(f"night({last})/night(30) = {results[last]['night'] / results[30]['night']:.2f}"
              f"   dbt({last})/dbt(30) = {results[last]['dbt'] / results[30]['dbt']:.2f}")
    # a night on which nothing changed, right after the last checkpoint
    quiet = real_night(FIRST_NIGHT + timedelta(days=night_no))
    print(f"no-change night after {last}: {quiet['night']:.1f} s "
          f"({quiet['night'] / results[last]['night']:.0%} of the changed night): "
          f"{str(quiet['build_message']).splitlines()[0]}")
    start = time.perf_counter()
    dbt_build(settings, full_refresh=True)
    print(f"full rebuild (dbt build --full-refresh) at {last + 1} nights: "
          f"{time.perf_counter() - start:.1f} s")
    site.server.shutdown()


def timed_night(night: date, queue) -> None:
    """Run one whole night (in a fresh process, so its peak memory is its own); report it.

    Puts on ``queue``: the stage times, the message of the build and the peak resident set of
    this process and of the dbt it started (ru_maxrss).
    """
    from ingestion import pipeline
    from ingestion.settings import load_settings

    settings = load_settings()
    times: dict = {}
    start = time.perf_counter()
    pipeline.run_untc_night(night, settings)
    times["untc"] = time.perf_counter() - start
    mark = time.perf_counter()
    times["build_message"] = pipeline.warehouse_build(settings, night)
    times["dbt"] = time.perf_counter() - mark
    pipeline.warehouse_validate(night, settings)
    pipeline.warehouse_publish(night, settings)
    times["night"] = time.perf_counter() - start
    times["py_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times["dbt_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put(times)


def _changed(treaty: Treaty, body: bytes, last_sha: dict[str, str]) -> bool:
    import hashlib

    return hashlib.sha256(body).hexdigest() != last_sha[treaty.mtdsg_no]


if __name__ == "__main__":
    main()
