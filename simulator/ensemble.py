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
from .indicators import INDICATORS
from .monthly_indicators import batch_indicators, run_indicators
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


class _History:
    """The monthly indicators of every run of an engine, gathered month by month.

    One run alone is recorded as :meth:`EducationModel._collect` records it (a dict a
    month, :func:`run_indicators`); a batch as one array a name and month over its runs
    (:func:`batch_indicators`), cut into runs at the end.
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
        table, school_mean = batch_indicators(self.engine)
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
