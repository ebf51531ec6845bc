"""The ``treatywatch`` command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from ingestion.errors import KnownFailure
from ingestion.output import FORMATS


def _parse_untc(args: argparse.Namespace) -> int:
    from ingestion.untc.models import MtdsgParseError
    from ingestion.untc.mtdsg import parse_mtdsg

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"treatywatch: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        parsed = parse_mtdsg(data, str(path))
    except MtdsgParseError as exc:
        print(f"treatywatch: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout
    for action in parsed.actions:
        record = {
            "mtdsg_no": action.mtdsg_no,
            "participant": action.participant,
            "action": action.action,
            "date": action.action_date.isoformat() if action.action_date else None,
            "effective_date": (
                action.effective_date.isoformat() if action.effective_date else None
            ),
            "suffix": action.suffix,
            "withdrawn": action.bracketed,
            "footnotes": list(action.footnotes),
            "column": action.column_header,
            "raw_value": action.raw_value,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.header:
        h = parsed.header
        print(
            json.dumps(
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(h).items()},
                ensure_ascii=False,
            ),
            file=sys.stderr,
        )
    for warning in parsed.warnings:
        print(f"treatywatch: warning: {path}: {warning}", file=sys.stderr)
    return 0


def _extract(args: argparse.Namespace) -> int:
    from ingestion.news.extract import extract
    from ingestion.news.treaties import treaty_aliases
    from ingestion.settings import load_settings

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"treatywatch: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    reference = args.date
    result = extract(text, aliases=treaty_aliases(load_settings().watchlist_path),
                     language=args.lang, reference_date=reference)
    for claim in result.claims:
        sys.stdout.write(json.dumps(claim.as_dict(), ensure_ascii=False) + "\n")
    print(f"treatywatch: language {result.language}, treaty {result.treaty}, "
          f"{len(result.claims)} claim(s)", file=sys.stderr)
    return 0


def _nightly(args: argparse.Namespace) -> int:
    from ingestion.locking import exclusive
    from ingestion.pipeline import (
        run_news_night,
        run_untc_night,
        run_warehouse_night,
        warehouse_alert,
        warehouse_needed,
        warehouse_report,
        warehouse_serve,
    )
    from ingestion.settings import load_settings

    settings = load_settings()
    if args.offline:
        settings = replace(settings, offline=True)
    if args.all:
        settings = replace(settings, watchlist_mode="all")
    night = args.date or date.today()
    with exclusive(settings.night_lock_path, f"the night's run in {settings.data_dir}"):
        load_id = run_untc_night(night, settings)
        print(f"load {load_id}: {_load_status(settings, load_id)}")
        news_id = run_news_night(night, settings)
        print(f"load {news_id}: {_load_status(settings, news_id)}")
        # as the Assets do under Airflow: no warehouse run when neither load changed anything
        if all(warehouse_needed(source, night, settings) is None for source in ("untc", "news")):
            print(f"night {night}: the loads changed nothing since the last build; the "
                  "warehouse is not rebuilt and the publication stays as it is")
            return 0
        result = run_warehouse_night(night, settings)
        state = "published" if result.published else "unchanged (already published)"
        print(f"warehouse {state}: {result.path} ({len(result.tables)} tables)")
        print(warehouse_serve(settings))  # as the warehouse DAG's serve_postgres task
        # as the warehouse DAG does after publish; neither can undo it
        print(f"alerts: {warehouse_alert(settings)}")
        print(f"report: {warehouse_report(settings)}")
    return 0


def _load_status(settings, load_id: str) -> str:
    """A load's status, and for a partial one what did not refresh (one line each)."""
    from ingestion.work_lake import connect

    with connect(settings, read_only=True) as con:  # the working DB file, or the working lake
        status, message = con.execute(
            "select status, message from raw.loads where load_id = ?", [load_id]
        ).fetchone()
    if status != "partial":
        return status
    detail = [line for line in (message or "").splitlines() if line.startswith("  ")]
    return "partial\n" + "\n".join(detail)


def _accept_change(args: argparse.Namespace) -> int:
    from ingestion.pipeline import work_db
    from ingestion.settings import load_settings
    from ingestion.untc.guards import accept_change

    with work_db(load_settings()) as con:
        try:
            q = accept_change(con, args.mtdsg_no, args.note)
        except LookupError as exc:
            print(f"treatywatch: {exc}", file=sys.stderr)
            return 1
    print(f"accepted the quarantined payload of {q.mtdsg_no} ({q.sha256[:12]}): {q.reason}")
    print("the next warehouse run publishes it (./run.sh --date <night>, or trigger the "
          "warehouse DAG)")
    return 0


def _loads(args: argparse.Namespace) -> int:
    from ingestion.settings import load_settings
    from ingestion.work_lake import connect, enabled

    settings = load_settings()
    if not enabled(settings) and not settings.work_db.exists():
        print(f"no working database at {settings.work_db} yet")
        return 0
    with connect(settings, read_only=True) as con:  # the working DB file, or the working lake
        rows = con.execute(
            "select load_id, status, n_fetched, n_failed, n_new_payloads, finished_at, "
            "split_part(coalesce(message, ''), chr(10), 1) from raw.loads "
            "order by logical_date desc, started_at desc limit ?",
            [args.limit],
        ).fetchall()
    print("load | status | fetched | failed | new payloads | finished | message")
    for row in rows:
        print(" | ".join("" if v is None else str(v) for v in row))
    return 0


def _sql(args: argparse.Namespace) -> int:
    import duckdb

    from ingestion.output import WRITERS
    from ingestion.settings import load_settings

    path = load_settings().published_db
    if not path.exists():
        print(f"treatywatch: no published warehouse at {path}: run ./run.sh first", file=sys.stderr)
        return 1
    query = sys.stdin.read() if args.query == "-" else args.query
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            result = con.execute(query)
            if result.description is None:
                return 0
            columns = [d[0] for d in result.description]
            rows = result.fetchmany(args.max_rows) if args.max_rows else result.fetchall()
    except duckdb.Error as exc:
        print(f"treatywatch: {path}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    WRITERS[args.format](columns, rows, sys.stdout)
    return 0


def one_line(exc: BaseException) -> str:
    """The operator's message of a known failure (multi-line details stay indented below)."""
    return str(exc).rstrip()


def _publish(args: argparse.Namespace) -> int:
    import duckdb

    from ingestion.ducklake import DuckLakeError
    from ingestion.pipeline import (
        MartsRejected,
        warehouse_publish,
        warehouse_serve,
        warehouse_validate,
    )
    from ingestion.serve_postgres import ServeError

    try:
        warehouse_validate(args.date)  # the mart gate: nothing unaudited is published
        result = warehouse_publish(args.date)
        state = "published" if result.published else "unchanged (already published)"
        print(f"warehouse {state}: {result.path} ({len(result.tables)} tables)")
        print(warehouse_serve())
    except MartsRejected as exc:
        print(f"treatywatch: {exc}", file=sys.stderr)
        return 1
    except (duckdb.Error, ServeError, DuckLakeError, RuntimeError) as exc:
        print(f"treatywatch: publish: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


def _iso_date(text: str) -> date:
    """argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(prog="treatywatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse-untc", help="parse one MTDSG XML file; print JSON lines")
    p.add_argument("file", help="path of a UNTC MTDSG .en.xml file")
    p.add_argument("--header", action="store_true", help="also print the header (to stderr)")
    p.set_defaults(func=_parse_untc)

    e = sub.add_parser("extract", help="extract treaty claims from a plain-text article")
    e.add_argument("file", help="path of a UTF-8 text file, or - for stdin")
    e.add_argument("--lang", help="the article's language (default: detected)")
    e.add_argument("--date", type=_iso_date,
                   help="publication date (YYYY-MM-DD): the year of dates without one")
    e.set_defaults(func=_extract)

    n = sub.add_parser("nightly", help="run the whole night without Airflow")
    n.add_argument("--date", type=_iso_date, help="the night (YYYY-MM-DD); default today")
    n.add_argument("--offline", action="store_true", help="replay the recorded snapshot")
    n.add_argument("--all", action="store_true", help="every treaty of the catalogue")
    n.set_defaults(func=_nightly)

    q = sub.add_parser("sql", help="query the published warehouse (read-only)")
    q.add_argument("query", help="SQL text, or - to read it from stdin")
    q.add_argument("--format", choices=FORMATS, default="table",
                   help="output: aligned table (default), csv, json (array of objects), markdown; "
                        "cells are never cut")
    q.add_argument("--max-rows", type=_positive_int, default=None,
                   help="print at most this many rows (default: all)")
    q.set_defaults(func=_sql)

    a = sub.add_parser(
        "accept-change",
        help="let a treaty's quarantined payload through (a real mass change, checked by you)",
    )
    a.add_argument("mtdsg_no", help="the treaty, e.g. XVIII-16")
    a.add_argument("--note", help="why the change is real (kept in raw.accepted_changes)")
    a.set_defaults(func=_accept_change)

    pub = sub.add_parser(
        "publish",
        help="publish the marts of the working DB (e.g. after a hand-run dbt build): "
             "mart gate, then DuckDB file + Parquet, then PostgreSQL if configured",
    )
    pub.add_argument("--date", type=_iso_date, default=date.today(),
                     help="the night the publication is for (YYYY-MM-DD); default today")
    pub.set_defaults(func=_publish)

    s = sub.add_parser("loads", help="list the latest loads and their status")
    s.add_argument("--limit", type=_positive_int, default=20)
    s.set_defaults(func=_loads)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``treatywatch`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KnownFailure as exc:  # data, network, lock: one clear line, no traceback
        print(f"treatywatch: {one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
