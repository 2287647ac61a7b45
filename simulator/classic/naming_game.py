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

import networkx as nx
import numpy as np
from mesa import DataCollector
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from ._base import ClassicModel, SeedLike, spawn_seeds

__all__ = [
    "NamingGame",
    "OPINION_A",
    "OPINION_AB",
    "OPINION_B",
    "consensus_times",
    "mean_field_consensus_time",
    "mean_field_critical_fraction",
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

    Args:
        n: number of agents.
        committed_share: share ``p`` of committed agents (rounded to the nearest agent).
        committed: number of committed agents (overrides ``committed_share``).
        graph: a networkx graph on nodes 0..n-1 (listeners are neighbours of the
            speaker); None is the complete graph of the paper.
        collect: record the shares of A, B and AB holders each time unit.
        seed: the run's seed or generator.

    Attributes:
        opinion: per agent, OPINION_A, OPINION_B or OPINION_AB.
        committed: boolean mask of committed agents.
        consensus_time: time (in units of N interactions) at which everyone held only A,
            or None before that.
    """

    def __init__(
        self,
        *,
        n: int = 1_000,
        committed_share: float = 0.1,
        committed: int | None = None,
        graph: nx.Graph | None = None,
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        super().__init__(seed=seed)
        if graph is not None:
            n = graph.number_of_nodes()
        if n < 2:
            raise ValueError(f"n must be at least 2, got {n}")
        self.n = int(n)
        n_committed = int(round(committed_share * n)) if committed is None else int(committed)
        if not 0 <= n_committed <= n:
            raise ValueError(f"committed must be in [0, n], got {n_committed}")
        self.committed = np.zeros(self.n, dtype=bool)
        self.committed[self.rng.choice(self.n, size=n_committed, replace=False)] = True
        self.opinion = np.where(self.committed, OPINION_A, OPINION_B).astype(np.int8)
        self._neighbours: list[list[int]] | None = None
        if graph is not None:
            self._neighbours = [sorted(graph.neighbors(i)) for i in range(self.n)]
            if any(len(nb) == 0 for nb in self._neighbours):
                raise ValueError("every agent needs at least one neighbour")
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

    @property
    def elapsed(self) -> float:
        """Elapsed time in units of N interactions (not ``time``: Mesa 3.5 owns that name)."""
        return self.interactions / self.n

    def step(self) -> None:
        """Play ``N`` interactions (one time unit), stopping early at consensus."""
        n = self.n
        speakers = self.rng.integers(0, n, size=n).tolist()
        picks = self.rng.random(n).tolist()  # chooses the listener
        coins = self.rng.random(n).tolist()  # chooses the name voiced by an AB speaker
        opinion = self.opinion.tolist()
        committed = self.committed.tolist()
        n_a = opinion.count(OPINION_A)
        neighbours = self._neighbours
        done = 0
        for s, pick, coin in zip(speakers, picks, coins, strict=True):
            done += 1
            if neighbours is None:
                listener = int(pick * (n - 1))
                if listener >= s:
                    listener += 1
            else:
                nb = neighbours[s]
                listener = nb[int(pick * len(nb))]
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


def mean_field_critical_fraction(tol: float = 1e-7) -> float:
    """Committed share above which the mean-field flow has no mixed fixed point (0.0979).

    Below it, a stable mixed state (most agents still holding B) traps the dynamics;
    above it, only consensus on A is left (Xie et al. 2011).
    """
    lo, hi = 0.01, 0.3
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _has_mixed_fixed_point(mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
