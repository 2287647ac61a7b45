#!/usr/bin/env bash
# One command on a fresh clone: set up, lint, and run the whole test suite.
#   bash scripts/test.sh [PYTHON] [VENV_DIR] [extra pytest args]
# Exits non-zero on any failure, including "no tests collected".
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
VENV="${2:-.venv}"
shift $(( $# > 2 ? 2 : $# ))
bash scripts/setup.sh "$PY" "$VENV"
"$VENV/bin/ruff" check simulator tests experiments benchmarks
set +e
"$VENV/bin/python" -m pytest -p no:cacheprovider --durations=30 "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: no tests were collected; treating as a failure" >&2
  exit 1
fi
exit "$rc"
