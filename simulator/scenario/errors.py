"""One clear error type for bad scenario input.

Every message names the file, the key path, what was expected and what was found,
in the style of scikit-learn's parameter validation, so a strategy analyst can fix a
file without reading a traceback.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

__all__ = ["ScenarioError", "Problem", "problems_from_validation", "describe_value"]


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 2
_SHORT.maxdict = _SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = 4
_SHORT.maxstring = _SHORT.maxother = 60


def describe_value(value: Any) -> str:
    """A short, bounded description of a value with its type, for "found ..." in messages.

    Never the full ``repr``: a value loaded from YAML may be huge (a long list, a deep
    mapping) and a message must cost nothing to build. :mod:`reprlib` stops after a few
    items and two levels; an integer too long to print is described by its size.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        text = f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    else:
        text = _SHORT.repr(value)
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
        if err["type"] == "missing":
            found = "missing"
        elif "; found " in expected:
            # a validator's own message already says what it found
            expected, _, found = expected.partition("; found ")
        else:
            found = describe_value(err.get("input"))
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
