"""Practice change: engaged teachers change practice; others follow visible success.

Seed 003: "only a few teachers begin this journey of transformation. As they share their
experiences and success stories from their classrooms with their peers, however, other
teachers become motivated to initiate small changes"; collectives share classroom
experience, plan, build tools and reflect on data. Seeds 000 and 003: relationships and
trust come before collaboration on practice, so every collaborative change of practice is
gated by trust:

    gate(trust) = smoothstep((trust - (T - 0.1)) / 0.2),   T = practice_trust_needed

(0 below ``T - 0.1``, 1 above ``T + 0.1``). A classroom holder's practice moves toward what
its capacity can reach, ``reach = p0 + (1 - p0) * (0.5 + 0.5 * capacity)`` (coaching
raises capacity, so it raises the reach), never to a fixed 1:

    d_practice = gate * room * ( practice_gain * engaged
                               + collective_practice_gain * intensity * ownership * leadership * (0.5 + 0.5 * maturity) )
               + min(room, peer_learning_rate * trust * gate * visible_success)
               + technical_push * (1 - practice)

with ``room = max(0, reach - practice)``. Learning together needs an owned, mature
collective (seed 003: imposed structures do not lead to improvement; collectives mature
in about three years, and a new one learns at half the rate of a mature one); the
technical push is training that needs no trust and fades
under inertia (7.9).

Knock-outs: ``mechanisms.trust_gate`` off sets the gate to 1; ``peer_learning`` off drops
the visible-success term; ``collective_learning`` off drops learning together.

Reads: practice, learning, potential, engaged, capacity, trust, agency, has_classroom,
active; aggregates; collectives; levers. Writes: practice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..scenario.schema import Dynamics, Mechanisms
from ..state import State
from .aggregate import Aggregates
from .collectives import Collectives
from .influence import visible_success

__all__ = ["update_practice", "update_practice_numpy", "trust_gate", "practice_reach"]

FloatArray = NDArray[np.float64]


def trust_gate(trust: FloatArray, trust_needed: float) -> FloatArray:
    """Smoothstep from 0 at ``trust_needed - 0.1`` to 1 at ``trust_needed + 0.1``."""
    x = np.clip((trust - (trust_needed - 0.1)) / 0.2, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def practice_reach(capacity: FloatArray, baseline_practice: float) -> FloatArray:
    """The practice a classroom holder's capacity can reach: ``p0 + (1 - p0)(0.5 + 0.5 capacity)``."""
    return baseline_practice + (1.0 - baseline_practice) * (0.5 + 0.5 * capacity)


def update_practice(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    levers: Levers,
    dyn: Dynamics,
    mech: Mechanisms,
    baseline_practice: float,
    baseline_learning: float,
) -> None:
    """Update classroom practice (a new array), in one compiled pass over the agents.

    The arithmetic of :func:`update_practice_numpy` (the readable form, tested against
    this one bit for bit), in :func:`simulator.processes.kernels.practice`.
    """
    from . import kernels

    n = state.n_agents
    new = np.empty(n)
    kernels.practice(
        state.active, state.engaged, state.has_classroom, state.learning, state.potential,
        float(baseline_learning), float(baseline_practice), state.practice, state.capacity, state.trust,
        agg.peer_gain, agg.peer_weight,
        collectives.member, collectives.intensity, collectives.ownership, collectives.maturity,
        collectives.leadership, collectives.with_data,
        bool(mech.trust_gate), bool(mech.collective_learning), bool(mech.peer_learning),
        kernels.rate_rows(dyn, kernels.PRACTICE_RATES, n),
        np.atleast_1d(np.asarray(levers.technical_push, dtype=np.float64)), new,
    )
    state.practice = new


def update_practice_numpy(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    levers: Levers,
    dyn: Dynamics,
    mech: Mechanisms,
    baseline_practice: float,
    baseline_learning: float,
) -> None:
    """Update classroom practice with NumPy passes."""
    p = state.practice
    holders = state.has_classroom & state.active
    gate = trust_gate(state.trust, dyn.practice_trust_needed) if mech.trust_gate else np.ones(state.n_agents)
    room = np.maximum(0.0, practice_reach(state.capacity, baseline_practice) - p)
    own = dyn.practice_gain * state.engaged
    together = 0.0 if not mech.collective_learning else (
        dyn.collective_practice_gain * collectives.intensity * collectives.member
        * collectives.ownership * collectives.leadership * (0.5 + 0.5 * collectives.maturity)
    )
    change = gate * room * (own + together)
    if mech.peer_learning:
        seen = visible_success(state, agg, collectives, dyn, baseline_learning)
        change += np.minimum(room, dyn.peer_learning_rate * state.trust * gate * seen)
    change += levers.technical_push * (1.0 - p)
    state.practice = np.clip(np.where(holders, p + change, p), 0.0, 1.0)
