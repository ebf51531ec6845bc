"""Benchmark: the cost of fingerprinting every fetch-log row of a long history.

``ingestion/build_state.raw_fingerprint`` reads every fetch-log row there is, several times a
night, so its cost grows with history. This compares the fingerprint it uses (count plus the
sum of DuckDB's 64-bit row hashes) with the one it replaced (md5 of each row, sorted and
joined, md5 of that) on a synthetic fetch log shaped like N nights over the whole catalogue
(357 URLs a night, 2,000 distinct payloads). Prints each method's best of three and the ratio.

    python benchmarks/fingerprint_cost.py [--nights 1825]
"""

from __future__ import annotations

import argparse
import time

import duckdb

TREATIES = 357
QUERY = "select load_id, url, subject, sha256, outcome, error, http_status from raw_fetch_log"
METHODS = {
    "md5 of each row, sorted and joined (before)":
        "select count(*), coalesce(md5(string_agg(h, '' order by h)), '') "
        f"from (select md5(cast(q as varchar)) as h from ({QUERY}) as q)",
    "sum of 64-bit row hashes (now)":
        f"select count(*), coalesce(sum(hash(q)::hugeint), 0) from ({QUERY}) as q",
}


def main() -> None:
    """Build the synthetic fetch log and time both fingerprints on it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=1825)
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute(
        "create table raw_fetch_log as select 'untc-' || (i // $n) as load_id, "
        "'https://treaties.un.org/doc/Publication/MTDSG/Volume%20I/Chapter%20XVIII/XVIII-' "
        "|| (i % $n) || '.en.xml' as url, 'XVIII-' || (i % $n) as subject, "
        "md5(cast(i % 2000 as varchar)) || md5('payload') as sha256, 'unchanged' as outcome, "
        "null::varchar as error, 200 as http_status from range($rows) as t(i)",
        {"n": TREATIES, "rows": TREATIES * args.nights},
    )
    print(f"{TREATIES * args.nights:,} fetch-log rows ({args.nights} nights x {TREATIES} URLs)")
    best: dict[str, float] = {}
    for name, sql in METHODS.items():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            con.execute(sql).fetchone()
            times.append(time.perf_counter() - start)
        best[name] = min(times)
        print(f"{name:45} {best[name] * 1000:8.0f} ms")
    before, now = best.values()
    print(f"ratio before/now: {before / now:.1f}x")


if __name__ == "__main__":
    main()
