"""Career transitions: cohorts arrive, fellows become alumni, people leave.

* A cohort's slots switch on in its arrival month (``recruit_month``).
* After ``fellowship_months`` (24: the two-year fellowship) a fellow becomes an alumnus
  on the track drawn at build by the role mix (Teach For India: 60% direct impact, 30%
  transformational enablers, 10% policy and governance; seed 000). Direct-impact alumni
  keep their classroom and school; enablers and policy alumni leave the classroom and
  take the reach of their new role.
* Each month a fellow or alumnus leaves the system with probability
  ``1 - retention ** (1/12)`` (``retention`` is the share still there after a year).

Reads: role, track, recruit_month, tenure, active. Writes: role, active, engaged,
tenure, has_classroom, reach. Returns the indices of agents whose status changed.
"""

from __future__ import annotations

import numpy as np

from ..roles import AlumniTrack, Role
from ..scenario.schema import Population, Recruit
from ..state import State

__all__ = ["advance_careers", "advance_careers_numpy"]


def advance_careers(
    state: State, month: int, recruit: Recruit, pop: Population, uniform: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Advance careers by one month in place, in one compiled pass over the agents.

    The arithmetic of :func:`advance_careers_numpy` (the readable form, tested against
    this one bit for bit), in :func:`simulator.processes.kernels_small.careers`.

    Returns:
        The indices of agents whose status changed (arrivals, then graduations, then
        departures, each in agent order), and whether any fellow graduated.
    """
    from . import kernels_small

    n = state.n_agents
    arriving, graduating, leaving = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    n_arriving, n_graduating, n_leaving = kernels_small.careers(
        state.recruit_month, int(month), state.role, state.track, state.tenure, state.active, state.engaged,
        state.reach, state.has_classroom, uniform, int(recruit.fellowship_months),
        _monthly_leave(recruit), float(pop.reach_alumni_direct), float(pop.reach_alumni_enabler),
        float(pop.reach_alumni_policy), arriving, graduating, leaving,
    )
    changed = np.concatenate([arriving[:n_arriving], graduating[:n_graduating], leaving[:n_leaving]])
    return changed, n_graduating > 0


def advance_careers_numpy(
    state: State, month: int, recruit: Recruit, pop: Population, uniform: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Advance careers by one month in place, with NumPy passes.

    Returns:
        The indices of agents whose status changed, and whether any fellow graduated
        (which changes tie memberships).
    """
    changed: list[np.ndarray] = []
    arriving = state.recruit_month == month
    if arriving.any():
        state.active[arriving] = True
        changed.append(np.flatnonzero(arriving))
    career = state.active & ((state.role == Role.FELLOW) | (state.role == Role.ALUMNUS))
    state.tenure[career] += 1
    graduating = career & (state.role == Role.FELLOW) & (state.tenure > recruit.fellowship_months)
    graduated = bool(graduating.any())
    if graduated:
        state.role[graduating] = Role.ALUMNUS
        reach = {
            AlumniTrack.DIRECT: pop.reach_alumni_direct,
            AlumniTrack.ENABLER: pop.reach_alumni_enabler,
            AlumniTrack.POLICY: pop.reach_alumni_policy,
        }
        for track, value in reach.items():
            state.reach[graduating & (state.track == track)] = value
        leaving_class = graduating & (state.track != AlumniTrack.DIRECT)
        state.has_classroom[leaving_class] = False
        changed.append(np.flatnonzero(graduating))
    leaving = career & (uniform < _monthly_leave(recruit))
    if leaving.any():
        state.active[leaving] = False
        state.engaged[leaving] = False
        changed.append(np.flatnonzero(leaving))
    return (np.concatenate(changed) if changed else np.zeros(0, dtype=np.int64)), graduated


def _monthly_leave(recruit: Recruit) -> float:
    """A fellow's or alumnus's monthly chance of leaving: ``1 - retention ** (1/12)``."""
    return 1.0 - recruit.retention ** (1.0 / 12.0)
