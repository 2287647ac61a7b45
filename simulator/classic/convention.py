"""The convention game with memory and a committed minority (Centola et al. 2018).

Centola, D., Becker, J., Brackbill, D., & Baronchelli, A. (2018). Experimental evidence
for tipping points in social convention. *Science* 360(6393), 1116-1119. The model's
critical mass and the experiment's outcomes: a population has settled on a name (A); a committed minority
always proposes a new one (B). Agents are paired at random every round; both propose a
name and succeed if the names match. Each agent remembers its last ``M`` interactions
and proposes the name with the most successes in that memory, that is, the name that
would have coordinated with the most of the partners it remembers (ties broken at
random). For ``M = 12`` the model's tipping point is a committed share of about 0.24
(mean field); the experiment's groups of about 24 were not overturned by minorities of
up to 21% and were overturned by minorities of 25% and more.

Mean field (:func:`tipping_fraction`): in a large well-mixed population where a share
``y`` of the uncommitted propose B, a partner proposes B with probability
``q = p + (1 - p) y`` and a memory holds ``Binomial(M, q)`` B's, so the next round has
``y' = g(q) = P(Bin(M, q) > M/2) + P(Bin(M, q) = M/2) / 2``. The status quo survives
while ``y = g(p + (1 - p) y)`` has a stable root near 0; the tipping fraction ``p_c`` is
the committed share at which that root disappears (a saddle-node, hence a tipping point).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa import DataCollector
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import binom

from ._base import ClassicModel, SeedLike, spawn_seeds
from .network_input import GraphLike, InfluenceNetwork, as_influence_network

__all__ = [
    "ConventionGame",
    "adoption_map",
    "convention_outcomes",
    "greedy_matching",
    "tipping_fraction",
]

NAME_A = 0  # the established convention
NAME_B = 1  # the committed minority's alternative


def adoption_map(q: float | NDArray[np.float64], memory: int) -> NDArray[np.float64]:
    """Chance an uncommitted agent proposes B when each remembered partner said B w.p. ``q``.

    ``P(Bin(M, q) > M/2) + P(Bin(M, q) = M/2) / 2`` (the tie term only for even ``M``).
    """
    q = np.asarray(q, dtype=np.float64)
    out = binom.sf(memory // 2, memory, q)
    if memory % 2 == 0:
        out = out + 0.5 * binom.pmf(memory // 2, memory, q)
    return out


def _status_quo_margin(p: float, memory: int) -> float:
    """``min_y g(p + (1 - p) y) - y`` over y in [0, 1/2]: negative while A can hold."""

    def gap(y: float) -> float:
        return float(adoption_map(p + (1.0 - p) * y, memory)) - y

    ys = np.linspace(0.0, 0.5, 2001)
    values = adoption_map(p + (1.0 - p) * ys, memory) - ys
    i = int(np.argmin(values))
    lo, hi = ys[max(i - 1, 0)], ys[min(i + 1, ys.size - 1)]
    if hi <= lo:
        return float(values[i])
    res = minimize_scalar(gap, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    return float(min(res.fun, values[i]))


def tipping_fraction(memory: int = 12) -> float:
    """Mean-field committed share at which the established convention tips (Centola et al. 2018).

    Args:
        memory: memory length ``M`` (at least 3).

    Returns:
        ``p_c``: about 0.242 for ``M = 12``.

    Example:
        >>> round(tipping_fraction(12), 3)  # the model's critical mass, "about 25%"
        0.242
    """
    if memory < 3:
        raise ValueError(f"memory must be at least 3 for a tipping point, got {memory}")
    return float(brentq(lambda p: _status_quo_margin(p, memory), 1e-6, 0.5, xtol=1e-10))


class ConventionGame(ClassicModel):
    """The naming game with memory of Centola et al. (2018), as a Mesa model.

    One step is one round: the agents are paired at random (one sits out if their number
    is odd), both propose a name, and each uncommitted agent records its partner's name
    in its memory (forgetting the oldest). All start with a memory full of A.

    **On a network** (``graph=``: an undirected networkx graph with any labels, or a
    symmetric sparse matrix): each round pairs agents along ties, as a random maximal
    matching (ties taken in a random order, each agent playing at most once a round; with
    ``weight``, heavier ties come first more often: the order is that of
    ``Exp(1) / weight`` keys, Efraimidis & Spirakis 2006). Agents whose neighbours are all
    taken sit the round out. Coordination is mutual, so directed networks are refused.

    Args:
        n: group size (ignored when ``graph`` is given).
        committed: the committed agents (always propose B): a number, or the agents by
            label; or use ``committed_share``. A number picks the first agents of the
            well-mixed group, and agents at random on a network.
        committed_share: committed share of the group, rounded to the nearest agent.
        memory: memory length ``M``.
        graph: the network of possible partners; None: everyone can meet everyone.
        weight: tie weights for the pairing (attribute name, or ``True``).
        collect: record ``b_share`` (uncommitted proposing B) and ``coordination`` each round.
        seed: the run's seed or generator.

    Attributes:
        memory_b: per agent, how many of the remembered partners said B.
        proposals: the names proposed in the last round (0 = A, 1 = B).
        b_share_uncommitted: share of uncommitted agents who proposed B last round.
        labels: node labels, one per agent.
    """

    def __init__(
        self,
        *,
        n: int = 25,
        committed: int | Iterable[Hashable] | None = None,
        committed_share: float = 0.25,
        memory: int = 12,
        graph: GraphLike | None = None,
        weight: str | bool | None = None,
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        super().__init__(seed=seed)
        self.network: InfluenceNetwork | None = None
        if graph is not None:
            if isinstance(graph, nx.Graph) and graph.is_directed():
                raise ValueError(
                    "the convention game pairs agents both ways; pass an undirected graph "
                    "(graph.to_undirected())"
                )
            self.network = as_influence_network(graph, weight=weight)
            n = self.network.n
        if n < 2:
            raise ValueError(f"n must be at least 2, got {n}")
        if memory < 1:
            raise ValueError(f"memory must be at least 1, got {memory}")
        self.n = int(n)
        self.memory = int(memory)
        self.labels = self.network.labels if self.network is not None else list(range(self.n))
        self.committed = np.zeros(self.n, dtype=bool)
        if committed is None or isinstance(committed, int | np.integer):
            n_committed = int(round(committed_share * n)) if committed is None else int(committed)
            if not 0 <= n_committed <= n:
                raise ValueError(f"committed must be in [0, n], got {n_committed}")
            if self.network is None:
                self.committed[:n_committed] = True
            else:
                self.committed[self.rng.choice(self.n, size=n_committed, replace=False)] = True
        elif self.network is not None:
            self.committed[self.network.indices(committed, "committed")] = True
        else:
            chosen = list(committed)
            bad = [x for x in chosen if not isinstance(x, int | np.integer) or not 0 <= x < n]
            if bad:
                raise ValueError(f"committed: {bad[:5]} are not agents 0..{n - 1}")
            self.committed[np.asarray(chosen, dtype=np.int64)] = True
        if self.network is not None:
            upper = sp.triu(self.network.adjacency, k=1).tocoo()
            self._edges = (upper.row.astype(np.int64), upper.col.astype(np.int64))
            self._edge_weight = upper.data.astype(np.float64)
        # circular memory of partners' names; only the count of B's drives choices
        self._buffer = np.full((self.n, self.memory), NAME_A, dtype=np.int8)
        self._cursor = np.zeros(self.n, dtype=np.int64)
        self.memory_b = np.zeros(self.n, dtype=np.int64)
        self.proposals = np.where(self.committed, NAME_B, NAME_A).astype(np.int8)
        self.coordination = 1.0
        self.datacollector = (
            DataCollector(
                model_reporters={
                    "b_share": "b_share_uncommitted",
                    "coordination": "coordination",
                }
            )
            if collect
            else None
        )

    @property
    def n_committed(self) -> int:
        """Number of committed agents."""
        return int(self.committed.sum())

    @property
    def b_share_uncommitted(self) -> float:
        """Share of uncommitted agents whose last proposal was B."""
        free = ~self.committed
        return float(self.proposals[free].mean()) if free.any() else 1.0

    def choose(self, ties: NDArray[np.float64]) -> NDArray[np.int8]:
        """Each agent's proposal: B for the committed, otherwise the name most remembered.

        Args:
            ties: one uniform draw per agent, used only when the memory is split evenly.
        """
        more_b = 2 * self.memory_b > self.memory
        tie = 2 * self.memory_b == self.memory
        say_b = more_b | (tie & (ties < 0.5)) | self.committed
        return say_b.astype(np.int8)

    def _pairs(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """This round's pairs: a random perfect pairing, or a random maximal matching on ties."""
        if self.network is None:
            order = self.rng.permutation(self.n)
            pairs = order[: 2 * (self.n // 2)].reshape(-1, 2)
            return pairs[:, 0], pairs[:, 1]
        u, v = self._edges
        keys = self.rng.exponential(size=u.size)
        if self.network.weighted:
            keys = keys / self._edge_weight
        return greedy_matching(u, v, keys, self.n)

    def step(self) -> None:
        """One round of pairing, proposals and memory updates."""
        left, right = self._pairs()
        ties = self.rng.random(self.n)
        proposals = self.choose(ties)
        self.coordination = (
            float((proposals[left] == proposals[right]).mean()) if left.size else 1.0
        )
        speakers = np.concatenate([left, right])
        heard = np.concatenate([proposals[right], proposals[left]])
        slot = self._cursor[speakers]
        self.memory_b[speakers] += heard - self._buffer[speakers, slot]
        self._buffer[speakers, slot] = heard
        self._cursor[speakers] = (slot + 1) % self.memory
        self.proposals = proposals
        if self.datacollector is not None:
            self.datacollector.collect(self)


def greedy_matching(
    u: NDArray[np.int64], v: NDArray[np.int64], keys: NDArray[np.float64], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The greedy matching that takes edges in increasing ``keys`` order.

    Vectorised: in each pass every edge whose key is the smallest among the remaining
    edges at both its ends is taken (those edges share no node), and the edges touching a
    matched node are dropped; this gives exactly the sequential greedy matching.

    Returns:
        The two ends of the matched edges.
    """
    rank = np.empty(u.size, dtype=np.float64)
    rank[np.argsort(keys, kind="stable")] = np.arange(u.size)  # distinct keys, same order
    keys = rank
    alive = np.arange(u.size)
    left: list[NDArray[np.int64]] = []
    right: list[NDArray[np.int64]] = []
    while alive.size:
        eu, ev, ek = u[alive], v[alive], keys[alive]
        best = np.full(n, np.inf)
        np.minimum.at(best, eu, ek)
        np.minimum.at(best, ev, ek)
        take = (ek == best[eu]) & (ek == best[ev])
        left.append(eu[take])
        right.append(ev[take])
        matched = np.zeros(n, dtype=bool)
        matched[eu[take]] = True
        matched[ev[take]] = True
        alive = alive[~(matched[eu] | matched[ev])]
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


def convention_outcomes(
    *,
    n: int = 25,
    committed: int,
    memory: int = 12,
    rounds: int = 30,
    runs: int = 100,
    master_seed: int = 0,
    flip_share: float = 0.5,
    final_rounds: int = 5,
) -> tuple[NDArray[np.bool_], NDArray[np.float64], list[int]]:
    """Replicate the game and say which runs flipped the convention.

    A run *flips* when, over its last ``final_rounds`` rounds, the uncommitted agents
    proposed B at least ``flip_share`` of the time (the experiment's criterion was the
    population's final majority name).

    Returns:
        ``(flipped, final_b_share, seeds)``, one entry per run.
    """
    seeds = spawn_seeds(master_seed, runs)
    flipped = np.zeros(runs, dtype=bool)
    final = np.zeros(runs)
    for r, s in enumerate(seeds):
        game = ConventionGame(n=n, committed=committed, memory=memory, collect=False, seed=s)
        tail: list[float] = []
        for t in range(rounds):
            game.step()
            if t >= rounds - final_rounds:
                tail.append(game.b_share_uncommitted)
        final[r] = float(np.mean(tail))
        flipped[r] = final[r] >= flip_share
    return flipped, final, seeds
