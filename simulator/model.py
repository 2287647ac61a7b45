"""The education-system model: a ``mesa.Model`` over the vectorised core.

Build it like any Mesa model, from keyword arguments with defaults plus a seed::

    EducationModel(seed=1)                                   # the default scenario
    EducationModel(scenario=load_scenario("scenarios/ancash.yaml"), seed=1)
    EducationModel(seed=1, recruit__cohort_size=40)          # dotted keys as a__b

The scenario loader, the sweep runner and the dashboard all construct it this way. One
``step()`` is one month; the processes run in the order documented in
``simulator.processes`` and ``docs/ODD.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np

from ._compat import mesa_model_kwargs
from .agents import AGENT_CLASSES, EducationAgent
from .engine import Engine, build_run
from .indicators import INDICATORS, school_means
from .layout import Layout
from .monthly_indicators import run_indicators
from .network import SocialNetwork
from .roles import Role
from .scenario import Scenario, load_scenario

__all__ = ["EducationModel"]


class EducationModel(mesa.Model):
    """Schools, clusters and districts of people with purpose, trust and agency.

    Args:
        scenario: a :class:`Scenario`, a path to a scenario file, or None for defaults.
        seed: the run's seed; every random draw (network included) derives from it.
        agents: create Mesa agent objects (turn off for the largest headless runs; the
            arrays and results are identical either way).
        collect: collect indicators every month into ``datacollector``.
        **params: overrides as ``section__key=value`` (``recruit__cohort_size=40``).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
        collect: bool = True,
        **params: Any,
    ):
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        super().__init__(**mesa_model_kwargs(seed))
        self.seed = int(seed)
        if scenario is None:
            scenario = Scenario()
        elif not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if params:
            scenario = scenario.with_overrides({k.replace("__", "."): v for k, v in params.items()})
        self.config: Scenario = scenario  # not `scenario`: Mesa 3.5 owns that name
        # the monthly step lives in simulator.engine (shared with the ensemble of runs)
        run = build_run(scenario, self.seed)
        self.engine = Engine([run])
        self.layout: Layout = run.layout
        self.network: SocialNetwork = run.network
        self._fellow_clusters = self.engine.fellow_clusters_of[0]
        self._has_state_level = self.engine.has_state_level

        self.use_agents = agents
        self.agent_of: dict[int, EducationAgent] = {}
        if agents:
            for i in np.flatnonzero(self.state.active):
                self._make_agent(int(i))

        self.school_learning: list[np.ndarray] = []
        self.collect = collect
        self._current: dict[str, Any] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in INDICATORS}
        )
        if collect:
            self._collect()

    # -- agents ---------------------------------------------------------------------

    def _make_agent(self, index: int) -> None:
        cls = AGENT_CLASSES[int(self.state.role[index])]
        self.agent_of[index] = cls(self, index)

    def _sync_agents(self, changed: np.ndarray, renewed: np.ndarray | None = None) -> None:
        """Create agents for arrivals and newcomers, swap fellows who graduated, remove leavers.

        A newcomer who takes a local slot is a new person, so a new Mesa agent.
        """
        state = self.state
        renewed_set = set(map(int, renewed)) if renewed is not None else set()
        for index in map(int, np.unique(changed)):
            agent = self.agent_of.get(index)
            if agent is not None and (
                not state.active[index] or agent.role != state.role[index] or index in renewed_set
            ):
                agent.remove()
                del self.agent_of[index]
                agent = None
            if agent is None and state.active[index]:
                self._make_agent(index)

    # -- dynamics -------------------------------------------------------------------

    # The engine's current values, under the names the model has always had.
    rng_sim = property(lambda self: self.engine.runs[0].rng, doc="The run's generator.")
    month = property(lambda self: self.engine.month, doc="Months simulated.")
    state = property(
        lambda self: self.engine.state,
        lambda self, value: setattr(self.engine, "state", value),
        doc="The state arrays (:class:`simulator.state.State`).",
    )
    levers = property(lambda self: self.engine.levers, doc="This month's levers.")
    collectives = property(lambda self: self.engine.collectives, doc="This month's collectives.")
    aggregates = property(lambda self: self.engine.aggregates, doc="This month's neighbour aggregates.")
    W = property(lambda self: self.engine.W, doc="The gated tie-weight matrix.")
    W_cross = property(lambda self: self.engine.W_cross, doc="``W`` over ties between clusters.")

    def step(self) -> None:
        """Advance the system by one month (the order of ``docs/ODD.md``, section 3)."""
        changed, newcomers = self.engine.step()
        if changed.size and self.use_agents:
            self._sync_agents(changed, renewed=newcomers)
        if self.collect:
            self._collect()

    def run(self, steps: int | None = None) -> None:
        """Run ``steps`` months (default: the scenario's ``meta.steps``)."""
        for _ in range(self.config.meta.steps if steps is None else steps):
            self.step()

    # -- indicators -----------------------------------------------------------------

    def indicators(self) -> dict[str, Any]:
        """Indicators of the current state (see :data:`simulator.indicators.INDICATORS`).

        Compiled (:func:`simulator.monthly_indicators.run_indicators`); the values and types are
        those of :func:`simulator.indicators.compute_indicators`, to the last bit.
        """
        return run_indicators(self.engine)[0]

    def learning_by_school(self) -> np.ndarray:
        """Mean learning of each school's active classrooms (NaN where none)."""
        state = self.state
        return school_means(state, state.active & state.has_classroom, self.layout.n_schools)

    def _collect(self) -> None:
        self._current, school_mean = run_indicators(self.engine)
        self.datacollector.collect(self)
        self.school_learning.append(school_mean)

    def role_counts(self) -> dict[str, int]:
        """Active agents by role."""
        return {r.name.lower(): int((self.state.active & (self.state.role == r)).sum()) for r in Role}


def _reporter(name: str) -> Any:
    """A model reporter (a plain function, as Mesa's DataCollector expects) for one indicator."""

    def report(model: EducationModel) -> Any:
        return model._current[name]

    report.__name__ = name
    return report
