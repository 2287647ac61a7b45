#!/usr/bin/env bash
# Create (or update) a virtual environment with clsim and everything it needs.
#   scripts/setup.sh [PYTHON] [VENV_DIR]
# PYTHON defaults to python3, VENV_DIR to .venv. Idempotent: a second run only checks.
#
# Installs exactly the versions of requirements/lock-py<X.Y>.txt for PYTHON's line
# (the versions CI tested; hashes checked), then clsim itself, editable and without
# dependencies, and verifies the result with scripts/check_lock.py. To relock:
# bash scripts/lock.sh. CLSIM_UNLOCKED=1 installs the newest versions pyproject.toml
# allows instead (what scripts/check_newest.sh does in a scratch venv); a Python line
# without a lock file falls back to that, with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
VENV="${2:-.venv}"
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "setup: $PY is not a working Python >= 3.11" >&2
  exit 1
fi
LINE="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
LOCK="requirements/lock-py$LINE.txt"
MODE="locked"
if [ "${CLSIM_UNLOCKED:-0}" = "1" ]; then
  MODE="newest"
elif [ ! -f "$LOCK" ]; then
  echo "setup: no lock file for Python $LINE ($LOCK); installing the newest allowed versions" >&2
  MODE="newest"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.clsim-installed"
WANT="$MODE $(cat pyproject.toml "$LOCK" 2>/dev/null | cksum)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  if [ "$MODE" = "locked" ]; then
    # pip, setuptools, wheel (and its packaging) come from the lock too; then the locked packages with
    # their hashes; then clsim itself (no resolution left to do, no build isolation).
    awk '/^[A-Za-z0-9]/ {keep = ($0 ~ /^(pip|setuptools|wheel|packaging)==/)} keep' "$LOCK" \
      > "$VENV/.tools-lock.txt"
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$VENV/.tools-lock.txt"
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$LOCK"
    "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
    "$VENV/bin/python" scripts/check_lock.py "$LOCK"
  else
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --upgrade -e ".[dev,dashboard,oracle]"
  fi
  echo "$WANT" > "$STAMP"
fi
if [ -f scripts/setup_dashboard.sh ]; then
  bash scripts/setup_dashboard.sh "$VENV"
fi
