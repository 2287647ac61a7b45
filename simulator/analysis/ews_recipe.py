"""Early-warning signals of a tipping point: rolling lag-1 autocorrelation and variance.

Near a fold the system recovers ever more slowly from small perturbations ("critical
slowing down"), so its fluctuations grow more correlated and larger before it tips
(Scheffer et al. 2009, *Nature* 461, 53-59; Dakos et al. 2012, *PLoS ONE* 7, e41010).
The usual recipe, implemented here:

1. remove the slow trend with a Gaussian kernel smoother (:func:`gaussian_detrend`);
2. compute lag-1 autocorrelation and variance of the residuals in a rolling window
   that ends at each time point (:func:`ews_indicators`);
3. measure the trend of each indicator by Kendall's tau against time
   (:func:`kendall_trend`), positive when the indicator rises;
4. judge significance against surrogate series with the same short-term memory but no
   trend: AR(1) series fitted to the residuals, or phase-randomised residuals (same
   power spectrum); ``p = (1 + #{tau_surrogate >= tau}) / (1 + n_surrogates)``
   (:func:`ews_test`).

Conventions: samples are equally spaced; ``window`` and ``bandwidth`` are fractions of
the series length (``window = 0.5`` is Dakos et al.'s default half-length window).
``bandwidth`` follows Dakos et al.'s convention, that of R's ``ksmooth(kernel =
"normal")`` used by their *earlywarnings* package: the kernel is scaled so that its
quartiles sit at +/- ``bandwidth / 4``, i.e. its standard deviation is
``bandwidth / (4 * qnorm(0.75)) = 0.3706 * bandwidth`` (:data:`KSMOOTH_SD_PER_BANDWIDTH`).
Earlier clsim versions (before this note) used ``bandwidth`` as the standard deviation
itself, a kernel 2.7 times wider than the same number in Dakos et al.; ewstools'
``bandwidth`` is also a standard deviation (pass ``0.3706 * bandwidth`` to match). The
indicator at time
``t`` uses the window ending at ``t``, so the first ``window - 1`` values are NaN.
Variance is the sample variance (``ddof = 1``); lag-1 autocorrelation is the Pearson
correlation of the window's consecutive pairs.

Typical use::

    frame = ews_indicators(series, window=0.5, bandwidth=0.1)
    kendall_trend(frame["ar1"]), kendall_trend(frame["variance"])
    result = ews_test(series, n_surrogates=500, rng=np.random.default_rng(1))
    result.tau_ar1, result.p_ar1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.ndimage import gaussian_filter1d
from scipy.signal import lfilter
from scipy.stats import kendalltau

__all__ = [
    "EWSResult",
    "SurrogateMethod",
    "ar1_surrogates",
    "ews_indicators",
    "ews_test",
    "KSMOOTH_SD_PER_BANDWIDTH",
    "gaussian_detrend",
    "kendall_trend",
    "kendall_trends",
    "phase_surrogates",
    "rolling_ar1",
    "rolling_variance",
]

FloatArray = NDArray[np.float64]
SurrogateMethod = Literal["ar1", "phase"]


def _as_float_array(series: ArrayLike | pd.Series) -> FloatArray:
    values = np.asarray(series, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"expected a one-dimensional series, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("the series has NaN or infinite values; drop or fill them first")
    return values


def _window_length(window: float, length: int) -> int:
    if not 0.0 < window <= 1.0:
        raise ValueError(f"window must be a fraction of the series length in (0, 1], got {window}")
    w = int(round(window * length))
    if w < 3:
        raise ValueError(
            f"window {window} of a series of {length} points has {w} points; at least 3 are needed"
        )
    return w


#: Standard deviation of R's ``ksmooth`` normal kernel per unit of its ``bandwidth``:
#: the quartiles are at +/- bandwidth/4, so sd = 0.25 / qnorm(0.75).
KSMOOTH_SD_PER_BANDWIDTH = 0.25 / 0.6744897501960817


def gaussian_detrend(series: ArrayLike, bandwidth: float = 0.1) -> tuple[FloatArray, FloatArray]:
    """Split a series into a Gaussian-kernel trend and the residuals.

    The trend at ``t`` is the kernel-weighted mean ``sum_s K(t - s) x_s / sum_s K(t - s)``
    with a Gaussian kernel renormalised at the edges (a Nadaraya-Watson smoother, R's
    ``ksmooth`` in Dakos et al.'s *earlywarnings*). The kernel's standard deviation is
    ``KSMOOTH_SD_PER_BANDWIDTH * bandwidth * len(series)`` samples (``ksmooth``'s
    bandwidth convention; see the module notes).

    Args:
        series: equally spaced samples.
        bandwidth: ``ksmooth`` bandwidth as a fraction of the length (Dakos et al.'s
            convention); 0 disables detrending (trend = mean).

    Returns:
        ``(trend, residual)`` with ``series = trend + residual``.
    """
    x = _as_float_array(series)
    if bandwidth < 0:
        raise ValueError(f"bandwidth must be >= 0, got {bandwidth}")
    if bandwidth == 0:
        trend = np.full_like(x, x.mean())
        return trend, x - trend
    sigma = KSMOOTH_SD_PER_BANDWIDTH * bandwidth * x.size
    num = gaussian_filter1d(x, sigma, mode="constant", cval=0.0, truncate=4.0)
    den = gaussian_filter1d(np.ones_like(x), sigma, mode="constant", cval=0.0, truncate=4.0)
    trend = num / den
    return trend, x - trend


def _window_sums(values: NDArray[np.float64], w: int) -> NDArray[np.float64]:
    """Sums over every window of ``w`` consecutive values along the last axis."""
    c = np.cumsum(values, axis=-1)
    zero = np.zeros(values.shape[:-1] + (1,))
    c = np.concatenate([zero, c], axis=-1)
    return c[..., w:] - c[..., :-w]


def _pad_front(values: NDArray[np.float64], w: int) -> NDArray[np.float64]:
    pad = np.full(values.shape[:-1] + (w - 1,), np.nan)
    return np.concatenate([pad, values], axis=-1)


def _centred(x: ArrayLike) -> NDArray[np.float64]:
    """Subtract the overall mean (keeps the running sums well conditioned)."""
    x = np.asarray(x, dtype=np.float64)
    return x - x.mean(axis=-1, keepdims=True)


def rolling_variance(residual: ArrayLike, w: int) -> FloatArray:
    """Sample variance (ddof = 1) in the window of ``w`` points ending at each time.

    Running sums, O(T) per series; works on the last axis, so a 2-D array of series is
    handled in one pass.
    """
    x = _centred(residual)
    s1 = _window_sums(x, w)
    s2 = _window_sums(x * x, w)
    var = (s2 - s1 * s1 / w) / (w - 1)
    return _pad_front(np.maximum(var, 0.0), w)


def rolling_ar1(residual: ArrayLike, w: int) -> FloatArray:
    """Lag-1 autocorrelation in the window of ``w`` points ending at each time.

    The Pearson correlation of the window's ``w - 1`` consecutive pairs
    ``(x_t, x_{t+1})``; NaN where either member of the pairs is constant. Running
    sums, O(T) per series; works on the last axis.
    """
    x = _centred(residual)
    lead, lag = x[..., :-1], x[..., 1:]
    m = w - 1
    sx = _window_sums(lead, m)
    sy = _window_sums(lag, m)
    sxx = _window_sums(lead * lead, m) - sx * sx / m
    syy = _window_sums(lag * lag, m) - sy * sy / m
    sxy = _window_sums(lead * lag, m) - sx * sy / m
    den = np.sqrt(np.maximum(sxx, 0.0) * np.maximum(syy, 0.0))
    energy = _window_sums(x * x, w)  # a window that is constant up to rounding: no correlation
    ok = den > 1e-12 * energy
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(ok, sxy / np.where(ok, den, 1.0), np.nan)
    return _pad_front(np.clip(r, -1.0, 1.0), w)


def ews_indicators(
    series: ArrayLike | pd.Series,
    window: float = 0.5,
    bandwidth: float = 0.1,
) -> pd.DataFrame:
    """Detrend a series and compute its rolling early-warning indicators.

    Args:
        series: equally spaced samples (a pandas Series keeps its index).
        window: rolling-window length as a fraction of the series length.
        bandwidth: ``ksmooth`` bandwidth (Dakos et al.) as a fraction of the length
            (0: no detrending, only the mean is removed).

    Returns:
        A DataFrame with columns ``state``, ``trend``, ``residual``, ``ar1`` and
        ``variance``, one row per sample (indicators NaN until the first full window).
    """
    x = _as_float_array(series)
    w = _window_length(window, x.size)
    trend, residual = gaussian_detrend(x, bandwidth)
    index = series.index if isinstance(series, pd.Series) else pd.RangeIndex(x.size)
    return pd.DataFrame(
        {
            "state": x,
            "trend": trend,
            "residual": residual,
            "ar1": rolling_ar1(residual, w),
            "variance": rolling_variance(residual, w),
        },
        index=index,
    )


def _kendall_rows(values: NDArray[np.float64]) -> FloatArray:
    """Kendall tau-b of each row against its column index (rows free of NaN).

    ``S = sum_{i<j} sign(y_j - y_i)`` accumulated lag by lag, and
    ``tau_b = S / sqrt(n0 (n0 - n_tied))`` with ``n0 = L (L - 1) / 2`` (time has no ties).
    """
    y = np.atleast_2d(np.asarray(values, dtype=np.float64))
    length = y.shape[1]
    score = np.zeros(y.shape[0])
    tied = np.zeros(y.shape[0])
    for lag in range(1, length):
        diff = y[:, lag:] - y[:, :-lag]
        score += np.sign(diff).sum(axis=1)
        tied += (diff == 0).sum(axis=1)
    n0 = length * (length - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = score / np.sqrt(n0 * (n0 - tied))
    return np.where(n0 - tied > 0, tau, np.nan)


def kendall_trend(indicator: ArrayLike | pd.Series) -> float:
    """Kendall's tau between an indicator and time (positive: rising), NaNs dropped.

    Args:
        indicator: indicator values in time order.

    Returns:
        tau-b in [-1, 1] (as :func:`scipy.stats.kendalltau`); NaN with fewer than 3
        finite values or a constant indicator.
    """
    y = np.asarray(indicator, dtype=np.float64)
    ok = np.isfinite(y)
    if ok.sum() < 3 or np.ptp(y[ok]) == 0:
        return float("nan")
    if ok.sum() > 2000:  # O(L log L) beats the O(L^2) pair count on long series
        return float(kendalltau(np.arange(y.size)[ok], y[ok]).statistic)
    return float(_kendall_rows(y[ok][None, :])[0])


def kendall_trends(indicators: ArrayLike) -> FloatArray:
    """Kendall trend of each row of a 2-D array of indicators (vectorised when possible).

    Columns that are NaN in every row (the first ``window - 1``) are dropped; rows with
    other NaNs fall back to :func:`kendall_trend`.
    """
    y = np.atleast_2d(np.asarray(indicators, dtype=np.float64))
    keep = ~np.all(np.isnan(y), axis=0)
    y = y[:, keep]
    clean = np.all(np.isfinite(y), axis=1)
    out = np.full(y.shape[0], np.nan)
    if clean.any() and y.shape[1] >= 3:
        out[clean] = _kendall_rows(y[clean])
    for i in np.flatnonzero(~clean):
        out[i] = kendall_trend(y[i])
    return out


def ar1_surrogates(residual: ArrayLike, n: int, rng: np.random.Generator) -> FloatArray:
    """Stationary AR(1) series fitted to ``residual`` (same mean, variance, lag-1 correlation).

    ``x_t - m = phi (x_{t-1} - m) + e_t`` with ``phi`` the lag-1 autocorrelation
    (Yule-Walker, clipped to +-0.99), ``e_t ~ N(0, s^2 (1 - phi^2))`` and ``x_0`` drawn
    from the stationary law, so the surrogates have no trend by construction.

    Returns:
        An array of shape ``(n, len(residual))``.
    """
    x = _as_float_array(residual)
    m = x.mean()
    d = x - m
    denom = float(np.dot(d, d))
    phi = float(np.dot(d[:-1], d[1:]) / denom) if denom > 0 else 0.0
    phi = float(np.clip(phi, -0.99, 0.99))
    sd = float(x.std())
    eps = rng.standard_normal((n, x.size)) * sd * np.sqrt(1.0 - phi * phi)
    eps[:, 0] = rng.standard_normal(n) * sd  # stationary start
    return lfilter([1.0], [1.0, -phi], eps, axis=1) + m


def phase_surrogates(residual: ArrayLike, n: int, rng: np.random.Generator) -> FloatArray:
    """Phase-randomised copies of ``residual``: same power spectrum, random phases.

    (Theiler et al. 1992.) The mean and the Nyquist term are kept; every other Fourier
    phase is drawn uniformly, which keeps the autocorrelation function of a stationary
    series and destroys any trend in its indicators.

    Returns:
        An array of shape ``(n, len(residual))``.
    """
    x = _as_float_array(residual)
    spectrum = np.fft.rfft(x - x.mean())
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(n, spectrum.size))
    phases[:, 0] = 0.0
    if x.size % 2 == 0:
        phases[:, -1] = 0.0
    return np.fft.irfft(spectrum * np.exp(1j * phases), n=x.size, axis=1) + x.mean()


@dataclass(frozen=True)
class EWSResult:
    """Kendall trends of the two indicators and their surrogate p-values.

    Attributes:
        tau_ar1: Kendall tau of the rolling lag-1 autocorrelation.
        tau_var: Kendall tau of the rolling variance.
        p_ar1: share of surrogates with a tau at least as large (one-sided, rising).
        p_var: the same for the variance.
        method: surrogate method, ``"ar1"`` or ``"phase"``.
        n_surrogates: number of surrogate series.
        indicators: the indicator table of the series (see :func:`ews_indicators`).
        surrogate_tau_ar1: the surrogates' taus for the autocorrelation.
        surrogate_tau_var: the surrogates' taus for the variance.
    """

    tau_ar1: float
    tau_var: float
    p_ar1: float
    p_var: float
    method: SurrogateMethod = "ar1"
    n_surrogates: int = 0
    indicators: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    surrogate_tau_ar1: FloatArray | None = field(default=None, repr=False, compare=False)
    surrogate_tau_var: FloatArray | None = field(default=None, repr=False, compare=False)

    def rising(self, alpha: float = 0.05) -> bool:
        """Both indicators rise significantly at level ``alpha``."""
        return self.tau_ar1 > 0 and self.tau_var > 0 and self.p_ar1 < alpha and self.p_var < alpha


def _p_value(observed: float, surrogate: FloatArray) -> float:
    if not np.isfinite(observed):
        return float("nan")
    exceed = int(np.sum(surrogate >= observed))  # NaN compares False
    return (1.0 + exceed) / (1.0 + surrogate.size)


def ews_test(
    series: ArrayLike | pd.Series,
    window: float = 0.5,
    bandwidth: float = 0.1,
    *,
    n_surrogates: int = 200,
    method: SurrogateMethod = "ar1",
    rng: np.random.Generator | None = None,
) -> EWSResult:
    """Kendall trends of the indicators and their significance against surrogates.

    Surrogates are built from the detrended residuals (see :func:`ar1_surrogates` and
    :func:`phase_surrogates`) and go through the same detrending and rolling windows as
    the series itself (Dakos et al. 2012, "Significance testing").

    Args:
        series: equally spaced samples, in time order, ending before the transition.
        window: rolling window, fraction of the length.
        bandwidth: detrending ``ksmooth`` bandwidth (Dakos et al.), fraction of the length.
        n_surrogates: number of surrogate series (0 skips the test; p-values NaN).
        method: ``"ar1"`` or ``"phase"``.
        rng: the generator for the surrogates (required when ``n_surrogates > 0``).

    Returns:
        An :class:`EWSResult`.
    """
    if method not in ("ar1", "phase"):
        raise ValueError(f"method must be 'ar1' or 'phase', got {method!r}")
    frame = ews_indicators(series, window, bandwidth)
    tau_ar1 = kendall_trend(frame["ar1"])
    tau_var = kendall_trend(frame["variance"])
    if n_surrogates <= 0:
        return EWSResult(tau_ar1, tau_var, float("nan"), float("nan"), method, 0, frame)
    if rng is None:
        raise ValueError("ews_test needs rng= (a numpy Generator) to draw surrogates")
    residual = frame["residual"].to_numpy()
    make = ar1_surrogates if method == "ar1" else phase_surrogates
    surrogates = make(residual, n_surrogates, rng)
    w = _window_length(window, residual.size)
    detrended = np.array([gaussian_detrend(s, bandwidth)[1] for s in surrogates])
    ar1 = rolling_ar1(detrended, w)
    var = rolling_variance(detrended, w)
    s_ar1 = kendall_trends(ar1)
    s_var = kendall_trends(var)
    return EWSResult(
        tau_ar1=tau_ar1,
        tau_var=tau_var,
        p_ar1=_p_value(tau_ar1, s_ar1),
        p_var=_p_value(tau_var, s_var),
        method=method,
        n_surrogates=n_surrogates,
        indicators=frame,
        surrogate_tau_ar1=s_ar1,
        surrogate_tau_var=s_var,
    )
