"""An engine's indicators of the month, for every run at once, compiled.

:func:`simulator.indicators.compute_indicators` states every indicator in NumPy for one
run; this module computes the same values, to the last bit, for all the runs of an
:class:`simulator.engine.Engine` (one run alone, as the Mesa model steps it, or a batch of
the ensemble, :mod:`simulator.ensemble`): every agent's masks and derived values in one
compiled pass, the per-agent means in one compiled call for all runs and masks, the
per-cluster and per-district means as segment means (:mod:`simulator.processes.kernels`).
``tests/test_ensemble.py`` ties it to ``compute_indicators`` month by month. Kept apart
from the ensemble so that the model, which records a run's indicators every month, does
not import the ensemble engine (which builds run results with the runner, which builds
models).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from .engine import Engine
from .indicators import INDICATORS, school_means

__all__ = ["batch_indicators", "run_indicators"]


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
    """What :func:`batch_indicators` computes, as names and index arrays (built once)."""
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
    so does this, a whole array (a value a run) at a time. From eight values on NumPy sums
    pairwise, which this does not, so a longer group is refused.
    """
    if not 0 < len(names) < 8:
        raise ValueError(f"a group mean adds 1 to 7 indicators as np.mean does, not {len(names)}")
    total = table[names[0]]
    for name in names[1:]:
        total = total + table[name]
    return total / len(names)


def batch_indicators(engine: Engine) -> tuple[dict[str, np.ndarray], np.ndarray]:
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
    sources = {v: getattr(state, v) for v in _STATE_VALUES} | {"network": agg.engaged_share} | dict(zip(_DERIVED, derived, strict=True))
    values = tuple(_f64(sources[v]) for v in plan.value_names)  # in the order pair_value indexes
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
    table, school_mean = batch_indicators(engine)
    row = {name: (int(table[name][0]) if table[name].dtype.kind in "iu" else float(table[name][0]))
           for name in INDICATORS}
    return row, school_mean
