"""Develop purpose and capacity through coaching.

Coaching of fellows, and of the teachers, principals and
parents in schools where fellows work (seed 000, strategy 2: "develop purpose and
capacity ... of local teachers, principals, others alongside them"; Puebla case),
and leadership programmes for alumni.

Coaching raises leadership capacity toward 1, (for classroom holders) practice toward
what their capacity can reach (``simulator.processes.practice.practice_reach``), and
purpose toward ``persuasion_ceiling`` (below the commitment level: training alone
does not make committed leaders), each at ``coaching_gain * intensity`` a month.

Reads: role, school, active, has_classroom, purpose, capacity, practice; levers.
Writes: purpose, capacity, practice, coached.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..roles import AlumniTrack, Role
from ..scenario.schema import Dynamics
from ..state import State
from .practice import practice_reach

__all__ = ["apply_development", "apply_development_numpy", "schools_with_fellows", "host_mask", "host_mask_numpy"]


def schools_with_fellows(state: State, n_schools: int) -> NDArray[np.bool_]:
    """Schools where an active fellow or direct-impact alumnus works."""
    present = state.active & (
        (state.role == Role.FELLOW) | ((state.role == Role.ALUMNUS) & (state.track == AlumniTrack.DIRECT))
    ) & (state.school >= 0)
    return np.bincount(state.school[present], minlength=n_schools) > 0


def _assign(out: NDArray[np.float64], mask: NDArray[np.bool_], value: float | NDArray[np.float64]) -> None:
    """``out[mask] = value``, for a value that is one number or one per agent (an ensemble)."""
    out[mask] = value[mask] if np.ndim(value) else value


def host_mask(state: State, n_schools: int) -> NDArray[np.bool_]:
    """Agents of schools where fellows work, in two compiled passes (:func:`host_mask_numpy`'s rule)."""
    from . import kernels_small

    out = np.empty(state.n_agents, dtype=bool)
    kernels_small.host_mask(state.active, state.role, state.track, state.school, int(n_schools), out)
    return out


def host_mask_numpy(state: State, n_schools: int) -> NDArray[np.bool_]:
    """Agents of schools where fellows work."""
    hosts = schools_with_fellows(state, n_schools)
    in_host = np.zeros(state.n_agents, dtype=bool)
    has_school = state.school >= 0
    in_host[has_school] = hosts[state.school[has_school]]
    return in_host


def apply_development(state: State, levers: Levers, dyn: Dynamics, n_schools: int, baseline_practice: float) -> None:
    """Apply this month's coaching, in two compiled passes over the agents.

    The arithmetic of :func:`apply_development_numpy` (the readable form, tested against
    this one bit for bit), in :func:`simulator.processes.kernels.development`.
    """
    from . import kernels

    n = state.n_agents
    use_host = bool(np.any(levers.teacher_coaching) or np.any(levers.principal_development)
                    or np.any(levers.parent_development))
    in_host = host_mask(state, n_schools) if use_host else np.zeros(1, dtype=bool)
    intensity = np.empty(n)
    coached = kernels.coaching_intensity(
        state.role, state.active, in_host, use_host, kernels.rate_rows(levers, kernels.COACHING_LEVERS, n), intensity
    )
    state.coached = intensity > 0
    if coached == 0:
        return
    purpose, capacity, practice = np.empty(n), np.empty(n), np.empty(n)
    kernels.development(intensity, state.has_classroom, state.purpose, state.capacity, state.practice,
                        float(baseline_practice), kernels.rate_rows(dyn, kernels.COACHING_RATES, n),
                        purpose, capacity, practice)
    state.purpose, state.capacity, state.practice = purpose, capacity, practice


def apply_development_numpy(
    state: State, levers: Levers, dyn: Dynamics, n_schools: int, baseline_practice: float
) -> None:
    """Apply this month's coaching with NumPy passes."""
    intensity = np.zeros(state.n_agents)
    role = state.role
    _assign(intensity, role == Role.FELLOW, levers.fellow_coaching)
    _assign(intensity, role == Role.ALUMNUS, levers.alumni_leadership)
    if np.any(levers.teacher_coaching) or np.any(levers.principal_development) or np.any(levers.parent_development):
        in_host = host_mask_numpy(state, n_schools)
        _assign(intensity, in_host & (role == Role.TEACHER), levers.teacher_coaching)
        _assign(intensity, in_host & (role == Role.PRINCIPAL), levers.principal_development)
        _assign(intensity, in_host & (role == Role.PARENT), levers.parent_development)
    intensity *= state.active
    state.coached = intensity > 0
    if not state.coached.any():
        return
    rate = dyn.coaching_gain * intensity
    room = np.maximum(0.0, dyn.persuasion_ceiling - state.purpose)
    state.purpose = np.clip(state.purpose + rate * room, 0.0, 1.0)
    state.capacity = np.clip(state.capacity + rate * (1.0 - state.capacity), 0.0, 1.0)
    classroom = state.has_classroom
    room = np.maximum(0.0, practice_reach(state.capacity, baseline_practice) - state.practice)
    state.practice = np.clip(np.where(classroom, state.practice + rate * room, state.practice), 0.0, 1.0)
