"""Neighbour aggregates: everything the processes need from the network, in one pass.

Each agent ``j`` speaks with weight ``omega_j = active_j * reach_j * (0.5 + 0.5 *
rootedness_j)``: people in roles with more reach, and leaders who represent the
communities they serve, are listened to more (seed 002: reach and representation are
dimensions of critical mass). An engaged agent's support counts with its leadership
strength ``lead_j = 0.5 + 0.5 * capacity_j``. With the gated tie matrix ``W`` and this
month's collective ties (``m * (A_c @ (m * X))``, see ``simulator.network``):

    deg_i          = sum_j W_ij omega_j
    mean_purpose_i = sum_j W_ij omega_j purpose_j / deg_i
    count_i        = sum_j W_ij omega_j engaged_j lead_j       (reinforcement)
    share_i        = count_i / deg_i
    peer_gain_i    = mean learning gain of i's tied classrooms (learning above each
                     classroom's own baseline: what peers can see of success)
    example_i      = sum_j Wx_ij omega_j engaged_j lead_j q_c(j) over the ties ``Wx`` that
                     cross from i's cluster into another (engaged people who carry the
                     example of a mature, owned collective elsewhere: q = maturity *
                     ownership of j's cluster's collective)

from one sparse product with a five-column matrix, one over the collective ties and one
matrix-vector product over the cross-cluster ties, which is why a full step costs only a
few sparse matrix-vector products. :func:`neighbour_aggregates` runs them as two compiled
loops (:mod:`simulator.processes.kernels`); :func:`neighbour_aggregates_numpy` writes the
same arithmetic as NumPy and scipy.sparse passes, the readable form the kernels are
tested against bit for bit.

Reads: active, reach, rootedness, capacity, purpose, engaged, has_classroom, learning,
potential, cluster; the clusters' collective quality. Writes: nothing (returns
:class:`Aggregates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..sparse_codes import codes_of, unsigned_structure
from ..state import State

__all__ = ["Aggregates", "neighbour_aggregates", "neighbour_aggregates_numpy", "speaker_weight", "leadership_strength", "learning_gain"]

FloatArray = NDArray[np.float64]


@dataclass
class Aggregates:
    """Per-agent neighbour aggregates of one month (see module docstring)."""

    degree: FloatArray
    mean_purpose: FloatArray
    engaged_count: FloatArray
    engaged_share: FloatArray
    peer_gain: FloatArray
    peer_weight: FloatArray
    example: FloatArray


def speaker_weight(state: State) -> FloatArray:
    """``omega``: how much each agent is listened to (0 when absent)."""
    return state.active * state.reach * (0.5 + 0.5 * state.rootedness)


def leadership_strength(state: State) -> FloatArray:
    """How much an engaged agent's support counts: ``0.5 + 0.5 * capacity``."""
    return 0.5 + 0.5 * state.capacity


def learning_gain(state: State, baseline_learning: float) -> FloatArray:
    """Each classroom's learning above its own baseline (0 without a classroom)."""
    return np.where(state.has_classroom, state.learning - state.potential * baseline_learning, 0.0)


def neighbour_aggregates(
    W: sp.csr_matrix,
    state: State,
    baseline_learning: float,
    collective_ties: sp.csr_matrix | None = None,
    collective_member: NDArray[np.bool_] | None = None,
    cluster_quality: FloatArray | None = None,
    cross_cluster: sp.csr_matrix | None = None,
    blocks: NDArray[np.integer] | None = None,
) -> Aggregates:
    """Compute all neighbour aggregates (compiled; arguments as :func:`neighbour_aggregates_numpy`).

    ``blocks``: bounds of agent blocks that no tie crosses (an ensemble's runs), so that
    each block is computed while its speaker columns are in cache; the values do not
    depend on it.
    """
    from . import kernels  # numba is imported with the first step, not with the CLI

    n = state.n_agents
    use_quality = cross_cluster is not None and cluster_quality is not None and bool(cluster_quality.any())
    X = np.empty((n, 5))
    example_weight = np.empty(n if use_quality else 0)
    quality = cluster_quality if use_quality else np.zeros(1)
    with_collective = collective_ties is not None and collective_member is not None and bool(collective_member.any())
    c = _csr_arrays(collective_ties) if with_collective else kernels.empty_csr()
    member = np.asarray(collective_member, dtype=bool) if with_collective else np.zeros(1, dtype=bool)
    x = _csr_arrays(cross_cluster) if use_quality else kernels.empty_csr()
    bounds = np.array([0, n], dtype=np.uint64) if blocks is None else np.asarray(blocks, dtype=np.uint64)
    out = np.empty((7, n))
    kernels.aggregates_by_block(
        bounds, state.active, state.reach, state.rootedness, state.engaged, state.capacity, state.purpose,
        state.has_classroom, state.learning, state.potential, float(baseline_learning), state.cluster,
        quality, use_quality, X, example_weight, *_csr_arrays(W), with_collective, *c, member, *x, out,
    )
    return Aggregates(
        degree=out[0], mean_purpose=out[1], engaged_count=out[2], engaged_share=out[3],
        peer_gain=out[4], peer_weight=out[5], example=out[6],
    )


def _csr_arrays(
    M: sp.spmatrix | sp.sparray,
) -> tuple[NDArray[np.integer], NDArray[np.integer], NDArray[np.unsignedinteger], FloatArray]:
    """A matrix's CSR arrays for the kernels: unsigned positions, values as codes and table.

    The values are float64 as in scipy's product with a float64 operand, read as
    ``table[codes]``, and the positions unsigned (:mod:`simulator.sparse_codes`: the same
    floats in fewer bytes, indexed without checks for negative positions).
    """
    if M.format != "csr":
        M = M.tocsr()
    return *unsigned_structure(M), *codes_of(M)


def neighbour_aggregates_numpy(
    W: sp.csr_matrix,
    state: State,
    baseline_learning: float,
    collective_ties: sp.csr_matrix | None = None,
    collective_member: NDArray[np.bool_] | None = None,
    cluster_quality: FloatArray | None = None,
    cross_cluster: sp.csr_matrix | None = None,
) -> Aggregates:
    """Compute all neighbour aggregates with NumPy and scipy.sparse passes.

    Args:
        W: the gated weight matrix of every layer but the collective one.
        state: the state.
        baseline_learning: ``population.baseline_learning`` (for learning gains).
        collective_ties: 0/1 adjacency of the collective layer.
        collective_member: who takes part in a collective this month (0/1 mask).
        cluster_quality: per cluster, ``maturity * ownership`` of a meeting collective
            (0 where none meets); the example that engaged people of the cluster carry.
        cross_cluster: ``W`` restricted to ties between agents of different clusters.
    """
    omega = speaker_weight(state)
    classroom = omega * (state.has_classroom & state.active)
    support = omega * state.engaged * leadership_strength(state)
    X = np.empty((state.n_agents, 5))
    X[:, 0] = omega
    X[:, 1] = omega * state.purpose
    X[:, 2] = support
    X[:, 3] = classroom
    X[:, 4] = classroom * learning_gain(state, baseline_learning)
    S = W @ X
    if collective_ties is not None and collective_member is not None and collective_member.any():
        # S += m * (A_c @ (m * X)) with the 0/1 membership m, computed over the members
        # only: a non-member's row gains 0 and a non-member's column adds 0 to a sum, so
        # the values are the same to the last bit, at a fraction of the cost.
        rows = np.flatnonzero(collective_member)
        Xm = np.zeros_like(X)
        Xm[rows] = X[rows]
        S[rows] += collective_ties[rows] @ Xm
    S = _rows_of_columns(S)  # one row a column: the passes below run over contiguous memory
    deg = S[0]
    has = deg > 0
    safe = np.where(has, deg, 1.0)
    peer_w = S[3]
    return Aggregates(
        degree=deg,
        mean_purpose=np.where(has, S[1] / safe, state.purpose),
        engaged_count=S[2],
        engaged_share=np.where(has, S[2] / safe, 0.0),
        peer_gain=np.where(peer_w > 0, S[4] / np.where(peer_w > 0, peer_w, 1.0), 0.0),
        peer_weight=peer_w,
        example=_cross_example(state, support, cluster_quality, cross_cluster),
    )


#: Agents a block when the products' columns are laid out as rows: a block of the five
#: interleaved columns (320 KiB) stays in cache while it is read five times.
_TRANSPOSE_BLOCK = 1 << 13


def _rows_of_columns(S: FloatArray) -> FloatArray:
    """``S.T`` as a C-contiguous array, copied block by block.

    One copy of the whole transpose reads the (n, 5) array five times from memory; above
    some 100,000 agents that costs about two sparse products. Block by block the repeated
    reads come from cache (the values are the same: it is a copy).
    """
    n, k = S.shape
    out = np.empty((k, n))
    for start in range(0, n, _TRANSPOSE_BLOCK):
        out[:, start : start + _TRANSPOSE_BLOCK] = S[start : start + _TRANSPOSE_BLOCK].T
    return out


def _cross_example(
    state: State,
    support: FloatArray,
    cluster_quality: FloatArray | None,
    cross_cluster: sp.csr_matrix | None,
) -> FloatArray:
    if cross_cluster is None or cluster_quality is None or not cluster_quality.any():
        return np.zeros(state.n_agents)
    in_cluster = state.cluster >= 0
    q = np.zeros(state.n_agents)
    q[in_cluster] = cluster_quality[state.cluster[in_cluster]]
    return cross_cluster @ (support * q)
