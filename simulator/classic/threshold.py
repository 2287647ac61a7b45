"""Linear-threshold contagion: Granovetter (1978) riots and Watts (2002) global cascades.

An inactive agent becomes active when the engaged *share* of its neighbours reaches
its threshold (fractional rule, Watts 2002: ``share >= phi``) or when the engaged
*count* does (absolute rule, Granovetter 1978 and Centola & Macy 2007:
``count >= k``). Active agents stay active; seeds are active from the start.

The update kernel is the main model's :func:`simulator.processes.engagement.threshold_rule`
with ``threshold_sensitivity = 0`` (thresholds used as given), ``engage_probability = 1``
and no disengagement, so the classic results below also validate the kernel the
education model runs on:

* Granovetter (1978), the riot example: thresholds 0, 1, ..., 99 give 100 rioters;
  moving the threshold-1 person to 2 gives one.
* Watts (2002), Fig. 1a: Erdos-Renyi graphs, N = 10,000, phi = 0.18, one random seed:
  global cascades in the window 1 < z < 6 (see :mod:`simulator.classic.watts`).

Updates are synchronous (everyone reads the previous state; one sparse product per
step) or in random order (one sweep visits agents in a fresh random order and each
reads the current state, like Mesa's ``shuffle_do``). Because activation is monotone
and permanent, both orders reach the same final state from the same seeds.
"""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa import DataCollector
from numpy.typing import NDArray

from simulator.processes.engagement import threshold_rule

from . import graphs
from ._base import ClassicModel, SeedLike

__all__ = [
    "ThresholdContagion",
    "ThresholdKind",
    "UpdateOrder",
    "granovetter_riot_size",
    "neighbour_support",
    "threshold_step",
]

ThresholdKind = Literal["fractional", "absolute"]
UpdateOrder = Literal["synchronous", "random_order"]
NetworkName = Literal["erdos_renyi", "complete", "ring", "grid"]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


def neighbour_support(
    adjacency: sp.csr_matrix, active: BoolArray, degree: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Share and count of active neighbours of every node.

    Args:
        adjacency: symmetric 0/1 CSR matrix.
        active: current active state.
        degree: row sums of ``adjacency``.

    Returns:
        ``(share, count)``; an isolated node has share 0.
    """
    count = adjacency @ active.astype(np.float64)
    share = np.divide(count, degree, out=np.zeros_like(count), where=degree > 0)
    return share, count


def threshold_step(
    active: BoolArray,
    share: FloatArray,
    count: FloatArray,
    threshold: FloatArray,
    kind: ThresholdKind,
    seeds: BoolArray,
) -> BoolArray:
    """One application of the threshold rule through the engagement kernel.

    Fractional thresholds go in as the kernel's share threshold; absolute thresholds as
    its ``min_support`` (reinforcement count) with a share threshold of 0.
    """
    if kind == "fractional":
        return threshold_rule(active, share, count, threshold, min_support=0.0, committed=seeds)
    zeros = np.zeros_like(threshold)
    # min_support is applied element-wise (count >= min_support), so per-agent absolute
    # thresholds pass straight through the kernel.
    return threshold_rule(active, share, count, zeros, min_support=threshold, committed=seeds)  # type: ignore[arg-type]


class ThresholdContagion(ClassicModel):
    """Granovetter / Watts threshold contagion as a Mesa model.

    Built from keyword arguments plus a seed::

        model = ThresholdContagion(network="erdos_renyi", n=10_000, mean_degree=3.0,
                                   threshold=0.18, seed=7).run()
        model.active_share  # final cascade size (fraction of N)

    Args:
        network: ``"erdos_renyi"`` (G(n, p), Watts 2002), ``"complete"`` (Granovetter's
            crowd), ``"ring"`` (degree ``k``) or ``"grid"`` (torus, ``n`` a square). Ignored
            when ``graph`` is given.
        n: number of agents.
        mean_degree: expected degree ``z`` of the Erdos-Renyi graph.
        k: ring-lattice degree.
        graph: an explicit network (networkx graph with nodes 0..n-1, or a symmetric
            sparse adjacency matrix); overrides ``network``, ``n``.
        threshold: one threshold for everyone, or one per agent.
        threshold_kind: ``"fractional"`` (share of neighbours, ``share >= threshold``) or
            ``"absolute"`` (number of active neighbours, ``count >= threshold``).
        n_seeds: number of initially active agents drawn at random (without replacement).
        seeds: explicit initially active agents (overrides ``n_seeds``).
        update: ``"synchronous"`` or ``"random_order"``.
        collect: record ``active_share`` each step in ``datacollector``.
        seed: the run's seed (int) or generator.

    Attributes:
        active: boolean state, one entry per agent.
        seeds: boolean mask of the seeds.
        adjacency: the network as a CSR matrix.
        changed: whether the last step activated anyone (the run stops when it did not).
        history: active share after each step, starting with the seeds.
    """

    def __init__(
        self,
        *,
        network: NetworkName = "erdos_renyi",
        n: int = 10_000,
        mean_degree: float = 3.0,
        k: int = 4,
        graph: nx.Graph | sp.spmatrix | None = None,
        threshold: float | FloatArray = 0.18,
        threshold_kind: ThresholdKind = "fractional",
        n_seeds: int = 1,
        seeds: NDArray[np.integer] | list[int] | None = None,
        update: UpdateOrder = "synchronous",
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        super().__init__(seed=seed)
        if threshold_kind not in ("fractional", "absolute"):
            raise ValueError(
                f"threshold_kind must be 'fractional' or 'absolute', got {threshold_kind!r}"
            )
        if update not in ("synchronous", "random_order"):
            raise ValueError(f"update must be 'synchronous' or 'random_order', got {update!r}")
        self.threshold_kind: ThresholdKind = threshold_kind
        self.update: UpdateOrder = update
        self.adjacency = self._build_network(network, n, mean_degree, k, graph)
        self.n = int(self.adjacency.shape[0])
        self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
        self.threshold = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (self.n,)).copy()
        self.seeds = np.zeros(self.n, dtype=bool)
        if seeds is not None:
            self.seeds[np.asarray(seeds, dtype=np.int64)] = True
        else:
            self.seeds[self._choose_seeds(n_seeds)] = True
        self.active = self.seeds.copy()
        self.changed = True
        self.history: list[float] = [self.active_share]
        # engaged count of each agent's neighbours, kept up to date incrementally, and
        # the agents whose support changed in the last step (None: evaluate everyone)
        self._count = self.adjacency @ self.active.astype(np.float64)
        self._frontier: NDArray[np.int64] | None = None
        self.datacollector = (
            DataCollector(model_reporters={"active_share": "active_share"}) if collect else None
        )
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _build_network(
        self,
        network: str,
        n: int,
        mean_degree: float,
        k: int,
        graph: nx.Graph | sp.spmatrix | None,
    ) -> sp.csr_matrix:
        if graph is not None:
            if isinstance(graph, nx.Graph):
                mat = nx.to_scipy_sparse_array(graph, nodelist=range(graph.number_of_nodes()))
                return sp.csr_matrix((mat != 0).astype(np.float64))
            return sp.csr_matrix((sp.csr_matrix(graph) != 0).astype(np.float64))
        if network == "erdos_renyi":
            edges = graphs.erdos_renyi_edges(n, mean_degree, self.rng)
        elif network == "complete":
            edges = graphs.complete_edges(n)
        elif network == "ring":
            edges = graphs.ring_lattice_edges(n, k)
        elif network == "grid":
            side = int(round(np.sqrt(n)))
            if side * side != n:
                raise ValueError(f"a grid needs n to be a square, got {n}")
            edges = graphs.grid_lattice_edges(side, "moore")
        else:
            raise ValueError(
                f"network must be 'erdos_renyi', 'complete', 'ring' or 'grid', got {network!r}"
            )
        return graphs.adjacency(n, edges)

    def _choose_seeds(self, n_seeds: int) -> NDArray[np.int64]:
        """Initial adopters when none are given: ``n_seeds`` agents drawn at random."""
        if n_seeds <= 0:
            return np.zeros(0, dtype=np.int64)
        return self.rng.choice(self.n, size=min(n_seeds, self.n), replace=False)

    @property
    def active_share(self) -> float:
        """Fraction of agents active (the cascade size)."""
        return float(self.active.mean())

    @property
    def active_count(self) -> int:
        """Number of agents active."""
        return int(self.active.sum())

    def step(self) -> None:
        """One synchronous update of everyone, or one random-order sweep.

        Synchronous steps apply the kernel to every agent on the first step and then only
        to the neighbours of agents activated in the previous step: nobody else's support
        changed, and the rule is deterministic and permanent, so the result is the same
        as updating everyone (tested against the full update and a per-agent reference).
        """
        if self.update == "synchronous":
            new = self._synchronous_update()
        else:
            new = self._random_order_sweep()
        new = self._spontaneous(new)
        gained = np.flatnonzero(new & ~self.active)
        self.changed = gained.size > 0 or bool((self.active & ~new).any())
        if bool((self.active & ~new).any()):  # not in these models; stay exact anyway
            self._count = self.adjacency @ new.astype(np.float64)
            self._frontier = None
        else:
            touched = self._neighbours_of(gained)
            self._count += np.bincount(touched, minlength=self.n)
            mask = np.zeros(self.n, dtype=bool)
            mask[touched] = True
            self._frontier = np.flatnonzero(mask & ~new)  # active agents stay active
        self.active = new
        self.history.append(self.active_share)
        self.running = self._still_running()
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _neighbours_of(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Concatenated neighbour lists of ``nodes`` (with repeats)."""
        indptr, indices = self.adjacency.indptr, self.adjacency.indices
        starts = indptr[nodes].astype(np.int64)
        lengths = indptr[nodes + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # position of every neighbour entry: each row's start, then consecutive offsets
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return indices[shift + np.arange(total)].astype(np.int64)

    def _synchronous_update(self) -> BoolArray:
        """Everyone reads the previous state; the kernel runs on the agents that may change."""
        new = self.active.copy()
        cand = slice(None) if self._frontier is None else self._frontier
        count = self._count[cand]
        degree = self.degree[cand]
        share = np.divide(count, degree, out=np.zeros_like(count), where=degree > 0)
        new[cand] = threshold_step(
            self.active[cand],
            share,
            count,
            self.threshold[cand],
            self.threshold_kind,
            self.seeds[cand],
        )
        return new

    def _spontaneous(self, new: BoolArray) -> BoolArray:
        """Hook for adoption outside the threshold rule (none here)."""
        return new

    def _still_running(self) -> bool:
        """The run stops at the first step in which nobody new becomes active."""
        return self.changed

    def _random_order_sweep(self) -> BoolArray:
        """Visit agents in a random order; each applies the kernel to the current state."""
        active = self.active.copy()
        indptr, indices = self.adjacency.indptr, self.adjacency.indices
        for i in self.rng.permutation(self.n):
            if active[i]:
                continue  # activation is permanent
            count = float(active[indices[indptr[i] : indptr[i + 1]]].sum())
            deg = self.degree[i]
            share = count / deg if deg > 0 else 0.0
            active[i] = threshold_step(
                active[i : i + 1],
                np.array([share]),
                np.array([count]),
                self.threshold[i : i + 1],
                self.threshold_kind,
                self.seeds[i : i + 1],
            )[0]
        return active

    def time_to_share(self, share: float) -> float:
        """First step at which the active share reached ``share`` (nan if it never did)."""
        hit = np.flatnonzero(np.asarray(self.history) >= share - 1e-12)
        return float(hit[0]) if hit.size else float("nan")

    def to_networkx(self) -> nx.Graph:
        """The network with an ``active`` node attribute (for drawing)."""
        g = graphs.to_networkx(self.adjacency)
        nx.set_node_attributes(g, dict(enumerate(self.active.tolist())), "active")
        return g


def granovetter_riot_size(thresholds: NDArray[np.integer] | list[int], seed: SeedLike = 0) -> int:
    """Final number of rioters in Granovetter's crowd (1978, the 0..99 example).

    Everyone sees everyone (complete graph); a person joins once the number of others
    rioting reaches their threshold (``count >= threshold``). No seeds: people with
    threshold 0 start on their own.

    Args:
        thresholds: one absolute threshold per person.
        seed: seed of the (deterministic) run.

    Returns:
        The equilibrium number of rioters.
    """
    thresholds = np.asarray(thresholds, dtype=np.float64)
    model = ThresholdContagion(
        network="complete",
        n=thresholds.size,
        threshold=thresholds,
        threshold_kind="absolute",
        n_seeds=0,
        collect=False,
        seed=seed,
    )
    return model.run(max_steps=thresholds.size + 1).active_count
