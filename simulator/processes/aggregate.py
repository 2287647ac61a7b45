"""Neighbour aggregates: everything the processes need from the network, in one product.

Each agent ``j`` speaks with weight ``omega_j = active_j * reach_j * (0.5 + 0.5 *
rootedness_j)``: people in roles with more reach, and leaders who represent the
communities they serve, are listened to more (seed 002: reach and representation are
dimensions of critical mass). An engaged agent's support counts with its leadership
strength ``0.5 + 0.5 * capacity_j``. With the gated tie matrix ``W`` the aggregates are

    deg_i    = sum_j W_ij omega_j
    mean_purpose_i = sum_j W_ij omega_j purpose_j / deg_i
    count_i  = sum_j W_ij omega_j engaged_j lead_j  (reinforcement)
    share_i  = count_i / deg_i
    peer_learning_i = mean classroom learning of i's tied classroom holders

computed as a single sparse-times-dense product ``W @ X`` with five columns, which is
why a full step costs only a few sparse matrix-vector products.

Reads: active, reach, rootedness, capacity, purpose, engaged,
has_classroom, learning. Writes: nothing (returns :class:`Aggregates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..state import State

__all__ = ["Aggregates", "neighbour_aggregates", "speaker_weight", "leadership_strength"]

FloatArray = NDArray[np.float64]


@dataclass
class Aggregates:
    """Per-agent neighbour aggregates of one month (see module docstring)."""

    degree: FloatArray
    mean_purpose: FloatArray
    engaged_count: FloatArray
    engaged_share: FloatArray
    peer_learning: FloatArray
    peer_weight: FloatArray


def speaker_weight(state: State) -> FloatArray:
    """``omega``: how much each agent is listened to (0 when absent)."""
    return state.active * state.reach * (0.5 + 0.5 * state.rootedness)


def leadership_strength(state: State) -> FloatArray:
    """How much an engaged agent's support counts: ``0.5 + 0.5 * capacity``."""
    return 0.5 + 0.5 * state.capacity


def neighbour_aggregates(W: sp.csr_matrix, state: State) -> Aggregates:
    """Compute all neighbour aggregates with one sparse-dense product."""
    omega = speaker_weight(state)
    classroom = omega * (state.has_classroom & state.active)
    X = np.empty((state.n_agents, 5))
    X[:, 0] = omega
    X[:, 1] = omega * state.purpose
    X[:, 2] = omega * state.engaged * leadership_strength(state)
    X[:, 3] = classroom
    X[:, 4] = classroom * state.learning
    S = W @ X
    deg = S[:, 0]
    has = deg > 0
    safe = np.where(has, deg, 1.0)
    peer_w = S[:, 3]
    return Aggregates(
        degree=deg,
        mean_purpose=np.where(has, S[:, 1] / safe, state.purpose),
        engaged_count=S[:, 2],
        engaged_share=np.where(has, S[:, 2] / safe, 0.0),
        peer_learning=np.where(peer_w > 0, S[:, 4] / np.where(peer_w > 0, peer_w, 1.0), state.learning),
        peer_weight=peer_w,
    )
