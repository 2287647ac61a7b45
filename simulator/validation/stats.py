"""The statistics of the validation criteria: intervals, two-sided tests and their power.

Every stochastic check compares a count of runs (or a fitted slope) with a reference
value by a test whose level is stated, and states what the test can detect: the
smallest true deviation it would catch with 80% probability (its power). The tests are
scipy's (exact binomial, Fisher's exact test); the power figures use the normal
approximation to the binomial, which is accurate for the run counts used (hundreds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import binomtest, fisher_exact, norm
from scipy.stats import t as student_t

__all__ = [
    "BinomialComparison",
    "LinearFit",
    "all_runs_power",
    "binomial_comparison",
    "detectable_difference",
    "detectable_gap",
    "fisher_comparison",
    "linear_fit",
    "upper_bound",
    "wilson",
]

POWER = 0.8


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``k / n``."""
    if n <= 0:
        return (math.nan, math.nan)
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def upper_bound(k: int, n: int, confidence: float = 0.95) -> float:
    """One-sided exact (Clopper-Pearson) upper confidence bound of a proportion ``k / n``."""
    test = binomtest(int(k), int(n), alternative="less")
    return float(test.proportion_ci(confidence_level=confidence, method="exact").high)


def detectable_gap(n: int, p_ref: float, alpha: float, power: float = POWER) -> float:
    """Smallest ``|p - p_ref|`` a two-sided level-``alpha`` test on ``n`` runs detects with ``power``.

    Normal approximation: solves ``|d| = z_(1-alpha/2) s(p_ref) + z_power s(p_ref + d)`` with
    ``s(p) = sqrt(p (1 - p) / n)``, for the harder of the two directions.
    """
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    worst = 0.0
    for sign in (-1.0, 1.0):
        d = 0.0
        for _ in range(100):
            p1 = min(max(p_ref + sign * d, 1e-9), 1 - 1e-9)
            nxt = (za * math.sqrt(p_ref * (1 - p_ref)) + zb * math.sqrt(p1 * (1 - p1))) / math.sqrt(
                n
            )
            if abs(nxt - d) < 1e-12:
                break
            d = nxt
        if 0.0 <= p_ref + sign * d <= 1.0:
            worst = max(worst, d)
    return worst


def detectable_difference(n1: int, n2: int, p: float, alpha: float, power: float = POWER) -> float:
    """Smallest difference of two proportions near ``p`` that a two-sided test detects (normal approx.)."""
    se = math.sqrt(max(p * (1 - p), 1e-12) * (1 / n1 + 1 / n2))
    return (norm.ppf(1 - alpha / 2) + norm.ppf(power)) * se


def all_runs_power(n: int, alpha: float = 0.05) -> float:
    """The per-run failure rate that "all ``n`` runs succeed" misses with probability ``alpha``.

    A criterion "every run reaches 100%" lets through a model whose runs fail with
    probability ``q`` only with probability ``(1 - q)^n``; this returns the ``q`` at which
    that is ``alpha``.
    """
    return 1.0 - alpha ** (1.0 / n)


@dataclass(frozen=True)
class BinomialComparison:
    """``k`` of ``n`` runs against a reference probability."""

    k: int
    n: int
    p_ref: float
    pvalue: float
    low: float
    high: float
    agrees: bool

    @property
    def p_hat(self) -> float:
        """The observed proportion."""
        return self.k / self.n

    def ours(self, digits: int = 3) -> str:
        """``0.203 [0.179, 0.229] (203/1000)``."""
        return (
            f"{self.p_hat:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}] "
            f"({self.k}/{self.n})"
        )


def binomial_comparison(k: int, n: int, p_ref: float, alpha: float) -> BinomialComparison:
    """Two-sided exact binomial test of ``H0: p = p_ref``; agrees when ``pvalue >= alpha``.

    The interval reported is Wilson's at ``1 - alpha``.
    """
    if not 0.0 < p_ref < 1.0:
        raise ValueError(f"a two-sided test needs 0 < p_ref < 1, got {p_ref}")
    pvalue = float(binomtest(int(k), int(n), p_ref).pvalue)
    low, high = wilson(k, n, 1 - alpha)
    return BinomialComparison(int(k), int(n), p_ref, pvalue, low, high, pvalue >= alpha)


def fisher_comparison(k1: int, n1: int, k2: int, n2: int, alternative: str = "two-sided") -> float:
    """p-value of Fisher's exact test that ``k1/n1`` and ``k2/n2`` share one probability.

    ``alternative="greater"`` tests whether the first proportion is larger.
    """
    table = [[int(k1), int(n1 - k1)], [int(k2), int(n2 - k2)]]
    return float(fisher_exact(table, alternative=alternative).pvalue)


@dataclass(frozen=True)
class LinearFit:
    """A (weighted) least-squares line ``y = intercept + slope x``."""

    slope: float
    intercept: float
    slope_se: float
    dof: int | None

    def slope_ci(self, confidence: float = 0.95) -> tuple[float, float]:
        """Interval of the slope: Student t for an ordinary fit, normal with known errors."""
        if self.dof is None:
            q = float(norm.ppf(0.5 + confidence / 2))
        else:
            q = float(student_t.ppf(0.5 + confidence / 2, self.dof))
        return self.slope - q * self.slope_se, self.slope + q * self.slope_se

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """The fitted line at ``x``."""
        return self.intercept + self.slope * np.asarray(x, dtype=np.float64)


def linear_fit(
    x: NDArray[np.float64], y: NDArray[np.float64], se: NDArray[np.float64] | None = None
) -> LinearFit:
    """Weighted least squares of ``y`` on ``x`` (weights ``1 / se^2``; ordinary when ``se`` is None).

    With ``se`` given, the slope's standard error is the one implied by those standard
    errors (inflated by the residual scatter when that is larger, as for a reduced
    chi-square above 1) and its interval is normal; without, the ordinary t interval.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones_like(x) if se is None else 1.0 / np.asarray(se, dtype=np.float64) ** 2
    xm, ym = np.average(x, weights=w), np.average(y, weights=w)
    sxx = float(np.sum(w * (x - xm) ** 2))
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    intercept = float(ym - slope * xm)
    dof = x.size - 2
    chi2 = float(np.sum(w * (y - intercept - slope * x) ** 2)) / max(dof, 1)
    scale = chi2 if se is None else max(chi2, 1.0)
    return LinearFit(slope, intercept, math.sqrt(scale / sxx), dof if se is None else None)
