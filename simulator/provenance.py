"""Where a result came from: code version, environment, command line, scenario and seeds.

Every output of clsim (a run folder, a sweep manifest, a study's ``analysis.json``, a
comparison) carries one provenance record built here, so that a reader can rebuild it:

* the clsim version and, when the code runs from a git checkout, the commit and whether
  the working tree had uncommitted changes (``dirty``); an installed wheel has no
  checkout, and says so (``git: null``);
* the versions of every key dependency (Mesa, numpy, scipy, pandas, pyarrow, networkx,
  pydantic, SALib, matplotlib, dask, diptest, prim, scikit-learn), the Python version
  and implementation, and the platform;
* the command line (``sys.argv``) and the working directory;
* when given: the scenario's content hash and name, and the seeds.

Git is asked through ``git`` itself (``rev-parse``, ``status --porcelain``) with a short
timeout; no git library is needed, and a machine without git simply records ``null``.
The environment part is computed once per process (:func:`environment`); the git part is
read once too, since a process does not change its own code.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_DEPENDENCIES",
    "PROVENANCE_VERSION",
    "environment",
    "git_state",
    "dependency_versions",
    "provenance",
    "summarise",
]

#: Version of the provenance record's layout.
PROVENANCE_VERSION = 1

#: Distributions whose versions every output records (distribution names on the index).
KEY_DEPENDENCIES: tuple[str, ...] = (
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "networkx",
    "pydantic",
    "SALib",
    "matplotlib",
    "dask",
    "diptest",
    "prim",
    "scikit-learn",
)


def dependency_versions(names: Iterable[str] = KEY_DEPENDENCIES) -> dict[str, str | None]:
    """Installed version of each distribution (``None`` when it is not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@cache
def git_state(start: str | None = None) -> dict[str, Any] | None:
    """Commit, branch and dirty flag of the checkout holding the clsim code, if any.

    Args:
        start: directory to look from (default: the ``simulator`` package's directory).

    Returns:
        ``{"commit", "branch", "dirty", "root"}``, or ``None`` when the code is not in a
        git checkout (an installed wheel) or git is unavailable.
    """
    where = Path(start) if start is not None else Path(__file__).resolve().parent
    root = _git(["rev-parse", "--show-toplevel"], where)
    if not root:
        return None
    # Only a checkout that actually holds this package counts (not a parent repository
    # that happens to contain a virtual environment with clsim installed in it).
    package = Path(__file__).resolve().parent
    try:
        package.relative_to(Path(root).resolve())
    except ValueError:
        return None
    tracked = _git(["ls-files", "--error-unmatch", str(package / "__init__.py")], Path(root))
    if tracked is None:
        return None
    commit = _git(["rev-parse", "HEAD"], Path(root))
    branch = _git(["rev-parse", "--abbrev-ref", "HEAD"], Path(root))
    # Dirty: any tracked file changed, or an untracked file inside the package (a new
    # module changes behaviour; untracked results folders elsewhere do not).
    status = _git(["status", "--porcelain", "--untracked-files=no"], Path(root))
    untracked = _git(
        ["ls-files", "--others", "--exclude-standard", "--", str(package)], Path(root)
    )
    dirty = None if status is None else bool(status) or bool(untracked)
    return {
        "commit": commit,
        "branch": branch,
        "dirty": dirty,
        "root": root,
    }


@cache
def environment() -> dict[str, Any]:
    """The code and environment part of a provenance record (cached per process)."""
    from . import __version__

    return {
        "clsim_version": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "dependencies": dependency_versions(),
    }


def provenance(
    *,
    scenario: Any = None,
    scenario_path: str | Path | None = None,
    seeds: Iterable[int] | None = None,
    master_seed: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A full provenance record for one output.

    Args:
        scenario: a :class:`simulator.scenario.Scenario` (its name and content hash are
            recorded), or None.
        scenario_path: the scenario file the user gave, or None.
        seeds: the run seeds used (all of them; a sweep records its master seed instead).
        master_seed: the master seed every run seed derives from.
        extra: further fields (kept under their own names).

    Returns:
        A JSON-ready dict: ``provenance_version``, ``created``, the :func:`environment`
        fields, ``command``, ``cwd``, and the scenario and seed fields that were given.
    """
    record: dict[str, Any] = {
        "provenance_version": PROVENANCE_VERSION,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        **environment(),
        "command": list(sys.argv),
        "cwd": os.getcwd(),
    }
    if scenario is not None:
        record["scenario_name"] = getattr(getattr(scenario, "meta", None), "name", None)
        record["scenario_hash"] = scenario.content_hash()
    if scenario_path is not None:
        record["scenario"] = str(scenario_path)
    if master_seed is not None:
        record["master_seed"] = int(master_seed)
    if seeds is not None:
        record["seeds"] = [int(s) for s in seeds]
    if extra:
        record.update(dict(extra))
    return record


def summarise(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Label/value pairs of a provenance record, in reading order, for reports and terminals."""
    git = record.get("git")
    if git:
        code = f"{str(git.get('commit') or '?')[:12]} on {git.get('branch') or '?'}"
        code += " (uncommitted changes)" if git.get("dirty") else " (clean)"
    elif "git" in record:
        code = "not a git checkout (installed package)"
    else:
        code = "not recorded"
    deps = record.get("dependencies") or {}
    dep_text = ", ".join(f"{k} {v}" for k, v in deps.items() if v) or "not recorded"
    pairs = [
        ("clsim version", str(record.get("clsim_version", record.get("package_version", "?")))),
        ("code", code),
        ("Python", f"{record.get('python', '?')} ({record.get('python_implementation', '?')})"),
        ("platform", str(record.get("platform", "?"))),
        ("dependencies", dep_text),
        ("command", " ".join(record.get("command") or []) or "not recorded"),
    ]
    if record.get("scenario"):
        pairs.append(("scenario file", str(record["scenario"])))
    if record.get("scenario_name"):
        pairs.append(("scenario name", str(record["scenario_name"])))
    if record.get("scenario_hash"):
        pairs.append(("scenario content hash", str(record["scenario_hash"])))
    if record.get("master_seed") is not None:
        pairs.append(("master seed", str(record["master_seed"])))
    if record.get("seeds"):
        seeds = [str(s) for s in record["seeds"]]
        shown = ", ".join(seeds[:8]) + (f", ... ({len(seeds)} in all)" if len(seeds) > 8 else "")
        pairs.append(("seeds", shown))
    if record.get("created"):
        pairs.append(("written", str(record["created"])))
    return pairs


def _main() -> None:  # pragma: no cover - a convenience for humans
    from .jsonio import dumps

    sys.stdout.write(dumps(provenance(), indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    _main()
