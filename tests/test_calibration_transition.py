"""The ABC-SMC kernel truncated to the priors' box: a proper density, its samples follow
it, every proposal is inside the ranges, where pyabc's default kernel almost never is in
the model's 81 dimensions, and parameters the population has not narrowed are redrawn
from their priors, which keeps the importance weights from collapsing onto one particle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyabc.transition import MultivariateNormalTransition
from scipy import integrate, stats

from simulator.calibration.transition import BoundedNormalTransition


@pytest.fixture(autouse=True)
def _restore_global_state():
    """pyabc's kernels draw from numpy's global generator; leave it as it was found."""
    state = np.random.get_state()  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


def _seed_global(seed: int) -> None:
    np.random.seed(seed)  # noqa: NPY002 - the generator the sampler seeds in calibrations


def _population(rng, bounds, n=40):
    x = pd.DataFrame({k: rng.uniform(lo, hi, n) for k, (lo, hi) in bounds.items()})
    w = rng.uniform(0.2, 1.0, n)
    return x, w / w.sum()


def test_the_density_integrates_to_one_over_the_box():
    rng = np.random.default_rng(11)
    bounds = {"a": (0.0, 1.0), "b": (2.0, 5.0)}
    t = BoundedNormalTransition(bounds, redraw_z=None)
    t.fit(*_population(rng, bounds, 30))
    total, err = integrate.dblquad(lambda b, a: t.pdf(pd.Series({"a": a, "b": b})), 0, 1, 2, 5, epsabs=1e-5)
    assert total == pytest.approx(1.0, abs=1e-3)
    assert t.pdf(pd.Series({"a": 1.2, "b": 3.0})) == 0.0  # outside the prior's support


def test_proposals_follow_the_density():
    rng = np.random.default_rng(5)
    bounds = {"a": (0.0, 1.0)}
    x, w = _population(rng, bounds, 25)
    t = BoundedNormalTransition(bounds, redraw_z=None)
    t.fit(x, w)
    _seed_global(7)
    draws = np.array([t.rvs_single()["a"] for _ in range(3000)])
    sigma = t._sigma[0]
    centres = x["a"].to_numpy()

    def cdf(v):
        return sum(
            wj * stats.truncnorm.cdf(v, (0 - c) / sigma, (1 - c) / sigma, loc=c, scale=sigma)
            for wj, c in zip(w, centres, strict=True)
        )

    assert stats.kstest(draws, cdf).pvalue > 0.01
    # and the density is the derivative of that CDF
    for v in (0.1, 0.5, 0.93):
        assert t.pdf(pd.Series({"a": v})) == pytest.approx((cdf(v + 1e-6) - cdf(v - 1e-6)) / 2e-6, rel=1e-4)


def test_in_81_dimensions_every_proposal_is_inside_and_the_default_kernel_almost_never_is():
    rng = np.random.default_rng(3)
    bounds = {f"p{i}": (0.0, float(1 + i % 5)) for i in range(81)}
    x, w = _population(rng, bounds, 60)
    lo = np.array([b[0] for b in bounds.values()])
    hi = np.array([b[1] for b in bounds.values()])
    ours, default = BoundedNormalTransition(bounds, redraw_z=None), MultivariateNormalTransition()
    ours.fit(x, w)
    default.fit(x, w)
    _seed_global(1)
    inside_ours = [np.all((v >= lo) & (v <= hi)) for v in (np.array(list(ours.rvs_single().values())) for _ in range(200))]
    inside_default = [np.all((v >= lo) & (v <= hi)) for v in default.rvs(200).to_numpy()]
    assert all(inside_ours)
    assert np.mean(inside_default) < 0.01


def test_the_same_global_seed_gives_the_same_proposal_and_the_kernel_narrows_with_the_population():
    rng = np.random.default_rng(2)
    bounds = {"a": (0.0, 1.0), "b": (-1.0, 1.0)}
    x, w = _population(rng, bounds)
    t = BoundedNormalTransition(bounds, redraw_z=None)
    t.fit(x, w)
    _seed_global(42)
    first = dict(t.rvs_single())
    _seed_global(42)
    assert dict(t.rvs_single()) == first
    wide = t._sigma.copy()
    t.fit(x * 0.1 + 0.05, w)  # a population contracted tenfold
    assert np.allclose(t._sigma, wide * 0.1)


def test_a_parameter_without_a_range_is_refused():
    t = BoundedNormalTransition({"a": (0.0, 1.0)})
    with pytest.raises(ValueError, match="no prior range"):
        t.fit(pd.DataFrame({"a": [0.5, 0.6], "z": [1.0, 2.0]}), np.array([0.5, 0.5]))


def _box_weights(kernel, bounds, x, w, width, n=400):
    """Importance weights prior/proposal of proposals accepted by a box-shaped ABC target.

    The target keeps parameter ``p0`` within ``width`` of the middle of its range, and
    leaves every other parameter free, as targets that inform one parameter of many do.
    """
    kernel.fit(x, w)
    _seed_global(4)
    pts = pd.DataFrame([dict(kernel.rvs_single()) for _ in range(n)])
    lo, hi = bounds["p0"]
    accepted = np.abs(pts["p0"].to_numpy() - (lo + hi) / 2) <= width * (hi - lo) / 2
    weights = 1.0 / kernel.pdf(pts[accepted])
    return weights, accepted.mean()


def _ess_share(weights):
    return float(weights.sum() ** 2 / (weights**2).sum() / len(weights))


def test_uninformed_parameters_are_redrawn_and_the_weights_stay_even_in_81_dimensions():
    """One informed parameter among 81: redrawing the other 80 from their priors keeps the
    effective sample size near the population's, where the all-local kernel collapses."""
    rng = np.random.default_rng(8)
    bounds = {f"p{i}": (0.0, float(1 + i % 5)) for i in range(81)}
    x = pd.DataFrame({k: rng.uniform(lo, hi, 60) for k, (lo, hi) in bounds.items()})
    x["p0"] = rng.uniform(0.4, 0.6, 60)  # the one parameter the targets have narrowed
    w = np.full(60, 1 / 60)
    mixed = BoundedNormalTransition(bounds)
    mixed.fit(x, w)
    assert mixed.local == ["p0"]
    mixed_w, mixed_acc = _box_weights(mixed, bounds, x, w, 0.2)
    local_w, _ = _box_weights(BoundedNormalTransition(bounds, redraw_z=None), bounds, x, w, 0.2)
    assert _ess_share(mixed_w) > 0.5  # measured 0.96
    assert _ess_share(local_w) < 0.1  # measured 0.010
    assert mixed_acc > 0.3  # the informed parameter still proposes near the population


def test_the_local_threshold_sits_four_standard_errors_below_an_unnarrowed_spread():
    from simulator.calibration.transition import local_threshold

    rng = np.random.default_rng(21)
    ratios = rng.uniform(0, 1, (4000, 60)).std(axis=1, ddof=1) / np.sqrt(1 / 12)
    assert local_threshold(60) == pytest.approx(1 - 4 * ratios.std(), abs=0.01)  # the formula's SE
    assert (ratios <= local_threshold(60)).mean() < 0.001  # an unnarrowed parameter is rarely local
    assert local_threshold(20) < local_threshold(60) < local_threshold(1e6) == 0.9


def test_the_mixed_kernel_is_a_density_and_its_draws_follow_it():
    rng = np.random.default_rng(12)
    bounds = {"a": (0.0, 1.0), "b": (2.0, 5.0)}
    x = pd.DataFrame({"a": rng.uniform(0.45, 0.55, 30), "b": rng.uniform(2.0, 5.0, 30)})
    w = rng.uniform(0.2, 1.0, 30)
    w = w / w.sum()
    t = BoundedNormalTransition(bounds)
    t.fit(x, w)
    assert t.local == ["a"]
    total, _ = integrate.dblquad(lambda b, a: t.pdf(pd.Series({"a": a, "b": b})), 0, 1, 2, 5, epsabs=1e-5)
    assert total == pytest.approx(1.0, abs=1e-3)
    _seed_global(3)
    draws = pd.DataFrame([dict(t.rvs_single()) for _ in range(2000)])
    assert stats.kstest(draws["b"], stats.uniform(2.0, 3.0).cdf).pvalue > 0.01  # the prior
    assert draws["a"].between(0.3, 0.7).all()  # the local kernel stays near the population
    # the redrawn parameter's factor is its prior density, whatever the particle
    p1 = t.pdf(pd.Series({"a": 0.5, "b": 2.1}))
    p2 = t.pdf(pd.Series({"a": 0.5, "b": 4.9}))
    assert p1 == pytest.approx(p2)
