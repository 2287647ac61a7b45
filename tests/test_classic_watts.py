"""Watts (2002) global cascades: the analytic window, the graph generator, Fig. 1a."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import poisson

from simulator.classic import graphs, watts
from simulator.classic.watts import (
    GLOBAL_CASCADE_SHARE,
    cascade_condition,
    cascade_probability,
    cascade_sizes,
    cascade_window,
    vulnerable_degree,
)

# ------------------------------------------------------------------------ analytics


def test_vulnerable_degree():
    assert vulnerable_degree(0.18) == 5  # 1/0.18 = 5.56
    assert vulnerable_degree(0.2) == 5  # exact reciprocal is not rounded down to 4
    assert vulnerable_degree(0.25) == 4
    assert vulnerable_degree(1.0) == 1


def test_analytic_cascade_window_for_phi_018():
    low, high = cascade_window(0.18)
    assert (round(low, 2), round(high, 2)) == (1.02, 5.76)


def test_cascade_condition_by_hand():
    # K = 5: z P(Poisson(z) <= 3) at z = 2 is 2 * e^-2 (1 + 2 + 2 + 4/3)
    expected = 2 * math.exp(-2) * (1 + 2 + 2 + 4 / 3)
    assert float(cascade_condition(2.0, 0.18)) == pytest.approx(expected)
    assert float(cascade_condition(2.0, 0.18)) == pytest.approx(2 * poisson.cdf(3, 2.0))
    low, high = cascade_window(0.18)
    assert float(cascade_condition(low, 0.18)) == pytest.approx(1.0, abs=1e-9)
    assert float(cascade_condition(high, 0.18)) == pytest.approx(1.0, abs=1e-9)


def test_window_shrinks_as_threshold_rises_and_closes():
    w18, w22 = cascade_window(0.18), cascade_window(0.22)
    assert w22[1] < w18[1]
    assert all(math.isnan(v) for v in cascade_window(0.4))  # K = 2: no vulnerable percolation


def test_analytic_cascade_probability():
    assert cascade_probability(0.8, 0.18) == 0.0
    assert cascade_probability(6.5, 0.18) == 0.0
    assert cascade_probability(3.0, 0.18) == pytest.approx(0.8735, abs=1e-3)
    # inside the window the chance is positive and below the giant-component share
    giant = 1 - math.exp(-1.5 * 0.583)  # S = 1 - exp(-z S) at z = 1.5
    assert 0.3 < cascade_probability(1.5, 0.18) < giant + 1e-3


# ------------------------------------------------------------------------- graphs


@pytest.mark.parametrize("seed", range(3))
def test_erdos_renyi_edges_are_simple_and_poisson(seed):
    rng = np.random.default_rng(seed)
    n, z = 10_000, 4.0
    u, v = graphs.erdos_renyi_edges(n, z, rng)
    assert np.all(u < v), f"seed={seed}"
    assert np.unique(u * n + v).size == u.size, f"seed={seed}"
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    assert degree.mean() == pytest.approx(z, abs=0.15), f"seed={seed}"
    assert degree.var() == pytest.approx(z, rel=0.1), f"seed={seed}"  # Poisson: var = mean


def test_erdos_renyi_tiny_and_dense():
    rng = np.random.default_rng(0)
    u, v = graphs.erdos_renyi_edges(5, 4.0, rng)  # p = 1: the complete graph
    assert sorted(zip(u.tolist(), v.tolist(), strict=True)) == [
        (i, j) for i in range(5) for j in range(i + 1, 5)
    ]
    assert graphs.erdos_renyi_edges(1, 3.0, rng)[0].size == 0


@pytest.mark.parametrize("seed", range(3))
def test_configuration_model_keeps_the_degrees(seed):
    rng = np.random.default_rng(seed)
    degrees = graphs.degree_sequence(watts.exponential_degrees(2.0), 10_000, rng)
    u, v = graphs.configuration_model_edges(degrees, rng)
    assert np.all(u < v) and np.unique(u * 10_000 + v).size == u.size, f"seed={seed}"
    got = np.bincount(np.concatenate([u, v]), minlength=10_000)
    assert np.all(got <= degrees + 1), f"seed={seed}"  # +1: an odd stub total
    assert (degrees - got).clip(min=0).sum() < 0.01 * degrees.sum(), f"seed={seed}"  # erased stubs
    assert got.mean() == pytest.approx(2.0, abs=0.1), f"seed={seed}"


def test_configuration_model_by_hand():
    u, v = graphs.configuration_model_edges(np.array([1, 1]), np.random.default_rng(0))
    assert (u.tolist(), v.tolist()) == ([0], [1])
    u, v = graphs.configuration_model_edges(np.array([2]), np.random.default_rng(0))
    assert u.size == 0  # a self-loop is erased
    with pytest.raises(ValueError, match="non-negative"):
        graphs.configuration_model_edges(np.array([-1, 1]), np.random.default_rng(0))


def test_erdos_renyi_pairs_are_uniform():
    # every one of the 6 pairs of 4 nodes is equally likely to be the single edge
    rng = np.random.default_rng(5)
    counts = np.zeros(16, dtype=int)
    for _ in range(3_000):
        u, v = graphs.erdos_renyi_edges(4, 0.5, rng)
        np.add.at(counts, u * 4 + v, 1)
    pairs = counts[[1, 2, 3, 6, 7, 11]]
    assert pairs.min() > 0.8 * pairs.mean()


# -------------------------------------------------------------------- Watts Fig. 1a


def _p_global(z: float, runs: int, master_seed: int) -> float:
    sizes, _ = cascade_sizes(z, n=10_000, phi=0.18, runs=runs, master_seed=master_seed)
    return float(np.mean(sizes >= GLOBAL_CASCADE_SHARE))


# The point-by-point comparison with 1,000 runs a z is the full Watts validation
# (simulator.validation.watts2002), run in the slow suite by test_classic_validation.py.


def test_small_cascade_run_agrees_with_theory_at_z3():
    """A cheap check of the engine against the theory (not slow: 150 runs)."""
    p = _p_global(3.0, 150, master_seed=7)
    assert abs(p - cascade_probability(3.0, 0.18)) < 0.12, f"P = {p:.3f}, master_seed=7"
