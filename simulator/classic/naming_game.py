"""The binary-agreement naming game with committed agents (Xie et al. 2011).

Xie, J., Sreenivasan, S., Korniss, G., Zhang, W., Lim, C., & Szymanski, B. K. (2011).
Social consensus through the influence of committed minorities. *Physical Review E*
84, 011130. Consensus time against the committed share and N: on a complete graph every agent holds opinion B, except a
committed share ``p`` that holds A and never changes. At each interaction a random
speaker voices one of its names (at random if it holds both, "AB") to a random
neighbour, the listener. If the listener holds that name, both keep only it (agreement;
committed agents stay A); otherwise the listener adds it to its list. Time is counted
in units of N interactions. Above ``p_c ~ 0.098`` the whole population adopts A
quickly (consensus time growing like ln N); below it, the mixed state is metastable
and consensus takes a time exponential in N.

Mean field (Xie et al.), with ``n_A``, ``n_B`` the densities of uncommitted A and
B holders and ``n_AB = 1 - p - n_A - n_B``::

    dn_A/dt = -n_A n_B + n_AB^2 + n_A n_AB + 3/2 p n_AB
    dn_B/dt = -n_A n_B + n_AB^2 + n_B n_AB - p n_B

whose mixed fixed point vanishes at ``p_c = 0.0979`` (:func:`mean_field_critical_fraction`).

The game is sequential by nature; one time unit (N interactions) is a Python loop
over pre-drawn random numbers, about 1 microsecond an interaction.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import numpy as np
from mesa import DataCollector
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from ._base import ClassicModel, SeedLike, spawn_seeds
from .network_input import GraphLike, InfluenceNetwork, as_influence_network

__all__ = [
    "NamingGame",
    "OPINION_A",
    "OPINION_AB",
    "OPINION_B",
    "consensus_times",
    "mean_field_consensus_time",
    "mean_field_critical_fraction",
    "mean_field_mixed_state",
    "mean_field_rates",
]

OPINION_A = 0  #: the committed minority's name
OPINION_B = 1  #: the majority's initial name
OPINION_AB = 2  #: both names


class NamingGame(ClassicModel):
    """Binary-agreement naming game with committed agents, as a Mesa model.

    One step is one time unit, ``N`` speaker-listener interactions. The run stops
    (``running = False``) at consensus on A, with :attr:`consensus_time` measured to
    the interaction.

    On a user's network (``graph=``: a networkx graph with any labels, or a sparse
    matrix), the listener is drawn among the speaker's neighbours; on a directed network
    the speaker talks along its out-ties (``u -> v``: ``u`` speaks to, and so influences,
    ``v``), and with ``weight`` a listener is drawn with probability proportional to the
    tie's weight. Every agent needs someone to talk to. Conventions:
    :mod:`simulator.classic.network_input`.

    Args:
        n: number of agents (ignored when ``graph`` is given).
        committed_share: share ``p`` of committed agents (rounded to the nearest agent),
            drawn at random.
        committed: the committed agents: a number drawn at random, or the agents by label
            (overrides ``committed_share``).
        graph: the user's network; None is the complete graph of the paper.
        weight: use tie weights to draw listeners (attribute name, or ``True``).
        directed: for a sparse matrix, ``True`` reads ``A[u, v]`` as ``u -> v``.
        collect: record the shares of A, B and AB holders each time unit.
        seed: the run's seed or generator.

    Attributes:
        opinion: per agent, OPINION_A, OPINION_B or OPINION_AB.
        committed: boolean mask of committed agents.
        labels: node labels, one per agent.
        consensus_time: time (in units of N interactions) at which everyone held only A,
            or None before that.
    """

    def __init__(
        self,
        *,
        n: int = 1_000,
        committed_share: float = 0.1,
        committed: int | Iterable[Hashable] | None = None,
        graph: GraphLike | None = None,
        weight: str | bool | None = None,
        directed: bool | None = None,
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        super().__init__(seed=seed)
        self.network: InfluenceNetwork | None = None
        if graph is not None:
            self.network = as_influence_network(graph, weight=weight, directed=directed)
            n = self.network.n
        if n < 2:
            raise ValueError(f"n must be at least 2, got {n}")
        self.n = int(n)
        self.labels = self.network.labels if self.network is not None else list(range(self.n))
        self.committed = np.zeros(self.n, dtype=bool)
        if committed is None or isinstance(committed, int | np.integer):
            n_committed = int(round(committed_share * n)) if committed is None else int(committed)
            if not 0 <= n_committed <= n:
                raise ValueError(f"committed must be in [0, n], got {n_committed}")
            self.committed[self.rng.choice(self.n, size=n_committed, replace=False)] = True
        elif self.network is not None:
            self.committed[self.network.indices(committed, "committed")] = True
        else:
            chosen = list(committed)
            bad = [x for x in chosen if not isinstance(x, int | np.integer) or not 0 <= x < n]
            if bad:
                raise ValueError(f"committed: {bad[:5]} are not agents 0..{n - 1}")
            self.committed[np.asarray(chosen, dtype=np.int64)] = True
        self.opinion = np.where(self.committed, OPINION_A, OPINION_B).astype(np.int8)
        if self.network is not None:
            out = np.diff(self.network.adjacency.indptr)
            if (out == 0).any():
                lonely = [self.labels[i] for i in np.flatnonzero(out == 0)[:5]]
                raise ValueError(
                    f"every agent needs at least one neighbour to talk to; {lonely} have none"
                    + (" (no out-ties)" if self.network.directed else "")
                )
        self.interactions = 0
        self.consensus_time: float | None = None
        self.datacollector = (
            DataCollector(
                model_reporters={
                    "share_a": lambda m: m.shares()[0],
                    "share_b": lambda m: m.shares()[1],
                    "share_ab": lambda m: m.shares()[2],
                }
            )
            if collect
            else None
        )
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def shares(self) -> tuple[float, float, float]:
        """Shares of agents holding only A, only B, and both."""
        counts = np.bincount(self.opinion, minlength=3) / self.n
        return float(counts[OPINION_A]), float(counts[OPINION_B]), float(counts[OPINION_AB])

    def opinions(self) -> dict[Hashable, str]:
        """Each agent's names by label: ``"A"``, ``"B"`` or ``"AB"``."""
        names = {OPINION_A: "A", OPINION_B: "B", OPINION_AB: "AB"}
        return {label: names[int(o)] for label, o in zip(self.labels, self.opinion, strict=True)}

    @property
    def elapsed(self) -> float:
        """Elapsed time in units of N interactions (not ``time``: Mesa 3.5 owns that name)."""
        return self.interactions / self.n

    def _listeners(self, speakers: NDArray[np.int64], picks: NDArray[np.float64]) -> list[int]:
        """The listener of each interaction, drawn from the speaker's (out-)neighbours.

        Unweighted: neighbour ``floor(pick * degree)`` in index order; weighted: the tie
        where ``pick * strength`` falls in the speaker's cumulative tie weights.
        """
        adj = self.network.adjacency  # type: ignore[union-attr]
        indptr = adj.indptr
        start = indptr[speakers]
        if not self.network.weighted:  # type: ignore[union-attr]
            degree = indptr[speakers + 1] - start
            pos = start + np.minimum((picks * degree).astype(np.int64), degree - 1)
        else:
            cum = np.cumsum(adj.data)
            before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
            end = indptr[speakers + 1]
            target = before + picks * (cum[end - 1] - before)
            pos = np.clip(np.searchsorted(cum, target, side="right"), start, end - 1)
        return adj.indices[pos].tolist()

    def step(self) -> None:
        """Play ``N`` interactions (one time unit), stopping early at consensus."""
        n = self.n
        speakers_arr = self.rng.integers(0, n, size=n)
        picks_arr = self.rng.random(n)  # chooses the listener
        coins = self.rng.random(n).tolist()  # chooses the name voiced by an AB speaker
        speakers = speakers_arr.tolist()
        if self.network is None:
            others = (picks_arr * (n - 1)).astype(np.int64)
            listeners = np.where(others >= speakers_arr, others + 1, others).tolist()
        else:
            listeners = self._listeners(speakers_arr, picks_arr)
        opinion = self.opinion.tolist()
        committed = self.committed.tolist()
        n_a = opinion.count(OPINION_A)
        done = 0
        for s, listener, coin in zip(speakers, listeners, coins, strict=True):
            done += 1
            state_s = opinion[s]
            if state_s == OPINION_AB:
                word = OPINION_A if coin < 0.5 else OPINION_B
            else:
                word = state_s
            state_l = opinion[listener]
            if state_l == word or state_l == OPINION_AB:
                # agreement: both keep only the word (committed agents hold A already)
                if not committed[s] and state_s != word:
                    opinion[s] = word
                    n_a += word == OPINION_A
                if not committed[listener] and state_l != word:
                    opinion[listener] = word
                    n_a += word == OPINION_A
            elif not committed[listener]:
                # the listener adds the word it lacked: A or B becomes AB
                opinion[listener] = OPINION_AB
                n_a -= state_l == OPINION_A
            if n_a == n:
                break
        self.opinion = np.asarray(opinion, dtype=np.int8)
        self.interactions += done
        if n_a == n:
            self.consensus_time = self.interactions / n
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)


def consensus_times(
    *,
    n: int = 1_000,
    committed_share: float,
    runs: int = 10,
    max_time: float = 500.0,
    master_seed: int = 0,
) -> tuple[NDArray[np.float64], list[int]]:
    """Consensus time of each run on the complete graph (nan if none by ``max_time``).

    Returns:
        ``(times, seeds)``.
    """
    seeds = spawn_seeds(master_seed, runs)
    times = np.full(runs, np.nan)
    for r, s in enumerate(seeds):
        game = NamingGame(n=n, committed_share=committed_share, collect=False, seed=s)
        game.run(max_steps=int(np.ceil(max_time)))
        if game.consensus_time is not None and game.consensus_time <= max_time:
            times[r] = game.consensus_time
    return times, seeds


def mean_field_rates(
    p: float, n_a: float | NDArray[np.float64], n_b: float | NDArray[np.float64]
) -> tuple[float | NDArray[np.float64], float | NDArray[np.float64]]:
    """Right-hand side of Xie et al.'s mean-field equations (time in units of N).

    Element-wise, so ``n_a`` and ``n_b`` may be arrays.
    """
    n_ab = 1.0 - p - n_a - n_b
    da = -n_a * n_b + n_ab * n_ab + n_a * n_ab + 1.5 * p * n_ab
    db = -n_a * n_b + n_ab * n_ab + n_b * n_ab - p * n_b
    return da, db


def mean_field_consensus_time(p: float, n: int = 1_000, horizon: float = 10_000.0) -> float:
    """Mean-field time for the A share to come within ``1/n`` of consensus (inf if never).

    Integrates the mean-field equations from "all uncommitted hold B" until
    ``n_A + p >= 1 - 1/n`` or ``horizon``.
    """
    target = 1.0 - 1.0 / n

    def reached(_t: float, y: NDArray[np.float64]) -> float:
        return y[0] + p - target

    reached.terminal = True  # type: ignore[attr-defined]
    reached.direction = 1  # type: ignore[attr-defined]
    sol = solve_ivp(
        lambda _t, y: mean_field_rates(p, y[0], y[1]),
        (0.0, horizon),
        [0.0, 1.0 - p],
        rtol=1e-9,
        atol=1e-12,
        events=reached,
    )
    hits = sol.t_events[0]
    return float(hits[0]) if hits.size else math.inf


def _has_mixed_fixed_point(p: float, grid: int = 200_001) -> bool:
    """Whether the mean-field flow has fixed points with B holders left (a metastable mix).

    On ``dn_A/dt = 0``, ``n_A = (c^2 + 1.5 p c) / (n_B + c + 1.5 p)`` with
    ``c = 1 - p - n_B``, so fixed points are the sign changes of ``dn_B/dt`` along that
    curve for ``n_B`` in (0, 1 - p].
    """
    n_b = np.linspace(1e-7, 1.0 - p, grid)
    c = 1.0 - p - n_b
    n_a = (c * c + 1.5 * p * c) / (n_b + c + 1.5 * p)
    _, db = mean_field_rates(p, n_a, n_b)
    return bool(np.any(np.sign(db[:-1]) != np.sign(db[1:])))


def mean_field_mixed_state(p: float) -> tuple[float, float, float]:
    """The stable mixed fixed point of the mean-field flow below ``p_c``.

    Where a population that starts with every uncommitted agent holding B settles (the
    metastable state of Xie et al. 2011): the densities of uncommitted A holders, of B
    holders and of AB holders. Found by integrating the flow from that start until it
    stops moving.

    Args:
        p: committed share, below :func:`mean_field_critical_fraction`.

    Returns:
        ``(n_A, n_B, n_AB)``; the share of agents holding only A is ``p + n_A``.

    Raises:
        ValueError: when ``p`` is not below the critical share (the flow reaches consensus).

    Example:
        >>> [round(x, 3) for x in mean_field_mixed_state(0.08)]
        [0.031, 0.79, 0.099]
    """
    sol = solve_ivp(
        lambda _t, y: mean_field_rates(p, y[0], y[1]),
        (0.0, 5_000.0),
        [0.0, 1.0 - p],
        rtol=1e-10,
        atol=1e-12,
    )
    n_a, n_b = (float(v) for v in sol.y[:, -1])
    if n_b < 1e-3:
        raise ValueError(f"p = {p} reaches consensus: no mixed state (p_c = 0.0979)")
    return n_a, n_b, 1.0 - p - n_a - n_b


def mean_field_critical_fraction(tol: float = 1e-7) -> float:
    """Committed share above which the mean-field flow has no mixed fixed point.

    Below it, a stable mixed state (most agents still holding B) traps the dynamics;
    above it, only consensus on A is left (Xie et al. 2011: p_c = 0.0979).

    Example:
        >>> round(mean_field_critical_fraction(), 4)
        0.0979
    """
    lo, hi = 0.01, 0.3
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _has_mixed_fixed_point(mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
