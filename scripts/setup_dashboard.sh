#!/usr/bin/env bash
# Set up the workshop dashboard so that it works fully offline.
#
#   scripts/setup_dashboard.sh VENV_PATH
#
# 1. installs the dashboard's Python packages into the venv (no-op when present; the
#    versions of requirements/lock-py<X.Y>.txt when that lock exists);
# 2. fills Solara's CDN proxy cache (<sys.prefix>/share/solara/cdn/<name>@<version>/)
#    with the front-end packages the installed Solara asks for, taken from the npm
#    registry with `npm pack`, so that the served page never needs the internet;
# 3. installs Debian's chromium + chromium-driver for the browser tests when missing,
#    unless CLSIM_BROWSER_TESTS=0.
#
# Idempotent: every step checks before it acts. Called by the project's main set-up.
set -euo pipefail

VENV="${1:?usage: $0 VENV_PATH}"
PY="$VENV/bin/python"
if [[ ! -x "$PY" ]]; then
    echo "setup_dashboard: no python at $PY" >&2
    exit 2
fi

# -- 1. Python packages ------------------------------------------------------------
# ipyvue/ipyvuetify 3 render a blank page with Solara's Vue 2 front end (Mesa #3806).
DASHBOARD_REQS=("solara>=1.40,<2" "ipyvue>=1.11,<2" "ipyvuetify>=1.9,<2" "anywidget>=0.9,<1")
if ! "$PY" - <<'PYCHECK' 2>/dev/null; then
import importlib.metadata as md
from packaging.requirements import Requirement
reqs = ["solara>=1.40,<2", "ipyvue>=1.11,<2", "ipyvuetify>=1.9,<2", "anywidget>=0.9,<1"]
for r in map(Requirement, reqs):
    if not r.specifier.contains(md.version(r.name), prereleases=True):
        raise SystemExit(1)
PYCHECK
    # The locked versions when this Python line has a lock (as scripts/setup.sh does),
    # the newest allowed ones otherwise or under CLSIM_UNLOCKED=1.
    LINE="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    LOCK="$(cd "$(dirname "$0")/.." && pwd)/requirements/lock-py$LINE.txt"
    if [[ "${CLSIM_UNLOCKED:-0}" != "1" && -f "$LOCK" ]]; then
        echo "setup_dashboard: installing the locked versions of $LOCK"
        "$PY" -m pip install --quiet --require-hashes -r "$LOCK"
    else
        echo "setup_dashboard: installing ${DASHBOARD_REQS[*]}"
        "$PY" -m pip install --quiet "${DASHBOARD_REQS[@]}"
    fi
fi

# -- 2. Solara front-end assets -------------------------------------------------------
CACHE_DIR="$(SOLARA_TELEMETRY_MIXPANEL_ENABLE=False "$PY" -c \
    'import solara.server.settings as s; print(s.assets.proxy_cache_dir)')"
mkdir -p "$CACHE_DIR"

# The npm packages (name@exact-version) referenced by the installed Solara's page
# template and server, plus the ones its widgets load lazily through requirejs.
mapfile -t PACKAGES < <("$PY" - <<'PYLIST'
import pathlib
import re

import solara

root = pathlib.Path(solara.__file__).parent
wanted = {
    "@widgetti/solara-vuetify-app",
    "@widgetti/vue-grid-layout",
    "requirejs",
    "font-awesome",
}
found = {}
pattern = re.compile(r"(@?[a-z0-9][\w.-]*(?:/[\w.-]+)?)@(\d+\.\d+\.\d+(?:-[\w.]+)?)")
for path in [*root.glob("server/**/*.py"), *root.glob("server/templates/*"),
             *root.glob("components/*.py"), *root.glob("server/static/*.js")]:
    try:
        text = path.read_text(encoding="utf-8", errors="ignore")
    except (IsADirectoryError, PermissionError):
        continue
    for name, version in pattern.findall(text):
        if name in wanted:
            found.setdefault(name, version)
# Versions known to work with ipyvue<2 when a name is not spelled out in the source.
fallback = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
    "requirejs": "2.3.6",
    "font-awesome": "4.5.0",
}
for name in sorted(wanted):
    print(f"{name}@{found.get(name, fallback[name])}")
PYLIST
)

need_npm=0
for spec in "${PACKAGES[@]}"; do
    [[ -f "$CACHE_DIR/$spec/package.json" ]] || need_npm=1
done
if (( need_npm )); then
    if ! command -v npm >/dev/null 2>&1; then
        echo "setup_dashboard: npm is needed once to fetch Solara's front-end assets" >&2
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
        else
            exit 3
        fi
    fi
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
    for spec in "${PACKAGES[@]}"; do
        dest="$CACHE_DIR/$spec"
        if [[ -f "$dest/package.json" ]]; then
            continue
        fi
        echo "setup_dashboard: caching $spec"
        tarball="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
        mkdir -p "$WORK/x" "$dest.tmp"
        tar -xzf "$WORK/$tarball" -C "$WORK/x"
        cp -a "$WORK/x/package/." "$dest.tmp/"
        rm -rf "$WORK/x" "$WORK/$tarball" "$dest"
        mv "$dest.tmp" "$dest"
    done
fi
echo "setup_dashboard: Solara assets in $CACHE_DIR: ${PACKAGES[*]}"

# -- 3. Chromium for the browser tests -----------------------------------------------
if [[ "${CLSIM_BROWSER_TESTS:-1}" != "0" ]]; then
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
            echo "setup_dashboard: installing Debian chromium + chromium-driver"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
        else
            echo "setup_dashboard: chromium not found and not root; browser tests will skip" >&2
        fi
    fi
fi
