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
import scipy.sparse as sp

from ._compat import mesa_model_kwargs
from .agents import AGENT_CLASSES, EducationAgent
from .indicators import INDICATORS, compute_indicators, school_means
from .layout import Layout, build_layout
from .levers import Levers
from .network import SocialNetwork, build_network
from .population import initial_state
from .processes.aggregate import Aggregates, neighbour_aggregates
from .processes.careers import advance_careers
from .processes.collectives import Collectives, collective_view, update_collectives
from .processes.development import apply_development
from .processes.engagement import update_engagement
from .processes.inertia import apply_inertia
from .processes.influence import update_beliefs
from .processes.learning import update_learning
from .processes.practice import update_practice
from .processes.support import update_support
from .processes.ties import layer_gates, layer_membership
from .processes.turnover import apply_turnover
from .roles import Role
from .scenario import Scenario, load_scenario
from .state import State
from .strategies import levers_for

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
        self.month = 0
        self.rng_sim = np.random.default_rng(self.seed)

        self.layout: Layout = build_layout(scenario, self.rng_sim)
        self.network: SocialNetwork = build_network(scenario, self.layout, self.rng_sim)
        self.state: State = initial_state(scenario, self.layout, self.rng_sim)
        self._fellow_clusters = np.zeros(self.layout.n_clusters, dtype=bool)
        self._fellow_clusters[np.unique(self.layout.fellow_school // self.layout.schools_per_cluster)] = True
        self._has_state_level = self.layout.state_officials.size > 0
        self._weights_key: tuple | None = None
        self.W: sp.csr_matrix | None = None
        self.levers: Levers = levers_for(scenario, 0, self._fellow_clusters)
        self.collectives: Collectives = collective_view(
            self.state, self.levers, scenario.mechanisms, scenario.dynamics.collective_quorum, None,
            scenario.dynamics.collective_core if scenario.mechanisms.reinforcement else 0.0,
        )
        self.aggregates: Aggregates | None = None
        self._refresh_weights(force=True)
        self.aggregates = self._aggregates()

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

    def _refresh_weights(self, force: bool = False) -> None:
        key = self.levers.key()
        if force or key != self._weights_key:
            gates = layer_gates(self.levers, self.config.network, self.config.mechanisms)
            self.W = self.network.weights(gates, layer_membership(self.state))
            self.W_cross = self.network.cross_cluster(self.W)
            self._weights_key = key

    def _aggregates(self) -> Aggregates:
        return neighbour_aggregates(
            self.W,
            self.state,
            self.config.population.baseline_learning,
            collective_ties=self.network.collective,
            collective_member=self.collectives.member,
            cluster_quality=self.collectives.cluster_quality,
            cross_cluster=self.W_cross,
        )

    def step(self) -> None:
        """Advance the system by one month (the order of ``docs/ODD.md``, section 3)."""
        sc, state, month = self.config, self.state, self.month
        dyn, pop, mech = sc.dynamics, sc.population, sc.mechanisms
        u_career = self.rng_sim.random(state.n_agents)
        u_engage = self.rng_sim.random(state.n_agents)
        u_cluster = self.rng_sim.random(state.n_clusters)
        changed, graduated = advance_careers(state, month, sc.recruit, pop, u_career)
        if mech.turnover:
            newcomers = apply_turnover(state, dyn, pop, sc.recruit, u_career, self.rng_sim)
            if newcomers.size:
                changed = np.concatenate([changed, newcomers])
        if changed.size and self.use_agents:
            self._sync_agents(changed, renewed=newcomers if mech.turnover else None)
        self.levers = levers_for(sc, month, self._fellow_clusters)
        self.collectives = update_collectives(
            state, self.aggregates, self.levers, dyn, mech, self.layout.cluster_district, u_cluster
        )
        self._refresh_weights(force=graduated)
        agg = self._aggregates()
        update_beliefs(state, agg, self.collectives, dyn, mech, pop.baseline_learning)
        apply_development(state, self.levers, dyn, self.layout.n_schools, pop.baseline_practice)
        update_engagement(state, agg, self.collectives, dyn, mech, u_engage)
        update_practice(state, agg, self.collectives, self.levers, dyn, mech, pop.baseline_practice, pop.baseline_learning)
        update_learning(state, self.levers, pop, dyn)
        apply_inertia(state, dyn, mech, pop)
        update_support(state, dyn, mech, self._has_state_level)
        self.aggregates = agg
        self.month += 1
        if self.collect:
            self._collect()

    def run(self, steps: int | None = None) -> None:
        """Run ``steps`` months (default: the scenario's ``meta.steps``)."""
        for _ in range(self.config.meta.steps if steps is None else steps):
            self.step()

    # -- indicators -----------------------------------------------------------------

    def indicators(self) -> dict[str, Any]:
        """Indicators of the current state (see :data:`simulator.indicators.INDICATORS`)."""
        sc = self.config
        return compute_indicators(
            self.state,
            self.aggregates,
            self.collectives,
            self.levers,
            month=self.month,
            baseline_practice=sc.population.baseline_practice,
            students_per_classroom=sc.system.students_per_classroom,
            n_clusters=self.layout.n_clusters,
            n_schools=self.layout.n_schools,
        )

    def learning_by_school(self) -> np.ndarray:
        """Mean learning of each school's active classrooms (NaN where none)."""
        state = self.state
        return school_means(state, state.active & state.has_classroom, self.layout.n_schools)

    def _collect(self) -> None:
        self._current = self.indicators()
        self.datacollector.collect(self)
        self.school_learning.append(self.learning_by_school().astype(np.float32))

    def role_counts(self) -> dict[str, int]:
        """Active agents by role."""
        return {r.name.lower(): int((self.state.active & (self.state.role == r)).sum()) for r in Role}


def _reporter(name: str) -> Any:
    """A model reporter (a plain function, as Mesa's DataCollector expects) for one indicator."""

    def report(model: EducationModel) -> Any:
        return model._current[name]

    report.__name__ = name
    return report
