"""Learning follows practice with a lag, within what each classroom's students can reach.

The share of a classroom's students at grade level relaxes toward a target set by the
teacher's practice (and by the resources of a technical programme), scaled by the
classroom's learning potential (student context, ``State.potential``, mean 1):

    shift    = (practice - p0) / (1 - p0)
    target   = potential * (L0 + (Lmax - L0) * (shift + resources))
    learning += (target - learning) / lag_months

so that the old practice ``p0`` sustains the classroom's baseline ``potential * L0``
(0.4 on average: the brief's "6 in 10 cannot read by age 10") and fully transformed
practice its ceiling ``potential * Lmax``; schools keep their spread however far practice
changes.

Reads: practice, learning, potential, has_classroom, active; levers. Writes: learning.
"""

from __future__ import annotations

import numpy as np

from ..levers import Levers
from ..scenario.schema import Dynamics, Population
from ..state import State

__all__ = ["update_learning", "update_learning_numpy", "learning_target"]


def learning_target(practice: np.ndarray, potential: np.ndarray, resources: float, pop: Population) -> np.ndarray:
    """Learning a classroom tends to under the given practice, potential and resources."""
    span = pop.learning_ceiling - pop.baseline_learning
    p0 = pop.baseline_practice
    shift = (practice - p0) / max(1e-9, 1.0 - p0)
    return np.clip(potential * (pop.baseline_learning + span * (shift + resources)), 0.0, 1.0)


def update_learning(state: State, levers: Levers, pop: Population, dyn: Dynamics) -> None:
    """Move learning toward its target in place, in one compiled pass.

    The arithmetic of :func:`update_learning_numpy` (the readable form, tested against
    this one bit for bit), in :func:`simulator.processes.kernels_small.learning`.
    """
    from . import kernels_small

    out = np.empty(state.n_agents)
    kernels_small.learning(
        state.has_classroom, state.active, state.practice, state.potential, state.learning,
        float(pop.baseline_practice), max(1e-9, 1.0 - pop.baseline_practice), float(pop.baseline_learning),
        pop.learning_ceiling - pop.baseline_learning,
        np.atleast_1d(np.asarray(levers.technical_resources, dtype=np.float64)),
        np.atleast_1d(np.asarray(dyn.learning_lag_months, dtype=np.float64)), out,
    )
    state.learning = out


def update_learning_numpy(state: State, levers: Levers, pop: Population, dyn: Dynamics) -> None:
    """Move learning toward its target in place, with NumPy passes."""
    holders = state.has_classroom & state.active
    target = learning_target(state.practice, state.potential, levers.technical_resources, pop)
    new = state.learning + (target - state.learning) / dyn.learning_lag_months
    state.learning = np.clip(np.where(holders, new, state.learning), 0.0, 1.0)
