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
adoption noise (each non-adopter adopts on its own with a small chance each step) and
the effect reverses: long ties then speed complex contagions up. The ``adoption_noise``
parameter adds that noise.

The update kernel is :func:`simulator.processes.engagement.threshold_rule` (through
:func:`simulator.classic.threshold.threshold_step`), with absolute thresholds as its
reinforcement count.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from . import graphs
from ._base import SeedLike
from .threshold import BoolArray, ThresholdContagion, UpdateOrder

__all__ = ["ComplexContagion", "Lattice", "Seeding"]

Lattice = Literal["ring", "grid"]
Seeding = Literal["neighbourhood", "random"]


class ComplexContagion(ThresholdContagion):
    """Absolute-threshold contagion on a rewired ring or 2-D lattice.

    Example (Centola & Macy's ring)::

        m = ComplexContagion(n=1_000, k=4, threshold=2, rewiring=0.01, seed=3).run()
        m.active_share, m.time_to_share(0.9)

    Args:
        lattice: ``"ring"`` (``n`` nodes of degree ``k``) or ``"grid"`` (a torus of
            ``n = side**2`` nodes with a ``"von_neumann"`` or ``"moore"`` neighbourhood).
        n: number of nodes.
        k: ring degree (even).
        neighbourhood: grid neighbourhood.
        threshold: absolute adoption threshold ``a`` (number of adopting neighbours).
        rewiring: share of ties rewired by degree-preserving double-edge swaps, in [0, 1].
        seeding: ``"neighbourhood"`` (one random node and all its neighbours, Centola &
            Macy's seeding) or ``"random"`` (``n_seeds`` random nodes).
        n_seeds: seeds for ``"random"`` seeding.
        adoption_noise: per-step chance that a non-adopter adopts on its own (Eckles et al.).
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
        threshold: int = 2,
        rewiring: float = 0.0,
        seeding: Seeding = "neighbourhood",
        n_seeds: int = 1,
        adoption_noise: float = 0.0,
        update: UpdateOrder = "synchronous",
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        if lattice not in ("ring", "grid"):
            raise ValueError(f"lattice must be 'ring' or 'grid', got {lattice!r}")
        if seeding not in ("neighbourhood", "random"):
            raise ValueError(f"seeding must be 'neighbourhood' or 'random', got {seeding!r}")
        if not 0.0 <= adoption_noise <= 1.0:
            raise ValueError(f"adoption_noise must be in [0, 1], got {adoption_noise}")
        self.lattice: Lattice = lattice
        self.neighbourhood = neighbourhood
        self.rewiring = float(rewiring)
        self.seeding: Seeding = seeding
        self.adoption_noise = float(adoption_noise)
        super().__init__(
            network=lattice,
            n=n,
            k=k,
            threshold=float(threshold),
            threshold_kind="absolute",
            n_seeds=n_seeds,
            update=update,
            collect=collect,
            seed=seed,
        )

    def _build_network(self, network, n, mean_degree, k, graph) -> sp.csr_matrix:  # noqa: D102
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

    def _spontaneous(self, new: BoolArray) -> BoolArray:
        if self.adoption_noise <= 0.0:
            return new
        # below-threshold adoption: a non-adopter with at least one adopting neighbour
        # adopts with a small chance (Eckles et al. 2024); the draw is made for everyone
        # so the stream of random numbers does not depend on the state
        draws = self.rng.random(self.n)
        exposed = self._count > 0
        return new | (exposed & (draws < self.adoption_noise))

    def _still_running(self) -> bool:
        if self.adoption_noise > 0.0:
            return not bool(self.active.all()) and bool(self.active.any())
        return self.changed
