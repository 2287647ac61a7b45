"""People come and go: teachers leave, principals and officials rotate, parents change.

A local slot is a position (a classroom, a headship, an office). Each month the holder of
an active local slot leaves with probability ``1 - (1 - annual) ** (1/12)``, with the
annual rate of its role (``dynamics.teacher_turnover``, ``principal_turnover``,
``official_turnover``, ``parent_turnover``), and a newcomer takes the slot with fresh
attributes drawn as at the start (``simulator.population.draw_people``): baseline purpose,
trust, agency, capacity and threshold, not engaged, and (for a teacher) the old practice.
The classroom's students stay, so its learning carries over and then follows the new
teacher's practice. Fellows and alumni leave through ``simulator.processes.careers``.

This is why no state is absorbing: a tipped school holds only as long as its engaged
people keep bringing newcomers in, and engaged shares stay below 100%.

Knock-out: ``mechanisms.turnover`` off keeps everyone in place.

Reads: role, active. Writes: purpose, trust, agency, capacity, threshold, purpose0,
trust0, agency0, engaged, practice, coached. Returns the indices of newcomers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..population import draw_people
from ..roles import Role
from ..scenario.schema import Dynamics, Population, Recruit
from ..state import State

__all__ = ["apply_turnover", "leave_probability_by_role", "leavers", "leavers_numpy", "monthly_leave_probability", "replace_people"]


def monthly_leave_probability(state: State, dyn: Dynamics) -> NDArray[np.float64]:
    """Each slot's monthly chance that its holder leaves (0 for fellows and alumni).

    The chance depends on the role alone, so it is computed once a role and looked up:
    NumPy's power gives a value the same bits wherever it sits in an array
    (``tests/test_processes.py`` compares with the power taken slot by slot).
    """
    return leave_probability_by_role(dyn)[state.role]


def leave_probability_by_role(dyn: Dynamics) -> NDArray[np.float64]:
    """A role's monthly chance that a holder leaves, indexed by role code (0 for fellows and alumni)."""
    annual = np.zeros(max(Role) + 1)
    annual[Role.TEACHER] = dyn.teacher_turnover
    annual[Role.PRINCIPAL] = dyn.principal_turnover
    annual[Role.OFFICIAL] = dyn.official_turnover
    annual[Role.PARENT] = dyn.parent_turnover
    return 1.0 - (1.0 - annual) ** (1.0 / 12.0)


def leavers(state: State, dyn: Dynamics, uniform: NDArray[np.float64]) -> NDArray[np.int64]:
    """The slots whose holder leaves this month (sorted), in one compiled pass (:func:`leavers_numpy`'s rule)."""
    from . import kernels_small

    out = np.empty(state.n_agents, dtype=np.int64)
    k = kernels_small.leavers(state.active, state.role, uniform, leave_probability_by_role(dyn), out)
    return out[:k]


def leavers_numpy(state: State, dyn: Dynamics, uniform: NDArray[np.float64]) -> NDArray[np.int64]:
    """:func:`leavers` with NumPy passes."""
    return np.flatnonzero(state.active & (uniform < monthly_leave_probability(state, dyn)))


def replace_people(
    state: State, leaving: NDArray[np.int64], people: dict[str, NDArray[np.float64]], pop: Population
) -> None:
    """Newcomers with the drawn attributes take the leavers' slots, in place."""
    for name in ("purpose", "trust", "agency", "capacity", "threshold"):
        getattr(state, name)[leaving] = people[name]
    state.purpose0[leaving] = people["purpose"]
    state.trust0[leaving] = people["trust"]
    state.agency0[leaving] = people["agency"]
    state.engaged[leaving] = False
    state.coached[leaving] = False
    teachers = leaving[state.role[leaving] == int(Role.TEACHER)]  # an int: NumPy compares an IntEnum slowly
    state.practice[teachers] = pop.baseline_practice


def apply_turnover(
    state: State,
    dyn: Dynamics,
    pop: Population,
    recruit: Recruit,
    uniform: NDArray[np.float64],
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Replace leavers by newcomers in place; return the newcomers' indices (sorted)."""
    leaving = leavers(state, dyn, uniform)
    if leaving.size == 0:
        return leaving
    people = draw_people(state.role[leaving], np.zeros(leaving.size, dtype=bool), pop, recruit.selection_purpose,
                         recruit.selection_capacity, rng)
    replace_people(state, leaving, people, pop)
    return leaving
