"""Learning follows practice with a lag.

The share of a classroom's students at grade level relaxes toward a target set by the
teacher's practice (and by the resources of a technical programme):

    target   = baseline + (ceiling - baseline) * (practice - p0) / (1 - p0) + resources * (ceiling - baseline)
    learning += (target - learning) / lag_months

so that the old practice ``p0`` sustains the baseline (0.4: the brief's "6 in 10 cannot
read by age 10") and fully transformed practice reaches the ceiling.

Reads: practice, learning, has_classroom, active; levers. Writes: learning.
"""

from __future__ import annotations

import numpy as np

from ..levers import Levers
from ..scenario.schema import Dynamics, Population
from ..state import State

__all__ = ["update_learning", "learning_target"]


def learning_target(practice: np.ndarray, resources: float, pop: Population) -> np.ndarray:
    """Learning a classroom tends to under the given practice and resources."""
    span = pop.learning_ceiling - pop.baseline_learning
    p0 = pop.baseline_practice
    rel = (practice - p0) / max(1e-9, 1.0 - p0)
    return np.clip(pop.baseline_learning + span * rel + resources * span, 0.0, 1.0)


def update_learning(state: State, levers: Levers, pop: Population, dyn: Dynamics) -> None:
    """Move learning toward its target in place."""
    holders = state.has_classroom & state.active
    target = learning_target(state.practice, levers.technical_resources, pop)
    new = state.learning + (target - state.learning) / dyn.learning_lag_months
    state.learning = np.clip(np.where(holders, new, state.learning), 0.0, 1.0)
