"""Social influence on purpose, trust and agency over trusted ties.

* **Purpose** moves toward the (speaker-weighted) mean purpose of an agent's ties at a
  rate scaled by the agent's own trust (DeGroot 1974 averaging; trusted ties carry
  influence, seed 000), and grows while the agent is engaged: making meaning together
  strengthens a shared purpose (seed 000, "shared commitment to all students thriving").
  Purpose also grows when trusted peers' classrooms visibly do better than one's own:
  "visible student success makes others follow" (seed 003); reflecting on classroom
  data in a teacher-led collective makes that success more visible. Teachers in a
  teacher-led collective build a shared purpose with the engaged people among their
  ties, at a rate scaled by their agency and by the engaged share of their ties (seed
  000: convene "to build shared purpose"; seed 003); an imposed collective does not.
* **Trust** grows with the share of an agent's ties that are engaged in collective
  leadership (collaboration builds trust) and relaxes toward its initial level; a
  teacher-led collective adds trust at each meeting, an imposed one does not (seed 003).
* **Agency** grows while engaged and in teacher-led collectives, falls a little in
  imposed ones (compliance), and relaxes toward its initial level.

Reads: purpose, trust, agency, trust0, agency0, engaged, active, learning,
has_classroom; aggregates ``mean_purpose``, ``engaged_share``, ``peer_learning``,
``peer_weight``; collectives. Writes: purpose, trust, agency.
"""

from __future__ import annotations

import numpy as np

from ..scenario.schema import Dynamics
from ..state import State
from .aggregate import Aggregates
from .ties import Collectives

__all__ = ["update_beliefs", "visible_success"]


def visible_success(state: State, agg: Aggregates, collectives: Collectives, dyn: Dynamics) -> np.ndarray:
    """How far trusted peers' classrooms visibly do better than one's own.

    ``max(0, peer_learning - learning)`` for classroom holders with peers, times
    ``1 + data_reflection_bonus`` where a teacher-led collective reflects on data; 0 for
    everyone else.
    """
    reflect = 1.0 + dyn.data_reflection_bonus * (collectives.with_data & collectives.teacher_led)
    gap = np.maximum(0.0, agg.peer_learning - state.learning)
    return gap * (agg.peer_weight > 0) * state.has_classroom * reflect


def update_beliefs(state: State, agg: Aggregates, collectives: Collectives, dyn: Dynamics) -> None:
    """Update purpose, trust and agency in place (synchronously, from last month's values)."""
    act = state.active
    e = state.engaged.astype(np.float64)
    purpose, trust, agency = state.purpose, state.trust, state.agency

    d_purpose = dyn.influence_rate * trust * (agg.mean_purpose - purpose)
    d_purpose += dyn.engaged_purpose_gain * e * (1.0 - purpose)
    d_purpose += (
        dyn.collective_purpose_gain * collectives.teacher_led * collectives.intensity
        * agency * agg.engaged_share * (1.0 - purpose)
    )
    d_purpose += dyn.evidence_purpose_gain * trust * visible_success(state, agg, collectives, dyn) * (1.0 - purpose)

    led = collectives.teacher_led * collectives.intensity
    d_trust = dyn.trust_gain * agg.engaged_share * (1.0 - trust)
    d_trust += dyn.collective_trust_gain * led * (1.0 - trust)
    d_trust -= dyn.trust_decay * (trust - state.trust0)

    d_agency = dyn.agency_gain * e * (1.0 - agency)
    d_agency += dyn.collective_agency_gain * led * (1.0 - agency)
    d_agency -= dyn.imposed_agency_cost * collectives.imposed * collectives.intensity * agency
    d_agency -= dyn.agency_decay * (agency - state.agency0)

    state.purpose = np.clip(np.where(act, purpose + d_purpose, purpose), 0.0, 1.0)
    state.trust = np.clip(np.where(act, trust + d_trust, trust), 0.0, 1.0)
    state.agency = np.clip(np.where(act, agency + d_agency, agency), 0.0, 1.0)
