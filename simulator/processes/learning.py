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

__all__ = ["update_learning", "learning_target"]


def learning_target(practice: np.ndarray, potential: np.ndarray, resources: float, pop: Population) -> np.ndarray:
    """Learning a classroom tends to under the given practice, potential and resources."""
    span = pop.learning_ceiling - pop.baseline_learning
    p0 = pop.baseline_practice
    shift = (practice - p0) / max(1e-9, 1.0 - p0)
    return np.clip(potential * (pop.baseline_learning + span * (shift + resources)), 0.0, 1.0)


def update_learning(state: State, levers: Levers, pop: Population, dyn: Dynamics) -> None:
    """Move learning toward its target in place."""
    holders = state.has_classroom & state.active
    target = learning_target(state.practice, state.potential, levers.technical_resources, pop)
    new = state.learning + (target - state.learning) / dyn.learning_lag_months
    state.learning = np.clip(np.where(holders, new, state.learning), 0.0, 1.0)
