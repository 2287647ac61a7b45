"""Load scenario files: safe YAML, ``extends:`` inheritance, schema validation.

``load_scenario(path)`` reads a YAML mapping with the bounded safe loader of
:mod:`simulator.scenario.bounded_yaml` (size, nesting, alias expansion and duplicate
keys limited), follows an optional
``extends: other.yaml`` (relative to the file, recursively, cycles rejected), deep-merges
the child over its parent, and validates the result against
:class:`simulator.scenario.schema.ScenarioModel`. Any problem raises
:class:`ScenarioError` naming the file, the key path, what was expected and what was
found.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import jsonio
from .bounded_yaml import YAMLFileError, read_yaml
from .errors import Problem, ScenarioError, describe_value, problems_from_validation
from .schema import ScenarioModel

__all__ = ["Scenario", "load_scenario", "scenario_from_dict", "deep_merge"]


class Scenario(ScenarioModel):
    """A validated scenario with helpers for overrides, hashing and export."""

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every parameter (defaults included)."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of every parameter: same content, same hash."""
        canonical = jsonio.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """Return a new scenario with dotted keys (``"recruit.cohort_size"``) replaced.

        Raises:
            ScenarioError: an unknown key or a value out of range, named by its dotted path.
        """
        data = self.to_dict()
        for dotted, value in overrides.items():
            keys = dotted.replace("__", ".").split(".")
            node = data
            for i, key in enumerate(keys[:-1]):
                if not isinstance(node.get(key), dict):
                    raise ScenarioError(
                        source,
                        [Problem(".".join(keys[: i + 1]), "a known scenario section", repr(dotted))],
                    )
                node = node[key]
            if keys[-1] not in node:
                raise ScenarioError(source, [Problem(dotted, "a known scenario key", "unknown key")])
            node[keys[-1]] = value
        return scenario_from_dict(data, source)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``; nested mappings merge, the rest replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


#: Keys users put at the top level that belong elsewhere, with where they go.
_MISPLACED = {
    "steps": "'steps' under 'meta:' (meta.steps, months to simulate), or --steps on the command line",
    "seed": "no seed in a scenario file: give --seed (run) or --master-seed (studies) on the command line",
    "name": "'name' under 'meta:' (meta.name)",
    "description": "'description' under 'meta:' (meta.description)",
    "cohort_size": "'cohort_size' under 'recruit:' (recruit.cohort_size)",
    "districts": "'districts' under 'system:' (system.districts)",
}


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a nested dict into a :class:`Scenario`, or raise :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_with_hint(p) for p in problems_from_validation(exc)]
        raise ScenarioError(source, problems) from None


def _with_hint(problem: Problem) -> Problem:
    """An unknown top-level key that belongs elsewhere says where it goes."""
    if problem.key in _MISPLACED and problem.expected.startswith("a known key"):
        return Problem(
            problem.key,
            f"{_MISPLACED[problem.key]}, not at the top level",
            problem.found,
        )
    return problem


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path, "scenario file")
    except YAMLFileError as exc:
        raise ScenarioError(str(path), [exc.problem]) from None
    if data is None:
        raise ScenarioError(str(path), [Problem("(top level)", "a mapping of scenario sections", "an empty file")])
    if not isinstance(data, dict):
        # the type only: the content of a file that is not a scenario (say /etc/passwd)
        # is not repeated back
        kind = {str: "text", list: "a list"}.get(type(data), type(data).__name__)
        raise ScenarioError(
            str(path),
            [Problem("(top level)", "a mapping of scenario sections (key: value lines)", f"{kind}, not a mapping")],
        )
    return data


def _resolve(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    shown_path = path if not seen else path.resolve()  # the top file as the user spelled it
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(str(seen[-1]), [Problem("extends", "no cycle of extends", chain)])
    data = _read_mapping(shown_path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str):
        raise ScenarioError(str(shown_path), [Problem("extends", "a path to another scenario file", describe_value(parent_ref))])
    shown = describe_value(parent_ref).rsplit(" (", 1)[0]
    parent_path = path.parent / parent_ref
    if parent_path.suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError(
            str(shown_path), [Problem("extends", "a scenario file ending in .yaml or .yml", shown)]
        )
    if parent_path.is_dir():
        raise ScenarioError(str(shown_path), [Problem("extends", "a scenario file", f"{shown} (a folder)")])
    if not parent_path.exists():
        raise ScenarioError(str(shown_path), [Problem("extends", "an existing scenario file", f"{shown} (no such file)")])
    parent = _resolve(parent_path, (*seen, path))
    return deep_merge(parent, data)


def load_scenario(path: str | Path) -> Scenario:
    """Load, merge (``extends``) and validate a scenario file.

    Args:
        path: a YAML file.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: the file is missing, not YAML, not a mapping, extends a missing or
            cyclic parent, or fails the schema.
    """
    path = Path(path)
    data = _resolve(path, ())
    return scenario_from_dict(data, str(path))
