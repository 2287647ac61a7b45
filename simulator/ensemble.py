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

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .engine import Engine, build_run, step_signature
from .indicators import INDICATORS, compute_indicators, school_means
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


class _Masked:
    """Sums over one mask, run by run, as :func:`simulator.indicators._mean` sums them.

    ``_mean(values, mask)`` of one run is ``values[mask].sum() / n``: numpy's pairwise sum
    over the run's masked values in slot order. The masked values of all runs, compacted
    once, are the runs' compacted arrays one after the other, so summing each run's segment
    adds the same numbers in the same order and gives the same bits.
    """

    def __init__(self, mask: np.ndarray, starts: np.ndarray):
        self.mask = mask
        ends = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])[starts]
        self.bounds = ends
        self.counts = np.diff(ends)

    def means(self, values: np.ndarray) -> list[float]:
        """Each run's ``_mean(values, mask)`` (NumPy's pairwise sums, compiled: one call for all runs)."""
        from .processes.kernels import segment_means

        packed = np.ascontiguousarray(values[self.mask], dtype=np.float64)  # a sum of 0/1 is its count
        out = np.empty(self.counts.size)
        segment_means(packed, self.bounds, out)
        return out.tolist()


def _batch_indicators(engine: Engine) -> tuple[list[dict[str, Any]], list[np.ndarray]]:
    """Every run's indicators of this month and its school means, computed for the batch at once.

    The same values, to the last bit, as :func:`simulator.indicators.compute_indicators` on
    each run alone (``tests/test_ensemble.py`` compares whole monthly tables): per-agent
    arrays are built once for the batch, each run's means are sums over its own segment
    (:class:`_Masked`), and what :func:`compute_indicators` computes from small lists or
    per-cluster arrays is computed run by run in the same way.
    """
    from .indicators import LEADER_PURPOSE, LEVERAGE_GROUPS, SCALE_REFERENCE
    from .roles import ROLE_NAMES, Role
    from .state import CollectiveOrigin

    state, ix = engine.state, engine.index
    agg, col = engine.aggregates, engine.collectives
    starts = ix.agent_start
    act = state.active
    e = state.engaged
    holders = act & state.has_classroom
    teachers = act & (state.role == Role.TEACHER)
    staff = act & ((state.role == Role.TEACHER) | (state.role == Role.PRINCIPAL))
    leaders = act & e & (state.purpose >= LEADER_PURPOSE)
    m_act, m_hold, m_teach = _Masked(act, starts), _Masked(holders, starts), _Masked(teachers, starts)
    m_staff, m_lead = _Masked(staff, starts), _Masked(leaders, starts)
    cols: dict[str, list[Any]] = {}
    cols["learning_mean"] = m_hold.means(state.learning)
    cols["learning_teachers"] = m_teach.means(state.learning)
    cols["practice_mean"] = m_hold.means(state.practice)
    cols["engaged_share"] = m_act.means(e)
    cols["purpose_mean"] = m_act.means(state.purpose)
    cols["trust_mean"] = m_act.means(state.trust)
    cols["agency_mean"] = m_act.means(state.agency)
    for code, name in ROLE_NAMES.items():
        m = _Masked(act & (state.role == code), starts)
        cols[f"engaged_{name}"] = m.means(e)
        cols[f"purpose_{name}"] = m.means(state.purpose)
        cols[f"trust_{name}"] = m.means(state.trust)
        cols[f"agency_{name}"] = m.means(state.agency)
    cols["lp_paradigms"] = m_act.means(state.purpose >= LEADER_PURPOSE)
    cols["lp_mindsets"] = m_staff.means(state.purpose)
    reflect = col.with_data * col.ownership
    sharing = e | col.member
    cols["lp_reflection"] = m_hold.means(reflect)
    cols["lp_feedback"] = m_hold.means(state.trust * sharing)
    cols["lp_innovation"] = m_hold.means(state.practice >= 0.6)
    baseline_practice = engine.config.population.baseline_practice  # equal in a batch
    shift = np.clip((state.practice - baseline_practice) / max(1e-9, 1 - baseline_practice), 0, 1)
    cols["lp_practices"] = m_hold.means(shift)
    cols["cm_reach"] = m_lead.means(state.reach)
    cols["cm_strength"] = m_lead.means(state.capacity)
    cols["cm_orientation"] = m_lead.means(state.purpose)
    cols["cm_representation"] = m_lead.means(state.rootedness)
    cols["cm_network"] = m_lead.means(agg.engaged_share)
    cols["educators_engaged"] = m_staff.means(e)
    fellows = _Masked(act & (state.role == Role.FELLOW), starts).counts
    alumni = _Masked(act & (state.role == Role.ALUMNUS), starts).counts
    students = _Masked(holders & e, starts).counts
    school_mean = school_means(state, holders, engine.n_schools)

    rows: list[dict[str, Any]] = []
    schools: list[np.ndarray] = []
    for k, run in enumerate(engine.runs):
        sc, lay = run.scenario, run.layout
        c0, c1 = int(ix.cluster_start[k]), int(ix.cluster_start[k + 1])
        d0, d1 = int(ix.district_start[k]), int(ix.district_start[k + 1])
        s0, s1 = int(ix.school_start[k]), int(ix.school_start[k + 1])
        n_clusters, n_schools = lay.n_clusters, lay.n_schools
        out: dict[str, Any] = {"month": engine.month}
        for name in ("learning_mean", "learning_teachers", "practice_mean", "engaged_share", "purpose_mean",
                     "trust_mean", "agency_mean"):
            out[name] = cols[name][k]
        for name in ROLE_NAMES.values():
            for what in ("engaged", "purpose", "trust", "agency"):
                out[f"{what}_{name}"] = cols[f"{what}_{name}"][k]
        support = state.support[d0:d1]
        on = state.collective_on[c0:c1]
        origin = state.collective_origin[c0:c1]
        out["lp_paradigms"] = cols["lp_paradigms"][k]
        out["lp_mindsets"] = cols["lp_mindsets"][k]
        out["lp_goals"] = float(support.mean()) if support.size else 0.0
        out["lp_agency"] = out["agency_mean"]
        out["lp_trust"] = out["trust_mean"]
        out["lp_collaboration"] = out["engaged_share"]
        out["lp_infrastructure"] = float(on.mean()) if n_clusters else 0.0
        for name in ("lp_reflection", "lp_feedback", "lp_innovation", "lp_practices"):
            out[name] = cols[name][k]
        out["lp_resources"] = float(engine.run_levers[k].technical_resources)
        for group, names in LEVERAGE_GROUPS.items():
            out[f"leverage_{group}"] = float(np.mean([out[n] for n in names]))
        n_act = int(m_act.counts[k])
        out["cm_scale"] = min(1.0, (m_lead.counts[k] / n_act / SCALE_REFERENCE) if n_act else 0.0)
        dims = ("cm_reach", "cm_strength", "cm_orientation", "cm_representation", "cm_network")
        for name in dims:
            out[name] = cols[name][k]
        out["critical_mass_index"] = out["cm_scale"] * float(np.mean([out[d] for d in dims]))
        out["collectives_share"] = out["lp_infrastructure"]
        out["collectives_self"] = float((on & (origin == CollectiveOrigin.SELF)).mean()) if n_clusters else 0.0
        out["collectives_mandated"] = (
            float((on & (origin == CollectiveOrigin.MANDATED)).mean()) if n_clusters else 0.0
        )
        out["collective_ownership"] = float(state.ownership[c0:c1][on].mean()) if on.any() else 0.0
        out["collective_maturity"] = float(state.maturity[c0:c1][on].mean()) if on.any() else 0.0
        out["support_mean"] = out["lp_goals"]
        out["state_support"] = float(state.state_support[k])
        out["fellows_active"] = int(fellows[k])
        out["alumni_active"] = int(alumni[k])
        out["leaders_active"] = out["fellows_active"] + out["alumni_active"]
        out["leaders_per_school"] = out["leaders_active"] / max(1, n_schools)
        out["educators_engaged"] = cols["educators_engaged"][k]
        mine = school_mean[s0:s1]
        out["learning_school_sd"] = float(np.nanstd(mine)) if np.isfinite(mine).any() else 0.0
        out["students_engaged"] = int(students[k]) * sc.system.students_per_classroom
        rows.append(out)
        schools.append(mine.astype(np.float32))
    return rows, schools


def _collect(engine: Engine, k: int, rows: list[dict[str, Any]], schools: list[np.ndarray]) -> None:
    """Run ``k``'s indicators of this month, as :meth:`EducationModel._collect` records them."""
    run = engine.runs[k]
    sc, lay = run.scenario, run.layout
    state = engine.run_state(k)
    rows.append(
        compute_indicators(
            state,
            engine.run_aggregates(k),
            engine.run_collectives(k),
            engine.run_levers[k],
            month=engine.month,
            baseline_practice=sc.population.baseline_practice,
            students_per_classroom=sc.system.students_per_classroom,
            n_clusters=lay.n_clusters,
            n_schools=lay.n_schools,
        )
    )
    schools.append(school_means(state, state.active & state.has_classroom, lay.n_schools).astype(np.float32))


def _collect_all(engine: Engine, rows: list[list[dict[str, Any]]], schools: list[list[np.ndarray]]) -> None:
    """Every run's indicators of this month (batched when the engine holds several runs)."""
    if engine.n_runs == 1:
        _collect(engine, 0, rows[0], schools[0])
        return
    month_rows, month_schools = _batch_indicators(engine)
    for k in range(engine.n_runs):
        rows[k].append(month_rows[k])
        schools[k].append(month_schools[k])


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
    rows: list[list[dict[str, Any]]] = [[] for _ in runs]
    schools: list[list[np.ndarray]] = [[] for _ in runs]
    _collect_all(engine, rows, schools)
    for _ in range(n_steps):
        engine.step()
        _collect_all(engine, rows, schools)
    results = []
    for k, run in enumerate(runs):
        sc, lay = run.scenario, run.layout
        ts = pd.DataFrame({name: [row[name] for row in rows[k]] for name in INDICATORS})
        ts.insert(1, "year", ts["month"] / 12.0)
        learning = np.stack(schools[k])
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
