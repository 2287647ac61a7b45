#!/usr/bin/env bash
# One command on a fresh clone: set up, then run the baseline and a comparison.
#   bash scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CLSIM_BROWSER_TESTS=0 bash scripts/setup.sh python3 .venv
.venv/bin/clsim run scenarios/baseline.yaml --out results/baseline
.venv/bin/clsim run scenarios/comprehensive.yaml --out results/comprehensive
echo "open results/baseline/run.png and results/comprehensive/run.png"
