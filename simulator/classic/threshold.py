"""Linear-threshold contagion: Granovetter (1978) riots and Watts (2002) global cascades.

An inactive agent becomes active when the engaged *share* of its in-neighbours reaches
its threshold (fractional rule, Watts 2002: ``share >= phi``) or when the engaged
*count* does (absolute rule, Granovetter 1978 and Centola & Macy 2007:
``count >= k``). Active agents stay active; seeds are active from the start.

The update kernel is the main model's :func:`simulator.processes.engagement.threshold_rule`
with thresholds used as given, ``engage_probability = 1`` and no disengagement, so the
classic results below also validate the kernel the education model runs on:

* Granovetter (1978), the riot example: thresholds 0, 1, ..., 99 give 100 rioters;
  moving the threshold-1 person to 2 gives one.
* Watts (2002), Fig. 1a: Erdos-Renyi graphs, N = 10,000, phi = 0.18, one random seed:
  global cascades in the window 1.02 < z < 5.76 (see :mod:`simulator.classic.watts`).

**On a user's own network** (``graph=``): any networkx graph (any node labels) or sparse
matrix, directed (influence flows along edges, as in NDlib) or not, weighted on request,
self-loops refused; see :mod:`simulator.classic.network_input` for the conventions.
Thresholds, adoption probabilities and noise may differ per node; seeds are given by label
and results are mapped back to labels (:meth:`ThresholdContagion.active_nodes`,
:meth:`~ThresholdContagion.adoption_steps`, :meth:`~ThresholdContagion.to_networkx`).

Two departures from the deterministic rule, both off by default:

* ``adoption_probability`` ``p``: a supported, inactive agent adopts with probability ``p``
  each step and tries again the next step while it stays supported (the kernel's
  ``engage_probability``, one value per agent);
* ``adoption_noise`` ``q`` (Eckles, Mossel, Rahimian & Sen 2024): an inactive agent with at
  least one active in-neighbour adopts with probability ``q`` each step even below its
  threshold.

Updates are synchronous (everyone reads the previous state; one sparse product per
step) or in random order (one sweep visits agents in a fresh random order and each
reads the current state, like Mesa's ``shuffle_do``). Because deterministic activation is
monotone and permanent, both orders reach the same final state from the same seeds; the
number of steps differs (a synchronous front moves one tie a step).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa import DataCollector
from numpy.typing import NDArray

from simulator.processes.engagement import threshold_rule

from . import graphs
from ._base import ClassicModel, SeedLike
from .network_input import GraphLike, InfluenceNetwork, PerNode, as_influence_network

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
    influence: sp.csr_matrix, active: BoolArray, strength: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Share and (weighted) count of active in-neighbours of every node.

    Args:
        influence: CSR matrix whose row ``i`` holds the weights of ``i``'s in-neighbours
            (symmetric 0/1 for an undirected, unweighted network).
        active: current active state.
        strength: row sums of ``influence`` (in-degree or in-weight).

    Returns:
        ``(share, count)``; a node without in-neighbours has share 0.
    """
    count = influence @ active.astype(np.float64)
    share = np.divide(count, strength, out=np.zeros_like(count), where=strength > 0)
    return share, count


def threshold_step(
    active: BoolArray,
    share: FloatArray,
    count: FloatArray,
    threshold: FloatArray,
    kind: ThresholdKind,
    seeds: BoolArray,
) -> BoolArray:
    """One application of the deterministic threshold rule through the engagement kernel.

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

        g = nx.karate_club_graph()                       # or any graph, any labels
        m = ThresholdContagion(graph=g, threshold=0.3, seeds=[0, 33], seed=1).run()
        m.active_nodes()                                 # labels of the adopters

    Args:
        network: ``"erdos_renyi"`` (G(n, p), Watts 2002), ``"complete"`` (Granovetter's
            crowd), ``"ring"`` (degree ``k``) or ``"grid"`` (Moore torus, ``n`` a square).
            Ignored when ``graph`` is given.
        n: number of agents.
        mean_degree: expected degree ``z`` of the Erdos-Renyi graph.
        k: ring-lattice degree.
        graph: the user's network: a networkx graph with any node labels, or a sparse
            adjacency matrix; overrides ``network`` and ``n``.
        weight: use edge weights: an attribute name (networkx) or ``True``; default: every
            tie counts 1.
        directed: for a sparse matrix, ``True`` reads ``A[u, v]`` as ``u`` influencing ``v``.
        threshold: one threshold for everyone, or per node (sequence in node order, mapping
            from label, or a node attribute name). Fractional thresholds lie in [0, 1];
            absolute ones are >= 0 (``inf``: never adopts through neighbours).
        threshold_kind: ``"fractional"`` (share of in-ties, ``share >= threshold``) or
            ``"absolute"`` (weighted count of active in-neighbours, ``count >= threshold``).
        n_seeds: number of initially active agents drawn at random (without replacement).
        seeds: the initially active agents by label (overrides ``n_seeds``).
        adoption_probability: chance a supported, inactive agent adopts in a step (per node
            allowed; 1 is the deterministic rule).
        adoption_noise: chance an exposed, below-threshold agent adopts in a step (per node
            allowed; Eckles et al. 2024).
        update: ``"synchronous"`` or ``"random_order"``.
        collect: record ``active_share`` each step in ``datacollector``.
        seed: the run's seed (int) or generator.

    Attributes:
        network: the :class:`~simulator.classic.network_input.InfluenceNetwork` (labels,
            direction, weights).
        labels: node labels, one per index.
        active: boolean state, one entry per agent (index order).
        seeds: boolean mask of the seeds.
        adjacency: the network as a CSR matrix, ``adjacency[u, v]`` = tie ``u -> v``.
        influence: its transpose (row ``i`` = ``i``'s in-neighbours).
        degree: each node's in-degree (in-weight when weighted), the share's denominator.
        adoption_step: step at which each agent became active (0 for seeds, -1 never).
        changed: whether the last step activated anyone.
        step_count: steps taken (Mesa's ``steps`` is gone in Mesa 4).
        history: active share after each step, starting with the seeds.
    """

    def __init__(
        self,
        *,
        network: NetworkName = "erdos_renyi",
        n: int = 10_000,
        mean_degree: float = 3.0,
        k: int = 4,
        graph: GraphLike | None = None,
        weight: str | bool | None = None,
        directed: bool | None = None,
        threshold: PerNode = 0.18,
        threshold_kind: ThresholdKind = "fractional",
        n_seeds: int = 1,
        seeds: Iterable[Hashable] | None = None,
        adoption_probability: PerNode = 1.0,
        adoption_noise: PerNode = 0.0,
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
        if graph is not None:
            self.network = as_influence_network(graph, weight=weight, directed=directed)
        else:
            self.network = self._builtin_network(network, n, mean_degree, k)
        self.adjacency = self.network.adjacency
        self.influence = self.network.influence
        self.labels = self.network.labels
        self.n = self.network.n
        self.degree = self.network.in_strength
        if threshold_kind == "fractional":
            self.threshold = self.network.per_node(threshold, "threshold", low=0.0, high=1.0)
        else:
            self.threshold = self.network.per_node(threshold, "threshold", low=0.0, allow_inf=True)
        self.adoption_probability = self.network.per_node(
            adoption_probability, "adoption_probability", low=0.0, high=1.0
        )
        self.adoption_noise = self.network.per_node(
            adoption_noise, "adoption_noise", low=0.0, high=1.0
        )
        self._probabilistic = bool((self.adoption_probability < 1.0).any())
        self._noisy = bool((self.adoption_noise > 0.0).any())
        self.seeds = np.zeros(self.n, dtype=bool)
        if seeds is not None:
            self.seeds[self.network.indices(seeds, "seeds")] = True
        else:
            self.seeds[self._choose_seeds(n_seeds)] = True
        self.active = self.seeds.copy()
        self.adoption_step = np.where(self.seeds, 0, -1).astype(np.int64)
        self.changed = True
        self.step_count = 0
        self.history: list[float] = [self.active_share]
        # weighted engaged count of each agent's in-neighbours, kept up to date
        # incrementally; the agents whose support changed in the last step (None: all);
        # agents supported but not yet adopted (probabilistic adoption retries them)
        self._listeners = self.adjacency  # row j: who listens to j
        self._count = self.influence @ self.active.astype(np.float64)
        self._frontier: NDArray[np.int64] | None = None
        self._pending = np.zeros(self.n, dtype=bool)
        self.datacollector = (
            DataCollector(model_reporters={"active_share": "active_share"}) if collect else None
        )
        if self.datacollector is not None:
            self.datacollector.collect(self)

    # ----------------------------------------------------------------- construction

    def _builtin_network(
        self, network: str, n: int, mean_degree: float, k: int
    ) -> InfluenceNetwork:
        """One of the papers' networks, drawn from the run's generator."""
        mat = self._build_network(network, n, mean_degree, k)
        return InfluenceNetwork(
            adjacency=mat,
            influence=mat,
            labels=list(range(mat.shape[0])),
            directed=False,
            weighted=False,
        )

    def _build_network(self, network: str, n: int, mean_degree: float, k: int) -> sp.csr_matrix:
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

    # ---------------------------------------------------------------------- results

    @property
    def active_share(self) -> float:
        """Fraction of agents active (the cascade size)."""
        return float(self.active.mean())

    @property
    def active_count(self) -> int:
        """Number of agents active."""
        return int(self.active.sum())

    def active_nodes(self) -> list[Hashable]:
        """Labels of the active agents, in node order."""
        return [self.labels[i] for i in np.flatnonzero(self.active)]

    def states(self) -> dict[Hashable, bool]:
        """Active state of every agent, by label."""
        return dict(zip(self.labels, self.active.tolist(), strict=True))

    def adoption_steps(self) -> dict[Hashable, int | None]:
        """Step at which each agent adopted, by label (0 for seeds, None if never)."""
        return {
            label: (int(t) if t >= 0 else None)
            for label, t in zip(self.labels, self.adoption_step.tolist(), strict=True)
        }

    def time_to_share(self, share: float) -> float:
        """First step at which the active share reached ``share`` (nan if it never did)."""
        hit = np.flatnonzero(np.asarray(self.history) >= share - 1e-12)
        return float(hit[0]) if hit.size else float("nan")

    def to_networkx(self) -> nx.Graph:
        """The network under the user's labels with ``active`` and ``adoption_step`` attributes."""
        return self.network.to_networkx(
            {"active": self.active, "adoption_step": self.adoption_step}
        )

    # ----------------------------------------------------------------------- stepping

    def step(self) -> None:
        """One synchronous update of everyone, or one random-order sweep.

        Synchronous steps apply the kernel to every agent on the first step and then only
        to the agents whose support changed (the listeners of agents activated in the
        previous step) and to supported agents still waiting to adopt: nobody else's
        input changed, so the result is the same as updating everyone (tested against the
        full update and a per-agent reference).
        """
        self.step_count += 1
        if self.update == "synchronous":
            new = self._synchronous_update()
        else:
            new = self._random_order_sweep()
        new = self._spontaneous(new)
        gained = np.flatnonzero(new & ~self.active)
        self.changed = gained.size > 0
        touched, weights = self._listeners_of(gained)
        self._count += np.bincount(touched, weights=weights, minlength=self.n)
        mask = np.zeros(self.n, dtype=bool)
        mask[touched] = True
        mask |= self._pending
        self._frontier = np.flatnonzero(mask & ~new)  # active agents stay active
        self.adoption_step[gained] = self.step_count
        self.active = new
        self.history.append(self.active_share)
        self.running = self._still_running()
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _listeners_of(self, nodes: NDArray[np.int64]) -> tuple[NDArray[np.int64], FloatArray]:
        """Concatenated listener lists of ``nodes`` (with repeats) and the tie weights."""
        indptr = self._listeners.indptr
        starts = indptr[nodes].astype(np.int64)
        lengths = indptr[nodes + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        # position of every entry: each row's start, then consecutive offsets
        pos = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        return self._listeners.indices[pos].astype(np.int64), self._listeners.data[pos]

    def _support(self, cand: slice | NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        count = self._count[cand]
        degree = self.degree[cand]
        share = np.divide(count, degree, out=np.zeros_like(count), where=degree > 0)
        return share, count

    def _synchronous_update(self) -> BoolArray:
        """Everyone reads the previous state; the kernel runs on the agents that may change."""
        new = self.active.copy()
        cand = np.arange(self.n) if self._frontier is None else self._frontier
        share, count = self._support(cand)
        supported = threshold_step(
            self.active[cand],
            share,
            count,
            self.threshold[cand],
            self.threshold_kind,
            self.seeds[cand],
        )
        new[cand] = self._thin(cand, supported, self.active[cand])
        return new

    def _thin(self, cand: NDArray[np.int64], supported: BoolArray, was: BoolArray) -> BoolArray:
        """Probabilistic adoption: each newly supported agent adopts with its probability.

        Supported agents that did not adopt this step stay pending and are tried again
        (unless their probability is 0).
        """
        if not self._probabilistic:
            return supported
        fresh = supported & ~was
        prob = self.adoption_probability[cand]
        draws = self.rng.random(cand.size)
        adopt = fresh & (draws < prob)
        self._pending[:] = False
        self._pending[cand[fresh & ~adopt & (prob > 0)]] = True  # p = 0 never adopts
        return was | adopt

    def _spontaneous(self, new: BoolArray) -> BoolArray:
        """Adoption noise: an exposed, inactive agent adopts with its small probability.

        The draw is made for everyone every step, so the stream of random numbers does
        not depend on the state (Eckles et al. 2024).
        """
        if not self._noisy:
            return new
        draws = self.rng.random(self.n)
        exposed = self._count > 0
        return new | (exposed & (draws < self.adoption_noise))

    def _still_running(self) -> bool:
        """Whether anything can still change.

        Deterministic rule: stop at the first step in which nobody adopts. With
        probabilistic adoption, agents still waiting keep the run going; with noise, any
        inactive agent with an active in-neighbour does.
        """
        if self._noisy:
            return bool((~self.active & (self._count > 0)).any())
        return self.changed or bool(self._pending.any())

    def _random_order_sweep(self) -> BoolArray:
        """Visit agents in a random order; each applies the kernel to the current state."""
        active = self.active.copy()
        indptr, indices, data = self.influence.indptr, self.influence.indices, self.influence.data
        self._pending[:] = False
        for i in self.rng.permutation(self.n):
            if active[i]:
                continue  # activation is permanent
            row = slice(indptr[i], indptr[i + 1])
            count = float(data[row][active[indices[row]]].sum())
            deg = self.degree[i]
            share = count / deg if deg > 0 else 0.0
            supported = threshold_step(
                active[i : i + 1],
                np.array([share]),
                np.array([count]),
                self.threshold[i : i + 1],
                self.threshold_kind,
                self.seeds[i : i + 1],
            )[0]
            if supported and self._probabilistic:
                if self.rng.random() >= self.adoption_probability[i]:
                    self._pending[i] = self.adoption_probability[i] > 0
                    continue
            active[i] = supported
        return active


def granovetter_riot_size(thresholds: NDArray[np.integer] | list[int], seed: SeedLike = 0) -> int:
    """Final number of rioters in Granovetter's crowd (1978, the 0..99 example).

    Everyone sees everyone (complete graph); a person joins once the number of others
    rioting reaches their threshold (``count >= threshold``). No seeds: people with
    threshold 0 start on their own.

    Args:
        thresholds: one absolute threshold per person (>= 0).
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
