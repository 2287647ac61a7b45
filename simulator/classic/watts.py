"""Watts (2002) global cascades on random graphs: analytic window and simulation.

Watts, D. J. (2002). A simple model of global cascades on random networks. *PNAS*
99(9), 5766-5771. Fig. 1a: Erdos-Renyi graphs, N = 10,000, uniform threshold
phi = 0.18, one random seed; global cascades occur only inside the "cascade window"
in mean degree ``z``, about 1 < z < 6, and are rare but huge near its upper edge.

Analytics. A node of degree ``k`` is *vulnerable* when one active neighbour is enough,
``1/k >= phi``, i.e. ``k <= K = floor(1/phi)``. Global cascades are possible when the
vulnerable nodes percolate (Watts' cascade condition on vulnerable clusters):
``sum_k k (k - 1) rho_k p_k = z``. With Poisson degrees ``p_k = e^-z z^k / k!`` and
``rho_k = 1`` for ``1 <= k <= K``, ``sum_{k<=K} k (k-1) p_k = z^2 P(Poisson(z) <= K - 2)``,
so the condition is ``z P(Poisson(z) <= K - 2) > 1``. For phi = 0.18, ``K = 5`` and the
window is (1.02, 5.76), as in the paper.

The chance that one random seed triggers a global cascade is the size of the *extended*
vulnerable cluster (the giant vulnerable cluster and its neighbours), from the same
generating functions: ``1 - G0(v)`` with
``v = 1 - sum_k (k p_k / z) rho_k (1 - v^(k-1))`` (see :func:`cascade_probability`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import poisson

from ._base import spawn_seeds
from .threshold import ThresholdContagion

__all__ = [
    "GLOBAL_CASCADE_SHARE",
    "cascade_condition",
    "cascade_probability",
    "cascade_sizes",
    "cascade_window",
    "vulnerable_degree",
]

#: A cascade is *global* when it reaches at least this share of the network (Watts 2002).
GLOBAL_CASCADE_SHARE = 0.10


def vulnerable_degree(phi: float) -> int:
    """Largest vulnerable degree ``K = floor(1/phi)`` (a node with ``k <= K`` needs one neighbour).

    A tiny tolerance keeps exact reciprocals exact (phi = 0.2 gives 5, not 4).
    """
    if not 0.0 < phi <= 1.0:
        raise ValueError(f"phi must be in (0, 1], got {phi}")
    return int(math.floor(1.0 / phi + 1e-9))


def cascade_condition(z: float | NDArray[np.float64], phi: float) -> NDArray[np.float64]:
    """Left side of Watts' cascade condition for Poisson graphs, ``z P(Poisson(z) <= K - 2)``.

    Global cascades are possible where this exceeds 1.
    """
    k_max = vulnerable_degree(phi)
    z = np.asarray(z, dtype=np.float64)
    return z * poisson.cdf(k_max - 2, z)


def cascade_window(phi: float) -> tuple[float, float]:
    """The interval of mean degree ``z`` where ``z P(Poisson(z) <= K - 2) > 1``.

    Args:
        phi: the uniform fractional threshold.

    Returns:
        ``(z_low, z_high)``; ``(nan, nan)`` when the condition never holds (``K < 3``).

    Example:
        >>> [round(z, 2) for z in cascade_window(0.18)]
        [1.02, 5.76]
    """
    k_max = vulnerable_degree(phi)
    if k_max < 3:
        return (math.nan, math.nan)
    zs = np.linspace(1e-3, 4.0 * k_max + 10.0, 20_001)
    excess = cascade_condition(zs, phi) - 1.0
    inside = np.flatnonzero(excess > 0)
    if inside.size == 0:
        return (math.nan, math.nan)
    i, j = inside[0], inside[-1]

    def f(z: float) -> float:
        return float(cascade_condition(z, phi)) - 1.0

    return (
        float(brentq(f, zs[i - 1], zs[i], xtol=1e-12)),
        float(brentq(f, zs[j], zs[j + 1], xtol=1e-12)),
    )


def cascade_probability(z: float, phi: float, k_cap: int = 200) -> float:
    """Analytic chance that one random seed triggers a global cascade (N -> infinity).

    The share of nodes in the extended vulnerable cluster: ``1 - G0(v)``, with ``v`` the
    smallest root in [0, 1] of ``v = 1 - sum_k q_k rho_k (1 - v^(k-1))``, ``q_k = k p_k / z``
    the excess-degree distribution and ``rho_k = 1[1 <= k <= K]`` (Watts 2002, generating-function analysis).

    Args:
        z: mean degree of the Poisson graph.
        phi: uniform fractional threshold.
        k_cap: largest degree summed over (raised automatically for large ``z``).

    Returns:
        The probability (0 outside the cascade window).
    """
    if z <= 0:
        return 0.0
    k_max = vulnerable_degree(phi)
    k = np.arange(max(k_cap, int(z + 20.0 * np.sqrt(z) + 20)) + 1)
    p_k = poisson.pmf(k, z)
    rho = ((k >= 1) & (k <= k_max)).astype(np.float64)
    q_rho = k * p_k * rho / z
    k_minus = np.maximum(k - 1, 0)

    def f(v: float) -> float:
        return 1.0 - float(np.sum(q_rho * (1.0 - v**k_minus))) - v

    grid = np.linspace(0.0, 1.0 - 1e-12, 2001)
    values = 1.0 - (q_rho * (1.0 - grid[:, None] ** k_minus)).sum(axis=1) - grid
    crossings = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if crossings.size == 0:
        return 0.0
    c = crossings[0]
    v = float(brentq(f, grid[c], grid[c + 1], xtol=1e-14))
    return float(1.0 - np.sum(p_k * v**k))


def cascade_sizes(
    mean_degree: float,
    *,
    n: int = 10_000,
    phi: float = 0.18,
    runs: int = 500,
    master_seed: int = 0,
    n_seeds: int = 1,
) -> tuple[NDArray[np.float64], list[int]]:
    """Final cascade sizes of ``runs`` independent realisations (new graph, new seed each).

    Each run is a :class:`~simulator.classic.threshold.ThresholdContagion` with its own
    seed spawned from ``master_seed``. Synchronous updates on a sparse matrix: about
    5 ms a run at N = 10,000.

    Args:
        mean_degree: ``z``.
        n: nodes per graph.
        phi: uniform fractional threshold.
        runs: realisations.
        master_seed: root of the per-run seeds.
        n_seeds: initially active nodes per run.

    Returns:
        ``(sizes, seeds)``: the final active share of each run and the run's seed.
    """
    seeds = spawn_seeds(master_seed, runs)
    sizes = np.empty(runs)
    for r, s in enumerate(seeds):
        model = ThresholdContagion(
            network="erdos_renyi",
            n=n,
            mean_degree=mean_degree,
            threshold=phi,
            n_seeds=n_seeds,
            collect=False,
            seed=s,
        )
        sizes[r] = model.run(max_steps=n).active_share
    return sizes, seeds
