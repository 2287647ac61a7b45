"""Engaged officials change system rules.

Each district has a rules level in [0, 1]: how far its administration has shifted goals
toward all students thriving and institutionalised collaboration. While the share of
its officials (and policy-track alumni, who sit in government roles) that is engaged is
at least ``rules_quorum``, rules grow at ``rules_rate`` toward 1; otherwise they decay
at ``rules_decay``. Shifted rules lower engagement thresholds (institutional support),
weaken inertia, and past one half institutionalise teacher collectives in the district
(seed 003: administrations scale collectives; seed 000: policy and governance roles).

Reads: role, track, engaged, active, district, rules. Writes: rules.
"""

from __future__ import annotations

import numpy as np

from ..roles import AlumniTrack, Role
from ..scenario.schema import Dynamics
from ..state import State

__all__ = ["update_rules", "official_engagement"]


def official_engagement(state: State) -> np.ndarray:
    """Share of each district's officials (and policy alumni) that is engaged."""
    n_d = state.rules.size
    officials = state.active & (
        (state.role == Role.OFFICIAL) | ((state.role == Role.ALUMNUS) & (state.track == AlumniTrack.POLICY))
    )
    d = state.district[officials]
    total = np.bincount(d, minlength=n_d).astype(np.float64)
    engaged = np.bincount(d, weights=state.engaged[officials].astype(np.float64), minlength=n_d)
    return np.where(total > 0, engaged / np.where(total > 0, total, 1.0), 0.0)


def update_rules(state: State, dyn: Dynamics) -> None:
    """Grow or decay each district's rules in place."""
    share = official_engagement(state)
    up = share >= dyn.rules_quorum
    r = state.rules
    state.rules = np.clip(np.where(up, r + dyn.rules_rate * (1.0 - r), r - dyn.rules_decay * r), 0.0, 1.0)
