#!/usr/bin/env bash
# Run one full night of TreatyWatch through Airflow: untc_status, news, then warehouse.
# Creates the environment first if it does not exist. No server to start: Airflow runs each DAG
# in this process on its SQLite metadata DB (.airflow/).
#
#   ./run.sh                 live: fetch from the UN Treaty Collection
#   ./run.sh --offline       replay the recorded snapshot (same as TREATYWATCH_OFFLINE=1)
#   ./run.sh --all           every treaty of the catalogue, not only the watchlist
#   ./run.sh --date 2026-11-26
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
NIGHT="$(date -u +%F)"
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) export TREATYWATCH_OFFLINE=1 ;;
    --all) export TREATYWATCH_WATCHLIST_MODE=all ;;
    --date) NIGHT="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

# One-shot run: fail at once instead of waiting out Airflow's retry delays (the HTTP layer has
# already retried with backoff). The scheduler (airflow standalone) keeps the DAGs' retries.
export TREATYWATCH_AIRFLOW_RETRIES="${TREATYWATCH_AIRFLOW_RETRIES:-0}"
airflow db migrate >/dev/null
airflow pools set duckdb_writer 1 "DuckDB single writer" >/dev/null

mode="online"; [ "${TREATYWATCH_OFFLINE:-}" = "1" ] && mode="offline (recorded snapshot)"
echo "== TreatyWatch night $NIGHT, $mode =="
for dag in untc_status news warehouse; do
  echo "== airflow dags test $dag $NIGHT =="
  log="$AIRFLOW_HOME/last_${dag}.log"
  if ! airflow dags test "$dag" "$NIGHT" >"$log" 2>&1 || grep -q "DagRun Finished.*state=failed" "$log"; then
    echo "!! $dag failed. The reason:" >&2
    python "$ROOT/scripts/explain_failure.py" "$log" >&2
    echo "!! full log: $log ; load history: treatywatch loads" >&2
    exit 1
  fi
  grep -E "DagRun Finished" "$log" | tail -1
done
python "$ROOT/scripts/summary.py"
