"""Load scenario files: safe YAML, ``extends:`` inheritance, schema validation.

``load_scenario(path)`` reads a YAML mapping with ``yaml.safe_load``, follows an optional
``extends: other.yaml`` (relative to the file, recursively, cycles rejected), deep-merges
the child over its parent, and validates the result against
:class:`simulator.scenario.schema.ScenarioModel`. Any problem raises
:class:`ScenarioError` naming the file, the key path, what was expected and what was
found.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

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
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
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


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a nested dict into a :class:`Scenario`, or raise :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, problems_from_validation(exc)) from None


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("(file)", "an existing file", "no such file")]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [Problem("(file)", "a readable UTF-8 text file", str(exc))]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(str(path), [Problem(where, "valid YAML", problem)]) from None
    if data is None:
        raise ScenarioError(str(path), [Problem("(top level)", "a mapping of scenario sections", "an empty file")])
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path), [Problem("(top level)", "a mapping of scenario sections", describe_value(data))]
        )
    return data


def _resolve(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(str(seen[-1]), [Problem("extends", "no cycle of extends", chain)])
    data = _read_mapping(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str):
        raise ScenarioError(str(path), [Problem("extends", "a path to another scenario file", describe_value(parent_ref))])
    parent_path = (path.parent / parent_ref)
    if not parent_path.is_file():
        raise ScenarioError(
            str(path), [Problem("extends", "an existing scenario file", f"{parent_ref!r} (no such file)")]
        )
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
