#!/usr/bin/env bash
# Run one full night of TreatyWatch through Airflow: untc_status, news, then warehouse (when a
# load changed something). Creates the environment first if it does not exist. No server to
# start: Airflow runs the DAGs in one local process on its SQLite metadata DB (.airflow/).
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

# One night at a time per installation: a second run exits at once with one line. flock is
# released by the kernel when this run (and the Airflow processes it started) end, however.
DATA_DIR="${TREATYWATCH_DATA_DIR:-${TREATYWATCH_HOME:-$ROOT}/data}"
mkdir -p "$DATA_DIR"
LOCK="$DATA_DIR/.night.lock"
exec 9>>"$LOCK"
if ! flock -n 9; then
  echo "!! another TreatyWatch night is running ($(cat "$LOCK" 2>/dev/null || echo unknown)); wait for it to finish or stop it" >&2
  exit 1
fi
echo "pid $$ since $(date -u '+%F %T') UTC (./run.sh)" >"$LOCK"

# Each run logs into a folder of its own (the last 20 are kept).
RUN_LOGS="$AIRFLOW_HOME/runs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$RUN_LOGS"
ls -1d "$AIRFLOW_HOME"/runs/*/ 2>/dev/null | sort | head -n -20 | xargs -r rm -rf

export TREATYWATCH_FAILURE_NOTE="$RUN_LOGS/failure.txt"  # tasks write the operator's message

mode="online"; [ "${TREATYWATCH_OFFLINE:-}" = "1" ] && mode="offline (recorded snapshot)"
echo "== TreatyWatch night $NIGHT, $mode =="
# untc_status and news, then warehouse if a load signalled its Asset: one Python process runs
# the three DAGs as `airflow dags test` would (scripts/airflow_night.py), logs in $RUN_LOGS.
# It ends with what the published warehouse now says (scripts/summary.py).
python "$ROOT/scripts/airflow_night.py" --night "$NIGHT" --logs "$RUN_LOGS" || exit 1
