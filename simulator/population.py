"""Initial state: attributes of every agent slot drawn with the run's generator.

Local actors (teachers, principals, parents, officials) start in the old paradigm:
purpose, trust and agency around the scenario's ``*_local`` means. Fellows are selected
for purpose and capacity (seed 000: "selection for purpose and potential") and are
rooted locally with the scenario's ``local_share``. Attributes are Beta-distributed
with the given mean and concentration, so every value is in [0, 1] by construction.
Engagement thresholds are Normal(mean, sd) clipped to [0.02, 1] (heterogeneous
thresholds, Granovetter 1978).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .layout import Layout
from .roles import AlumniTrack, Role
from .scenario import Scenario
from .state import State

__all__ = ["initial_state"]


def _beta(mean: NDArray[np.float64] | float, n: int, concentration: float, rng: np.random.Generator) -> NDArray[np.float64]:
    mean = np.clip(np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,)), 1e-3, 1 - 1e-3)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def initial_state(scenario: Scenario, lay: Layout, rng: np.random.Generator) -> State:
    """Draw the initial state of every slot (fellow slots start inactive)."""
    pop = scenario.population
    n = lay.n_agents
    conc = pop.attribute_concentration
    fellows = lay.fellows
    is_fellow = np.zeros(n, dtype=bool)
    is_fellow[fellows] = True

    def by_group(local: float, fellow: float) -> NDArray[np.float64]:
        return np.where(is_fellow, fellow, local)

    rec = scenario.recruit
    purpose = _beta(by_group(pop.purpose_local, rec.selection_purpose), n, conc, rng)
    staff = (lay.role == Role.TEACHER) | (lay.role == Role.PRINCIPAL)
    driven = staff & (rng.random(n) < pop.purpose_driven_share)
    purpose[driven] = _beta(0.85, int(driven.sum()), conc, rng)
    trust = _beta(by_group(pop.trust_local, pop.trust_fellow), n, conc, rng)
    agency = _beta(by_group(pop.agency_local, pop.agency_fellow), n, conc, rng)
    capacity = _beta(by_group(pop.capacity_local, rec.selection_capacity), n, conc, rng)
    threshold = np.clip(rng.normal(pop.threshold_mean, pop.threshold_sd, n), 0.02, 1.0)

    rootedness = np.full(n, pop.rootedness_local)
    rootedness[lay.role == Role.OFFICIAL] = 0.5
    rootedness[fellows] = np.where(lay.fellow_local, pop.rootedness_fellow_local, pop.rootedness_fellow_other)

    reach_by_role = {
        Role.TEACHER: pop.reach_teacher,
        Role.PRINCIPAL: pop.reach_principal,
        Role.PARENT: pop.reach_parent,
        Role.OFFICIAL: pop.reach_official,
        Role.FELLOW: pop.reach_fellow,
    }
    reach = np.zeros(n)
    for role, value in reach_by_role.items():
        reach[lay.role == role] = value

    has_classroom = (lay.role == Role.TEACHER) | is_fellow
    practice = np.where(has_classroom, np.where(is_fellow, pop.practice_fellow, pop.baseline_practice), 0.0)
    learning = np.where(has_classroom, pop.baseline_learning, 0.0)

    track = np.full(n, AlumniTrack.NONE, dtype=np.int8)
    track[fellows] = lay.fellow_track
    recruit_month = np.full(n, -1, dtype=np.int32)
    recruit_month[fellows] = lay.fellow_month

    state = State(
        role=lay.role.copy(),
        track=track,
        school=lay.school.copy(),
        cluster=lay.cluster.copy(),
        district=lay.district.copy(),
        recruit_month=recruit_month,
        tenure=np.zeros(n, dtype=np.int32),
        active=~is_fellow,
        engaged=np.zeros(n, dtype=bool),
        has_classroom=has_classroom,
        coached=np.zeros(n, dtype=bool),
        purpose=purpose,
        trust=trust,
        agency=agency,
        capacity=capacity,
        rootedness=rootedness,
        reach=reach,
        threshold=threshold,
        practice=practice.astype(np.float64),
        learning=learning.astype(np.float64),
        purpose0=purpose.copy(),
        trust0=trust.copy(),
        agency0=agency.copy(),
        rules=np.zeros(lay.n_districts),
    )
    state.check()
    return state
