"""Wall time of whole nights through ./run.sh: nights that changed something vs nights that did not.

In a fresh installation (temporary data, warehouse, Airflow home and a copy of the offline
snapshot), runs ``./run.sh --offline`` night after night. The first night builds everything
(cold, not counted). Then nights alternate: on a *changed* night one more participant's
signature of XVIII-16 appears (the real file, minus its last signers, gets one back: a new
payload, dbt builds, the marts and the publication change); on a *no-change* night UNTC and the
news serve exactly what they served the night before. Prints each night's wall time and the
ratio of the medians, measured in this one run (the machine is small and noisy: compare
ratios, not seconds).

    python benchmarks/night_wall_time.py [--pairs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import xviii16_nights as x16  # noqa: E402  (the test suite's editor of the real XVIII-16 file)

FIRST_NIGHT = date(2026, 11, 1)


def run_night(night: date, env: dict[str, str]) -> tuple[float, str]:
    """One ./run.sh night; its wall time and the line that says whether the warehouse ran."""
    started = time.monotonic()
    proc = subprocess.run([str(REPO / "run.sh"), "--offline", "--date", night.isoformat()],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"night {night} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    warehouse = next((line for line in proc.stdout.splitlines() if "warehouse" in line
                      and ("not triggered" in line or ": success" in line)), "?")
    return elapsed, warehouse


def main() -> None:
    """Run the nights and print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="changed + no-change night pairs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-nights-") as tmp:
        home = Path(tmp)
        snapshot = home / "snapshot"
        shutil.copytree(REPO / "snapshot", snapshot)
        xml = snapshot / "untc" / "XVIII-16.en.xml"
        real = xml.read_bytes()
        held_back = x16.latest_signers(real, args.pairs)
        env = {
            **os.environ,
            "TREATYWATCH_DATA_DIR": str(home / "data"),
            "TREATYWATCH_WAREHOUSE_DIR": str(home / "warehouse"),
            "TREATYWATCH_SNAPSHOT_DIR": str(snapshot),
            "AIRFLOW_HOME": str(home / "airflow"),
        }
        xml.write_bytes(x16.drop_rows(real, held_back))
        night = FIRST_NIGHT
        cold, _ = run_night(night, env)
        print(f"{night}  first night (cold, not counted)  {cold:6.1f} s", flush=True)
        times: dict[str, list[float]] = {"changed": [], "no change": []}
        for k in range(args.pairs):
            for kind in ("no change", "changed"):
                night += timedelta(days=1)
                if kind == "changed":
                    xml.write_bytes(x16.drop_rows(real, held_back[k + 1:]))
                elapsed, warehouse = run_night(night, env)
                times[kind].append(elapsed)
                print(f"{night}  {kind:9}  {elapsed:6.1f} s   {warehouse}", flush=True)
        changed = statistics.median(times["changed"])
        unchanged = statistics.median(times["no change"])
        print(f"median changed night {changed:.1f} s, no-change night {unchanged:.1f} s: "
              f"ratio {unchanged / changed:.2f} (target <= 0.30)")


if __name__ == "__main__":
    main()
