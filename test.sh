#!/usr/bin/env bash
# Run the whole test suite (lint included), creating the environment first if needed.
# Extra arguments go to pytest, e.g. ./test.sh -k parser
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
echo "== ruff =="
ruff check .
echo "== sqlfluff =="
sqlfluff lint dbt_project/models --disable-progress-bar --nocolor
echo "== pytest =="
python -m pytest "$@"
