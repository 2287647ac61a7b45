"""Check that a Python environment holds exactly the versions of a lock file.

Run it with the environment's own interpreter::

    .venv/bin/python scripts/check_lock.py requirements/lock-py3.11.txt

Every ``name==version`` entry of the lock whose environment marker applies to this
interpreter must be installed at that version; a missing or different package is listed
and the exit code is 1. Used by ``scripts/setup.sh`` after installing and by
``tests/test_install.py`` on a fresh clone.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

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


def main(argv: list[str]) -> int:
    """Compare; print the differences; 0 when every locked entry matches."""
    if len(argv) != 1:
        print("usage: check_lock.py LOCK_FILE", file=sys.stderr)
        return 2
    lock_path = Path(argv[0])
    want, have = locked(lock_path), installed()
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
