"""One clear error type for bad sweep input and for sweep runs that cannot go on.

Messages follow :class:`simulator.scenario.ScenarioError`: the file, the key path, what
was expected and what was found, so a user can fix a sweep file without a traceback.
"""

from __future__ import annotations

from simulator.scenario.errors import Problem

__all__ = ["SweepError", "Problem"]


class SweepError(ValueError):
    """A sweep specification, results directory or run is unusable; names where and why."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        """The message shown to the user (no traceback)."""
        head = f"invalid sweep {self.source}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0].render()}"
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        return f"{head}: {len(self.problems)} problems\n{lines}"
