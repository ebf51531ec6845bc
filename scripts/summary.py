"""Print what the published warehouse now says (run by run.sh after a night)."""

from __future__ import annotations

import duckdb

from ingestion.settings import load_settings


def main() -> None:
    """Open the published file read-only and print progress per treaty."""
    settings = load_settings()
    path = settings.published_db
    if not path.exists():
        print(f"no published warehouse at {path}")
        return
    with duckdb.connect(str(path), read_only=True) as con:
        meta = con.execute(
            "select published_at, logical_date from meta_publish order by published_at desc"
        ).fetchone()
        print(f"== published warehouse {path} (night {meta[1]}, written {meta[0]:%F %T} UTC) ==")
        columns = {r[0] for r in con.execute("describe meta_publish").fetchall()}
        if "replay_of" in columns:
            replay_of = con.execute(
                "select replay_of from meta_publish order by published_at desc"
            ).fetchone()[0]
            print(f"REPLAY of {replay_of}" if replay_of else "live data")
        rows = con.execute(
            """
            select p.mtdsg_no, coalesce(t.short_name, left(t.title, 50)),
                   p.reported_signatories, p.reported_parties, p.counting_instruments,
                   p.eif_threshold, p.instruments_remaining, p.eif_status,
                   p.reported_counts_source = 'printed_header' as printed
            from treaty_progress p join dim_treaty t using (treaty_id)
            where t.is_watched
            order by p.mtdsg_no
            """
        ).fetchall()
        stale = con.execute(
            "select mtdsg_no, last_refreshed_night, stale_reason from treaty_freshness "
            "where is_stale order by mtdsg_no"
        ).fetchall()
        agree, compared = con.execute(
            "select count(*) filter (reconciliation_status = 'match'), "
            "count(*) filter (reconciliation_status in ('match', 'mismatch')) "
            "from treaty_reconciliation"
        ).fetchone()
        disagreements = con.execute(
            "select mtdsg_no, disagreement_reason, disagreement_evidence "
            "from treaty_reconciliation where reconciliation_status = 'mismatch' order by 1"
        ).fetchall()
    header = ("treaty", "name", "signed", "parties", "counting", "threshold", "remaining",
              "status")
    print(" | ".join(header))
    for *row, printed in rows:
        cells = ["unknown" if v is None else str(v) for v in row]
        if printed:  # no participant rows: the counts UNTC prints in the header, flagged
            cells[2:4] = [f"{c} (printed)" for c in cells[2:4]]
        print(" | ".join(cells))
    if compared:
        print(f"UNTC's printed header counts vs the rows: {agree} of {compared} treaties agree "
              f"({100 * agree / compared:.1f}%)")
    for mtdsg_no, reason, evidence in disagreements:
        print(f"  {mtdsg_no}: {reason or 'UNCLASSIFIED'} ({evidence})")
    for mtdsg_no, night, reason in stale:
        print(f"!! {mtdsg_no} is stale (last refreshed {night or 'never'}): {reason}")
    print(f"Parquet copies: {settings.parquet_dir}/")
    report = settings.warehouse_dir / "report.html"
    if report.exists():
        print(f"Report: {report} (open it in a browser)")


if __name__ == "__main__":
    main()
