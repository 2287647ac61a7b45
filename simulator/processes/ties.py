"""Which ties count this month: layer gates from the levers, memberships from the state.

Reads: role, track, cluster, district, rules; levers. Writes: nothing (returns gates,
membership and who sits in which kind of collective).

Collectives run by the programme take its mode (teacher-led or imposed). A district
whose rules have shifted past one half institutionalises collectives in all its
clusters (seed 003: after about three years "administrations scale them"); those are
teacher-led, since they come from officials who share the purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..network import N_LAYERS, Layer
from ..roles import AlumniTrack, Role
from ..scenario.schema import Network
from ..state import State

__all__ = ["Collectives", "layer_gates", "layer_membership", "collective_status", "INSTITUTIONAL_RULES"]

#: District rules at and above which collectives are institutionalised.
INSTITUTIONAL_RULES = 0.5


@dataclass
class Collectives:
    """Per-agent collective membership of a month."""

    member: NDArray[np.bool_]
    teacher_led: NDArray[np.bool_]
    imposed: NDArray[np.bool_]
    with_data: NDArray[np.bool_]
    intensity: NDArray[np.float64]
    cluster_convenes: NDArray[np.bool_]


def collective_status(state: State, levers: Levers, cluster_district: NDArray[np.int64]) -> Collectives:
    """Who meets in a collective this month, and how it is run.

    Args:
        state: the state.
        levers: this month's levers.
        cluster_district: district of each cluster (``Layout.cluster_district``).
    """
    n_clusters = cluster_district.size
    programme = levers.collective_clusters if levers.collective_clusters.size else np.zeros(n_clusters, bool)
    institutional = state.rules[cluster_district] >= INSTITUTIONAL_RULES
    teacher_like = state.has_classroom & state.active
    in_cluster = state.cluster >= 0
    cl = np.where(in_cluster, state.cluster, 0)
    prog = teacher_like & in_cluster & programme[cl]
    inst = teacher_like & in_cluster & institutional[cl] & ~prog
    led = prog & (levers.collective_mode == "teacher_led") | inst
    imposed = prog & (levers.collective_mode == "imposed")
    intensity = np.where(prog, levers.collective_intensity, np.where(inst, 1.0, 0.0))
    with_data = prog & levers.collective_with_data | inst
    return Collectives(
        member=prog | inst,
        teacher_led=led,
        imposed=imposed,
        with_data=with_data,
        intensity=intensity,
        cluster_convenes=programme | institutional,
    )


def layer_gates(levers: Levers, network: Network, any_collective: bool) -> NDArray[np.float64]:
    """Weight of each tie layer this month."""
    g = np.zeros(N_LAYERS)
    g[Layer.SCHOOL] = network.school_weight
    g[Layer.CLUSTER] = network.cluster_weight
    g[Layer.PARENT] = network.parent_weight
    g[Layer.OVERSIGHT] = network.oversight_weight
    g[Layer.ALUMNI] = network.alumni_base_weight + levers.alumni_gatherings
    g[Layer.BRIDGING] = levers.bridging
    g[Layer.COMMUNITY] = levers.community
    g[Layer.ENABLER] = 1.0
    g[Layer.POLICY] = 1.0
    g[Layer.COLLECTIVE] = 1.0 if any_collective else 0.0
    g[Layer.CONVENING] = min(1.0, levers.convening_intensity)
    return g


def layer_membership(state: State, collectives: Collectives) -> NDArray[np.float64]:
    """Who takes part in each layer (L x n, 0/1).

    Enabler and policy alumni leave their school after the fellowship; bridging,
    enabler and policy ties belong to alumni, not to serving fellows.
    """
    n = state.n_agents
    m = np.ones((N_LAYERS, n))
    alumnus = state.role == Role.ALUMNUS
    fellow = state.role == Role.FELLOW
    left_school = alumnus & (state.track != AlumniTrack.DIRECT)
    m[Layer.SCHOOL, left_school] = 0.0
    m[Layer.CLUSTER, left_school] = 0.0
    m[Layer.BRIDGING, fellow] = 0.0
    m[Layer.ENABLER, fellow] = 0.0
    m[Layer.POLICY, fellow] = 0.0
    # Collective ties exist only between classroom holders (teachers, fellows); they
    # count where the cluster convenes and the holder has not left the school. Who is
    # present is handled by the speaker weight, so arrivals and departures never force
    # a rebuild of the weights.
    convenes = np.zeros(n, dtype=bool)
    in_cluster = state.cluster >= 0
    convenes[in_cluster] = collectives.cluster_convenes[state.cluster[in_cluster]]
    m[Layer.COLLECTIVE] = convenes & ~left_school
    return m
