"""A fresh clone installs exactly the locked versions (issue 12).

Clones this repository into a temporary folder, runs the set-up that both README
commands start with (``bash scripts/setup.sh``, as ``scripts/quickstart.sh`` and
``scripts/test.sh`` call it), and compares every installed distribution with
``requirements/lock-py<X.Y>.txt``: same names, same versions. Slow (a full install from
the pip cache, about a minute when the cache is warm), so marked ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .bad_input import ROOT

pytestmark = pytest.mark.slow


def _locked(lock: Path, python: Path) -> dict[str, str]:
    """The lock's entries that apply to ``python``, evaluated by that interpreter."""
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "import check_lock\n"
        f"print(json.dumps(check_lock.locked(__import__('pathlib').Path({str(lock)!r}))))\n"
    )
    return json.loads(subprocess.check_output([str(python), "-c", code], text=True))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_fresh_clone_installs_the_locked_versions(tmp_path):
    clone = tmp_path / "clsim"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {**os.environ, "CLSIM_BROWSER_TESTS": "0"}
    env.pop("CLSIM_UNLOCKED", None)
    setup = subprocess.run(
        ["bash", "scripts/setup.sh", sys.executable, ".venv"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    python = clone / ".venv" / "bin" / "python"
    line = f"{sys.version_info[0]}.{sys.version_info[1]}"
    lock = clone / "requirements" / f"lock-py{line}.txt"
    want = _locked(lock, python)
    freeze = subprocess.check_output(
        [str(python), "-m", "pip", "list", "--format=json", "--exclude-editable"], text=True
    )
    have = {p["name"].lower().replace("_", "-").replace(".", "-"): p["version"] for p in json.loads(freeze)}
    assert {k: have.get(k) for k in want} == want
    extra = sorted(set(have) - set(want))
    assert not extra, f"installed but not in the lock: {extra}"
    version = subprocess.run([str(clone / ".venv" / "bin" / "clsim"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("clsim ")
