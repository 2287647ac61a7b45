"""How big a run of a scenario is, estimated from the schema before anything is built.

The schema allows systems (2,000 districts x 500 clusters x 200 schools ...) that no
machine can hold; without a guard such a run allocates until the operating system kills
it. :func:`estimate` counts the agents and ties a scenario implies, with the same
arithmetic as the layout and the network (a few multiplications, no arrays), and turns
them into an estimate of the peak memory of one run:

    bytes = BASE + PER_AGENT * agents + PER_TIE * ties + PER_SCHOOL_MONTH * schools * months

The coefficients were fitted to the peak resident memory of real runs
(``benchmarks/size_guard.py`` measures them again and prints estimate against measured;
the figures are in ``docs/install_and_errors.md``). :func:`check_fits` refuses a run
whose estimate is above the memory available now, or above the cap set by
``CLSIM_MEMORY_LIMIT`` (for example ``8G``, ``500M``), with a :class:`SizeError` that
gives the estimate and how to proceed. Parallel runs multiply: a sweep checks the
estimate of its largest point times its worker count.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MEMORY_LIMIT_ENV",
    "LimitSettingError",
    "RunSize",
    "SizeError",
    "available_memory",
    "check_fits",
    "estimate",
    "format_bytes",
    "memory_limit",
]

#: Environment variable with a memory cap for one command (``8G``, ``1.5GiB``, ``500M``).
MEMORY_LIMIT_ENV = "CLSIM_MEMORY_LIMIT"

# Fitted coefficients (bytes); see benchmarks/size_guard.py and docs/install_and_errors.md.
BASE = 175e6
PER_AGENT = 200.0
PER_TIE = 100.0
PER_SCHOOL_MONTH = 90.0


@dataclass(frozen=True)
class RunSize:
    """Estimated size of one run."""

    agents: int
    ties: int
    schools: int
    months: int
    bytes: float

    def describe(self) -> str:
        """One line: agents, ties, months and the memory estimate."""
        return (
            f"{self.agents:,} agents, ~{self.ties:,} ties, {self.schools:,} schools x "
            f"{self.months:,} months: about {format_bytes(self.bytes)} per run"
        )


class SizeError(ValueError):
    """A run (or a set of parallel runs) estimated to need more memory than allowed."""

    def __init__(self, source: str, size: RunSize, allowed: float, why: str, parallel: int = 1):
        self.source = source
        self.size = size
        self.allowed = allowed
        self.why = why
        self.parallel = parallel
        super().__init__(self.render())

    def render(self) -> str:
        """The message shown to the user (no traceback)."""
        need = self.size.bytes * self.parallel
        times = f" x {self.parallel} parallel runs = {format_bytes(need)}" if self.parallel > 1 else ""
        steps = [
            "a smaller system (system.districts, clusters_per_district, schools_per_cluster, "
            "teachers_per_school, parents_per_school) or a smaller recruit.cohort_size",
            "fewer months (meta.steps or --steps)",
        ]
        if self.parallel > 1:
            steps.insert(0, f"fewer parallel runs (--workers {max(1, int(self.allowed // self.size.bytes))})")
        steps.append(
            f"or, if the estimate is too cautious for this machine, raise the cap: "
            f"{MEMORY_LIMIT_ENV}={format_bytes(need * 1.1, unit_only=True)}"
        )
        return (
            f"too large to run: {self.source}: {self.size.describe()}{times}; "
            f"{self.why} is {format_bytes(self.allowed)}. To proceed: " + "; ".join(steps)
        )


class LimitSettingError(ValueError):
    """:data:`MEMORY_LIMIT_ENV` is set to something that is not a size."""

    def render(self) -> str:
        """The message shown to the user."""
        return str(self)


def format_bytes(n: float, unit_only: bool = False) -> str:
    """``1.2 GiB``; with ``unit_only`` a value for :data:`MEMORY_LIMIT_ENV` (``1.3G``)."""
    for unit, scale in (("T", 2**40), ("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if n >= scale:
            value = n / scale
            if unit_only:
                return f"{math.ceil(value * 10) / 10:g}{unit}"
            return f"{value:.1f} {unit}iB" if value < 100 else f"{value:,.0f} {unit}iB"
    return f"{int(n)}" if unit_only else f"{int(n)} B"


def _cohorts(rec: Any, steps: int) -> int:
    """Cohorts of fellows (one a year inside the recruitment window), as the layout counts."""
    if rec.cohort_size == 0:
        return 0
    first = math.ceil(rec.start_year * 12 - 1e-9)
    last_by_window = math.ceil(rec.end_year * 12 - 1e-9)  # months m with m/12 < end_year
    end = min(steps, last_by_window)
    return 0 if end <= first else (end - first + 11) // 12


def estimate(scenario: Any, steps: int | None = None) -> RunSize:
    """Agents, ties and peak memory of one run of ``scenario`` for ``steps`` months.

    Args:
        scenario: a validated :class:`~simulator.scenario.Scenario`.
        steps: months (default: ``meta.steps``).
    """
    months = int(scenario.meta.steps if steps is None else steps)
    s, net, rec = scenario.system, scenario.network, scenario.recruit
    districts = s.districts
    clusters = districts * s.clusters_per_district
    schools = clusters * s.schools_per_cluster
    T, P = s.teachers_per_school, s.parents_per_school
    fellows = rec.cohort_size * _cohorts(rec, months)
    cluster_officials = clusters * s.officials_per_cluster
    district_officials = districts * s.officials_per_district
    state_officials = s.state_officials
    agents = schools * (1 + T + P) + cluster_officials + district_officials + state_officials + fellows
    ties = (
        schools * (T + 1) * T // 2  # school clique
        + fellows * (T + 1 + 1)  # fellows to staff and co-placed fellows
        + (schools * T + fellows) * net.cluster_ties_per_teacher
        + schools * (net.principal_ties + net.principal_cross_cluster_ties)
        + schools * P * (net.parent_ties + 2)
        + cluster_officials * s.schools_per_cluster
        + cluster_officials * net.official_peer_ties
        + district_officials * (s.clusters_per_district * s.officials_per_cluster + s.officials_per_district + 1)
        + state_officials * state_officials // 2
        + fellows * (net.alumni_ties_per_fellow + net.bridging_ties_per_alumnus + 1 + 3 + 3)
        + schools * T * net.collective_ties_per_teacher
    )
    size = BASE + PER_AGENT * agents + PER_TIE * ties + PER_SCHOOL_MONTH * schools * (months + 1)
    return RunSize(int(agents), int(ties), int(schools), months, float(size))


def available_memory() -> float | None:
    """Memory available to a new process now (bytes), or None when it cannot be read."""
    try:
        import psutil

        return float(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil missing or unsupported platform
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def memory_limit() -> float | None:
    """The cap of :data:`MEMORY_LIMIT_ENV` in bytes (None when unset).

    Raises:
        LimitSettingError: the variable is set but is not a size such as ``8G``.
    """
    raw = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if not raw:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgtKMGT]?)(?:i?[bB])?", raw)
    if not m:
        raise LimitSettingError(
            f"{MEMORY_LIMIT_ENV} must be a size such as 8G, 1.5GiB or 500M; found {raw[:40]!r}"
        )
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def check_fits(scenario: Any, steps: int | None = None, source: str = "scenario", parallel: int = 1) -> RunSize:
    """Refuse a run whose estimate exceeds the cap or the memory available now.

    Args:
        scenario: the scenario (the largest point, for a sweep).
        steps: months (default ``meta.steps``).
        source: the file, for the message.
        parallel: runs that will hold memory at the same time (workers).

    Returns:
        The estimate, when it fits.

    Raises:
        SizeError: it does not fit; the message gives the estimate and how to proceed.
    """
    size = estimate(scenario, steps)
    need = size.bytes * max(1, parallel)
    cap = memory_limit()
    if cap is not None and need > cap:
        raise SizeError(source, size, cap, f"the cap {MEMORY_LIMIT_ENV}", parallel)
    if cap is None:
        avail = available_memory()
        if avail is not None and need > avail:
            raise SizeError(source, size, avail, "the memory available now", parallel)
    return size


#: Scenario keys that change the size of a run (the largest value is checked).
SIZE_KEYS = (
    "meta.steps",
    "system.districts",
    "system.clusters_per_district",
    "system.schools_per_cluster",
    "system.teachers_per_school",
    "system.parents_per_school",
    "system.officials_per_cluster",
    "system.officials_per_district",
    "recruit.cohort_size",
    "recruit.start_year",
    "recruit.end_year",
    "network.cluster_ties_per_teacher",
    "network.principal_ties",
    "network.parent_ties",
    "network.alumni_ties_per_fellow",
    "network.bridging_ties_per_alumnus",
    "network.collective_ties_per_teacher",
)


def largest(scenario: Any, varied: dict[str, list[Any]]) -> Any:
    """The scenario with every varied size key at its largest value (an upper bound).

    ``recruit.start_year`` is set to its smallest value (more cohorts). A combination the
    schema refuses falls back to the base scenario.
    """
    overrides: dict[str, Any] = {}
    for key, values in varied.items():
        dotted = key.replace("__", ".")
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if dotted in SIZE_KEYS and numbers:
            overrides[dotted] = min(numbers) if dotted == "recruit.start_year" else max(numbers)
    if not overrides:
        return scenario
    try:
        return scenario.with_overrides(overrides)
    except ValueError:
        return scenario
