"""One clear error type for bad scenario input.

Every message names the file, the key path, what was expected and what was found,
in the style of scikit-learn's parameter validation, so a strategy analyst can fix a
file without reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ScenarioError", "Problem"]


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
