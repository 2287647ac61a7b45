"""Complex contagion on lattices with long ties (Centola & Macy 2007; Eckles et al. 2024).

Centola, D., & Macy, M. (2007). Complex contagions and the weakness of long ties.
*American Journal of Sociology* 113(3), 702-734. On a ring lattice (N = 1,000, k = 4)
or a 2-D lattice, a node adopts once ``a`` of its neighbours have (absolute
threshold). Ties are rewired at random while every node keeps its degree. With
``a = 1`` (simple contagion) the behaviour always spreads and long ties make it faster;
with ``a = 2`` it spreads along the lattice but about 1% rewiring stops it, because a
rewired tie removes the redundant, overlapping ties a wide bridge needs.

Eckles, D., Mossel, E., Rahimian, M. A., & Sen, S. (2024). Long ties accelerate noisy
threshold-based contagions. *Nature Human Behaviour* 8, 1057-1064. Add a little
adoption noise (each non-adopter with an adopting neighbour adopts on its own with a
small chance each step) and the effect reverses: long ties then speed complex contagions
up. The ``adoption_noise`` parameter adds that noise.

The model also runs on a user's network (``graph=``, any labels, directed or weighted;
conventions in :mod:`simulator.classic.network_input`) with per-node thresholds, seeds
by label, and rewiring of an undirected, unweighted user graph.

The update kernel is :func:`simulator.processes.engagement.threshold_rule` (through
:func:`simulator.classic.threshold.threshold_step`), with absolute thresholds as its
reinforcement count.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from . import graphs
from ._base import SeedLike
from .network_input import GraphLike, InfluenceNetwork, PerNode, as_influence_network
from .threshold import ThresholdContagion, ThresholdKind, UpdateOrder

__all__ = ["ComplexContagion", "Lattice", "Seeding"]

Lattice = Literal["ring", "grid"]
Seeding = Literal["neighbourhood", "random"]


class ComplexContagion(ThresholdContagion):
    """Absolute-threshold contagion on a rewired ring, a 2-D lattice, or the user's network.

    Example (Centola & Macy's ring)::

        m = ComplexContagion(n=1_000, k=4, threshold=2, rewiring=0.01, seed=3).run()
        m.active_share, m.time_to_share(0.9)

    Args:
        lattice: ``"ring"`` (``n`` nodes of degree ``k``) or ``"grid"`` (a torus of
            ``n = side**2`` nodes with a ``"von_neumann"`` or ``"moore"`` neighbourhood).
            Ignored when ``graph`` is given.
        n: number of nodes.
        k: ring degree (even).
        neighbourhood: grid neighbourhood.
        graph: the user's network (networkx graph with any labels, or sparse matrix).
        weight: use edge weights (attribute name, or ``True``).
        directed: for a sparse matrix, ``True`` reads ``A[u, v]`` as ``u -> v``.
        threshold: adoption threshold ``a`` (number of adopting in-neighbours, weighted
            when weights are used), one value or per node.
        threshold_kind: ``"absolute"`` (the paper) or ``"fractional"``.
        rewiring: share of ties rewired by degree-preserving double-edge swaps, in [0, 1]
            (for a user graph: undirected and unweighted only).
        seeding: ``"neighbourhood"`` (one random node and the nodes it points to, Centola &
            Macy's seeding) or ``"random"`` (``n_seeds`` random nodes). Ignored when
            ``seeds`` is given.
        n_seeds: seeds for ``"random"`` seeding.
        seeds: the initial adopters by label.
        adoption_probability: chance a supported non-adopter adopts in a step.
        adoption_noise: per-step chance that an exposed non-adopter adopts on its own
            (Eckles et al.).
        update: ``"synchronous"`` or ``"random_order"``.
        collect: record ``active_share`` each step.
        seed: the run's seed or generator.
    """

    def __init__(
        self,
        *,
        lattice: Lattice = "ring",
        n: int = 1_000,
        k: int = 4,
        neighbourhood: Literal["von_neumann", "moore"] = "moore",
        graph: GraphLike | None = None,
        weight: str | bool | None = None,
        directed: bool | None = None,
        threshold: PerNode = 2,
        threshold_kind: ThresholdKind = "absolute",
        rewiring: float = 0.0,
        seeding: Seeding = "neighbourhood",
        n_seeds: int = 1,
        seeds: Iterable[Hashable] | None = None,
        adoption_probability: PerNode = 1.0,
        adoption_noise: PerNode = 0.0,
        update: UpdateOrder = "synchronous",
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        if lattice not in ("ring", "grid"):
            raise ValueError(f"lattice must be 'ring' or 'grid', got {lattice!r}")
        if seeding not in ("neighbourhood", "random"):
            raise ValueError(f"seeding must be 'neighbourhood' or 'random', got {seeding!r}")
        if not 0.0 <= rewiring <= 1.0:
            raise ValueError(f"rewiring must be in [0, 1], got {rewiring}")
        self.lattice: Lattice = lattice
        self.neighbourhood = neighbourhood
        self.rewiring = float(rewiring)
        self.seeding: Seeding = seeding
        self._user_graph = graph
        self._user_weight = weight
        self._user_directed = directed
        super().__init__(
            network=lattice,
            n=n,
            k=k,
            graph=None,
            threshold=threshold,
            threshold_kind=threshold_kind,
            n_seeds=n_seeds,
            seeds=seeds,
            adoption_probability=adoption_probability,
            adoption_noise=adoption_noise,
            update=update,
            collect=collect,
            seed=seed,
        )

    def _builtin_network(
        self, network: str, n: int, mean_degree: float, k: int
    ) -> InfluenceNetwork:
        if self._user_graph is not None:
            net = as_influence_network(
                self._user_graph, weight=self._user_weight, directed=self._user_directed
            )
            if self.rewiring == 0:
                return net
            if net.directed or net.weighted:
                raise ValueError("rewiring needs an undirected, unweighted graph")
            upper = sp.triu(net.adjacency, k=1).tocoo()
            edges = (upper.row.astype(np.int64), upper.col.astype(np.int64))
            edges = graphs.rewire_degree_preserving(edges, net.n, self.rewiring, self.rng)
            mat = graphs.adjacency(net.n, edges)
            # the rewired graph keeps the user's labels, not the user's ties
            return InfluenceNetwork(
                adjacency=mat, influence=mat, labels=net.labels, directed=False, weighted=False
            )
        return super()._builtin_network(network, n, mean_degree, k)

    def _build_network(self, network: str, n: int, mean_degree: float, k: int) -> sp.csr_matrix:
        if network == "ring":
            edges = graphs.ring_lattice_edges(n, k)
        else:
            side = int(round(np.sqrt(n)))
            if side * side != n:
                raise ValueError(f"a grid needs n to be a square, got {n}")
            edges = graphs.grid_lattice_edges(side, self.neighbourhood)
        if self.rewiring > 0:
            edges = graphs.rewire_degree_preserving(edges, n, self.rewiring, self.rng)
        return graphs.adjacency(n, edges)

    def _choose_seeds(self, n_seeds: int) -> NDArray[np.int64]:
        if self.seeding == "random":
            return super()._choose_seeds(n_seeds)
        focal = int(self.rng.integers(self.n))
        row = self.adjacency.indices[
            self.adjacency.indptr[focal] : self.adjacency.indptr[focal + 1]
        ]
        return np.concatenate(([focal], row)).astype(np.int64)
