"""Initial state: attributes of every agent slot drawn with the run's generator.

Local actors (teachers, principals, parents, officials) start in the old paradigm:
purpose, trust and agency around the scenario's ``*_local`` means. Fellows are selected
for purpose and capacity (seed 000: "selection for purpose and potential") and are
rooted locally with the scenario's ``local_share``. Attributes are Beta-distributed
with the given mean and concentration, so every value is in [0, 1] by construction.
Engagement thresholds are Normal(mean, sd) clipped to [0.02, 1] (heterogeneous
thresholds, Granovetter 1978).

Classrooms differ in what their students can reach (student context): each school draws
a learning-potential factor with mean 1 and sd ``population.school_context_sd``, each
classroom a further factor with sd ``classroom_context_sd``; a classroom's baseline and
ceiling are the population values times its potential, so learning keeps a realistic
spread across schools however far practice changes.

:func:`draw_people` draws a person's attributes; the build uses it for everyone and
turnover (``simulator.processes.turnover``) for newcomers who take a slot.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .layout import Layout
from .roles import AlumniTrack, Role
from .scenario import Scenario
from .scenario.schema import Population
from .state import State

__all__ = ["initial_state", "draw_people", "PURPOSE_DRIVEN_MEAN", "THRESHOLD_CLIP"]

#: Mean purpose of the purpose-driven few among local teachers and principals.
PURPOSE_DRIVEN_MEAN = 0.85
#: Base thresholds are clipped to this interval.
THRESHOLD_CLIP = (0.02, 1.0)

FloatArray = NDArray[np.float64]

# role codes as plain ints: NumPy compares an array with an IntEnum member about five
# times slower than with an int, and turnover draws newcomers every month
_TEACHER, _PRINCIPAL = int(Role.TEACHER), int(Role.PRINCIPAL)


def _beta(mean: FloatArray | float, n: int, concentration: float, rng: np.random.Generator) -> FloatArray:
    """``n`` Beta draws with the given mean(s) (clipped to [0.001, 0.999]) and concentration.

    A scalar mean draws with scalar parameters: the generator gives the same values as
    with the parameters repeated in arrays (``tests/test_population.py``), without
    building them (turnover draws a few newcomers a run each month).
    """
    if not isinstance(mean, np.ndarray):
        m = min(max(float(mean), 1e-3), 1 - 1e-3)
        return rng.beta(m * concentration, (1.0 - m) * concentration, size=n)
    mean = np.clip(np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,)), 1e-3, 1 - 1e-3)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def draw_people(
    role: NDArray[np.int8],
    is_fellow: NDArray[np.bool_],
    pop: Population,
    selection_purpose: float,
    selection_capacity: float,
    rng: np.random.Generator,
) -> dict[str, FloatArray]:
    """Draw purpose, trust, agency, capacity and threshold for the given people.

    The draws are made attribute by attribute over all the given people, in this order:
    purpose, purpose-driven coin, purpose-driven purpose, trust, agency, capacity,
    threshold (so a run's sequence of draws is fixed by its seed).
    """
    n = role.size
    conc = pop.attribute_concentration

    any_fellow = bool(is_fellow.any())

    def by_group(local: float, fellow: float) -> FloatArray | float:
        return np.where(is_fellow, fellow, local) if any_fellow else local

    purpose = _beta(by_group(pop.purpose_local, selection_purpose), n, conc, rng)
    staff = (role == _TEACHER) | (role == _PRINCIPAL)
    driven = staff & (rng.random(n) < pop.purpose_driven_share)
    purpose[driven] = _beta(PURPOSE_DRIVEN_MEAN, int(driven.sum()), conc, rng)
    trust = _beta(by_group(pop.trust_local, pop.trust_fellow), n, conc, rng)
    agency = _beta(by_group(pop.agency_local, pop.agency_fellow), n, conc, rng)
    capacity = _beta(by_group(pop.capacity_local, selection_capacity), n, conc, rng)
    threshold = np.clip(rng.normal(pop.threshold_mean, pop.threshold_sd, n), *THRESHOLD_CLIP)
    return {"purpose": purpose, "trust": trust, "agency": agency, "capacity": capacity, "threshold": threshold}


def _potential(lay: Layout, pop: Population, has_classroom: NDArray[np.bool_], rng: np.random.Generator) -> FloatArray:
    """Learning potential of each slot's classroom (1 for slots without one)."""
    upper = 1.0 / max(pop.learning_ceiling, 1e-9)
    school = np.clip(1.0 + pop.school_context_sd * rng.standard_normal(lay.n_schools), 0.2, upper)
    classroom = 1.0 + pop.classroom_context_sd * rng.standard_normal(lay.n_agents)
    has_school = lay.school >= 0
    potential = np.ones(lay.n_agents)
    potential[has_school] = school[lay.school[has_school]] * classroom[has_school]
    potential = np.clip(potential, 0.2, upper)
    return np.where(has_classroom, potential, 1.0)


def initial_state(scenario: Scenario, lay: Layout, rng: np.random.Generator) -> State:
    """Draw the initial state of every slot (fellow slots start inactive)."""
    pop = scenario.population
    rec = scenario.recruit
    n = lay.n_agents
    fellows = lay.fellows
    is_fellow = np.zeros(n, dtype=bool)
    is_fellow[fellows] = True

    people = draw_people(lay.role, is_fellow, pop, rec.selection_purpose, rec.selection_capacity, rng)

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
    potential = _potential(lay, pop, has_classroom, rng)
    practice = np.where(has_classroom, np.where(is_fellow, pop.practice_fellow, pop.baseline_practice), 0.0)
    learning = np.where(has_classroom, np.clip(potential * pop.baseline_learning, 0.0, 1.0), 0.0)

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
        purpose=people["purpose"],
        trust=people["trust"],
        agency=people["agency"],
        capacity=people["capacity"],
        rootedness=rootedness,
        reach=reach,
        threshold=people["threshold"],
        practice=practice.astype(np.float64),
        learning=learning.astype(np.float64),
        purpose0=people["purpose"].copy(),
        trust0=people["trust"].copy(),
        agency0=people["agency"].copy(),
        level=lay.level.copy(),
        potential=potential,
        collective_on=np.zeros(lay.n_clusters, dtype=bool),
        collective_origin=np.zeros(lay.n_clusters, dtype=np.int8),
        maturity=np.zeros(lay.n_clusters),
        ownership=np.zeros(lay.n_clusters),
        support=np.zeros(lay.n_districts),
        state_support=np.zeros(1),
    )
    state.check()
    return state
