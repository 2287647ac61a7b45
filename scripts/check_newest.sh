#!/usr/bin/env bash
# Drift check: install the NEWEST versions pyproject.toml allows (not the lock) into a
# scratch venv and run the fast suite, so that a new release that breaks clsim (as
# typer 0.29 did) is found by the project, not by a user. Run it on a schedule (weekly)
# and before relocking; see docs/install_and_errors.md.
#   bash scripts/check_newest.sh [PYTHON] [SCRATCH_VENV]
# Exits non-zero when the suite fails on the newest versions. Also lists the packages
# whose newest release is beyond the upper bounds of pyproject.toml (held back on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
VENV="${2:-${TMPDIR:-/tmp}/clsim-newest-venv}"
rm -rf "$VENV"
CLSIM_UNLOCKED=1 CLSIM_BROWSER_TESTS=0 bash scripts/setup.sh "$PY" "$VENV"
echo "== newest allowed versions (differences from the lock):"
LINE="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
"$VENV/bin/python" scripts/check_lock.py "requirements/lock-py$LINE.txt" 2>&1 | sed 's/^/   /' || true
echo "== held back by an upper bound in pyproject.toml (newer releases exist):"
"$VENV/bin/python" -m pip list --outdated --format=columns 2>/dev/null | sed 's/^/   /' || true
set +e
"$VENV/bin/ruff" check simulator tests experiments benchmarks
lint=$?
"$VENV/bin/python" -m pytest -p no:cacheprovider -q -m "not slow and not browser" "${@:3}"
rc=$?
set -e
if [ "$lint" -ne 0 ] || [ "$rc" -ne 0 ]; then
  echo "check_newest: the newest allowed versions break clsim (lint $lint, tests $rc):" >&2
  echo "  fix the code, or add an upper bound in pyproject.toml; then bash scripts/lock.sh" >&2
  exit 1
fi
echo "check_newest: the newest allowed versions pass; bash scripts/lock.sh to adopt them"
