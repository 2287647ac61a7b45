"""Summaries of a weighted posterior sample: pure functions of tables, never a model.

* :func:`weighted_quantile`, :func:`credible_interval`, :func:`effective_sample_size`
  (Kish 1965: ``(sum w)^2 / sum w^2``);
* :func:`summarise_posterior`: per parameter, the weighted mean, median, 90% interval and
  how much the posterior narrowed the prior;
* :func:`resample`: equally weighted draws from a weighted sample (systematic
  resampling, Kitagawa 1996), deterministic in a seed;
* :func:`variance_split`: how much of the spread of an estimate across posterior draws
  comes from the parameters and how much from run-to-run noise (the law of total
  variance, with the noise part measured by each draw's own bootstrap);
* :func:`censored_quantiles`: quantiles of estimates some of which lie beyond the swept
  range (``-inf`` below it, ``+inf`` above it);
* :func:`rank_correlations`: Spearman and partial rank correlations (PRCC, Marino et al.
  2008) of parameters with an outcome, the posterior's global sensitivity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "weighted_quantile",
    "credible_interval",
    "effective_sample_size",
    "summarise_posterior",
    "resample",
    "variance_split",
    "censored_quantiles",
    "rank_correlations",
    "sd_from_interval",
]


def _normalised(weights: ArrayLike | None, n: int) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,) or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative, one per value, not all zero")
    return w / w.sum()


def weighted_quantile(values: ArrayLike, q: ArrayLike, weights: ArrayLike | None = None) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, midpoint rule).

    With equal weights this is numpy's ``method="hazen"`` quantile. Values may include
    ``inf``; NaN values are not allowed.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0 or np.isnan(x).any():
        raise ValueError("weighted_quantile needs a non-empty sample without NaN")
    w = _normalised(weights, x.size)
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cdf = np.cumsum(ws) - 0.5 * ws
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    if np.any((qs < 0) | (qs > 1)):
        raise ValueError("quantiles must lie in [0, 1]")
    out = np.empty(qs.shape)
    for i, p in enumerate(qs):
        if p <= cdf[0]:
            out[i] = xs[0]
        elif p >= cdf[-1]:
            out[i] = xs[-1]
        else:
            j = int(np.searchsorted(cdf, p, side="right"))
            lo, hi = xs[j - 1], xs[j]
            if np.isinf(lo) or np.isinf(hi):
                out[i] = hi if (p - cdf[j - 1]) > (cdf[j] - p) else lo
            else:
                out[i] = lo + (hi - lo) * (p - cdf[j - 1]) / (cdf[j] - cdf[j - 1])
    return out


def credible_interval(
    values: ArrayLike, weights: ArrayLike | None = None, level: float = 0.9
) -> tuple[float, float]:
    """Equal-tailed credible interval (default 90%)."""
    tail = (1.0 - level) / 2.0
    lo, hi = weighted_quantile(values, [tail, 1.0 - tail], weights)
    return float(lo), float(hi)


def effective_sample_size(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        return 0.0
    return float(w.sum() ** 2 / np.square(w).sum())


def summarise_posterior(
    table: pd.DataFrame,
    parameters: Sequence[str],
    priors: dict[str, tuple[float, float]] | None = None,
    weight: str = "weight",
    level: float = 0.9,
) -> pd.DataFrame:
    """One row a parameter: mean, median, credible interval, and contraction of the prior.

    ``contraction`` is 1 minus the posterior interval's width over the same-level
    interval of the uniform prior (0: the data told nothing; near 1: pinned down).
    """
    w = table[weight].to_numpy(dtype=float) if weight in table else None
    rows = []
    for name in parameters:
        x = table[name].to_numpy(dtype=float)
        lo, hi = credible_interval(x, w, level)
        ww = _normalised(w, x.size)
        row: dict[str, Any] = {
            "parameter": name,
            "mean": float(np.sum(ww * x)),
            "median": float(weighted_quantile(x, 0.5, w)[0]),
            "low": lo,
            "high": hi,
            "level": level,
        }
        if priors and name in priors:
            a, b = priors[name]
            row["prior_low"], row["prior_high"] = float(a), float(b)
            prior_width = level * (b - a)
            row["contraction"] = 1.0 - (hi - lo) / prior_width if prior_width > 0 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def resample(weights: ArrayLike, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` equally weighted draws (systematic resampling), sorted.

    Deterministic in ``seed``; each particle appears about ``n * w`` times.
    """
    w = _normalised(weights, np.asarray(weights).size)
    rng = np.random.default_rng(seed)
    positions = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(np.cumsum(w), positions, side="right")
    return np.minimum(idx, w.size - 1)


def sd_from_interval(low: float, high: float, level: float) -> float:
    """The standard deviation a normal distribution with this central interval would have."""
    z = stats.norm.ppf(0.5 + level / 2.0)
    return (high - low) / (2.0 * z)


def variance_split(estimates: ArrayLike, noise_sd: ArrayLike) -> dict[str, float]:
    """Split the spread of per-draw estimates into parameter and run-to-run noise parts.

    Each posterior draw ``d`` gives an estimate ``c_d = c(theta_d) + e_d`` whose noise
    ``e_d`` (finite seeds) has standard deviation ``noise_sd[d]`` (its bootstrap). By the
    law of total variance ``Var(c_d) = Var(c(theta)) + E[noise_sd^2]``, so the parameter
    part is the total minus the mean noise variance (method of moments, clipped at 0, as
    in random-effects meta-analysis, DerSimonian & Laird 1986). Non-finite entries are
    left out.

    Returns:
        ``total_var``, ``noise_var``, ``parameter_var``, ``parameter_share``,
        ``noise_share`` and ``n`` (draws used).
    """
    c = np.asarray(estimates, dtype=float)
    s = np.asarray(noise_sd, dtype=float)
    keep = np.isfinite(c) & np.isfinite(s)
    c, s = c[keep], s[keep]
    if c.size < 2:
        nan = float("nan")
        return {"total_var": nan, "noise_var": nan, "parameter_var": nan,
                "parameter_share": nan, "noise_share": nan, "n": int(c.size)}
    total = float(np.var(c, ddof=1))
    noise = float(np.mean(np.square(s)))
    param = max(0.0, total - noise)
    denom = param + noise
    return {
        "total_var": total,
        "noise_var": noise,
        "parameter_var": param,
        "parameter_share": param / denom if denom > 0 else float("nan"),
        "noise_share": noise / denom if denom > 0 else float("nan"),
        "n": int(c.size),
    }


def censored_quantiles(
    values: ArrayLike, q: Sequence[float] = (0.05, 0.5, 0.95)
) -> list[float]:
    """Quantiles of equally weighted estimates where ``±inf`` marks 'beyond the range'.

    A quantile that falls among the censored values is reported as ``±inf`` (the caller
    prints "above the swept range"). NaN entries are not allowed.
    """
    return [float(v) for v in weighted_quantile(values, list(q))]


def rank_correlations(table: pd.DataFrame, parameters: Sequence[str], outcome: str) -> pd.DataFrame:
    """Spearman and partial rank correlation (PRCC) of each parameter with an outcome.

    ``±inf`` outcomes (censored critical masses) rank at the ends, as they should; rows
    with NaN are dropped. PRCC ranks every column, regresses the ranks of the parameter
    and of the outcome on the ranks of the other parameters, and correlates the
    residuals (Marino et al. 2008, *J. Theor. Biol.* 254, 178). p-values are the usual
    t-test of a correlation with ``n - 2 - (k - 1)`` degrees of freedom.
    """
    data = table[list(parameters) + [outcome]].replace([np.inf, -np.inf], [1e300, -1e300]).dropna()
    n, k = len(data), len(parameters)
    ranks = data.rank().to_numpy(dtype=float)
    y = ranks[:, -1]
    rows = []
    for j, name in enumerate(parameters):
        x = ranks[:, j]
        if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            rows.append({"parameter": name, "spearman": float("nan"), "spearman_p": float("nan"),
                         "prcc": float("nan"), "prcc_p": float("nan"), "n": n})
            continue
        rho, p = stats.spearmanr(x, y)
        others = np.delete(ranks[:, :-1], j, axis=1)
        design = np.column_stack([np.ones(n), others])
        dof = n - 2 - (k - 1)
        if dof > 0:
            rx = x - design @ np.linalg.lstsq(design, x, rcond=None)[0]
            ry = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
            denom = math.sqrt(float(rx @ rx) * float(ry @ ry))
            prcc = float(rx @ ry / denom) if denom > 0 else float("nan")
            if math.isfinite(prcc) and abs(prcc) < 1:
                tval = prcc * math.sqrt(dof / (1 - prcc**2))
                prcc_p = float(2 * stats.t.sf(abs(tval), dof))
            else:
                prcc_p = float("nan")
        else:
            prcc, prcc_p = float("nan"), float("nan")
        rows.append({"parameter": name, "spearman": float(rho), "spearman_p": float(p),
                     "prcc": prcc, "prcc_p": prcc_p, "n": n})
    return pd.DataFrame(rows)
