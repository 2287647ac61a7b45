"""Figures of a calibration and of posterior studies, drawn from their tables.

* :func:`marginals_figure`: each parameter's weighted posterior histogram over its prior;
* :func:`diagnostics_figure`: epsilon, acceptance rate and effective sample size by
  generation;
* :func:`ppc_figure`: the posterior predictive distribution of every target's statistic
  with the target (value and uncertainty band, range, or constraint bound);
* :func:`critical_mass_figure`: critical mass across posterior draws beside the
  fixed-parameter estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["marginals_figure", "diagnostics_figure", "ppc_figure", "critical_mass_figure", "difference_figure"]


def _grid(n: int, ncols: int = 3, size: tuple[float, float] = (4.0, 2.8)) -> tuple[Any, np.ndarray]:
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def marginals_figure(
    posterior: pd.DataFrame, priors: Sequence[dict[str, Any]], truth: dict[str, float] | None = None
) -> Any:
    """Weighted posterior histogram of each parameter on its prior's range."""
    fig, axes = _grid(len(priors))
    w = posterior["weight"].to_numpy(dtype=float)
    for ax, prior in zip(axes, priors, strict=False):
        name = prior["name"]
        x = posterior[name].to_numpy(dtype=float)
        bins = np.linspace(prior["low"], prior["high"], 21)
        ax.hist(x, bins=bins, weights=w, density=True, color="#4c72b0", alpha=0.8, label="posterior")
        ax.axhline(1.0 / (prior["high"] - prior["low"]), color="#999", ls="--", lw=1, label="prior")
        if math.isfinite(prior.get("default", float("nan"))):
            ax.axvline(prior["default"], color="#555", lw=1, ls=":", label="default")
        if truth and name in truth:
            ax.axvline(truth[name], color="#d62728", lw=1.5, label="truth")
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=6)
    return fig


def diagnostics_figure(generations: pd.DataFrame) -> Any:
    """Epsilon, acceptance rate and ESS per generation."""
    fig, axes = _grid(3, ncols=3, size=(3.6, 2.8))
    g = generations[generations["t"] >= 0]
    for ax, col, title in zip(
        axes,
        ("epsilon", "acceptance_rate", "ess"),
        ("tolerance epsilon", "acceptance rate", "effective sample size"),
        strict=True,
    ):
        ax.plot(g["t"], g[col], marker="o", color="#4c72b0")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("generation", fontsize=8)
        ax.tick_params(labelsize=7)
    if (g["epsilon"] > 0).all():
        axes[0].set_yscale("log")
    return fig


def ppc_figure(ppc: pd.DataFrame, targets: dict[str, dict[str, Any]]) -> Any:
    """Posterior predictive histogram of each target's statistic with the target marked."""
    names = list(targets)
    fig, axes = _grid(len(names))
    for ax, name in zip(axes, names, strict=False):
        t = targets[name]
        x = ppc[name].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if x.size:
            ax.hist(x, bins=20, color="#4c72b0", alpha=0.8)
        if t["kind"] == "quantitative":
            if t.get("range"):
                lo, hi = t["range"]
                u = t["uncertainty"]
                ax.axvspan(lo - u, hi + u, color="#2ca02c", alpha=0.12)
                ax.axvspan(lo, hi, color="#2ca02c", alpha=0.25)
            else:
                v, u = t["value"], t["uncertainty"]
                ax.axvspan(v - u, v + u, color="#2ca02c", alpha=0.2)
                ax.axvline(v, color="#2ca02c", lw=1.5)
        else:
            c = t["constraint"]
            for side in ("above", "below"):
                if c.get(side) is not None:
                    ax.axvline(c[side], color="#d62728", lw=1.5, ls="--")
        share = t.get("share_met")
        ax.set_title(
            f"{name}\n{t.get('text', '')}" + (f" — met in {share:.0%}" if share is not None else ""),
            fontsize=8,
        )
        ax.tick_params(labelsize=7)
    return fig


def critical_mass_figure(draws: pd.DataFrame, lever: str, fixed: dict[str, Any] | None) -> Any:
    """Critical mass per posterior draw (with its interval) and the fixed-parameter estimate."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.6), layout="constrained")
    ax = fig.subplots()
    d = draws.sort_values("critical_mass").reset_index(drop=True)
    finite = np.isfinite(d["critical_mass"].to_numpy(dtype=float))
    y = np.arange(len(d))
    ax.errorbar(
        d.loc[finite, "critical_mass"],
        y[finite],
        xerr=[
            (d.loc[finite, "critical_mass"] - d.loc[finite, "ci_low"]).clip(lower=0),
            (d.loc[finite, "ci_high"] - d.loc[finite, "critical_mass"]).clip(lower=0),
        ],
        fmt="o",
        ms=3,
        color="#4c72b0",
        label="posterior draws (90% bootstrap CI)",
    )
    lo, hi = d["lever_min"].min(), d["lever_max"].max()
    for side, x in (("above", hi), ("below", lo)):
        mask = d["censored"] == side
        if mask.any():
            ax.scatter(np.full(mask.sum(), x), y[mask], marker=">" if side == "above" else "<",
                       color="#d62728", label=f"{side} the swept range")
    if fixed is not None and fixed.get("critical_mass") is not None and math.isfinite(fixed["critical_mass"]):
        ax.axvline(fixed["critical_mass"], color="#555", ls="--", label="fixed parameters")
    ax.set_xlabel(lever)
    ax.set_ylabel("posterior draw (sorted)")
    ax.legend(fontsize=7)
    return fig


def difference_figure(per_draw: pd.DataFrame, diffs: Sequence[dict[str, Any]]) -> Any:
    """Per-draw paired difference of each scenario against the first, with the fixed value."""
    fig, axes = _grid(len(diffs), ncols=2, size=(4.5, 3.0))
    for ax, d in zip(axes, diffs, strict=False):
        x = per_draw.loc[per_draw["scenario"] == d["scenario"], "mean"].to_numpy(dtype=float)
        ax.hist(x, bins=15, color="#4c72b0", alpha=0.8, label="posterior draws")
        ax.axvline(d["fixed"], color="#555", ls="--", label="fixed parameters")
        ax.axvspan(d["low"], d["high"], color="#4c72b0", alpha=0.12, label="90% credible interval")
        ax.axvline(0.0, color="#d62728", lw=1)
        ax.set_title(f"{d['scenario']} minus {d['versus']}: {d['outcome']}", fontsize=8)
        ax.legend(fontsize=6)
    return fig
