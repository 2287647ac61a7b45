"""Xie et al. (2011), social consensus through the influence of committed minorities.

The binary-agreement naming game on a complete graph: everyone holds B except a
committed share p holding A for good. Above the critical share (mean field 0.0979) the
population reaches consensus on A quickly, in a time growing like ln N; below it the
mixed state is metastable and consensus takes a time exponential in N.

The scaling claims are tested by fitting both forms to the mean consensus times and
comparing the fits: ``ln T = a + b N`` (exponential in N) and ``T = c + d ln N``
(logarithmic), plus the power law ``ln T = e + f ln N`` below p_c (so that linear growth
cannot pass for exponential), each with a minimum slope. The metastable state below p_c
is compared with the mean-field mixed fixed point.

    clsim validate-classics --only xie2011 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import norm
from scipy.stats import t as student_t

from simulator.classic import spawn_seeds
from simulator.classic.naming_game import (
    NamingGame,
    consensus_times,
    mean_field_consensus_time,
    mean_field_critical_fraction,
    mean_field_mixed_state,
)

from .core import Check, Validation, fmt
from .stats import linear_fit

NAME = "xie2011"
N = 1_000
ABOVE, BELOW = 0.12, 0.08
MAX_TIME = 500.0
BURN_IN = 100.0
ALPHA = 0.05
TIME_TOLERANCE = 0.05  # relative: mean-field time is for the A share reaching 1 - 1/N
SLOPE_TOLERANCE = 0.2  # the mean-field ln N slope is a large-N approximation
MIN_LOG_SLOPE = 0.5  # time units per unit of ln N above p_c (a flat T has 0)
MIN_EXP_SLOPE = 0.01  # per agent below p_c: T at least e-fold per 100 agents
QUICK_NOTE = "; quick run: too few runs and sizes for this test to have power, so not tested"


def _times(n: int, p: float, runs: int, seed: int, max_time: float) -> dict:
    times, _ = consensus_times(
        n=n, committed_share=p, runs=runs, max_time=max_time, master_seed=seed
    )
    reached = np.isfinite(times)
    t = times[reached]
    return {
        "n": n,
        "committed_share": p,
        "runs": runs,
        "max_time": max_time,
        "master_seed": seed,
        "share_reached": reached.mean(),
        "mean_time": t.mean() if t.size else np.nan,
        "se_time": t.std(ddof=1) / np.sqrt(t.size) if t.size > 1 else np.nan,
        "median_time": np.median(t) if t.size else np.nan,
    }


def _metastable(runs: int, seed: int, horizon: float) -> tuple[np.ndarray, int]:
    """Per run: mean share of agents holding only B after the burn-in; runs that reached consensus."""
    means, reached = [], 0
    for s in spawn_seeds(seed, runs):
        game = NamingGame(n=N, committed_share=BELOW, seed=s).run(max_steps=int(horizon))
        frame = game.datacollector.get_model_vars_dataframe()
        means.append(float(frame["share_b"].iloc[int(BURN_IN) :].mean()))
        reached += game.consensus_time is not None
    return np.array(means), reached


def _mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    m, se = float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))
    q = float(student_t.ppf(0.5 + confidence / 2, values.size - 1))
    return m, m - q * se, m + q * se


def _interval_null(low: float, high: float, ref: float, tol: float) -> bool:
    """Two-sided test of ``|mu - ref| <= tol``: agrees unless the interval lies outside the band."""
    return high >= ref - tol and low <= ref + tol


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Consensus times against committed share and against population size."""
    p_c = mean_field_critical_fraction()
    mixed = mean_field_mixed_state(BELOW)
    if quick:
        above_sizes, above_runs = [100, 300, 1_000], [100, 40, 12]
        below_sizes, below_runs = [25, 50, 75, 100], 15
        meta_runs, horizon = 2, 150.0
        sweep = [0.12]
    else:
        above_sizes, above_runs = [100, 300, 1_000, 3_000, 10_000], [400, 200, 100, 40, 20]
        below_sizes, below_runs = [25, 50, 75, 100, 125, 150], 60
        meta_runs, horizon = 10, MAX_TIME
        sweep = [0.09, 0.10, 0.11, 0.12, 0.14, 0.16]
    rows = []
    for i, p in enumerate(sweep):
        rows.append({"series": "share", **_times(N, p, 10, master_seed + i, MAX_TIME)})
    for i, (n, r) in enumerate(zip(above_sizes, above_runs, strict=True)):
        rows.append(
            {"series": f"size, p = {ABOVE}", **_times(n, ABOVE, r, master_seed + 100 + i, MAX_TIME)}
        )
    for i, n in enumerate(below_sizes):  # N p integer: 0.08 N committed agents exactly
        rows.append(
            {
                "series": f"size, p = {BELOW}",
                **_times(n, BELOW, below_runs, master_seed + 200 + i, 1e7),
            }
        )
    data = pd.DataFrame(rows)
    data["mean_field_time"] = [
        mean_field_consensus_time(p, n, horizon=2_000.0) if p > p_c else np.inf
        for p, n in zip(data.committed_share, data.n, strict=True)
    ]
    meta, meta_reached = _metastable(meta_runs, master_seed + 300, horizon)
    meta_m, meta_lo, meta_hi = _mean_ci(meta)

    above = data[data.series == f"size, p = {ABOVE}"]
    below = data[data.series == f"size, p = {BELOW}"]
    at_n = above[above.n == N].iloc[0]
    q = float(student_t.ppf(0.975, int(at_n.runs) - 1))
    t_lo, t_hi = at_n.mean_time - q * at_n.se_time, at_n.mean_time + q * at_n.se_time
    t_ref = float(at_n.mean_field_time)
    time_ok = at_n.share_reached == 1.0 and _interval_null(
        t_lo, t_hi, t_ref, TIME_TOLERANCE * t_ref
    )

    # above p_c: T against ln N (logarithmic) vs ln T against N (exponential)
    ln_n_a, t_a, se_a = (
        np.log(above.n.to_numpy(float)),
        above.mean_time.to_numpy(),
        above.se_time.to_numpy(),
    )
    log_fit = linear_fit(ln_n_a, t_a, se_a)
    exp_fit_a = linear_fit(above.n.to_numpy(float), np.log(t_a), se_a / t_a)
    rss_log_a = float(np.sum(((np.log(t_a) - np.log(log_fit.predict(ln_n_a))) / (se_a / t_a)) ** 2))
    rss_exp_a = float(
        np.sum(((np.log(t_a) - exp_fit_a.predict(above.n.to_numpy(float))) / (se_a / t_a)) ** 2)
    )
    mf_n = np.array([100, 300, 1_000, 3_000, 10_000], dtype=float)
    mf_slope = linear_fit(
        np.log(mf_n), np.array([mean_field_consensus_time(ABOVE, int(n), 2_000.0) for n in mf_n])
    ).slope
    d_lo, d_hi = log_fit.slope_ci()
    log_ok = (
        rss_log_a < rss_exp_a
        and _interval_null(d_lo, d_hi, mf_slope, SLOPE_TOLERANCE)
        and d_lo > MIN_LOG_SLOPE
    )
    d_detect = SLOPE_TOLERANCE + (norm.ppf(0.975) + norm.ppf(0.8)) * log_fit.slope_se

    # below p_c: ln T against N (exponential) vs T against ln N and ln T against ln N
    n_b, t_b, se_b = below.n.to_numpy(float), below.mean_time.to_numpy(), below.se_time.to_numpy()
    w = se_b / t_b  # standard error of ln T
    exp_fit = linear_fit(n_b, np.log(t_b), w)
    log_fit_b = linear_fit(np.log(n_b), t_b, se_b)
    pow_fit = linear_fit(np.log(n_b), np.log(t_b), w)
    rss_exp = float(np.sum(((np.log(t_b) - exp_fit.predict(n_b)) / w) ** 2))
    rss_logb = float(
        np.sum(((np.log(t_b) - np.log(np.maximum(log_fit_b.predict(np.log(n_b)), 1e-9))) / w) ** 2)
    )
    rss_pow = float(np.sum(((np.log(t_b) - pow_fit.predict(np.log(n_b))) / w) ** 2))
    b_lo, b_hi = exp_fit.slope_ci()
    exp_ok = rss_exp < min(rss_logb, rss_pow) and b_lo > MIN_EXP_SLOPE

    checks = [
        Check(
            "critical committed share (mean field)",
            "0.0979",
            fmt(p_c, 4),
            abs(p_c - 0.0979) < 5e-5,
            "equal to four decimals",
            exact=True,
        ),
        Check(
            f"p = {BELOW}, N = {N:,}: the metastable mixed state",
            f"no consensus (below p_c); mean field: share holding only B {mixed[1]:.3f}",
            f"{meta_reached} of {meta_runs} runs reached consensus by t = {horizon:.0f}; share "
            f"holding only B after t = {BURN_IN:.0f}: {meta_m:.3f} [{meta_lo:.3f}, {meta_hi:.3f}]",
            meta_reached == 0 and _interval_null(meta_lo, meta_hi, mixed[1], 0.02),
            "no run reaches consensus, and the 95% interval of the mean meets the band "
            f"{mixed[1]:.3f} +- 0.02 (two-sided test of an interval null); a model that never "
            "moves (0.92) or mixes fully fails",
        ),
        Check(
            f"p = {ABOVE}, N = {N:,}: mean consensus time",
            f"fast; mean field {t_ref:.1f}",
            f"{at_n.mean_time:.1f} [{t_lo:.1f}, {t_hi:.1f}], {int(at_n.runs)} runs, all reached",
            bool(time_ok),
            f"all runs reach consensus; two-sided t test of |T - {t_ref:.1f}| <= "
            f"{TIME_TOLERANCE:.0%}, level {ALPHA}",
        ),
        Check(
            f"p = {ABOVE}: growth of consensus time with N",
            f"like ln N (Xie et al.); mean-field slope {mf_slope:.2f} per unit of ln N",
            f"N = {above.n.min():,}..{above.n.max():,}: T = {log_fit.intercept:.1f} + {log_fit.slope:.2f} ln N, slope 95% CI "
            f"[{d_lo:.2f}, {d_hi:.2f}]; misfit (chi2 on ln T) log {rss_log_a:.1f} vs "
            f"exponential {rss_exp_a:.1f}",
            bool(log_ok),
            "the logarithmic fit beats the exponential one; slope within "
            f"{SLOPE_TOLERANCE} of mean field (two-sided, level {ALPHA}; detects a slope off by "
            f"{d_detect:.2f} with 80% power) and its lower bound above {MIN_LOG_SLOPE}"
            + QUICK_NOTE
            * quick,
            tested=not quick,
        ),
        Check(
            f"p = {BELOW}: growth of consensus time with N",
            "exponential in N (Xie et al.)",
            f"N = {int(n_b.min())}..{int(n_b.max())}: ln T = {exp_fit.intercept:.2f} + {exp_fit.slope:.4f} N, slope 95% CI "
            f"[{b_lo:.4f}, {b_hi:.4f}]; misfit (chi2 on ln T) exponential {rss_exp:.1f} vs "
            f"log {rss_logb:.1f} vs power law {rss_pow:.1f}",
            bool(exp_ok),
            "the exponential fit beats the logarithmic and power-law ones; slope lower bound "
            f"above {MIN_EXP_SLOPE} per agent ({below_runs} runs a point, N p integer)"
            + QUICK_NOTE
            * quick,
            tested=not quick,
        ),
    ]

    fig = Figure(figsize=(15, 4))
    ax, ax2, ax3 = fig.subplots(1, 3)
    sel = data[data.series == "share"]
    hit = sel[sel.share_reached > 0]
    ax.plot(hit.committed_share, hit.median_time, "o", label=f"simulated median, N = {N:,}")
    none = sel[sel.share_reached == 0]
    ax.plot(
        none.committed_share,
        np.full(len(none), MAX_TIME),
        "v",
        color="C3",
        label=f"no consensus by {MAX_TIME:.0f}",
    )
    ps = np.linspace(p_c + 1e-3, 0.2, 30 if quick else 60)
    ax.plot(
        ps,
        [mean_field_consensus_time(p, N, horizon=2_000.0) for p in ps],
        "k-",
        lw=1,
        label="mean field",
    )
    ax.axvline(p_c, color="0.5", ls=":", label=f"p_c = {p_c:.4f}")
    ax.set_yscale("log")
    ax.set_xlabel("committed share p")
    ax.set_ylabel("consensus time (units of N interactions)")
    ax.set_title("Xie et al. (2011): fast consensus above p_c", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax2.errorbar(
        above.n,
        above.mean_time,
        yerr=1.96 * above.se_time,
        fmt="o",
        label=f"p = {ABOVE} (above p_c)",
    )
    ns = np.geomspace(above.n.min(), above.n.max(), 50)
    ax2.plot(ns, log_fit.predict(np.log(ns)), "k-", lw=1, label="fit T = c + d ln N")
    ax2.plot(ns, np.exp(exp_fit_a.predict(ns)), "k:", lw=1, label="fit ln T = a + b N")
    ax2.set_xscale("log")
    ax2.set_xlabel("population N (log scale)")
    ax2.set_ylabel("mean consensus time")
    ax2.set_title("above p_c: grows like ln N", fontsize=10)
    ax2.legend(fontsize=7, frameon=False)
    ax3.errorbar(
        below.n,
        below.mean_time,
        yerr=1.96 * below.se_time,
        fmt="s",
        color="C1",
        label=f"p = {BELOW} (below p_c)",
    )
    nb = np.linspace(n_b.min(), n_b.max(), 50)
    ax3.plot(nb, np.exp(exp_fit.predict(nb)), "k-", lw=1, label="fit ln T = a + b N")
    ax3.plot(nb, log_fit_b.predict(np.log(nb)), "k:", lw=1, label="fit T = c + d ln N")
    ax3.set_yscale("log")
    ax3.set_xlabel("population N")
    ax3.set_ylabel("mean consensus time (log scale)")
    ax3.set_title("below p_c: grows exponentially with N", fontsize=10)
    ax3.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Xie et al. (2011), social consensus through committed minorities",
        figure_reproduced="consensus time against committed share and against N (complete graph)",
        setup=(
            "Binary-agreement naming game on the complete graph; a random speaker voices one of "
            "its names (at random if it holds both) to a random listener; agreement collapses "
            "both to the name, otherwise the listener adds it; committed agents never change. "
            "Time in units of N interactions; consensus = everyone holds only A. Fits are "
            "weighted by the standard errors of the mean times."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={
            "master_seed": master_seed,
            "per_point": "master_seed column",
            "metastable": master_seed + 300,
        },
        quick=quick,
    )
