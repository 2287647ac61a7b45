"""Early-warning signals before a fold (Scheffer et al. 2009; Dakos et al. 2012).

The harvested logistic ``dx = [x (1 - x/10) - c x^2 / (x^2 + 1)] dt + sigma dW`` with the
harvest c ramped from 1 to 2.6, just short of the fold at c = 2.604, against runs with c
held at 1. Recipe of Dakos et al. (2012): Gaussian detrending (ksmooth bandwidth 5%
of the series, kernel sd 1.85%), rolling window of half the series, Kendall tau of the lag-1 autocorrelation
and of the variance, significance against AR(1) surrogates fitted to the residuals.
Expected: both indicators rise (tau > 0) before the fold in most ramped runs and not in
most fixed runs.

    clsim validate-classics --only ews_fold [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.analysis.ews_recipe import ews_indicators, ews_test, kendall_trend
from simulator.classic.fold import FOLD_HARVEST, simulate_fold

from .core import Check, Validation, fmt

NAME = "ews_fold"
STEPS = 550
BURN_IN = 50
WINDOW = 0.5
BANDWIDTH = 0.05
SIGMA = 0.1


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Kendall trends of rolling AR(1) and variance, ramped toward the fold vs fixed."""
    runs = 20 if quick else 100
    tested = 8 if quick else 30
    n_surrogates = 49 if quick else 199
    rng = np.random.default_rng(master_seed)
    ramped, c_path = simulate_fold(runs=runs, steps=STEPS, c_end=2.6, sigma=SIGMA, rng=rng)
    fixed, _ = simulate_fold(runs=runs, steps=STEPS, ramp=False, sigma=SIGMA, rng=rng)
    rows = []
    for kind, batch in (("ramped", ramped), ("fixed", fixed)):
        for i, series in enumerate(batch[:, BURN_IN:]):
            frame = ews_indicators(series, WINDOW, BANDWIDTH)
            row = {
                "kind": kind,
                "run": i,
                "tau_ar1": kendall_trend(frame["ar1"]),
                "tau_var": kendall_trend(frame["variance"]),
                "p_ar1": np.nan,
                "p_var": np.nan,
                "tipped": bool(series.min() < 3.0),
            }
            if i < tested:
                res = ews_test(
                    series, WINDOW, BANDWIDTH, n_surrogates=n_surrogates, method="ar1", rng=rng
                )
                row["p_ar1"], row["p_var"] = res.p_ar1, res.p_var
            rows.append(row)
    data = pd.DataFrame(rows)
    data["both_rising"] = (data.tau_ar1 > 0) & (data.tau_var > 0)
    ramp = data[data.kind == "ramped"]
    hold = data[data.kind == "fixed"]
    sig_ramp = float(((ramp.p_ar1 < 0.05) & (ramp.p_var < 0.05)).iloc[:tested].mean())
    sig_hold = float(((hold.p_ar1 < 0.05) & (hold.p_var < 0.05)).iloc[:tested].mean())
    any_ramp = float(((ramp.p_ar1 < 0.05) | (ramp.p_var < 0.05)).iloc[:tested].mean())
    any_hold = float(((hold.p_ar1 < 0.05) | (hold.p_var < 0.05)).iloc[:tested].mean())

    checks = [
        Check(
            "harvest c at the fold (K = 10)",
            "2.604",
            fmt(FOLD_HARVEST, 4),
            abs(FOLD_HARVEST - 2.604) < 1e-3,
            "within 0.001",
            exact=True,
        ),
        Check(
            "ramped runs with both taus > 0",
            "most (indicators rise before a fold)",
            fmt(ramp.both_rising.mean()),
            ramp.both_rising.mean() > 0.5 and not ramp.tipped.any(),
            "> 0.5, no run tipped early",
        ),
        Check(
            "fixed-c runs with both taus > 0",
            "not most (no trend without forcing)",
            fmt(hold.both_rising.mean()),
            hold.both_rising.mean() < 0.5,
            "< 0.5",
        ),
        Check(
            "median tau (AR1 / variance), ramped vs fixed",
            "positive vs about 0",
            f"{fmt(ramp.tau_ar1.median())} / {fmt(ramp.tau_var.median())} vs "
            f"{fmt(hold.tau_ar1.median())} / {fmt(hold.tau_var.median())}",
            ramp.tau_ar1.median() > 0.3 and ramp.tau_var.median() > 0.3,
            "ramped medians > 0.3",
        ),
        Check(
            "runs significant vs AR(1) surrogates (p < 0.05): both / either",
            "more often when forced (Dakos et al. 2012)",
            f"ramped {fmt(sig_ramp)} / {fmt(any_ramp)}; fixed {fmt(sig_hold)} / {fmt(any_hold)} "
            f"({tested} runs each, {n_surrogates} surrogates)",
            any_ramp > any_hold and sig_hold <= (0.2 if quick else 0.1),
            "ramped > fixed; fixed both <= 0.10 (quick: 0.20)",
        ),
    ]

    example = ramped[0, BURN_IN:]
    control = fixed[0, BURN_IN:]
    fr, ff = ews_indicators(example, WINDOW, BANDWIDTH), ews_indicators(control, WINDOW, BANDWIDTH)
    t = np.arange(BURN_IN, STEPS)
    fig = Figure(figsize=(11, 6.5))
    axes = fig.subplots(2, 2)
    ax = axes[0, 0]
    ax.plot(t, example, lw=0.7, label="ramped c")
    ax.plot(t, fr.trend, "k-", lw=1)
    ax.plot(t, control, lw=0.7, color="C2", label="fixed c = 1")
    ax.set_ylabel("x")
    ax.set_title(f"harvested logistic, c from 1 to 2.6 (fold {FOLD_HARVEST:.3f})", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    twin = ax.twinx()
    twin.plot(t, c_path[BURN_IN:], color="0.6", ls=":", lw=1)
    twin.set_ylabel("c (dotted)")
    axes[0, 1].plot(t, fr.ar1, label=f"ramped (tau {kendall_trend(fr.ar1):.2f})")
    axes[0, 1].plot(t, ff.ar1, color="C2", label=f"fixed (tau {kendall_trend(ff.ar1):.2f})")
    axes[0, 1].set_title("rolling lag-1 autocorrelation", fontsize=10)
    axes[0, 1].legend(fontsize=7, frameon=False)
    axes[1, 1].plot(t, fr.variance, label=f"ramped (tau {kendall_trend(fr.variance):.2f})")
    axes[1, 1].plot(
        t, ff.variance, color="C2", label=f"fixed (tau {kendall_trend(ff.variance):.2f})"
    )
    axes[1, 1].set_title("rolling variance", fontsize=10)
    axes[1, 1].legend(fontsize=7, frameon=False)
    axes[1, 1].set_xlabel("time")
    bins = np.linspace(-1, 1, 21)
    axes[1, 0].hist(ramp.tau_ar1, bins, alpha=0.6, label="ramped: AR1")
    axes[1, 0].hist(ramp.tau_var, bins, alpha=0.6, label="ramped: variance")
    axes[1, 0].hist(hold.tau_ar1, bins, histtype="step", color="C2", label="fixed: AR1")
    axes[1, 0].hist(hold.tau_var, bins, histtype="step", color="C3", label="fixed: variance")
    axes[1, 0].set_xlabel("Kendall tau")
    axes[1, 0].set_ylabel("runs")
    axes[1, 0].set_title(f"trends over {runs} runs each", fontsize=10)
    axes[1, 0].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Scheffer et al. (2009) and Dakos et al. (2012), early-warning signals",
        figure_reproduced="rising autocorrelation and variance before a fold (generic EWS recipe)",
        setup=(
            f"Harvested logistic, K = 10, sigma = {SIGMA}, Euler-Maruyama dt = 0.01, sampled each "
            f"time unit; {STEPS} samples, first {BURN_IN} dropped; c ramped 1 -> 2.6 or held at 1; "
            f"{runs} runs each; Gaussian detrending (ksmooth bandwidth {BANDWIDTH:.0%} of the series), rolling "
            f"window {WINDOW:.0%}, Kendall tau; AR(1) surrogates on the first {tested} runs."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "note": "one generator for the whole batch"},
        quick=quick,
    )
