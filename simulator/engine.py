"""The monthly step, once, for one run or for many runs laid side by side.

:class:`Engine` holds what a month needs (the state, the network, the scenario's
parameters, this month's levers, collectives and aggregates, and one random generator a
run) and :meth:`Engine.step` advances it by one month in the order of ``docs/ODD.md``,
section 3. :class:`simulator.model.EducationModel` steps an engine of one run; the
ensemble (:mod:`simulator.ensemble`) steps an engine of many runs of one scenario family
at once, so there is one implementation of the order.

**Many runs in one state.** The runs' arrays are concatenated: agents run by run, their
schools, clusters and districts renumbered after the previous run's, and the tie matrix
is block-diagonal (no tie joins two runs). Every process is a whole-array function whose
value at an agent (a cluster, a district) depends only on that agent's own run, every sum
over a row of the tie matrix adds the same weights in the same order, and every grouped
sum (``np.bincount``) adds the same values in the same order, so each run's arrays after
a month are bit for bit those of the run made alone. What is not per agent is done run by
run: the random draws (each run draws from its own generator, in the order of a run made
alone: ``u_career``, ``u_engage``, ``u_cluster``, then the newcomers of turnover), the
newcomers' attributes, and the state level's support (one value a run,
``simulator.processes.support``).

**What may differ between the runs of one engine.** Anything used only to build a run
(system size, cohorts, placement, tie counts, initial attributes: the arrays may differ
in length), every strategy setting (the levers of each run are computed from its own
scenario each month; where they differ they are handed to the processes as one value an
agent, a cluster or a run, see :data:`AGENT_LEVERS`), the layer weights of the network,
and the dynamics rates listed in :data:`AGENT_DYNAMICS` (per-agent formulas only). The
rest (mechanism switches, the other dynamics rates, the population values the processes
read, the fellowship length and retention, the state level, the months) must be equal:
:func:`step_signature` is what must match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .layout import Layout, build_layout
from .levers import Levers
from .network import SocialNetwork, build_network
from .population import draw_people, initial_state
from .processes.aggregate import Aggregates, neighbour_aggregates
from .processes.careers import advance_careers
from .processes.collectives import Collectives, collective_view, update_collectives
from .processes.development import apply_development
from .processes.engagement import update_engagement
from .processes.inertia import apply_inertia
from .processes.influence import update_beliefs
from .processes.learning import update_learning
from .processes.practice import update_practice
from .processes.support import support_of, update_support
from .processes.ties import layer_exclusions, layer_gates
from .processes.turnover import apply_turnover, leavers, replace_people
from .scenario import Scenario
from .state import CLUSTER_ARRAYS, State
from .strategies import levers_for

__all__ = [
    "AGENT_DYNAMICS",
    "AGENT_LEVERS",
    "CLUSTER_LEVERS",
    "Engine",
    "RunBuild",
    "RunIndex",
    "build_run",
    "step_signature",
]

#: Dynamics rates that enter only per-agent formulas: they may differ between the runs
#: of one engine (they are then handed to the processes as one value an agent).
AGENT_DYNAMICS: tuple[str, ...] = (
    "influence_rate", "engaged_purpose_gain", "purpose_erosion", "evidence_purpose_gain",
    "trust_gain", "trust_decay", "agency_gain", "agency_decay", "threshold_sensitivity",
    "min_support", "engage_probability", "disengage_probability", "burnout", "hysteresis",
    "commitment_level", "practice_gain", "peer_learning_rate", "practice_trust_needed",
    "learning_lag_months", "inertia", "persuasion_ceiling", "coaching_gain",
    "collective_trust_gain", "collective_purpose_gain", "collective_agency_gain",
    "collective_practice_gain", "collective_threshold_relief", "support_threshold_relief",
    "imposed_agency_cost", "data_reflection_bonus",
)

#: Levers read by per-agent formulas (one value an agent when runs differ).
AGENT_LEVERS: tuple[str, ...] = (
    "fellow_coaching", "teacher_coaching", "principal_development", "parent_development",
    "alumni_leadership", "collective_intensity", "collective_with_data", "technical_push",
    "technical_resources",
)
#: Levers read by per-cluster formulas (one value a cluster when runs differ).
CLUSTER_LEVERS: tuple[str, ...] = ("collective_facilitation", "collective_mode")
#: Levers that only set layer gates (one row of gates a run).
GATE_LEVERS: tuple[str, ...] = ("alumni_gatherings", "bridging", "community", "convening_intensity")

#: Population values the monthly processes read (the rest only shape the build and the
#: newcomers of turnover, which each run draws with its own values).
_STEP_POPULATION = (
    "baseline_learning", "baseline_practice", "learning_ceiling",
    "reach_alumni_direct", "reach_alumni_enabler", "reach_alumni_policy",
)


def step_signature(scenario: Scenario, steps: int | None = None) -> tuple:
    """What must be equal for runs to share an engine (see the module docstring)."""
    dyn = scenario.dynamics.model_dump()
    for name in AGENT_DYNAMICS:
        dyn.pop(name, None)
    pop = scenario.population
    return (
        repr(sorted(dyn.items())),
        repr(sorted(scenario.mechanisms.model_dump().items())),
        tuple(getattr(pop, name) for name in _STEP_POPULATION),
        scenario.recruit.fellowship_months,
        scenario.recruit.retention,
        scenario.system.state_officials > 0,
        int(scenario.meta.steps if steps is None else steps),
    )


@dataclass
class RunBuild:
    """One run as built: its scenario, seed, generator, layout, network and initial state."""

    scenario: Scenario
    seed: int
    rng: np.random.Generator
    layout: Layout
    network: SocialNetwork
    state: State

    @property
    def fellow_clusters(self) -> NDArray[np.bool_]:
        """Clusters that receive fellows at some time in the run."""
        lay = self.layout
        out = np.zeros(lay.n_clusters, dtype=bool)
        out[np.unique(lay.fellow_school // lay.schools_per_cluster)] = True
        return out


def build_run(scenario: Scenario, seed: int) -> RunBuild:
    """Build one run: layout, network and initial state from the run's own generator."""
    rng = np.random.default_rng(int(seed))
    layout = build_layout(scenario, rng)
    network = build_network(scenario, layout, rng)
    state = initial_state(scenario, layout, rng)
    return RunBuild(scenario, int(seed), rng, layout, network, state)


@dataclass(frozen=True)
class RunIndex:
    """Whose each agent, cluster and district is, in an engine of several runs.

    Attributes:
        n: number of runs.
        agent, cluster, district: the run of each agent, cluster and district.
        agent_start, cluster_start, district_start, school_start: where each run's
            agents (clusters, districts, schools) begin, with the total at the end.
    """

    n: int
    agent: NDArray[np.int64]
    cluster: NDArray[np.int64]
    district: NDArray[np.int64]
    agent_start: NDArray[np.int64]
    cluster_start: NDArray[np.int64]
    district_start: NDArray[np.int64]
    school_start: NDArray[np.int64]

    @classmethod
    def of(cls, runs: Sequence[RunBuild]) -> RunIndex:
        """The index of runs laid side by side in this order."""
        def starts(sizes: list[int]) -> NDArray[np.int64]:
            return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

        a = starts([r.layout.n_agents for r in runs])
        c = starts([r.layout.n_clusters for r in runs])
        d = starts([r.layout.n_districts for r in runs])
        s = starts([r.layout.n_schools for r in runs])
        ids = np.arange(len(runs))
        return cls(
            len(runs), np.repeat(ids, np.diff(a)), np.repeat(ids, np.diff(c)), np.repeat(ids, np.diff(d)), a, c, d, s
        )


_STATIC_PLACES = ("school", "cluster", "district")


def _shift(values: NDArray, offset: int) -> NDArray:
    """Renumber places after the previous runs' (``-1``, no such place, stays ``-1``)."""
    return np.where(values >= 0, values + offset, values).astype(values.dtype)


def _concat_states(runs: Sequence[RunBuild], index: RunIndex) -> State:
    cols: dict[str, Any] = {}
    for f in fields(State):
        parts = [getattr(r.state, f.name) for r in runs]
        if f.name == "school":
            parts = [_shift(p, int(index.school_start[k])) for k, p in enumerate(parts)]
        elif f.name == "cluster":
            parts = [_shift(p, int(index.cluster_start[k])) for k, p in enumerate(parts)]
        elif f.name == "district":
            parts = [_shift(p, int(index.district_start[k])) for k, p in enumerate(parts)]
        cols[f.name] = np.concatenate(parts)
    state = State(**cols)
    state.runs = index  # read by simulator.processes.support (one state level a run)
    return state


def _concat_networks(runs: Sequence[RunBuild], index: RunIndex, state: State) -> SocialNetwork:
    """The block-diagonal network of the runs (entries keep their order within a row)."""
    nets = [r.network for r in runs]
    n = int(index.agent_start[-1])
    entries = [net.indices.size for net in nets]
    idx_dtype = np.int32 if n < 2**31 - 1 and sum(entries) < 2**31 - 1 else np.int64
    offs = index.agent_start[:-1]
    e_start = np.concatenate([[0], np.cumsum(entries)])
    indptr = np.concatenate(
        [nets[0].indptr[:1].astype(np.int64)]
        + [net.indptr[1:].astype(np.int64) + e_start[k] for k, net in enumerate(nets)]
    )
    coll = sp.block_diag([net.collective for net in nets], format="csr")
    coll.sort_indices()
    return SocialNetwork(
        n=n,
        indptr=indptr.astype(idx_dtype),
        indices=np.concatenate([net.indices.astype(np.int64) + offs[k] for k, net in enumerate(nets)]).astype(idx_dtype),
        layer=np.concatenate([net.layer for net in nets]),
        row=np.concatenate([net.row.astype(np.int64) + offs[k] for k, net in enumerate(nets)]).astype(idx_dtype),
        role=state.role,
        school=state.school,
        cluster=state.cluster,
        district=state.district,
        collective=coll,
        entry_run=np.repeat(np.arange(len(nets), dtype=np.int32), entries),
    )


def _same(values: list[Any]) -> bool:
    first = values[0]
    if isinstance(first, np.ndarray):
        return all(np.array_equal(first, v) for v in values[1:])
    return all(v == first for v in values[1:])


class Engine:
    """The state of one run, or of several runs side by side, and its monthly step.

    Args:
        runs: the built runs (one for a model; several for an ensemble, which must have
            equal :func:`step_signature`).
    """

    def __init__(self, runs: Sequence[RunBuild]):
        if not runs:
            raise ValueError("an engine needs at least one run")
        self.runs = list(runs)
        self.n_runs = len(self.runs)
        first = self.runs[0]
        self.config: Scenario = first.scenario  # the shared step parameters
        if self.n_runs > 1:
            sig = step_signature(first.scenario)
            for r in self.runs[1:]:
                if step_signature(r.scenario) != sig:
                    raise ValueError("runs of one engine must have equal step parameters (step_signature)")
        self.month = 0
        if self.n_runs == 1:
            self.index: RunIndex | None = None
            self.state: State = first.state
            self.network: SocialNetwork = first.network
            self.cluster_district = first.layout.cluster_district
            self.n_schools = first.layout.n_schools
            self.fellow_clusters_of = [first.fellow_clusters]
        else:
            self.index = RunIndex.of(self.runs)
            self.state = _concat_states(self.runs, self.index)
            self.network = _concat_networks(self.runs, self.index, self.state)
            self.cluster_district = np.concatenate(
                [r.layout.cluster_district + int(self.index.district_start[k]) for k, r in enumerate(self.runs)]
            )
            self.n_schools = int(self.index.school_start[-1])
            self.fellow_clusters_of = [r.fellow_clusters for r in self.runs]
            for r in self.runs:  # the run's arrays now live in the engine's state
                r.state = None  # type: ignore[assignment]
        #: where each run's agents, clusters, districts and schools begin (one run too)
        self.places: RunIndex = self.index if self.index is not None else RunIndex.of(self.runs)
        self.has_state_level = first.layout.state_officials.size > 0
        self.dynamics = self._dynamics()
        self.run_levers: list[Levers] = []
        self.levers: Levers = self._levers(0)
        mech, dyn = self.config.mechanisms, self.config.dynamics
        self.collectives: Collectives = collective_view(
            self.state, self.levers, mech, dyn.collective_quorum, None,
            dyn.collective_core if mech.reinforcement else 0.0,
        )
        self.aggregates: Aggregates | None = None
        self._weights_key: tuple | None = None
        self.W: sp.csr_matrix | None = None
        self.W_cross: sp.csr_matrix | None = None
        self.refresh_weights(force=True)
        self.aggregates = self.compute_aggregates()

    # -- parameters of many runs -------------------------------------------------------

    def _dynamics(self) -> Any:
        """The dynamics, with per-agent arrays for the rates that differ between runs."""
        dyn = self.config.dynamics
        if self.n_runs == 1:
            return dyn
        varying = {}
        for name in AGENT_DYNAMICS:
            values = [getattr(r.scenario.dynamics, name) for r in self.runs]
            if not _same(values):
                varying[name] = np.asarray(values, dtype=np.float64)[self.index.agent]
        if not varying:
            return dyn
        return SimpleNamespace(**{**dyn.model_dump(), **varying})

    def _levers(self, month: int) -> Levers:
        """This month's levers of every run, combined into one :class:`Levers`."""
        self.run_levers = [
            levers_for(r.scenario, month, fc) for r, fc in zip(self.runs, self.fellow_clusters_of, strict=True)
        ]
        if self.n_runs == 1:
            return self.run_levers[0]
        combined: dict[str, Any] = {}
        for f in fields(Levers):
            values = [getattr(lv, f.name) for lv in self.run_levers]
            if f.name == "collective_clusters":
                combined[f.name] = np.concatenate(
                    [v if v.size else np.zeros(r.layout.n_clusters, dtype=bool) for v, r in zip(values, self.runs, strict=True)]
                )
            elif _same(values) or f.name in GATE_LEVERS:
                combined[f.name] = values[0]  # gates are read run by run (layer_gates)
            elif f.name in AGENT_LEVERS:
                combined[f.name] = np.asarray(values)[self.index.agent]
            elif f.name in CLUSTER_LEVERS:
                combined[f.name] = np.asarray(values)[self.index.cluster]
            else:  # pragma: no cover - every lever is classified above
                raise ValueError(f"lever {f.name} differs between runs and has no per-run form")
        return Levers(**combined)

    def _levers_key(self) -> tuple:
        return tuple(lv.key() for lv in self.run_levers)

    # -- the network this month --------------------------------------------------------

    def refresh_weights(self, force: bool = False) -> None:
        """Rebuild ``W`` (and its cross-cluster part) when a gate or a membership changed."""
        key = self._levers_key()
        if not (force or key != self._weights_key):
            return
        sc = self.config
        if self.n_runs == 1:
            gates = layer_gates(self.levers, sc.network, sc.mechanisms)
        else:
            rows = [layer_gates(lv, r.scenario.network, sc.mechanisms) for lv, r in zip(self.run_levers, self.runs, strict=True)]
            gates = rows[0] if all(np.array_equal(rows[0], g) for g in rows[1:]) else np.stack(rows)
        self.W = self.network.weights(gates, layer_exclusions(self.state))
        self.W_cross = self.network.cross_cluster(self.W)
        self._weights_key = key

    def compute_aggregates(self) -> Aggregates:
        """This month's neighbour aggregates (one product over the network)."""
        return neighbour_aggregates(
            self.W,
            self.state,
            self.config.population.baseline_learning,
            collective_ties=self.network.collective,
            collective_member=self.collectives.member,
            cluster_quality=self.collectives.cluster_quality,
            cross_cluster=self.W_cross,
            blocks=None if self.index is None else self.index.agent_start,
        )

    # -- one month ---------------------------------------------------------------------

    def _draws(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Each run's uniforms from its own generator, in a run's order, laid side by side."""
        if self.n_runs == 1:
            rng, state = self.runs[0].rng, self.state
            return rng.random(state.n_agents), rng.random(state.n_agents), rng.random(state.n_clusters)
        career, engage, cluster = [], [], []
        for r in self.runs:
            career.append(r.rng.random(r.layout.n_agents))
            engage.append(r.rng.random(r.layout.n_agents))
            cluster.append(r.rng.random(r.layout.n_clusters))
        return np.concatenate(career), np.concatenate(engage), np.concatenate(cluster)

    def _turnover(self, u_career: NDArray[np.float64]) -> NDArray[np.int64]:
        """Newcomers of every run, each drawn from its own generator (indices in the engine)."""
        sc = self.config
        if self.n_runs == 1:
            return apply_turnover(self.state, self.dynamics, sc.population, sc.recruit, u_career, self.runs[0].rng)
        # who leaves: one pass over every run; what newcomers are like: each run's own
        # draws from its own generator, run by run (as each run alone draws them)
        state = self.state
        leaving = leavers(state, sc.dynamics, u_career)
        if leaving.size == 0:
            return leaving
        cut = np.searchsorted(leaving, self.index.agent_start)
        parts: list[dict[str, NDArray[np.float64]]] = []
        for k, r in enumerate(self.runs):
            mine = leaving[cut[k] : cut[k + 1]]
            if mine.size:
                rec = r.scenario.recruit
                parts.append(draw_people(state.role[mine], np.zeros(mine.size, dtype=bool), r.scenario.population,
                                         rec.selection_purpose, rec.selection_capacity, r.rng))
        people = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        replace_people(state, leaving, people, sc.population)
        return leaving

    def step(self) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
        """Advance every run by one month (the order of ``docs/ODD.md``, section 3).

        Returns:
            The agents whose status changed (arrivals, graduations, departures and
            newcomers) and the newcomers (None when turnover is off), for a model that
            keeps Mesa agent objects in step.
        """
        sc, state, month = self.config, self.state, self.month
        dyn, pop, mech = self.dynamics, sc.population, sc.mechanisms
        u_career, u_engage, u_cluster = self._draws()
        changed, graduated = advance_careers(state, month, sc.recruit, pop, u_career)
        newcomers = None
        if mech.turnover:
            newcomers = self._turnover(u_career)
            if newcomers.size:
                changed = np.concatenate([changed, newcomers])
        self.levers = self._levers(month)
        self.collectives = update_collectives(
            state, self.aggregates, self.levers, dyn, mech, self.cluster_district, u_cluster
        )
        self.refresh_weights(force=graduated)
        agg = self.compute_aggregates()
        # institutional support changes only in the last process: read it once
        support = support_of(state) if mech.institutional_support else None
        update_beliefs(state, agg, self.collectives, dyn, mech, pop.baseline_learning, support)
        apply_development(state, self.levers, dyn, self.n_schools, pop.baseline_practice)
        update_engagement(state, agg, self.collectives, dyn, mech, u_engage, support)
        update_practice(state, agg, self.collectives, self.levers, dyn, mech, pop.baseline_practice, pop.baseline_learning)
        update_learning(state, self.levers, pop, dyn)
        apply_inertia(state, dyn, mech, pop, support)
        update_support(state, dyn, mech, self.has_state_level)
        self.aggregates = agg
        self.month += 1
        return changed, newcomers

    # -- one run's view ----------------------------------------------------------------

    def run_state(self, k: int, places: str = "run") -> State:
        """Run ``k``'s arrays as a :class:`State` of views into the engine's arrays.

        Args:
            k: the run.
            places: ``"run"`` numbers schools, clusters and districts as the run made
                alone does (for indicators); ``"engine"`` keeps the engine's numbering.
        """
        if self.n_runs == 1:
            return self.state
        ix = self.index
        a, b = int(ix.agent_start[k]), int(ix.agent_start[k + 1])
        c0, c1 = int(ix.cluster_start[k]), int(ix.cluster_start[k + 1])
        d0, d1 = int(ix.district_start[k]), int(ix.district_start[k + 1])
        lay = self.runs[k].layout
        cols: dict[str, Any] = {}
        for f in fields(State):
            arr = getattr(self.state, f.name)
            if f.name in CLUSTER_ARRAYS:
                cols[f.name] = arr[c0:c1]
            elif f.name == "support":
                cols[f.name] = arr[d0:d1]
            elif f.name == "state_support":
                cols[f.name] = arr[k : k + 1]
            elif f.name in _STATIC_PLACES and places == "run":
                cols[f.name] = getattr(lay, f.name)
            else:
                cols[f.name] = arr[a:b]
        return State(**cols)

    def run_aggregates(self, k: int) -> Aggregates:
        """Run ``k``'s neighbour aggregates (views)."""
        if self.n_runs == 1:
            return self.aggregates
        a, b = int(self.index.agent_start[k]), int(self.index.agent_start[k + 1])
        agg = self.aggregates
        return Aggregates(**{f.name: getattr(agg, f.name)[a:b] for f in fields(Aggregates)})

    def run_collectives(self, k: int) -> Collectives:
        """Run ``k``'s view of the month's collectives (views)."""
        if self.n_runs == 1:
            return self.collectives
        ix = self.index
        a, b = int(ix.agent_start[k]), int(ix.agent_start[k + 1])
        c0, c1 = int(ix.cluster_start[k]), int(ix.cluster_start[k + 1])
        col = self.collectives
        per_cluster = ("cluster_on", "cluster_quality")
        return Collectives(
            **{f.name: getattr(col, f.name)[c0:c1] if f.name in per_cluster else getattr(col, f.name)[a:b]
               for f in fields(Collectives)}
        )
