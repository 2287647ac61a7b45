"""Many runs in one vectorised state: the ensemble engine behind sweeps and studies.

At the size of a workshop or a district (a few thousand agents) a month of one run is a
few hundred numpy calls on small arrays, so Python's cost per call, not arithmetic,
decides the time. :func:`run_ensemble` lays many runs side by side in one
:class:`simulator.engine.Engine` (agents concatenated, a block-diagonal tie matrix, one
random generator a run) so each call does the work of all of them, and returns one
:class:`simulator.runner.RunResult` a run, equal bit for bit to what
:func:`simulator.runner.run_scenario` returns for that run alone (``tests/test_ensemble.py``
checks it, scenario by scenario and under resume).

Runs may share an engine when their :func:`simulator.engine.step_signature` is equal:
replicates, and any lever that only shapes the build (cohort size, placement, system
size, tie counts, initial attributes) or is a strategy intensity or a per-agent
dynamics rate. :func:`plan_batches` groups a list of runs accordingly, keeping the input
order within a group, and cuts each group into batches whose memory estimate
(:mod:`simulator.scenario.size`) fits the budget; :func:`auto_batch_size` is the batch
size the sweep executors use.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .engine import Engine, build_run, step_signature
from .indicators import INDICATORS, school_means
from .scenario import Scenario
from .scenario.size import BASE, available_memory, estimate, memory_limit

__all__ = ["run_ensemble", "plan_batches", "auto_batch_size", "MAX_BATCH", "MAX_BATCH_AGENTS"]

#: Most runs in one batch.
MAX_BATCH = 64
#: Most agent slots in one batch: beyond this a batch's arrays leave the processor's
#: caches and a larger batch is no faster (``benchmarks/run_all.py`` measures it).
MAX_BATCH_AGENTS = 64_000
#: Share of the memory budget one process's batch may take.
MEMORY_SHARE = 0.5


def _budget(workers: int) -> float:
    cap = memory_limit()
    avail = cap if cap is not None else available_memory()
    if avail is None:
        avail = 2.0 * 2**30
    return MEMORY_SHARE * avail / max(1, workers)


def auto_batch_size(scenario: Scenario, steps: int | None = None, workers: int = 1) -> int:
    """Runs of ``scenario`` to put in one batch: as many as the memory estimate allows.

    The estimate of a batch is the fixed cost of a process once plus the rest of the
    estimate of one run (:func:`simulator.scenario.size.estimate`) for every run; the
    budget is half the memory available now (or ``CLSIM_MEMORY_LIMIT``) shared by the
    ``workers``, and a batch also stops at :data:`MAX_BATCH` runs and
    :data:`MAX_BATCH_AGENTS` agent slots.
    """
    size = estimate(scenario, steps)
    per_run = max(1.0, size.bytes - BASE)
    by_memory = int((_budget(workers) - BASE) // per_run)
    by_agents = MAX_BATCH_AGENTS // max(1, size.agents)
    return int(max(1, min(MAX_BATCH, by_memory, by_agents)))


def plan_batches(
    scenarios: Sequence[Scenario], steps: int | None = None, batch_size: int | None = None, workers: int = 1
) -> list[list[int]]:
    """Group runs (by position) into batches that can share an engine.

    Runs with equal step signatures go together, in input order; a batch is closed when
    it reaches ``batch_size`` runs (default: :func:`auto_batch_size` of its first run) or
    its agents reach :data:`MAX_BATCH_AGENTS`.
    """
    groups: dict[tuple, list[int]] = {}
    for k, sc in enumerate(scenarios):
        groups.setdefault(step_signature(sc, steps), []).append(k)
    batches: list[list[int]] = []
    for members in groups.values():
        limit = batch_size or auto_batch_size(scenarios[members[0]], steps, workers)
        current: list[int] = []
        agents = 0
        for k in members:
            n = estimate(scenarios[k], steps).agents
            if current and (len(current) >= limit or agents + n > max(MAX_BATCH_AGENTS, n)):
                batches.append(current)
                current, agents = [], 0
            current.append(k)
            agents += n
        if current:
            batches.append(current)
    return batches


def _f64(x: np.ndarray) -> np.ndarray:
    """A contiguous float64 array (a 0/1 mask's sum as floats is its count, exactly)."""
    return np.ascontiguousarray(x, dtype=np.float64)


def _segment_means(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Each segment's ``values[b_k:b_(k+1)].mean()`` (0 when empty), as NumPy adds it."""
    from .processes.kernels import segment_means

    out = np.empty(bounds.size - 1)
    segment_means(_f64(values), np.asarray(bounds, dtype=np.int64), out)
    return out


#: The indicators' masks, in the rows :func:`simulator.processes.kernels.indicator_columns`
#: writes (then one a role, in code order).
_MASKS = ("act", "holders", "teachers", "staff", "leaders", "holders_engaged")
#: Values the kernel derives, in its rows; the others are state or aggregate arrays.
_DERIVED = ("engaged", "leader_purpose", "reflect", "feedback", "innovation", "shift")
_STATE_VALUES = ("learning", "practice", "purpose", "trust", "agency", "reach", "capacity", "rootedness")


def _indicator_pairs() -> dict[str, tuple[str, str]]:
    """Each per-agent mean indicator as (mask, value) (``simulator.indicators.compute_indicators``)."""
    from .roles import ROLE_NAMES

    pairs: dict[str, tuple[str, str]] = {
        "learning_mean": ("holders", "learning"), "learning_teachers": ("teachers", "learning"),
        "practice_mean": ("holders", "practice"), "engaged_share": ("act", "engaged"),
        "purpose_mean": ("act", "purpose"), "trust_mean": ("act", "trust"), "agency_mean": ("act", "agency"),
    }
    for name in ROLE_NAMES.values():
        for what in ("engaged", "purpose", "trust", "agency"):
            pairs[f"{what}_{name}"] = (name, what)
    pairs.update({
        "lp_paradigms": ("act", "leader_purpose"), "lp_mindsets": ("staff", "purpose"),
        "lp_reflection": ("holders", "reflect"), "lp_feedback": ("holders", "feedback"),
        "lp_innovation": ("holders", "innovation"), "lp_practices": ("holders", "shift"),
        "cm_reach": ("leaders", "reach"), "cm_strength": ("leaders", "capacity"),
        "cm_orientation": ("leaders", "purpose"), "cm_representation": ("leaders", "rootedness"),
        "cm_network": ("leaders", "network"), "educators_engaged": ("staff", "engaged"),
    })
    return pairs


@functools.cache
def _indicator_plan() -> SimpleNamespace:
    """What :func:`_batch_indicators` computes, as names and index arrays (built once)."""
    from .roles import ROLE_NAMES

    if list(ROLE_NAMES) != list(range(len(ROLE_NAMES))):  # pragma: no cover - the kernel's role rows are the codes
        raise RuntimeError("role codes must run from 0 without gaps")
    pairs = _indicator_pairs()
    mask_names = list(_MASKS) + list(ROLE_NAMES.values())
    value_names = list(_STATE_VALUES) + ["network"] + list(_DERIVED)
    return SimpleNamespace(
        pairs=list(pairs), mask_names=mask_names, value_names=value_names,
        pair_mask=np.array([mask_names.index(m) for m, _ in pairs.values()], dtype=np.int64),
        pair_value=np.array([value_names.index(v) for _, v in pairs.values()], dtype=np.int64),
    )


def _group_mean(table: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """Each run's mean of a few indicators, as ``np.mean`` of the run's list of them is.

    NumPy adds fewer than eight values one by one, in order, and divides by their count;
    so does this, a whole array (a value a run) at a time.
    """
    total = table[names[0]]
    for name in names[1:]:
        total = total + table[name]
    return total / len(names)


def _batch_indicators(engine: Engine) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every run's indicators of this month (one array a name, a value a run) and all school means.

    The same values, to the last bit, as :func:`simulator.indicators.compute_indicators` on
    each run alone (``tests/test_ensemble.py`` compares whole monthly tables): every
    agent's masks and derived values are one compiled pass
    (:func:`simulator.processes.kernels.indicator_columns`), the per-agent means one
    compiled call for all runs and masks (:func:`simulator.processes.kernels.masked_means`:
    each run's masked values in slot order, added as NumPy's pairwise sum), the
    per-cluster and per-district means are segment means, and the spread of school
    learning is NumPy's ``nanstd`` a run (:func:`simulator.processes.kernels.segment_nanstd`).
    """
    from .indicators import LEADER_PURPOSE, LEVERAGE_GROUPS, SCALE_REFERENCE
    from .processes.kernels import indicator_columns, masked_means, segment_nanstd
    from .state import CollectiveOrigin

    plan = _indicator_plan()
    state, ix = engine.state, engine.places
    agg, col = engine.aggregates, engine.collectives
    n_runs, n = engine.n_runs, state.n_agents
    masks = np.empty((len(plan.mask_names), n), dtype=bool)
    derived = np.empty((len(_DERIVED), n))
    baseline_practice = engine.config.population.baseline_practice  # equal in a batch
    indicator_columns(
        state.active, state.role, state.has_classroom, state.engaged, state.purpose, state.trust, state.practice,
        col.with_data, col.ownership, col.member, float(LEADER_PURPOSE), float(baseline_practice), masks, derived,
    )
    values = tuple(_f64(getattr(state, v)) for v in _STATE_VALUES) + (_f64(agg.engaged_share),) + tuple(derived)
    largest = int(np.diff(ix.agent_start).max())
    means = np.empty((n_runs, len(plan.pairs)))
    counts = np.empty((n_runs, len(plan.mask_names)), dtype=np.int64)
    masked_means(values, tuple(masks), plan.pair_mask, plan.pair_value, np.asarray(ix.agent_start, dtype=np.uint64),
                 np.empty(largest, dtype=np.uint64), np.empty(largest), means, counts)
    cols = dict(zip(plan.pairs, means.T, strict=True))
    count = dict(zip(plan.mask_names, counts.T, strict=True))
    holders = masks[1]

    n_clusters = np.diff(ix.cluster_start)
    on = state.collective_on
    on_bounds = np.concatenate([[0], np.cumsum(on, dtype=np.int64)])[ix.cluster_start]
    on_count = np.diff(on_bounds)
    on_share = _segment_means(on, ix.cluster_start)
    self_share = _segment_means(on & (state.collective_origin == int(CollectiveOrigin.SELF)), ix.cluster_start)
    mandated_share = _segment_means(on & (state.collective_origin == int(CollectiveOrigin.MANDATED)), ix.cluster_start)
    ownership = _segment_means(state.ownership[on], on_bounds)
    maturity = _segment_means(state.maturity[on], on_bounds)
    support = _segment_means(state.support, ix.district_start)
    has_support = np.diff(ix.district_start) > 0
    school_mean = school_means(state, holders, engine.n_schools)
    school_sd = np.empty(n_runs)
    segment_nanstd(_f64(school_mean), np.asarray(ix.school_start, dtype=np.int64),
                   np.empty(int(np.diff(ix.school_start).max())), school_sd)
    levers = np.array([float(lv.technical_resources) for lv in engine.run_levers])

    table: dict[str, np.ndarray] = {name: cols[name] for name in plan.pairs}
    table["lp_goals"] = np.where(has_support, support, 0.0)
    table["lp_agency"] = cols["agency_mean"]
    table["lp_trust"] = cols["trust_mean"]
    table["lp_collaboration"] = cols["engaged_share"]
    table["lp_infrastructure"] = np.where(n_clusters > 0, on_share, 0.0)
    table["lp_resources"] = levers
    for group, names in LEVERAGE_GROUPS.items():
        table[f"leverage_{group}"] = _group_mean(table, names)
    n_act = count["act"]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_act > 0, count["leaders"] / n_act / SCALE_REFERENCE, 0.0)
    table["cm_scale"] = np.minimum(1.0, scale)
    dims = ("cm_reach", "cm_strength", "cm_orientation", "cm_representation", "cm_network")
    table["critical_mass_index"] = table["cm_scale"] * _group_mean(table, dims)
    table["collectives_share"] = table["lp_infrastructure"]
    table["collectives_self"] = np.where(n_clusters > 0, self_share, 0.0)
    table["collectives_mandated"] = np.where(n_clusters > 0, mandated_share, 0.0)
    table["collective_ownership"] = np.where(on_count > 0, ownership, 0.0)
    table["collective_maturity"] = np.where(on_count > 0, maturity, 0.0)
    table["support_mean"] = table["lp_goals"]
    table["state_support"] = np.asarray(state.state_support[:n_runs], dtype=np.float64)
    table["learning_school_sd"] = school_sd
    table["fellows_active"] = count["fellow"]
    table["alumni_active"] = count["alumnus"]
    table["leaders_active"] = count["fellow"] + count["alumnus"]
    table["leaders_per_school"] = table["leaders_active"] / np.array([max(1, r.layout.n_schools) for r in engine.runs])
    table["students_engaged"] = count["holders_engaged"] * np.array(
        [r.scenario.system.students_per_classroom for r in engine.runs], dtype=np.int64
    )
    table["month"] = np.full(n_runs, engine.month, dtype=np.int64)
    return table, school_mean.astype(np.float32)


def run_indicators(engine: Engine) -> tuple[dict[str, Any], np.ndarray]:
    """The indicators of an engine of one run and its school means, compiled.

    The same keys (in :data:`INDICATORS` order), values to the last bit and types
    (``int`` counts, ``float`` means) as :func:`simulator.indicators.compute_indicators`,
    which stays the readable statement and the oracle (``tests/test_ensemble.py``); about
    a fifth of the cost of its few dozen masked NumPy means at a workshop's size.
    """
    table, school_mean = _batch_indicators(engine)
    row = {name: (int(table[name][0]) if table[name].dtype.kind in "iu" else float(table[name][0]))
           for name in INDICATORS}
    return row, school_mean


class _History:
    """The monthly indicators of every run of an engine, gathered month by month.

    One run alone is recorded as :meth:`EducationModel._collect` records it (a dict a
    month, :func:`run_indicators`); a batch as one array a name and month over its runs
    (:func:`_batch_indicators`), cut into runs at the end.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.rows: list[dict[str, Any]] = []
        self.schools: list[np.ndarray] = []
        self.columns: list[dict[str, np.ndarray]] = []
        self._stacked: dict[str, np.ndarray] | None = None

    def record(self) -> None:
        """Add this month."""
        if self.engine.n_runs == 1:
            row, school_mean = run_indicators(self.engine)
            self.rows.append(row)
            self.schools.append(school_mean)
            return
        table, school_mean = _batch_indicators(self.engine)
        self.columns.append(table)
        self.schools.append(school_mean)

    def run(self, k: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Run ``k``'s monthly table (columns as :data:`INDICATORS`) and its school learning by month."""
        if self.engine.n_runs == 1:
            return pd.DataFrame({name: [row[name] for row in self.rows] for name in INDICATORS}), np.stack(self.schools)
        if self._stacked is None:  # months x runs, once
            self._stacked = {name: np.stack([c[name] for c in self.columns]) for name in INDICATORS}
            self._stacked["_schools"] = np.stack(self.schools)
        ix = self.engine.index
        ts = pd.DataFrame({name: self._stacked[name][:, k] for name in INDICATORS})
        return ts, self._stacked["_schools"][:, int(ix.school_start[k]):int(ix.school_start[k + 1])]


def run_ensemble(
    scenarios: Sequence[Scenario], seeds: Sequence[int], steps: int | None = None
) -> list[Any]:
    """Run several runs in one engine; one :class:`~simulator.runner.RunResult` a run.

    Args:
        scenarios: each run's scenario (equal step signatures; see :func:`plan_batches`).
        seeds: each run's seed.
        steps: months (default: the scenarios' ``meta.steps``, which must then be equal).

    Raises:
        ValueError: the runs cannot share an engine.
    """
    from .runner import RunResult, programme_ratio, provenance, summarize

    if len(scenarios) != len(seeds) or not scenarios:
        raise ValueError("give one seed for each scenario (and at least one run)")
    n_steps = int(scenarios[0].meta.steps if steps is None else steps)
    runs = [build_run(sc, seed) for sc, seed in zip(scenarios, seeds, strict=True)]
    engine = Engine(runs)
    history = _History(engine)
    history.record()
    for _ in range(n_steps):
        engine.step()
        history.record()
    results = []
    for k, run in enumerate(runs):
        sc, lay = run.scenario, run.layout
        ts, learning = history.run(k)
        ts.insert(1, "year", ts["month"] / 12.0)
        school_ids = np.arange(lay.n_schools)
        months = learning.shape[0]
        table = pd.DataFrame(
            {
                "month": np.repeat(np.arange(months), lay.n_schools),
                "school": np.tile(school_ids, months),
                "cluster": np.tile(school_ids // lay.schools_per_cluster, months),
                "district": np.tile(school_ids // (lay.schools_per_cluster * lay.clusters_per_district), months),
                "learning": learning.ravel(),
            }
        )
        summary = summarize(ts)
        shim = SimpleNamespace(layout=lay, config=sc, _fellow_clusters=run.fellow_clusters)
        summary["programme_ratio_year_3"] = programme_ratio(shim, learning, month=36)
        results.append(RunResult(ts, table, summary, provenance(sc, run.seed, n_steps, None)))
    return results
