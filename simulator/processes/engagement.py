"""Collective-leadership engagement as a complex contagion.

An agent engages in collective leadership when enough of its trusted ties are
engaged: the *share* of its (weighted) ties that are engaged reaches its
effective threshold **and** the weighted *count* of engaged ties reaches a
reinforcement minimum (Centola & Macy 2007). Thresholds are heterogeneous and fall
with the agent's purpose, agency and trust (seed 000: "stakeholders exercising
agency", "a shared commitment"; seed 003: "a few teachers change first ... others
follow"), with institutional support (``simulator.processes.support``) and with taking
part in a collective one owns (a space to act together, seed 000).

Serving fellows, and purpose-driven people whose purpose is at or above
``commitment_level`` (the leaders of seed 002), count as supported whatever their ties
do (the fellowship is itself collective-leadership work: cohort meetings, coaching and a
shared purpose; seed 000, strategies 1-2): they engage with the same
monthly probability and do not drop out while their purpose stays there. Nothing is
absorbing: purpose erodes without support (7.4), people leave (turnover), and an
engaged agent whose support falls below its threshold minus a hysteresis gap drops
out with a monthly probability, and a supported one steps back with the smaller monthly
probability ``burnout`` (workload, life events), so engagement is a dynamic equilibrium.

The rule is the linear-threshold model of Granovetter (1978) and Watts (2002)
with the reinforcement requirement of Centola & Macy (2007); with
``threshold_sensitivity = 0``, no institutional support, ``engage_probability = 1``,
no disengagement, nobody committed, ``min_support = 0`` and equal speaker weights it
*is* Watts' fractional-threshold cascade, and with a share threshold of 0 and
``min_support = k`` it is the absolute-threshold (complex) contagion.
:func:`threshold_rule` is the pure kernel reused by ``simulator.classic``.

Knock-outs (``mechanisms``): ``contagion`` off makes ties give no support (only the
committed engage); ``reinforcement`` off drops the count requirement (share only);
``commitment`` off makes nobody but serving fellows self-starting.

Reads: ``engaged``, ``threshold``, ``purpose``, ``agency``, ``trust``, ``active``,
``district``, aggregates ``engaged_share`` and ``engaged_count``, support.
Writes: ``engaged``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..roles import Role
from ..scenario.schema import Dynamics, Mechanisms
from ..state import State
from .aggregate import Aggregates
from .collectives import Collectives
from .support import support_of

__all__ = ["threshold_rule", "effective_threshold", "update_engagement", "update_engagement_numpy"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def effective_threshold(
    threshold: FloatArray,
    readiness: FloatArray,
    threshold_sensitivity: float,
    institutional_support: FloatArray | float = 0.0,
    support_threshold_relief: float = 0.0,
) -> FloatArray:
    """Lower each agent's base threshold by its readiness and by institutional support.

    ``theta_eff = theta * (1 - s * readiness) * (1 - r * support)`` where readiness is the
    mean of purpose, agency and trust in [0, 1].
    """
    return (
        threshold
        * (1.0 - threshold_sensitivity * readiness)
        * (1.0 - support_threshold_relief * np.asarray(institutional_support))
    )


def threshold_rule(
    engaged: BoolArray,
    share: FloatArray,
    count: FloatArray,
    threshold: FloatArray,
    *,
    min_support: float = 0.0,
    committed: BoolArray | None = None,
    self_supported: BoolArray | None = None,
    engage_probability: float = 1.0,
    disengage_probability: float = 0.0,
    burnout: float = 0.0,
    hysteresis: float = 0.0,
    uniform: FloatArray | None = None,
    eligible: BoolArray | None = None,
) -> BoolArray:
    """Return the new engaged state under the threshold rule.

    Args:
        engaged: current engaged state.
        share: weighted share of an agent's ties that are engaged, in [0, 1].
        count: weighted count of engaged ties (reinforcement).
        threshold: effective share threshold per agent; the rule is ``share >= threshold``.
        min_support: minimum weighted count of engaged ties (complex contagion).
        committed: agents engaged regardless of their neighbours (zealots, seeds).
        self_supported: agents who count as supported whatever their ties do (they
            engage with ``engage_probability`` and do not drop out while so).
        engage_probability: chance a supported, unengaged agent engages this step.
        disengage_probability: chance an unsupported, engaged agent drops out this step.
        burnout: chance a supported, engaged agent steps back this step (must not exceed
            ``disengage_probability``: one draw decides both).
        hysteresis: an engaged agent stays supported down to ``threshold - hysteresis``.
        uniform: one uniform draw per agent in [0, 1) used for both decisions; required
            when either probability is strictly between 0 and 1.
        eligible: agents who can be engaged at all (active, present); others are False.

    Returns:
        The new boolean engaged array (a fresh array; inputs are not modified).
    """
    supported_new = (share >= threshold) & (count >= min_support)
    supported_keep = (share >= threshold - hysteresis) & (count >= min_support)
    if self_supported is not None:
        supported_new = supported_new | self_supported
        supported_keep = supported_keep | self_supported
    ep, dp = np.asarray(engage_probability), np.asarray(disengage_probability)
    stochastic = bool(
        np.any((0.0 < ep) & (ep < 1.0)) or np.any((0.0 < dp) & (dp < 1.0)) or np.any(np.asarray(burnout) > 0.0)
    )
    if stochastic and uniform is None:
        raise ValueError("threshold_rule needs `uniform` draws when probabilities are in (0, 1)")
    if uniform is None:
        engage = supported_new & (engage_probability >= 1.0)
        drop = ~supported_keep & (disengage_probability >= 1.0)
    else:
        engage = supported_new & (uniform < engage_probability)
        drop = np.where(supported_keep, uniform < burnout, uniform < disengage_probability)
    new = np.where(engaged, ~drop, engage)
    if committed is not None:
        new |= committed
    if eligible is not None:
        new &= eligible
    return new


def update_engagement(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    dyn: Dynamics,
    mech: Mechanisms,
    uniform: FloatArray,
    support: FloatArray | None = None,
) -> None:
    """One month of engagement, in one compiled pass over the agents.

    The rule of :func:`update_engagement_numpy` (the readable form, with
    :func:`threshold_rule`; tested against this one bit for bit), in
    :func:`simulator.processes.kernels.engagement`. Arguments as there.
    """
    from . import kernels

    n = state.n_agents
    if not mech.institutional_support:
        support = np.zeros(n)
    elif support is None:
        support = support_of(state)
    new = np.empty(n, dtype=bool)
    kernels.engagement(
        state.active, state.engaged, state.role, state.purpose, state.agency, state.trust, state.threshold,
        np.broadcast_to(np.asarray(support, dtype=np.float64), (n,)), collectives.member, collectives.intensity,
        collectives.ownership, collectives.leadership, agg.engaged_share, agg.engaged_count,
        bool(mech.contagion), bool(mech.reinforcement), bool(mech.commitment), uniform,
        kernels.rate_rows(dyn, kernels.ENGAGEMENT_RATES, n), new,
    )
    state.engaged = new


def update_engagement_numpy(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    dyn: Dynamics,
    mech: Mechanisms,
    uniform: FloatArray,
    support: FloatArray | None = None,
) -> None:
    """One month of engagement for the whole population, with NumPy passes (see module docstring).

    Args:
        state: the state; ``engaged`` is replaced.
        agg: neighbour aggregates of this month.
        collectives: this month's collectives (an owned collective lowers thresholds).
        dyn: dynamics parameters.
        mech: mechanism switches.
        uniform: one U[0, 1) draw per agent from the run's generator.
        support: :func:`~simulator.processes.support.support_of`, when the caller has it.
    """
    readiness = (state.purpose + state.agency + state.trust) / 3.0
    if not mech.institutional_support:
        support = 0.0
    elif support is None:
        support = support_of(state)
    theta = effective_threshold(
        state.threshold, readiness, dyn.threshold_sensitivity, support, dyn.support_threshold_relief
    ) * (1.0 - dyn.collective_threshold_relief * np.minimum(1.0, collectives.owned))
    if mech.contagion:
        share, count = agg.engaged_share, agg.engaged_count
    else:
        share = count = np.zeros(state.n_agents)
    self_supported = state.active & (state.role == Role.FELLOW)
    if mech.commitment:
        self_supported |= state.active & (state.purpose >= dyn.commitment_level)
    state.engaged = threshold_rule(
        state.engaged,
        share,
        count,
        theta,
        min_support=dyn.min_support if mech.reinforcement else 0.0,
        self_supported=self_supported,
        engage_probability=dyn.engage_probability,
        disengage_probability=dyn.disengage_probability,
        burnout=np.minimum(dyn.burnout, dyn.disengage_probability),
        hysteresis=dyn.hysteresis,
        uniform=uniform,
        eligible=state.active,
    )
