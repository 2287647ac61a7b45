#!/usr/bin/env bash
# Create (or update) a virtual environment with clsim and everything it needs.
#   scripts/setup.sh [PYTHON] [VENV_DIR]
# PYTHON defaults to python3, VENV_DIR to .venv. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
VENV="${2:-.venv}"
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "setup: $PY is not a working Python >= 3.11" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.clsim-installed"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".[dev,dashboard,oracle]"
  touch "$STAMP"
fi
if [ -f scripts/setup_dashboard.sh ]; then
  bash scripts/setup_dashboard.sh "$VENV"
fi
