"""System inertia: practice and beliefs are pulled back toward the old paradigm.

The pull holds unless purpose, power and learning have shifted.

Seed 000 (after Meadows): systems "adapt to superficial changes"; a technical push
without shifts in purpose, power and learning fades. The pull on an agent is

    pull_i = inertia * (1 - engaged_i) * (1 - rules_d(i))

applied to practice (toward the baseline practice) and purpose (toward its initial
value): an engaged agent (its purpose, agency and trust have shifted enough to engage)
or a district whose rules have shifted holds the new paradigm in place.

Reads: practice, purpose, purpose0, engaged, district, has_classroom, active, rules.
Writes: practice, purpose.
"""

from __future__ import annotations

import numpy as np

from ..scenario.schema import Dynamics, Population
from ..state import State

__all__ = ["apply_inertia"]


def apply_inertia(state: State, dyn: Dynamics, pop: Population) -> None:
    """Pull practice and purpose back in place."""
    rules = state.rules[np.maximum(state.district, 0)]
    pull = dyn.inertia * (1.0 - state.engaged) * (1.0 - rules) * state.active
    holders = state.has_classroom
    state.practice = np.where(
        holders, state.practice - pull * (state.practice - pop.baseline_practice), state.practice
    )
    state.purpose = state.purpose - pull * (state.purpose - state.purpose0)
