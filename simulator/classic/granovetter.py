"""Granovetter (1978) by his own method: equilibria of the cumulative threshold distribution.

Granovetter, M. (1978). Threshold models of collective behavior. *American Journal of
Sociology* 83(6), 1420-1443. In a crowd of ``N`` where everyone sees everyone, a person
joins once the number already rioting reaches their threshold. If ``F`` is the
cumulative distribution of thresholds, the number rioting moves as
``r(t+1) = N F(r(t))`` from ``r(0) = 0``, and the outcome is the **smallest fixed point**
of ``r = N F(r)`` (:func:`equilibrium`).

For normally distributed thresholds (his example: mean 25, N = 100) that equilibrium is
a handful of people for a narrow spread and nearly everyone for a wide one, with a jump
in between: at the critical standard deviation the low fixed point and an unstable one
meet and vanish (a saddle-node), so the riot jumps to the high fixed point. At the
tangency ``N F'(r) = 1``, i.e. ``phi(x) = sigma / N`` with ``x = (r - mean) / sigma`` on
the low branch, which gives the closed form solved by :func:`critical_sd`: about 12.2.

A real crowd of 100 is a sample, not the distribution: :func:`finite_crowd_riot` gives the
exact equilibrium of any finite set of thresholds (the same recursion with the empirical
``F``), and :func:`finite_crowd_jumps` the spread of the critical sd over random crowds,
which is reported beside the mean-field value (:mod:`simulator.validation.granovetter1978`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import norm

__all__ = [
    "critical_sd",
    "equilibrium",
    "finite_crowd_jumps",
    "finite_crowd_riot",
    "normal_equilibrium",
    "normal_jump",
]


def equilibrium(cdf: Callable[[float], float], crowd: int = 100) -> float:
    """Smallest fixed point of ``r = N F(r)`` on [0, N]: where a riot started by nobody ends.

    Args:
        cdf: the cumulative distribution of thresholds, ``F(x) = P(threshold <= x)``;
            called on an array when it accepts one (e.g. a frozen scipy distribution's
            ``cdf``), else point by point.
        crowd: the crowd size ``N``.

    Returns:
        The equilibrium number of rioters (a real number: the mean-field crowd).

    Example:
        >>> round(equilibrium(lambda r: np.clip((np.floor(r) + 1) / 100, 0, 1)), 6)  # 0..99
        100.0
    """
    grid = np.linspace(0.0, float(crowd), 100 * crowd + 1)
    try:
        values = np.asarray(cdf(grid), dtype=np.float64)
        if values.shape != grid.shape:
            raise ValueError
    except (TypeError, ValueError):
        values = np.array([cdf(float(r)) for r in grid], dtype=np.float64)
    gap = crowd * values - grid
    below = np.flatnonzero(gap <= 0)
    if below.size == 0:
        return float(crowd)
    i = int(below[0])
    if i == 0 or gap[i] == 0:
        return float(grid[i])
    return float(brentq(lambda r: crowd * float(cdf(r)) - r, grid[i - 1], grid[i], xtol=1e-12))


def normal_equilibrium(sd: float, mean: float = 25.0, crowd: int = 100) -> float:
    """:func:`equilibrium` for thresholds Normal(mean, sd) (Granovetter's example).

    Example:
        >>> round(normal_equilibrium(12.0), 1), round(normal_equilibrium(12.5), 1)
        (4.0, 100.0)
    """
    return equilibrium(norm(mean, sd).cdf, crowd)


def _tangency_gap(sd: float, mean: float, crowd: int) -> float:
    """``N F(r*) - r*`` at the low-branch point where ``N F'(r*) = 1``: <= 0 while a low riot holds."""
    x = -math.sqrt(2.0 * math.log(crowd / (sd * math.sqrt(2.0 * math.pi))))
    return crowd * float(norm.cdf(x)) - (mean + sd * x)


def critical_sd(mean: float = 25.0, crowd: int = 100) -> float:
    """The standard deviation of normal thresholds at which the riot jumps (mean field).

    Solved from the tangency condition (see the module docstring) by Brent's method to
    1e-10, so well within the 0.01 the value is quoted to.

    Args:
        mean: mean threshold.
        crowd: crowd size.

    Returns:
        The critical sd.

    Example:
        >>> round(critical_sd(), 2)  # Granovetter (1978): "about 12.2"
        12.22
    """
    upper = crowd / math.sqrt(2.0 * math.pi) * (1.0 - 1e-9)  # beyond it N F' < 1 everywhere
    lower = 1e-3
    if _tangency_gap(lower, mean, crowd) > 0:
        return 0.0
    return float(brentq(lambda s: _tangency_gap(s, mean, crowd), lower, upper, xtol=1e-10))


def normal_jump(mean: float = 25.0, crowd: int = 100) -> tuple[float, float, float]:
    """The jump itself: ``(critical sd, rioters just below it, rioters just above it)``.

    Example:
        >>> [round(v, 1) for v in normal_jump()]
        [12.2, 6.2, 100.0]
    """
    sd_c = critical_sd(mean, crowd)
    return (
        sd_c,
        normal_equilibrium(sd_c - 1e-6, mean, crowd),
        normal_equilibrium(sd_c + 1e-6, mean, crowd),
    )


def finite_crowd_riot(thresholds: NDArray[np.float64]) -> int:
    """Exact equilibrium of a finite crowd: iterate ``r <- #{threshold <= r}`` from 0.

    The mean-field recursion with the crowd's own (empirical) distribution; the engine's
    agent simulation (:func:`simulator.classic.threshold.granovetter_riot_size`) must give
    the same number.
    """
    t = np.sort(np.asarray(thresholds, dtype=np.float64))
    r = 0
    while True:
        nxt = int(np.searchsorted(t, r, side="right"))
        if nxt == r:
            return r
        r = nxt


def finite_crowd_jumps(
    crowds: int,
    rng: np.random.Generator,
    mean: float = 25.0,
    crowd: int = 100,
    sds: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Critical sd of each of ``crowds`` random crowds: the smallest sd on the grid with a riot >= N/2.

    Crowd ``j`` has thresholds ``mean + sd * Z_j`` (``Z_j`` ``crowd`` standard normals drawn
    once, so each crowd is followed across sds; thresholds below 0 act as 0).

    Returns:
        One critical sd per crowd (nan when no sd on the grid gives a riot of half the crowd).
    """
    sds = np.round(np.arange(2.0, 30.0 + 1e-9, 0.01), 2) if sds is None else np.asarray(sds)
    out = np.full(crowds, np.nan)
    for j in range(crowds):
        z = np.sort(rng.standard_normal(crowd))
        r = np.zeros(sds.size, dtype=np.int64)
        # the recursion for all sds at once: #{mean + sd z <= r} = #{z <= (r - mean) / sd}
        for _ in range(crowd + 1):
            nxt = np.searchsorted(z, (r - mean) / sds, side="right")
            if np.array_equal(nxt, r):
                break
            r = nxt
        big = np.flatnonzero(r >= crowd / 2)
        if big.size:
            out[j] = sds[big[0]]
    return out
