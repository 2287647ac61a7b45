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

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

__all__ = ["LogisticFit", "fit_logistic", "fit_logistic_batch", "logistic"]

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
