#!/usr/bin/env bash
# Regenerate the install locks, one per supported Python line, from pyproject.toml.
#   bash scripts/lock.sh            # every line: 3.11 and 3.12
#   bash scripts/lock.sh 3.12       # one line
# Writes requirements/lock-py<X.Y>.txt: every package of clsim[dev,dashboard,oracle], and the
# installer and build tools of requirements/tools.in (pip, setuptools, wheel), pinned
# (==) with its sha256 hashes, resolved for that Python line on every platform (pip
# skips entries whose markers do not apply, e.g. appnope off macOS). The resolver is uv
# (docs/install_and_errors.md says why); it runs from a scratch venv so that neither the
# project nor the user needs uv installed. After relocking: bash scripts/test.sh on both
# lines, then commit the lock files.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION="0.13.9"
TOOLS="${CLSIM_LOCK_TOOLS:-${TMPDIR:-/tmp}/clsim-lock-tools}"
if [ ! -x "$TOOLS/bin/uv" ] || [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
LINES=("$@")
[ ${#LINES[@]} -gt 0 ] || LINES=(3.11 3.12)
mkdir -p requirements
for line in "${LINES[@]}"; do
  out="requirements/lock-py$line.txt"
  "$TOOLS/bin/uv" pip compile pyproject.toml requirements/tools.in --extra dev --extra dashboard --extra oracle \
    --python-version "$line" --universal \
    --generate-hashes --upgrade --quiet \
    --custom-compile-command "bash scripts/lock.sh $line" -o "$out"
  echo "lock.sh: wrote $out ($(grep -c '^[A-Za-z0-9].*==' "$out") packages)"
done
