"""Early-warning signals: hand-checked indicators, surrogates, and the fold check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from simulator.analysis.ews_recipe import (
    EWSResult,
    ar1_surrogates,
    ews_indicators,
    ews_test,
    gaussian_detrend,
    kendall_trend,
    kendall_trends,
    phase_surrogates,
    rolling_ar1,
    rolling_variance,
)
from simulator.classic.fold import FOLD_HARVEST, HarvestedLogistic, simulate_fold

# ------------------------------------------------------------------ tiny series by hand


def test_rolling_variance_by_hand():
    out = rolling_variance([1.0, 2.0, 3.0, 4.0, 5.0], 3)
    assert np.isnan(out[:2]).all()
    assert out[2:] == pytest.approx([1.0, 1.0, 1.0])  # var(1, 2, 3) with ddof = 1
    out = rolling_variance([0.0, 0.0, 3.0, 0.0], 2)
    assert out[1:] == pytest.approx([0.0, 4.5, 4.5])


def test_rolling_ar1_by_hand():
    assert rolling_ar1([1.0, 2.0, 3.0, 4.0, 5.0], 3)[2:] == pytest.approx([1.0, 1.0, 1.0])
    alternating = [1.0, -1.0, 1.0, -1.0, 1.0]
    assert rolling_ar1(alternating, 4)[3:] == pytest.approx([-1.0, -1.0])
    # window (1, 2, 1, 2, 4): pairs (1,2) (2,1) (1,2) (2,4): corr of (1,2,1,2) and (2,1,2,4)
    expected = np.corrcoef([1, 2, 1, 2], [2, 1, 2, 4])[0, 1]
    assert rolling_ar1([1.0, 2.0, 1.0, 2.0, 4.0], 5)[4] == pytest.approx(expected)
    # a constant window has no defined correlation
    assert np.isnan(rolling_ar1([3.0, 3.0, 3.0, 3.0], 3)[2:]).all()


def test_rolling_indicators_match_a_direct_computation():
    x = np.random.default_rng(0).standard_normal(120)
    w = 30
    direct_var = [np.var(x[t - w + 1 : t + 1], ddof=1) for t in range(w - 1, 120)]
    direct_ar1 = [
        np.corrcoef(x[t - w + 1 : t], x[t - w + 2 : t + 1])[0, 1] for t in range(w - 1, 120)
    ]
    assert rolling_variance(x, w)[w - 1 :] == pytest.approx(direct_var)
    assert rolling_ar1(x, w)[w - 1 :] == pytest.approx(direct_ar1)


def test_gaussian_detrend_by_hand():
    trend, residual = gaussian_detrend([2.0, 2.0, 2.0, 2.0], 0.5)
    assert trend == pytest.approx([2.0] * 4) and residual == pytest.approx([0.0] * 4)
    line = np.arange(200, dtype=float)
    trend, residual = gaussian_detrend(line, 0.02)
    assert np.abs(residual[20:-20]).max() < 1e-9  # a symmetric kernel keeps a line inside
    trend, residual = gaussian_detrend([1.0, 3.0], 0.0)
    assert trend == pytest.approx([2.0, 2.0]) and residual == pytest.approx([-1.0, 1.0])


def test_kendall_trend_by_hand():
    assert kendall_trend([1.0, 2.0, 3.0, 4.0]) == pytest.approx(1.0)
    assert kendall_trend([4.0, 3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    # (1, 3, 2): pairs (1,3)+ (1,2)+ (3,2)-: tau = 1/3
    assert kendall_trend([1.0, 3.0, 2.0]) == pytest.approx(1 / 3)
    assert kendall_trend([np.nan, np.nan, 1.0, 3.0, 2.0]) == pytest.approx(1 / 3)
    assert np.isnan(kendall_trend([1.0, 1.0, 1.0]))
    assert np.isnan(kendall_trend([np.nan, 1.0, 2.0]))


def test_kendall_matches_scipy_with_ties():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 5, size=60).astype(float)
    assert kendall_trend(y) == pytest.approx(kendalltau(np.arange(60), y).statistic)
    rows = rng.standard_normal((5, 40))
    expected = [kendalltau(np.arange(40), r).statistic for r in rows]
    assert kendall_trends(rows) == pytest.approx(expected)


def test_ews_indicators_table():
    series = pd.Series(np.sin(np.arange(40) / 3.0), index=pd.RangeIndex(100, 140))
    frame = ews_indicators(series, window=0.25, bandwidth=0.1)
    assert list(frame.columns) == ["state", "trend", "residual", "ar1", "variance"]
    assert frame.index.equals(series.index)
    assert frame["ar1"].isna().sum() == 9 and frame["variance"].isna().sum() == 9
    assert (frame["trend"] + frame["residual"]).to_numpy() == pytest.approx(series.to_numpy())


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="window"):
        ews_indicators(np.arange(10.0), window=0.1)
    with pytest.raises(ValueError, match="window"):
        ews_indicators(np.arange(10.0), window=1.5)
    with pytest.raises(ValueError, match="NaN"):
        ews_indicators([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(ValueError, match="rng"):
        ews_test(np.arange(50.0), n_surrogates=10)
    with pytest.raises(ValueError, match="method"):
        ews_test(np.arange(50.0), n_surrogates=10, method="shuffle", rng=np.random.default_rng())


# ---------------------------------------------------------------------- surrogates


def _ar1(phi: float, length: int, rng: np.random.Generator) -> np.ndarray:
    x = np.zeros(length)
    for t in range(1, length):
        x[t] = phi * x[t - 1] + rng.standard_normal()
    return x


def test_ar1_surrogates_keep_mean_variance_and_memory():
    rng = np.random.default_rng(2)
    source = _ar1(0.7, 4_000, rng) + 5.0
    surrogates = ar1_surrogates(source, 20, rng)
    assert surrogates.shape == (20, 4_000)
    assert surrogates.mean() == pytest.approx(source.mean(), abs=0.3)
    assert surrogates.std(axis=1).mean() == pytest.approx(source.std(), rel=0.1)
    lag1 = np.mean([np.corrcoef(s[:-1], s[1:])[0, 1] for s in surrogates])
    assert lag1 == pytest.approx(0.7, abs=0.05)


def test_phase_surrogates_keep_the_power_spectrum():
    rng = np.random.default_rng(3)
    source = _ar1(0.5, 256, rng)
    surrogates = phase_surrogates(source, 5, rng)
    assert surrogates.shape == (5, 256)
    power = np.abs(np.fft.rfft(source - source.mean()))
    for s in surrogates:
        assert np.abs(np.fft.rfft(s - s.mean())) == pytest.approx(power, abs=1e-8)
        assert not np.allclose(s, source)


def test_p_values_are_calibrated_on_stationary_series():
    """No trend: p < 0.05 in about 5% of series, not more than 15% of 60."""
    rng = np.random.default_rng(4)
    p = [ews_test(_ar1(0.5, 300, rng), n_surrogates=99, rng=rng).p_ar1 for _ in range(60)]
    assert np.mean(np.array(p) < 0.05) <= 0.15, "master seed 4"


def test_a_strong_rise_is_significant():
    rng = np.random.default_rng(5)
    length = 600
    phi = np.linspace(0.0, 0.95, length)
    sd = np.linspace(0.5, 2.0, length)
    x = np.zeros(length)
    for t in range(1, length):
        x[t] = phi[t] * x[t - 1] + sd[t] * rng.standard_normal()
    res = ews_test(x, window=0.5, bandwidth=0.1, n_surrogates=199, rng=rng)
    assert isinstance(res, EWSResult)
    assert res.tau_ar1 > 0.5 and res.tau_var > 0.5
    assert res.p_ar1 < 0.05 and res.p_var < 0.05
    assert res.rising()
    assert res.surrogate_tau_ar1.shape == (199,)
    phase = ews_test(x, n_surrogates=99, method="phase", rng=rng)
    assert phase.method == "phase" and phase.p_var < 0.05


def test_without_surrogates_p_values_are_nan():
    res = ews_test(np.sin(np.arange(100.0)), n_surrogates=0)
    assert np.isnan(res.p_ar1) and np.isnan(res.p_var) and res.n_surrogates == 0


# ------------------------------------------------------------------- the fold check


def test_fold_of_the_harvested_logistic():
    assert FOLD_HARVEST == pytest.approx(2.604, abs=1e-3)


def _both_rising_share(batch: np.ndarray) -> float:
    rising = []
    for series in batch:
        frame = ews_indicators(series, window=0.5, bandwidth=0.05)
        rising.append(kendall_trend(frame["ar1"]) > 0 and kendall_trend(frame["variance"]) > 0)
    return float(np.mean(rising))


@pytest.mark.parametrize("master_seed", [2009, pytest.param(2012, marks=pytest.mark.slow)])
def test_indicators_rise_before_the_fold_and_not_without_forcing(master_seed):
    """c ramped 1 -> 2.6 (fold 2.604): both taus > 0 in most runs; c fixed: not in most."""
    rng = np.random.default_rng(master_seed)
    ramped, _ = simulate_fold(runs=100, steps=550, c_end=2.6, sigma=0.1, rng=rng)
    fixed, _ = simulate_fold(runs=100, steps=550, ramp=False, sigma=0.1, rng=rng)
    assert ramped.min() > 3.0, "a run tipped before the end of the ramp"
    ramped_share = _both_rising_share(ramped[:, 50:])
    fixed_share = _both_rising_share(fixed[:, 50:])
    assert ramped_share > 0.8, f"ramped: {ramped_share:.2f}, master_seed={master_seed}"
    assert fixed_share < 0.5, f"fixed: {fixed_share:.2f}, master_seed={master_seed}"


@pytest.mark.slow
def test_significance_is_more_frequent_before_the_fold():
    rng = np.random.default_rng(2013)
    ramped, _ = simulate_fold(runs=20, steps=550, c_end=2.6, sigma=0.1, rng=rng)
    fixed, _ = simulate_fold(runs=20, steps=550, ramp=False, sigma=0.1, rng=rng)

    def significant(batch: np.ndarray) -> float:
        results = [ews_test(s, 0.5, 0.05, n_surrogates=99, rng=rng) for s in batch[:, 50:]]
        return float(np.mean([min(r.p_ar1, r.p_var) < 0.05 for r in results]))

    ramp_rate, fixed_rate = significant(ramped), significant(fixed)
    assert ramp_rate > fixed_rate, f"{ramp_rate:.2f} vs {fixed_rate:.2f}, master_seed=2013"
    assert fixed_rate <= 0.25, f"fixed runs significant: {fixed_rate:.2f}, master_seed=2013"


def test_mesa_fold_model_runs_and_records():
    model = HarvestedLogistic(c_start=1.0, c_rate=0.01, sigma=0.05, seed=1)
    for _ in range(20):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 21
    assert frame["c"].iloc[-1] == pytest.approx(1.2)
    assert 8.0 < model.x < 9.5  # near the upper equilibrium (8.89 at c = 1)


def test_bandwidth_is_in_the_ksmooth_convention_of_dakos_et_al():
    """R's ksmooth(kernel = "normal", bandwidth = b) puts the kernel's quartiles at +/- b/4."""
    from scipy.stats import norm

    from simulator.analysis.ews_recipe import KSMOOTH_SD_PER_BANDWIDTH

    n, b = 200, 0.1
    sd = KSMOOTH_SD_PER_BANDWIDTH * b * n
    assert norm.ppf(0.75) * sd == pytest.approx(b * n / 4)
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=n))
    t = np.arange(n)
    weights = norm.pdf((t[:, None] - t[None, :]) / sd)
    expected = (weights @ x) / weights.sum(axis=1)
    trend, _ = gaussian_detrend(x, b)
    # scipy truncates the kernel at 4 sd; the explicit sum does not
    assert np.max(np.abs(trend - expected)) < 1e-3 * np.ptp(x)
