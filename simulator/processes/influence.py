"""Social influence on purpose, trust and agency over trusted ties.

* **Purpose** moves toward the (speaker-weighted) mean purpose of an agent's ties at a
  rate scaled by the agent's own trust and by its openness ``1 - purpose`` (DeGroot 1974
  averaging with conviction: trusted ties carry influence, seed 000, and the
  purpose-driven few hold their purpose, seed 003's "few teachers [who] begin this
  journey"). It grows while the agent is engaged *with* engaged ties (making
  meaning together, seed 000: "shared commitment to all students thriving"), in an
  owned collective in proportion to its leadership (facilitation or engaged leaders;
  seed 000: convene "to build shared purpose"; seed 003: "the leadership that emerges in
  the teacher collective"), and when trusted peers' classrooms visibly gain more than one's own (seed
  003: "visible student success makes others follow"; data reflection in an owned
  collective makes that success more visible). It **erodes** toward its initial value at
  ``purpose_erosion`` times ``1 - sustain``, where ``sustain`` is the largest of the
  engaged share of one's ties, the owned and led collective work one takes part in
  (ownership times leadership) and one's institutional support: isolated reformers burn
  out, and a collective nobody leads sustains nobody.
* **Trust** grows with the share of an agent's ties that are engaged in collective
  leadership (collaboration builds trust) and in owned collectives, and relaxes toward its
  initial level.
* **Agency** grows while engaged and in owned collectives, falls with the compliance of
  collectives one does not own (imposed, seed 003), and relaxes toward its initial level.

Knock-out: ``mechanisms.peer_learning`` off drops the evidence term.

Reads: purpose, trust, agency, purpose0, trust0, agency0, engaged, active, learning,
potential, has_classroom; aggregates ``mean_purpose``, ``engaged_share``, ``peer_gain``,
``peer_weight``; collectives; support. Writes: purpose, trust, agency.
"""

from __future__ import annotations

import numpy as np

from ..scenario.schema import Dynamics, Mechanisms
from ..state import State
from .aggregate import Aggregates, learning_gain
from .collectives import Collectives
from .support import support_of

__all__ = ["update_beliefs", "update_beliefs_numpy", "visible_success", "evidence_of_success"]


def evidence_of_success(
    state: State, agg: Aggregates, collectives: Collectives, dyn: Dynamics, baseline_learning: float
) -> np.ndarray:
    """The largest learning gain a classroom holder can see, in its own class or its peers'.

    Seed 003: "the sharing of classroom experiences ... motivates growth by showing evidence of
    change through effort"; "the enthusiastic response from children ... provide[s] a strong
    impetus". ``max(0, own_gain, peer_gain)`` (peers' only where one has classroom peers),
    times ``1 + data_reflection_bonus * ownership`` in a collective that reflects on data.
    """
    reflect = 1.0 + dyn.data_reflection_bonus * collectives.with_data * collectives.ownership * collectives.leadership
    peer = np.where(agg.peer_weight > 0, agg.peer_gain, 0.0)
    best = np.maximum(0.0, np.maximum(learning_gain(state, baseline_learning), peer))
    return best * state.has_classroom * reflect


def visible_success(
    state: State, agg: Aggregates, collectives: Collectives, dyn: Dynamics, baseline_learning: float
) -> np.ndarray:
    """How far trusted peers' classrooms visibly gain more than one's own.

    ``max(0, peer_gain - own_gain)`` for classroom holders with peers (gains are learning
    above each classroom's own baseline, so a richer school's level is not mistaken for
    success), times ``1 + data_reflection_bonus * ownership`` in a collective that reflects
    on data; 0 for everyone else.
    """
    reflect = 1.0 + dyn.data_reflection_bonus * collectives.with_data * collectives.ownership * collectives.leadership
    gap = np.maximum(0.0, agg.peer_gain - learning_gain(state, baseline_learning))
    return gap * (agg.peer_weight > 0) * state.has_classroom * reflect


def update_beliefs(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    dyn: Dynamics,
    mech: Mechanisms,
    baseline_learning: float,
    support: np.ndarray | None = None,
) -> None:
    """Update purpose, trust and agency (new arrays), in one compiled pass over the agents.

    The arithmetic of :func:`update_beliefs_numpy` (the readable form, tested against this
    one bit for bit), in :func:`simulator.processes.kernels.beliefs`.
    """
    from . import kernels

    if not mech.institutional_support:
        support = np.zeros(state.n_agents)
    elif support is None:
        support = support_of(state)
    n = state.n_agents
    purpose, trust, agency = np.empty(n), np.empty(n), np.empty(n)
    kernels.beliefs(
        state.active, state.engaged, state.has_classroom, state.learning, state.potential, float(baseline_learning),
        state.purpose, state.trust, state.agency, state.purpose0, state.trust0, state.agency0,
        agg.mean_purpose, agg.engaged_share, agg.peer_gain, agg.peer_weight,
        collectives.member, collectives.intensity, collectives.ownership, collectives.leadership,
        collectives.with_data, np.broadcast_to(np.asarray(support, dtype=np.float64), (n,)),
        bool(mech.peer_learning), kernels.rate_rows(dyn, kernels.BELIEF_RATES, n),
        purpose, trust, agency,
    )
    state.purpose, state.trust, state.agency = purpose, trust, agency


def update_beliefs_numpy(
    state: State,
    agg: Aggregates,
    collectives: Collectives,
    dyn: Dynamics,
    mech: Mechanisms,
    baseline_learning: float,
    support: np.ndarray | None = None,
) -> None:
    """Update purpose, trust and agency in place (synchronously, from last month's values).

    ``support`` may pass :func:`~simulator.processes.support.support_of` when the caller has it.
    """
    act = state.active
    e = state.engaged.astype(np.float64)
    purpose, trust, agency = state.purpose, state.trust, state.agency
    share = agg.engaged_share
    owned = collectives.owned
    if not mech.institutional_support:
        support = np.zeros(state.n_agents)
    elif support is None:
        support = support_of(state)
    sustain = np.maximum(np.maximum(share, np.minimum(1.0, owned)), support)

    d_purpose = dyn.influence_rate * trust * (1.0 - purpose) * (agg.mean_purpose - purpose)
    d_purpose += dyn.engaged_purpose_gain * e * share * (1.0 - purpose)
    d_purpose += dyn.collective_purpose_gain * owned * agency * (1.0 - purpose)
    if mech.peer_learning:
        seen = evidence_of_success(state, agg, collectives, dyn, baseline_learning)
        d_purpose += dyn.evidence_purpose_gain * trust * seen * np.maximum(0.0, dyn.persuasion_ceiling - purpose)
    d_purpose -= dyn.purpose_erosion * (1.0 - sustain) * (purpose - state.purpose0)

    d_trust = dyn.trust_gain * share * (1.0 - trust)
    d_trust += dyn.collective_trust_gain * owned * (1.0 - trust)
    d_trust -= dyn.trust_decay * (trust - state.trust0)

    d_agency = dyn.agency_gain * e * (1.0 - agency)
    d_agency += dyn.collective_agency_gain * owned * (1.0 - agency)
    d_agency -= dyn.imposed_agency_cost * collectives.imposed * agency
    d_agency -= dyn.agency_decay * (agency - state.agency0)

    state.purpose = np.clip(np.where(act, purpose + d_purpose, purpose), 0.0, 1.0)
    state.trust = np.clip(np.where(act, trust + d_trust, trust), 0.0, 1.0)
    state.agency = np.clip(np.where(act, agency + d_agency, agency), 0.0, 1.0)
