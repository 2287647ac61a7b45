"""The model pyabc calls, and the distance it minimises.

:class:`CalibrationModel` maps one parameter set to the statistic of every target: for
each scenario of the targets file it applies the scenario's own overrides, then the
parameter set (global keys, and the nuisance inputs of that scenario), runs it
``replicates`` times through :func:`simulator.runner.run_scenario` and averages each
target's statistic over the runs. The runs' seeds derive from the evaluation's
simulation seed (:func:`simulator.calibration.sampler.current_simulation_seed`), one
``SeedSequence`` child per scenario and replicate, so the same evaluation always gives
the same statistics.

**Early rejection.** Inside the sampler an evaluation knows its generation's tolerance
(:func:`simulator.calibration.sampler.current_tolerance`). Scenarios run in the targets
file's order; once a scenario's targets include one whose score is above the tolerance,
the proposal is rejected whatever the rest give (the distance is their largest score), so
the remaining scenarios are not run and their statistics are NaN. Each scenario's runs
have their own seeds whatever ran before, so accepted proposals get exactly the
statistics of a full evaluation and the posterior does not change; only rejected ones
are cut short. Listing the scenario whose targets are missed most often first saves most.

:class:`TargetDistance` is the largest target score (``Target.score``: deviation in units
of the stated uncertainty; 0 for a satisfied constraint, above 1 for a violated one), a
Chebyshev (max) norm. A distance of at most 1 therefore means *every* quantitative target
lies within its stated uncertainty and every qualitative constraint holds; ABC-SMC
shrinks the tolerance towards 1 (``minimum_epsilon``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyabc.distance import Distance

from .priors import PriorSet
from .statistics import compute
from .targets import TargetsFile

__all__ = ["CalibrationModel", "TargetDistance", "run_seeds_for", "NAN_SCORE", "observed"]

#: Distance given to a statistic that could not be computed (NaN): far outside any target.
NAN_SCORE = 1e3


def run_seeds_for(sim_seed: int, n_scenarios: int, replicates: int) -> list[list[int]]:
    """Run seeds ``[scenario][replicate]`` derived from one evaluation's simulation seed."""
    children = np.random.SeedSequence(int(sim_seed)).spawn(n_scenarios)
    return [
        [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in child.spawn(replicates)]
        for child in children
    ]


def observed(targets: TargetsFile) -> dict[str, float]:
    """The 'observed' statistics handed to pyabc: each target's centre value."""
    return {name: t.centre for name, t in targets.targets.items()}


@dataclass
class CalibrationModel:
    """Parameters in, the statistic of every target out (picklable; pyabc's model).

    Attributes:
        targets: the targets file.
        priors: the priors (which keys a parameter set sets, and where).
        scenarios: the loaded base scenarios by targets-file name (overrides applied).
        seed: a fixed simulation seed (for posterior predictive runs outside the
            sampler); None reads the evaluation's seed from the sampler.
    """

    targets: TargetsFile
    priors: PriorSet
    scenarios: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self) -> None:
        if not self.scenarios:
            self.scenarios = load_scenarios(self.targets)

    def statistics(
        self, params: Mapping[str, float], sim_seed: int, tolerance: float = math.inf
    ) -> dict[str, float]:
        """The statistic of every target for one parameter set and simulation seed.

        With a finite ``tolerance``, stops after the first scenario with a target scored
        above it; the targets of the scenarios not run are NaN (see the module's note).
        """
        from simulator.runner import run_scenario

        names = list(self.targets.scenarios)
        seeds = run_seeds_for(
            sim_seed, len(names), max(e.replicates for e in self.targets.scenarios.values())
        )
        values: dict[str, list[float]] = {t: [] for t in self.targets.targets}
        for i, name in enumerate(names):
            entry = self.targets.scenarios[name]
            scenario = self.scenarios[name].with_overrides(
                self.priors.overrides_for(name, dict(params)), source=f"calibration:{name}"
            )
            mine = [(tn, t) for tn, t in self.targets.targets.items() if t.scenario == name]
            for rep in range(entry.replicates):
                run = run_scenario(scenario, seed=seeds[i][rep], steps=entry.steps)
                for tn, t in mine:
                    values[tn].append(compute(t.statistic.name, run, dict(t.statistic.args)))
            if math.isfinite(tolerance) and any(
                _score(t, _mean(values[tn])) > tolerance for tn, t in mine
            ):
                break
        return {tn: _mean(v) for tn, v in values.items()}

    def __call__(self, params: Mapping[str, float]) -> dict[str, float]:
        """The entry point pyabc calls; seed and tolerance come from the seeded sampler."""
        from .sampler import current_simulation_seed, current_tolerance

        if self.seed is not None:
            return self.statistics(params, self.seed)
        return self.statistics(params, current_simulation_seed(), current_tolerance())


def _mean(values: list[float]) -> float:
    """Mean over a target's runs; NaN if any run's statistic is NaN or none ran."""
    if not values or any(math.isnan(x) for x in values):
        return float("nan")
    return float(np.mean(values))


def _score(target: Any, value: float) -> float:
    """A target's score as the distance counts it (NaN: far outside)."""
    score = target.score(value)
    return NAN_SCORE if not math.isfinite(score) else score


def load_scenarios(targets: TargetsFile) -> dict[str, Any]:
    """Every scenario of a targets file, loaded, with its own overrides applied."""
    from simulator.scenario import load_scenario

    out = {}
    for name, entry in targets.scenarios.items():
        base = load_scenario(targets.scenario_path(name))
        out[name] = base.with_overrides(dict(entry.overrides), source=f"{targets.source}:scenarios.{name}")
    return out


class TargetDistance(Distance):
    """Largest target score: at most 1 exactly when every target is met."""

    def __init__(self, targets: TargetsFile):
        super().__init__()
        self.targets = targets

    def scores(self, x: Mapping[str, float]) -> dict[str, float]:
        """Each target's score for statistics ``x``."""
        return {name: _score(target, float(x[name])) for name, target in self.targets.targets.items()}

    def __call__(
        self,
        x: dict,
        x_0: dict,  # noqa: ARG002 - the targets carry values, ranges and constraints
        t: int | None = None,  # noqa: ARG002
        par: dict | None = None,  # noqa: ARG002
    ) -> float:
        """The Chebyshev distance of ``x`` to the targets."""
        return float(max(self.scores(x).values()))

    def get_config(self) -> dict:
        """Shown in pyabc's history."""
        return {"name": "TargetDistance", "targets": sorted(self.targets.targets)}
