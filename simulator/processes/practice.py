"""Practice change: engaged teachers change practice; others follow visible success.

Seed 003: "a few teachers change first; visible student success makes others follow".
For every active classroom holder:

    d_practice = practice_gain * engaged * (0.5 + capacity) * (1 - practice)
               + peer_learning_rate * trust * (1 + bonus * with_data) * max(0, peer_learning - learning)
               + collective_practice_gain * intensity * member * agency * trust * (1 - practice)
               + technical_push * (1 - practice)

where ``peer_learning`` is the mean learning in the classrooms of the agent's ties and
``bonus`` is ``data_reflection_bonus`` when the agent's teacher-led collective reflects
on classroom data (data makes success visible). Members of a collective also learn
together -- share classroom experience, plan, build tools (seed 003) -- at a rate scaled
by their agency and trust: in an imposed collective, where agency falls and trust does
not grow, little is learned, and there is no data bonus. A technical programme pushes
practice directly.

Reads: practice, learning, engaged, capacity, trust, agency, has_classroom, active; aggregates
``peer_learning``, ``peer_weight``; collectives; levers. Writes: practice.
"""

from __future__ import annotations

import numpy as np

from ..levers import Levers
from ..scenario.schema import Dynamics
from ..state import State
from .aggregate import Aggregates
from .influence import visible_success
from .ties import Collectives

__all__ = ["update_practice"]


def update_practice(
    state: State, agg: Aggregates, collectives: Collectives, levers: Levers, dyn: Dynamics
) -> None:
    """Update classroom practice in place."""
    p = state.practice
    holders = state.has_classroom & state.active
    e = state.engaged.astype(np.float64)
    own = dyn.practice_gain * e * (0.5 + state.capacity) * (1.0 - p)
    peer = dyn.peer_learning_rate * state.trust * visible_success(state, agg, collectives, dyn)
    together = (
        dyn.collective_practice_gain * collectives.intensity * collectives.member
        * state.agency * state.trust * (1.0 - p)
    )
    push = levers.technical_push * (1.0 - p)
    state.practice = np.clip(np.where(holders, p + own + peer + together + push, p), 0.0, 1.0)
