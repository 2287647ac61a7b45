"""Which ties count this month: layer gates from the levers, memberships from the state.

Gates come from the strategies (connect opens the alumni, bridging and community layers;
convene the convening layer); the ``alumni_bridging`` knock-out closes the bridging,
enabler and policy layers. The collective layer is not part of ``W``: it is applied with
this month's collective membership (``simulator.processes.collectives``).

Reads: role, track; levers; mechanisms. Writes: nothing (returns gates and exclusions).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..network import N_LAYERS, Layer
from ..roles import AlumniTrack, Role
from ..scenario.schema import Mechanisms, Network
from ..state import State

__all__ = ["layer_exclusions", "layer_gates"]


def layer_gates(levers: Levers, network: Network, mech: Mechanisms) -> NDArray[np.float64]:
    """Weight of each tie layer of ``W`` this month (the collective layer is applied apart)."""
    g = np.zeros(N_LAYERS)
    g[Layer.SCHOOL] = network.school_weight
    g[Layer.CLUSTER] = network.cluster_weight
    g[Layer.PARENT] = network.parent_weight
    g[Layer.OVERSIGHT] = network.oversight_weight
    g[Layer.ALUMNI] = network.alumni_base_weight + levers.alumni_gatherings
    bridges = 1.0 if mech.alumni_bridging else 0.0
    g[Layer.BRIDGING] = levers.bridging * bridges
    g[Layer.COMMUNITY] = levers.community
    g[Layer.ENABLER] = bridges
    g[Layer.POLICY] = bridges
    g[Layer.COLLECTIVE] = 0.0
    g[Layer.CONVENING] = min(1.0, levers.convening_intensity)
    return g


def layer_exclusions(state: State) -> NDArray[np.uint16]:
    """The layers each agent takes no part in, as one bit field an agent (bit ``l``: layer ``l``).

    The membership ``m_l`` of ``docs/ODD.md`` is 1 where bit ``l`` is clear. Enabler and
    policy alumni leave their school after the fellowship; bridging, enabler and policy
    ties belong to alumni, not to serving fellows.
    """
    out = np.zeros(state.n_agents, dtype=np.uint16)
    alumnus = state.role == Role.ALUMNUS
    left_school = alumnus & (state.track != AlumniTrack.DIRECT)
    out[left_school] |= np.uint16((1 << Layer.SCHOOL) | (1 << Layer.CLUSTER))
    out[state.role == Role.FELLOW] |= np.uint16((1 << Layer.BRIDGING) | (1 << Layer.ENABLER) | (1 << Layer.POLICY))
    return out
