"""One clear error type for bad scenario input.

Every message names the file, the key path, what was expected and what was found,
in the style of scikit-learn's parameter validation, so a strategy analyst can fix a
file without reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

__all__ = ["ScenarioError", "Problem", "problems_from_validation", "describe_value"]


def describe_value(value: Any) -> str:
    """A short ``repr`` of a value with its type, for "found ..." in messages."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into key path / expected / found problems."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        expected = err["msg"]
        if err["type"] == "extra_forbidden":
            expected = "a known key (unknown keys are rejected)"
        elif expected.startswith("Value error, "):
            expected = expected.removeprefix("Value error, ")
        else:
            expected = expected[0].lower() + expected[1:]
            expected = expected.removeprefix("input should be ")
            if expected.startswith(("greater", "less")):
                expected = "a value " + expected
        found = "missing" if err["type"] == "missing" else describe_value(err.get("input"))
        problems.append(Problem(loc, expected, found))
    return problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, what was expected, what was found."""

    key: str
    expected: str
    found: str

    def render(self) -> str:
        """Human-readable line."""
        return f"{self.key}: expected {self.expected}; found {self.found}"


class ScenarioError(ValueError):
    """A scenario file (or override) is malformed; carries the file and the problems."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        """The message shown to the user (no traceback)."""
        head = f"invalid scenario {self.source}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0].render()}"
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        return f"{head}: {len(self.problems)} problems\n{lines}"
