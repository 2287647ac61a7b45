"""Inertia: unengaged classrooms drift back to the old practice unless support holds them.

Seed 000, after Meadows: systems "adapt to superficial changes"; a technical push without
shifts in purpose, power and learning fades. Each month

    practice -= inertia * (1 - engaged) * (1 - support) * (practice - p0)

for active classroom holders, with this month's engagement and last month's support
(``simulator.processes.support``). Fellows' practice is pulled toward the local old
practice ``p0``, not toward their initial training. Beliefs have their own relaxation and
erosion (``simulator.processes.influence``).

Knock-out: ``mechanisms.inertia`` off.

Reads: practice, engaged, district, has_classroom, active, support. Writes: practice.
"""

from __future__ import annotations

import numpy as np

from ..scenario.schema import Dynamics, Mechanisms, Population
from ..state import State
from .support import support_of

__all__ = ["apply_inertia", "apply_inertia_numpy"]


def apply_inertia(
    state: State, dyn: Dynamics, mech: Mechanisms, pop: Population, support: np.ndarray | None = None
) -> None:
    """Pull practice back in place (``support``: :func:`~simulator.processes.support.support_of`, if known).

    One compiled pass (:func:`simulator.processes.kernels_small.inertia`) with the
    arithmetic of :func:`apply_inertia_numpy`, tested against it bit for bit.
    """
    from . import kernels_small

    if not mech.inertia:
        return
    if not mech.institutional_support:
        support = np.zeros(1)
    elif support is None:
        support = support_of(state)
    out = np.empty(state.n_agents)
    kernels_small.inertia(
        state.has_classroom, state.active, state.engaged, state.practice, np.atleast_1d(np.asarray(support, np.float64)),
        np.atleast_1d(np.asarray(dyn.inertia, dtype=np.float64)), float(pop.baseline_practice), out,
    )
    state.practice = out


def apply_inertia_numpy(
    state: State, dyn: Dynamics, mech: Mechanisms, pop: Population, support: np.ndarray | None = None
) -> None:
    """:func:`apply_inertia` with NumPy passes."""
    if not mech.inertia:
        return
    if not mech.institutional_support:
        support = 0.0
    elif support is None:
        support = support_of(state)
    pull = dyn.inertia * (1.0 - state.engaged) * (1.0 - support) * state.active
    holders = state.has_classroom
    state.practice = np.where(
        holders, state.practice - pull * (state.practice - pop.baseline_practice), state.practice
    )
