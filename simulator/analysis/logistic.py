"""Logistic regression of a binary regime on one lever, with Firth's bias reduction.

``P(transformed | x) = 1 / (1 + exp(-(b0 + b1 x)))``. Sharp tipping points give
(quasi-)complete separation (every run below some value untransformed, every run above
transformed), where the plain maximum-likelihood slope diverges. Firth's (1993)
penalised likelihood, ``l(b) + 1/2 log det I(b)`` (a Jeffreys prior), always has a
finite maximum and removes the O(1/n) bias of the MLE (Heinze & Schemper 2002), so the
critical mass ``-b0/b1`` stays defined for sharp curves and in every bootstrap sample.

The fit is Newton-Raphson on the modified score ``X'(y - p + h (1/2 - p))`` (``h`` the
hat-matrix diagonal), with a step cap and step halving, as in R's ``logistf``. It is
written for a *batch* of response vectors sharing one design (``y`` of shape
``(B, n)``), which is exactly the stratified bootstrap (resampling runs within lever
values keeps every ``x``), so a thousand bootstrap fits cost one vectorised fit.
No statsmodels or scikit-learn is needed; a two-parameter model does not justify the
dependency, and neither offers Firth's correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

__all__ = [
    "LogisticFit",
    "MidpointInterval",
    "fit_logistic",
    "fit_logistic_batch",
    "logistic",
    "profile_midpoint_interval",
]

FloatArray = NDArray[np.float64]


def logistic(x: ArrayLike, intercept: float | FloatArray, slope: float | FloatArray) -> FloatArray:
    """The fitted probability ``1 / (1 + exp(-(intercept + slope x)))``."""
    return expit(np.add(intercept, np.multiply(slope, x)))


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic curve on the lever's own scale."""

    intercept: float
    slope: float
    converged: bool
    iterations: int
    firth: bool

    @property
    def midpoint(self) -> float:
        """The lever value where the probability is 1/2: ``-intercept / slope``."""
        if self.slope == 0:
            return float("nan")
        return -self.intercept / self.slope

    @property
    def width_10_90(self) -> float:
        """Lever distance over which the probability goes from 0.1 to 0.9: ``2 ln 9 / |slope|``."""
        if self.slope == 0:
            return float("inf")
        return 2.0 * np.log(9.0) / abs(self.slope)

    @property
    def max_rate(self) -> float:
        """Steepest rate of change of the probability per lever unit (``slope / 4``)."""
        return self.slope / 4.0

    def predict(self, x: ArrayLike) -> FloatArray:
        """The fitted probability at ``x``."""
        return logistic(x, self.intercept, self.slope)


def _penalised_loglik(beta: FloatArray, z: FloatArray, y: FloatArray, firth: bool) -> FloatArray:
    eta = beta[:, :1] + beta[:, 1:] * z[None, :]
    # log p = -log(1 + e^-eta); log(1-p) = -log(1 + e^eta)
    ll = -(y * np.logaddexp(0.0, -eta) + (1.0 - y) * np.logaddexp(0.0, eta)).sum(axis=1)
    if firth:
        p = expit(eta)
        w = p * (1.0 - p)
        a, b, c = w.sum(1), (w * z).sum(1), (w * z * z).sum(1)
        det = np.maximum(a * c - b * b, 1e-300)
        ll = ll + 0.5 * np.log(det)
    return ll


def _fit_standardised(
    z: FloatArray, y: FloatArray, firth: bool, max_iter: int, tol: float, max_step: float
) -> tuple[FloatArray, NDArray[np.bool_], int]:
    n_batch = y.shape[0]
    beta = np.zeros((n_batch, 2))
    converged = np.zeros(n_batch, dtype=bool)
    current = _penalised_loglik(beta, z, y, firth)
    iterations = 0
    for _ in range(max_iter):
        active = ~converged
        if not active.any():
            break
        bt, yt = beta[active], y[active]
        eta = bt[:, :1] + bt[:, 1:] * z[None, :]
        p = expit(eta)
        w = p * (1.0 - p)
        a, b, c = w.sum(1), (w * z).sum(1), (w * z * z).sum(1)
        det = np.maximum(a * c - b * b, 1e-300)
        resid = yt - p
        if firth:
            h = w * (c[:, None] - 2.0 * b[:, None] * z[None, :] + a[:, None] * z[None, :] ** 2)
            h /= det[:, None]
            resid = resid + h * (0.5 - p)
        u0, u1 = resid.sum(1), (resid * z).sum(1)
        step = np.stack([(c * u0 - b * u1) / det, (-b * u0 + a * u1) / det], axis=1)
        biggest = np.abs(step).max(axis=1)
        step *= np.minimum(1.0, max_step / np.maximum(biggest, 1e-300))[:, None]
        # Step halving: never accept a move that lowers the (penalised) likelihood.
        old = current[active]
        scale = np.ones(len(bt))
        trial = bt + step
        new = _penalised_loglik(trial, z, yt, firth)
        for _ in range(30):
            worse = new < old - 1e-12
            if not worse.any():
                break
            scale[worse] *= 0.5
            trial[worse] = bt[worse] + step[worse] * scale[worse, None]
            new[worse] = _penalised_loglik(trial[worse], z, yt[worse], firth)
        beta[active] = trial
        current[active] = new
        done = (np.abs(step * scale[:, None]).max(axis=1) < tol) | (np.abs(new - old) < tol * 1e-2)
        idx = np.flatnonzero(active)
        converged[idx[done]] = True
        iterations += 1
    return beta, converged, iterations


def fit_logistic_batch(
    x: ArrayLike,
    y: ArrayLike,
    firth: bool = True,
    max_iter: int = 100,
    tol: float = 1e-8,
    max_step: float = 5.0,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Fit many logistic regressions that share the lever values ``x``.

    Args:
        x: lever values, shape ``(n,)``.
        y: 0/1 responses, shape ``(n,)`` or ``(B, n)``.
        firth: use Firth's penalised likelihood (default) rather than the plain MLE.
        max_iter: Newton iterations at most.
        tol: convergence tolerance on the (standardised) coefficients.
        max_step: cap on a Newton step (standardised units), as in ``logistf``.

    Returns:
        ``(intercepts, slopes, converged)``, each of shape ``(B,)`` on the lever's scale.
    """
    x = np.asarray(x, dtype=float)
    y = np.atleast_2d(np.asarray(y, dtype=float))
    if y.shape[1] != x.shape[0]:
        raise ValueError(f"y has {y.shape[1]} columns; x has {x.shape[0]} values")
    centre = float(x.mean())
    spread = float(x.std()) or 1.0
    z = (x - centre) / spread
    beta, converged, _ = _fit_standardised(z, y, firth, max_iter, tol, max_step)
    slope = beta[:, 1] / spread
    intercept = beta[:, 0] - slope * centre
    return intercept, slope, converged


def fit_logistic(
    x: ArrayLike, y: ArrayLike, firth: bool = True, max_iter: int = 100
) -> LogisticFit:
    """Fit one logistic regression of the 0/1 response ``y`` on the lever ``x``.

    Example:
        >>> fit = fit_logistic([0, 1, 2, 3, 4, 5], [0, 0, 1, 0, 1, 1])
        >>> round(fit.midpoint, 2)
        2.5
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    centre = float(x.mean())
    spread = float(x.std()) or 1.0
    z = (x - centre) / spread
    beta, converged, iterations = _fit_standardised(z, y[None, :], firth, max_iter, 1e-10, 5.0)
    slope = float(beta[0, 1] / spread)
    intercept = float(beta[0, 0] - slope * centre)
    return LogisticFit(intercept, slope, bool(converged[0]), iterations, firth)


@dataclass(frozen=True)
class MidpointInterval:
    """A profile-likelihood interval of the midpoint ``-b0/b1``.

    Attributes:
        low, high: the interval; ``nan`` on a side where it runs past the searched span.
        open_low, open_high: the interval is unbounded (within the search) on that side.
        estimate: the midpoint that maximises the (penalised) profile likelihood.
    """

    low: float
    high: float
    open_low: bool
    open_high: bool
    estimate: float


def _grouped_loglik(
    beta: FloatArray, z: FloatArray, k: FloatArray, n: FloatArray, firth: bool
) -> FloatArray:
    """The (penalised) log-likelihood from per-value counts: ``k`` successes of ``n``."""
    eta = beta[:, :1] + beta[:, 1:] * z[None, :]
    ll = -(k * np.logaddexp(0.0, -eta) + (n - k) * np.logaddexp(0.0, eta)).sum(axis=1)
    if firth:
        p = expit(eta)
        w = n * p * (1.0 - p)
        a, b, c = w.sum(1), (w * z).sum(1), (w * z * z).sum(1)
        ll = ll + 0.5 * np.log(np.maximum(a * c - b * b, 1e-300))
    return ll


def _profile_loglik(
    z: FloatArray,
    k: FloatArray,
    n: FloatArray,
    z50: FloatArray,
    sign: float,
    firth: bool,
    iterations: int = 40,
) -> FloatArray:
    """Max over the slope of the (penalised) log-likelihood with the midpoint fixed at ``z50``.

    ``eta = b1 (z - z50)``; a golden-section search over ``log |b1|`` (standardised
    units, 1e-4 to 1e4), vectorised over the candidate midpoints.
    """
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    lo = np.full(z50.shape, np.log(1e-4))
    hi = np.full(z50.shape, np.log(1e4))

    def value(log_b1: FloatArray) -> FloatArray:
        b1 = sign * np.exp(log_b1)
        beta = np.stack([-b1 * z50, b1], axis=1)
        return _grouped_loglik(beta, z, k, n, firth)

    c = hi - golden * (hi - lo)
    d = lo + golden * (hi - lo)
    fc, fd = value(c), value(d)
    for _ in range(iterations):
        left = fc > fd  # the maximum lies in [lo, d]
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        c = hi - golden * (hi - lo)
        d = lo + golden * (hi - lo)
        fc, fd = value(c), value(d)
    return np.maximum(fc, fd)


def profile_midpoint_interval(
    x: ArrayLike,
    y: ArrayLike,
    confidence: float = 0.95,
    firth: bool = True,
    search: tuple[float, float] | None = None,
    grid: int = 161,
) -> MidpointInterval:
    """Profile (penalised) likelihood interval of the logistic midpoint ``-b0/b1``.

    The interval holds every midpoint ``m`` whose profile log-likelihood (maximised over
    the slope with the midpoint fixed at ``m``) is within ``chi2_1(confidence) / 2`` of
    the maximum: the likelihood-ratio interval, on Firth's penalised likelihood when
    ``firth`` is true, as R's ``logistf`` computes profile intervals (Heinze & Schemper
    2002, who recommend them over Wald intervals under separation). The search runs over
    ``search`` (default: the lever range widened by its own span on both sides) on a grid,
    and each end is then refined by bisection.
    """
    from scipy.stats import chi2

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    fit = fit_logistic(x, y, firth=firth)
    sign = 1.0 if fit.slope >= 0 else -1.0
    centre = float(x.mean())
    spread = float(x.std()) or 1.0
    values, inverse = np.unique(x, return_inverse=True)
    n = np.bincount(inverse).astype(float)
    k = np.bincount(inverse, weights=y)
    z = (values - centre) / spread
    span = float(x.max() - x.min()) or 1.0
    lo_x, hi_x = search if search is not None else (x.min() - span, x.max() + span)
    xs = np.linspace(lo_x, hi_x, grid)

    def profile(points: FloatArray) -> FloatArray:
        return _profile_loglik(z, k, n, (np.asarray(points) - centre) / spread, sign, firth)

    prof = profile(xs)
    best_i = int(np.argmax(prof))
    best = float(prof[best_i])
    estimate = float(xs[best_i])
    if math.isfinite(fit.midpoint) and lo_x < fit.midpoint < hi_x:
        at_fit = float(profile(np.array([fit.midpoint]))[0])
        if at_fit >= best:
            best, estimate = at_fit, float(fit.midpoint)
    cut = best - chi2.ppf(confidence, 1) / 2.0
    inside = prof >= cut
    # Walk out from the estimate (inside by definition) over the grid points inside.
    right = int(np.searchsorted(xs, estimate, side="right"))
    left = right - 1
    inner_lo = inner_hi = estimate
    while left >= 0 and inside[left]:
        inner_lo = float(xs[left])
        left -= 1
    while right < grid and inside[right]:
        inner_hi = float(xs[right])
        right += 1
    open_low, open_high = left < 0, right >= grid
    outer = np.array([xs[max(left, 0)], xs[min(right, grid - 1)]], dtype=float)
    inner = np.array([inner_lo, inner_hi], dtype=float)
    for _ in range(24):
        mid = 0.5 * (outer + inner)
        ok = profile(mid) >= cut
        inner = np.where(ok, mid, inner)
        outer = np.where(ok, outer, mid)
    ends = 0.5 * (outer + inner)
    low = float("nan") if open_low else float(ends[0])
    high = float("nan") if open_high else float(ends[1])
    return MidpointInterval(low, high, open_low, open_high, estimate)
