"""Check that a Python environment holds exactly the versions of a lock file.

Run it with the environment's own interpreter::

    .venv/bin/python scripts/check_lock.py requirements/lock-py3.11.txt

Every ``name==version`` entry of the lock whose environment marker applies to this
interpreter must be installed at that version; a missing or different package is listed
and the exit code is 1. It also checks that the lock is not stale: every requirement of
``pyproject.toml`` (dependencies and the dev and dashboard extras) must be satisfied by
the locked set; a dependency added after the last ``bash scripts/lock.sh`` fails here,
at set-up, rather than as an ImportError later. Used by ``scripts/setup.sh`` after
installing and by ``tests/test_install.py`` on a fresh clone.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
EXTRAS = ("dev", "dashboard")

ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")


def locked(path: Path) -> dict[str, str]:
    """The ``{canonical name: version}`` entries of a lock that apply to this interpreter."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = ENTRY.match(line)
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Marker(marker).evaluate():
            continue
        out[canonicalize_name(name)] = version
    return out


def installed() -> dict[str, str]:
    """The ``{canonical name: version}`` of every distribution in this environment."""
    return {canonicalize_name(d.metadata["Name"]): d.version for d in md.distributions()}


def stale(want: dict[str, str]) -> list[str]:
    """Requirements of pyproject.toml that the locked versions do not satisfy."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for extra in EXTRAS:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    out = []
    for req in map(Requirement, reqs):
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        version = want.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            out.append(f"  {req}: locked {version or 'nothing'}")
    return out


def main(argv: list[str]) -> int:
    """Compare; print the differences; 0 when every locked entry matches."""
    if len(argv) != 1:
        print("usage: check_lock.py LOCK_FILE", file=sys.stderr)
        return 2
    lock_path = Path(argv[0])
    want, have = locked(lock_path), installed()
    old = stale(want)
    if old:
        print(f"check_lock: {lock_path} is stale; run bash scripts/lock.sh:", file=sys.stderr)
        print("\n".join(old), file=sys.stderr)
        return 1
    bad = [
        f"  {name}: locked {version}, installed {have.get(name, 'nothing')}"
        for name, version in sorted(want.items())
        if have.get(name) != version
    ]
    if bad:
        print(f"check_lock: {len(bad)} package(s) differ from {lock_path}:", file=sys.stderr)
        print("\n".join(bad), file=sys.stderr)
        return 1
    print(f"check_lock: {len(want)} packages match {lock_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
