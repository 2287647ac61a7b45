"""The effective schedule of every strategy, and where each of its years came from.

A strategy's ``start_year``/``end_year`` is, in this order: set in the scenario file, set
in a file it ``extends:`` (a parent can silently shape the answer: ``comprehensive.yaml``
ends its support at year 10), taken from the programme-wide ``programme:`` schedule, or
the strategy's default. :func:`explain_schedules` lists all of them for
``clsim validate --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..scenario import Scenario, load_scenario
from ..scenario.schema import SCHEDULE_SECTIONS, Schedule

__all__ = ["ScheduleLine", "effective_schedules", "explain_schedules", "extends_chain"]

_NAMES = {
    "recruit": "Recruit fellows",
    "develop": "Develop (coaching, leadership)",
    "connect": "Connect (alumni, bridging, community)",
    "convene.collectives": "Teacher collectives",
    "convene.convenings": "Cross-stakeholder convenings",
    "technical": "Technical programme",
}


@dataclass(frozen=True)
class ScheduleLine:
    """One strategy's effective schedule.

    Attributes:
        path: the section's dotted key (``convene.collectives``).
        name: a human name of the strategy.
        start_year, end_year: the years it runs (end exclusive).
        start_from, end_from: where each year came from, in words.
        active: whether the strategy does anything at all (non-zero intensity).
    """

    path: str
    name: str
    start_year: float
    end_year: float
    start_from: str
    end_from: str
    active: bool

    def window(self, steps: int) -> str:
        """``years 0 to 8 (months 0-95)``, clipped to the run, or ``never runs``."""
        last = steps / 12.0
        start, end = self.start_year, min(self.end_year, last)
        if end <= start:
            return "never runs in this scenario"
        tail = " (to the end of the run)" if self.end_year >= last else ""
        return f"years {start:g} to {end:g}{tail}"


def _section(scenario: Scenario, path: str) -> Schedule:
    node: Any = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return node


def _is_active(scenario: Scenario, path: str) -> bool:
    s = scenario
    if path == "recruit":
        return s.recruit.cohort_size > 0
    if path == "develop":
        d = s.develop
        return any(
            v > 0
            for v in (
                d.fellow_coaching,
                d.teacher_coaching,
                d.principal_development,
                d.parent_development,
                d.alumni_leadership,
            )
        )
    if path == "connect":
        c = s.connect
        return c.alumni_gatherings_per_year > 0 or c.bridging > 0 or c.community > 0
    if path == "convene.collectives":
        c = s.convene.collectives
        return c.mode != "none" and c.meetings_per_year > 0
    if path == "convene.convenings":
        return s.convene.convenings.per_year > 0
    if path == "technical":
        return s.technical.practice_push > 0 or s.technical.resources > 0
    return True


def extends_chain(path: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """The scenario file and every file it extends, child first, as raw mappings.

    Call after :func:`load_scenario` has accepted the file (it checks sizes, cycles and
    the schema), so reading the raw mappings again is safe.
    """
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: Path | None = Path(path).resolve()
    seen: set[Path] = set()
    while current is not None and current not in seen:
        seen.add(current)
        data = yaml.safe_load(current.read_text(encoding="utf-8")) or {}
        chain.append((current, data))
        parent = data.get("extends")
        current = (current.parent / parent).resolve() if isinstance(parent, str) else None
    return chain


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def effective_schedules(scenario: Scenario, path: str | Path | None = None) -> list[ScheduleLine]:
    """Every strategy's schedule after ``extends:``, the programme and the defaults.

    Args:
        scenario: the loaded scenario.
        path: its file, to name the file that set each year (optional).
    """
    chain = extends_chain(path) if path is not None else []
    cwd = Path.cwd()

    def shown(file: Path) -> str:
        try:
            return str(file.relative_to(cwd))
        except ValueError:
            return str(file)

    def origin(section: str, key: str, source: str) -> str:
        if source == "default":
            return "the strategy's default"
        if source == "programme":
            where = next(
                (f for f, d in chain if _lookup(d, f"programme.{key}") is not None), None
            )
            return f"programme.{key}" + (f" in {shown(where)}" if where else "")
        where = next((f for f, d in chain if _lookup(d, f"{section}.{key}") is not None), None)
        if where is None:
            return "the scenario"
        if chain and where != chain[0][0]:
            return f"inherited from {shown(where)}"
        return f"set in {shown(where)}"

    lines = []
    for section in SCHEDULE_SECTIONS:
        sched = _section(scenario, section)
        sources = sched.sources
        lines.append(
            ScheduleLine(
                path=section,
                name=_NAMES.get(section, section),
                start_year=float(sched.start_year),
                end_year=float(sched.end_year),
                start_from=origin(section, "start_year", sources["start_year"]),
                end_from=origin(section, "end_year", sources["end_year"]),
                active=_is_active(scenario, section),
            )
        )
    return lines


def explain_schedules(path: str | Path) -> tuple[Scenario, list[ScheduleLine]]:
    """Load a scenario file and return it with its effective schedules."""
    scenario = load_scenario(path)
    return scenario, effective_schedules(scenario, path)
