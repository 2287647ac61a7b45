"""Is a sample of outcomes (one lever value, many seeds) bimodal?

Three complementary measures, none decisive alone:

- **Sarle's bimodality coefficient** ``BC = (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3)))``
  with the bias-corrected sample skewness ``g`` and excess kurtosis ``k`` (SAS Institute
  1990; Pfister et al. 2013). ``BC > 5/9`` (the value of a uniform distribution) suggests
  bimodality; it is also raised by strong skew, so it is a screen, not a test.
- **Hartigan's dip test** (Hartigan & Hartigan 1985) of unimodality, through the
  maintained ``diptest`` package when it is installed (optional dependency); the p-value
  is against the uniform, the least favourable unimodal null.
- **Two-component Gaussian mixture against a unimodal fit** (the better of a Gaussian
  and a skew-normal) by BIC (EM fit here, no scikit-learn), with Ashman's
  ``D = sqrt(2) |mu1 - mu2| / sqrt(s1^2 + s2^2)``: ``D > 2``
  means the components are cleanly separated (Ashman et al. 1994), and the fitted
  mixture density must itself have two modes; both guard against a mixture that
  merely fits skew.

:func:`assess_bimodality` combines them: bimodal when the dip test rejects (p < 0.05, if
``diptest`` is installed) or the mixture wins by ``delta_bic >= 10`` with ``D > 2`` and
two modes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "bimodality_coefficient",
    "dip_test",
    "gaussian_mixture_comparison",
    "assess_bimodality",
    "Bimodality",
    "BC_CRITICAL",
]

#: Sarle's coefficient of a uniform distribution; larger values suggest bimodality.
BC_CRITICAL = 5.0 / 9.0


def bimodality_coefficient(values: ArrayLike) -> float:
    """Sarle's bimodality coefficient with finite-sample corrections (NaN if n < 4 or constant)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < 4 or np.ptp(x) == 0:
        return float("nan")
    g = stats.skew(x, bias=False)
    k = stats.kurtosis(x, fisher=True, bias=False)
    return float((g**2 + 1.0) / (k + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def dip_test(values: ArrayLike) -> tuple[float, float] | None:
    """Hartigan's dip statistic and p-value, or None when ``diptest`` is not installed."""
    try:
        import diptest
    except ImportError:
        return None
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 4 or np.ptp(x) == 0:
        return float("nan"), float("nan")
    dip, pval = diptest.diptest(x)
    return float(dip), float(pval)


def _em_two_gaussians(
    x: np.ndarray, init: tuple[float, float], iters: int = 300
) -> tuple[float, dict[str, float]]:
    spread = max(float(x.std()), 1e-9)
    mu = np.array(init, dtype=float)
    sd = np.array([spread / 2, spread / 2])
    weight = np.array([0.5, 0.5])
    floor = 1e-3 * spread  # keep a component from collapsing onto one point
    loglik = -np.inf
    for _ in range(iters):
        dens = weight * stats.norm.pdf(x[:, None], mu, sd)
        total = np.maximum(dens.sum(axis=1), 1e-300)
        resp = dens / total[:, None]
        new_loglik = float(np.log(total).sum())
        nk = np.maximum(resp.sum(axis=0), 1e-12)
        weight = nk / x.size
        mu = (resp * x[:, None]).sum(axis=0) / nk
        sd = np.sqrt(np.maximum((resp * (x[:, None] - mu) ** 2).sum(axis=0) / nk, floor**2))
        if abs(new_loglik - loglik) < 1e-10:
            loglik = new_loglik
            break
        loglik = new_loglik
    dens = weight * stats.norm.pdf(x[:, None], mu, sd)
    loglik = float(np.log(np.maximum(dens.sum(axis=1), 1e-300)).sum())
    order = np.argsort(mu)
    params = {
        "mu1": float(mu[order[0]]),
        "mu2": float(mu[order[1]]),
        "sd1": float(sd[order[0]]),
        "sd2": float(sd[order[1]]),
        "w1": float(weight[order[0]]),
        "w2": float(weight[order[1]]),
    }
    return loglik, params


def gaussian_mixture_comparison(values: ArrayLike) -> dict[str, float]:
    """BIC of a unimodal fit against a two-component Gaussian mixture, and Ashman's D.

    The unimodal fit is the better (by BIC) of a Gaussian and a skew-normal.

    Returns:
        ``delta_bic`` (BIC(unimodal) - BIC(mixture); positive favours two components),
        ``ashman_d``, ``modes`` (of the fitted mixture density) and the mixture's means,
        sds and weights.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < 6 or np.ptp(x) == 0:
        return {"delta_bic": float("nan"), "ashman_d": float("nan")}
    sd1 = float(x.std())
    ll1 = float(stats.norm.logpdf(x, x.mean(), sd1).sum())
    bic1 = -2 * ll1 + 2 * math.log(n)
    # The unimodal null also gets a skew-normal, so that skew alone cannot pass for two modes.
    with np.errstate(all="ignore"):
        shape, loc, scale = stats.skewnorm.fit(x)
        ll_skew = float(stats.skewnorm.logpdf(x, shape, loc, scale).sum())
    if math.isfinite(ll_skew):
        bic1 = min(bic1, -2 * ll_skew + 3 * math.log(n))
    best: tuple[float, dict[str, float]] | None = None
    for lo, hi in ((10, 90), (25, 75), (5, 50), (50, 95)):
        candidate = _em_two_gaussians(x, (np.percentile(x, lo), np.percentile(x, hi)))
        if best is None or candidate[0] > best[0]:
            best = candidate
    assert best is not None
    ll2, params = best
    bic2 = -2 * ll2 + 5 * math.log(n)
    ashman = (
        math.sqrt(2.0)
        * abs(params["mu2"] - params["mu1"])
        / math.sqrt(params["sd1"] ** 2 + params["sd2"] ** 2)
    )
    grid = np.linspace(x.min() - sd1, x.max() + sd1, 2001)
    density = params["w1"] * stats.norm.pdf(grid, params["mu1"], params["sd1"]) + params[
        "w2"
    ] * stats.norm.pdf(grid, params["mu2"], params["sd2"])
    inner = density[1:-1]
    modes = int(np.sum((inner > density[:-2]) & (inner >= density[2:])))
    return {"delta_bic": bic1 - bic2, "ashman_d": ashman, "modes": float(modes), **params}


@dataclass(frozen=True)
class Bimodality:
    """Bimodality measures of one sample and the combined verdict."""

    n: int
    coefficient: float
    dip: float | None
    dip_pvalue: float | None
    mixture_delta_bic: float
    ashman_d: float
    bimodal: bool
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


def assess_bimodality(
    values: ArrayLike, alpha: float = 0.05, min_delta_bic: float = 10.0
) -> Bimodality:
    """All three measures and a verdict (see the module docstring for the rule)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    bc = bimodality_coefficient(x)
    dip = dip_test(x)
    mix = gaussian_mixture_comparison(x)
    mixture_says = bool(
        math.isfinite(mix["delta_bic"])
        and mix["delta_bic"] >= min_delta_bic
        and mix["ashman_d"] > 2
        and mix.get("modes", 0) >= 2
    )
    method = f"2-Gaussian mixture (delta BIC >= {min_delta_bic:g}, Ashman D > 2, two modes)"
    bimodal = mixture_says
    if dip is not None and math.isfinite(dip[1]):
        bimodal = mixture_says or dip[1] < alpha
        method = f"Hartigan's dip test (p < {alpha:g}) or " + method
    return Bimodality(
        n=int(x.size),
        coefficient=bc,
        dip=None if dip is None else dip[0],
        dip_pvalue=None if dip is None else dip[1],
        mixture_delta_bic=float(mix["delta_bic"]),
        ashman_d=float(mix["ashman_d"]),
        bimodal=bool(bimodal),
        method=method,
    )
