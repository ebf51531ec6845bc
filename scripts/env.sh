# Sourced by run.sh and test.sh: make sure the project's virtualenv exists and is current,
# then export the settings every TreatyWatch command uses. Installs only from the project's own
# files: requirements.lock (every pin) and pyproject.toml (the package and `treatywatch`).
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
VENV="${TREATYWATCH_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

lock_hash="$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.treatywatch-lock" 2>/dev/null)" != "$lock_hash" ]; then
  echo "== creating the environment in $VENV (one-off, about a minute) =="
  "$PYTHON" -m venv "$VENV"
  install_log="$(mktemp)"
  if ! { "$VENV/bin/python" -m pip install --upgrade pip \
         && "$VENV/bin/python" -m pip install -r "$ROOT/requirements.lock" \
         && "$VENV/bin/python" -m pip install --no-deps -e "$ROOT" \
         && "$VENV/bin/python" -m pip check; } >"$install_log" 2>&1; then
    tail -40 "$install_log" >&2
    echo "!! installing the environment failed (full log: $install_log)" >&2
    exit 1
  fi
  rm -f "$install_log"
  echo "$lock_hash" > "$VENV/.treatywatch-lock"
fi
export PATH="$VENV/bin:$PATH"

# Airflow: SQLite metadata DB and logs inside the project, our DAGs only, few slots (the default
# 32 executor slots take ~4.5 GB).
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
# `airflow standalone` / `airflow api-server`: listen on this machine only (Airflow's default
# is 0.0.0.0, every interface); set AIRFLOW__API__HOST=0.0.0.0 yourself to expose the UI.
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
# What dbt needs when run by hand (`cd dbt_project && dbt build`): the working DB the pipeline
# builds (dbt_project/profiles.yml reads TREATYWATCH_WORK_DB), and the same target/ and logs/
# folders the pipeline uses, so `treatywatch publish` then finds the fresh manifest's docs.
_tw_data="${TREATYWATCH_DATA_DIR:-${TREATYWATCH_HOME:-$ROOT}/data}"
export TREATYWATCH_WORK_DB="${TREATYWATCH_WORK_DB:-$_tw_data/treatywatch_work.duckdb}"
export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$ROOT/dbt_project}"
export DBT_TARGET_PATH="${DBT_TARGET_PATH:-$_tw_data/dbt/target}"
export DBT_LOG_PATH="${DBT_LOG_PATH:-$_tw_data/dbt/logs}"
# Lake mode (TREATYWATCH_WORK_CATALOG): a hand-run dbt builds in the lake, as the pipeline does.
if [ -n "${TREATYWATCH_WORK_CATALOG:-}" ]; then export DBT_TARGET="${DBT_TARGET:-ducklake}"; fi
unset _tw_data
export TQDM_DISABLE=1
