"""Watts (2002), Fig. 1: the cascade window of the threshold model on random graphs.

Erdos-Renyi graphs of N = 10,000 nodes, uniform fractional threshold phi = 0.18, one
random seed per run (a new graph each run); a cascade is global when it reaches 10% of
the nodes. The published figure was not available to us as numbers, so the reference at
each z is Watts' own analytic curve: the generating-function solution (N -> infinity) for
the frequency of global cascades, the size of the extended vulnerable cluster
(:func:`simulator.classic.watts.cascade_probability`). Each z gets a two-sided exact
binomial test against it.

Near the upper edge of the window (within 0.5 of z = 5.7647) that solution does not hold
at N = 10,000: Watts' simulations, like ours, show global cascades beyond the analytic edge
(Whitney, "Exploring Watts' cascade boundary": the experimental upper boundary is
displaced upward). There, z = 5.8 and 6.0 are compared with an independent finite-N
reference, NDlib's ThresholdModel on networkx graphs (1,000 runs each, made by
``experiments/validation/watts_edge_ndlib.py``, stored in ``data/``), and the excess is
shown to shrink as N grows.

Two more checks use the same generating functions: phi = 0.25 (a threshold of exactly
1/k for k = 4, where ``share >= phi`` and ``share > phi`` differ) and exponential degrees
(a non-Poisson distribution, on configuration-model graphs).

    clsim validate-classics --only watts2002 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import csv
from importlib.resources import files

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.classic.watts import (
    GLOBAL_CASCADE_SHARE,
    cascade_probability,
    cascade_sizes,
    cascade_window,
)

from .core import Check, Validation, fmt
from .stats import (
    binomial_comparison,
    detectable_difference,
    detectable_gap,
    fisher_comparison,
    upper_bound,
    wilson,
)

NAME = "watts2002"
PHI = 0.18
N = 10_000
ALPHA = 0.05
EDGE_BAND = 0.5  # |z - analytic upper edge| within which the N -> infinity curve does not hold
EDGE_ZS = (5.8, 6.0)
SIZES = (2_500, 40_000)  # the finite-size trend at the edge
PHI_EXACT = 0.25
Z_EXACT = 2.0
EXPONENTIAL_ZS = (1.0, 1.5, 2.0)
OUTSIDE_LIMIT = 0.02  # finite N leaves rare global cascades just outside the window


def edge_reference() -> dict[float, dict[str, object]]:
    """NDlib's global-cascade counts at the upper edge (package data, with its provenance)."""
    text = files("simulator.validation").joinpath("data/watts2002_edge_ndlib.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    return {float(r["z"]): r for r in rows}


def _p_global(
    z: float, runs: int, seed: int, n: int = N, phi: float = PHI, degrees: str = "poisson"
) -> tuple[int, np.ndarray]:
    sizes, _ = cascade_sizes(z, n=n, phi=phi, runs=runs, master_seed=seed, degrees=degrees)
    return int((sizes >= GLOBAL_CASCADE_SHARE).sum()), sizes


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Sweep z, count global cascades, compare with Watts (2002) Fig. 1."""
    if quick:
        zs = [0.5, 1.5, 3.0, 5.0, 5.8, 6.0, 7.0]
        runs, big_runs = 100, 40
    else:
        zs = sorted({5.8, *np.round(np.arange(0.5, 7.01, 0.25), 2).tolist()})
        runs, big_runs = 1000, 500
    z_lo, z_hi = cascade_window(PHI)
    rows = []
    all_sizes: dict[float, np.ndarray] = {}
    for i, z in enumerate(zs):
        k, sizes = _p_global(z, runs, master_seed + i)
        all_sizes[z] = sizes
        lo, hi = wilson(k, runs)
        theory = cascade_probability(z, PHI)
        band = abs(z - z_hi) <= EDGE_BAND
        rows.append(
            {
                "series": "poisson",
                "z": z,
                "n": N,
                "phi": PHI,
                "runs": runs,
                "master_seed": master_seed + i,
                "global": k,
                "p_global": k / runs,
                "p_low": lo,
                "p_high": hi,
                "mean_global_size": float(sizes[sizes >= GLOBAL_CASCADE_SHARE].mean())
                if k
                else np.nan,
                "share_intermediate": float(np.mean((sizes > 0.01) & (sizes < 0.9))),
                "p_theory": theory,
                "region": "edge band" if band else ("window" if theory > 0 else "outside"),
            }
        )
    data = pd.DataFrame(rows)

    # -- every z in the window, away from the upper edge: two-sided test against theory
    window = data[data.region == "window"]
    m = len(window)
    alpha_point = ALPHA / m
    tests = [
        binomial_comparison(int(r.global_), runs, float(r.p_theory), alpha_point)
        for r in window.rename(columns={"global": "global_"}).itertuples()
    ]
    gaps = np.abs(window.p_global.to_numpy() - window.p_theory.to_numpy())
    worst = int(np.argmax(gaps))
    passed = sum(t.agrees for t in tests)
    gap80 = max(detectable_gap(runs, float(p), alpha_point) for p in window.p_theory)
    outside = data[data.region == "outside"]
    outside_hits = int(outside["global"].sum())
    outside_runs = len(outside) * runs
    outside_bound = upper_bound(outside_hits, outside_runs)
    hit_at = ", ".join(f"{z:g}" for z in outside.z[outside["global"] > 0])

    # -- the upper edge: against NDlib at N = 10,000, and the trend with N
    reference = edge_reference()
    edge_checks = []
    for z in EDGE_ZS:
        row = data[data.z == z].iloc[0]
        ref = reference[z]
        k_ref, n_ref = int(ref["global_cascades"]), int(ref["runs"])
        lo_ref, hi_ref = wilson(k_ref, n_ref)
        pvalue = fisher_comparison(int(row["global"]), runs, k_ref, n_ref)
        detect = detectable_difference(runs, n_ref, k_ref / n_ref, ALPHA)
        edge_checks.append(
            Check(
                f"P(global cascade) at the upper edge, z = {z}",
                f"N -> infinity theory: 0 (edge {z_hi:.4f}); NDlib, N = {N:,}: "
                f"{k_ref / n_ref:.3f} [{lo_ref:.3f}, {hi_ref:.3f}] ({k_ref}/{n_ref})",
                f"{row.p_global:.3f} [{row.p_low:.3f}, {row.p_high:.3f}] "
                f"({int(row['global'])}/{runs}); Fisher p = {pvalue:.2f}",
                pvalue >= ALPHA,
                f"two-sided Fisher exact test vs NDlib, level {ALPHA}; detects a difference "
                f"of {detect:.3f} with 80% power",
            )
        )
    finite = []
    for j, z in enumerate(EDGE_ZS):
        for n_nodes, n_runs in zip(SIZES, (runs, big_runs), strict=True):
            seed = master_seed + 500 + 10 * j + (0 if n_nodes == SIZES[0] else 1)
            k, _ = _p_global(z, n_runs, seed, n=n_nodes)
            lo, hi = wilson(k, n_runs)
            finite.append(
                {
                    "series": "finite size",
                    "z": z,
                    "n": n_nodes,
                    "phi": PHI,
                    "runs": n_runs,
                    "master_seed": seed,
                    "global": k,
                    "p_global": k / n_runs,
                    "p_low": lo,
                    "p_high": hi,
                    "p_theory": 0.0,
                }
            )
    finite_df = pd.DataFrame(finite)
    trend_p = []
    for z in EDGE_ZS:
        small = finite_df[(finite_df.z == z) & (finite_df.n == SIZES[0])].iloc[0]
        large = finite_df[(finite_df.z == z) & (finite_df.n == SIZES[1])].iloc[0]
        trend_p.append(
            (
                z,
                small,
                large,
                fisher_comparison(
                    int(small["global"]),
                    int(small.runs),
                    int(large["global"]),
                    int(large.runs),
                    "greater",
                ),
            )
        )

    # -- phi = 1/4 exactly: ">=" and ">" differ for degree-4 nodes
    k_exact, _ = _p_global(Z_EXACT, runs, master_seed + 700, phi=PHI_EXACT)
    theory_exact = cascade_probability(Z_EXACT, PHI_EXACT)
    exact_test = binomial_comparison(k_exact, runs, theory_exact, ALPHA)

    # -- exponential degrees: a non-Poisson distribution on configuration-model graphs
    e_lo, e_hi = cascade_window(PHI, degrees="exponential")
    exp_rows = []
    for j, z in enumerate(EXPONENTIAL_ZS):
        k, _ = _p_global(z, runs, master_seed + 800 + j, degrees="exponential")
        theory = cascade_probability(z, PHI, degrees="exponential")
        lo, hi = wilson(k, runs)
        exp_rows.append(
            {
                "series": "exponential",
                "z": z,
                "n": N,
                "phi": PHI,
                "runs": runs,
                "master_seed": master_seed + 800 + j,
                "global": k,
                "p_global": k / runs,
                "p_low": lo,
                "p_high": hi,
                "p_theory": theory,
            }
        )
    exp_df = pd.DataFrame(exp_rows)
    exp_tests = [
        binomial_comparison(int(r["global"]), runs, float(r.p_theory), ALPHA / len(exp_df))
        for _, r in exp_df.iterrows()
    ]
    data = pd.concat(
        [
            data,
            finite_df,
            exp_df,
            pd.DataFrame(
                [
                    {
                        "series": "phi = 0.25",
                        "z": Z_EXACT,
                        "n": N,
                        "phi": PHI_EXACT,
                        "runs": runs,
                        "master_seed": master_seed + 700,
                        "global": k_exact,
                        "p_global": k_exact / runs,
                        "p_low": exact_test.low,
                        "p_high": exact_test.high,
                        "p_theory": theory_exact,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    upper = data[(data.series == "poisson") & (data.z >= 5.0)]
    intermediate = float(upper["share_intermediate"].max())

    checks = [
        Check(
            "analytic cascade window (Poisson degrees, phi = 0.18)",
            "1.0207 < z < 5.7647 (generating functions, Watts 2002 eq. 6)",
            f"{z_lo:.4f} < z < {z_hi:.4f}",
            (round(z_lo, 4), round(z_hi, 4)) == (1.0207, 5.7647),
            "equal to four decimals",
            exact=True,
        ),
        Check(
            "P(global cascade) at every z in the window, away from the upper edge",
            "the generating-function curve (Watts 2002, the analytic solution of Fig. 1a)",
            f"{passed} of {m} z agree ({', '.join(f'{z:g}' for z in window.z)}); largest gap {gaps[worst]:.3f} at z = {window.z.iloc[worst]} "
            f"({tests[worst].ours()} vs {window.p_theory.iloc[worst]:.3f})",
            passed == m,
            f"two-sided exact binomial test at each z, family-wise level {ALPHA} (Bonferroni, "
            f"{alpha_point:.4f} each), {runs} runs a point; detects a gap of {gap80:.3f} with "
            "80% power at every point",
        ),
        Check(
            "P(global cascade) outside the window, away from the upper edge",
            "0 (no vulnerable percolation)",
            f"{outside_hits} global cascade{'' if outside_hits == 1 else 's'} in {outside_runs} "
            f"runs (z = {', '.join(f'{z:g}' for z in outside.z)}"
            + (f"; at z = {hit_at}" if outside_hits else "")
            + f"); one-sided 95% upper bound {outside_bound:.4f}",
            outside_bound < OUTSIDE_LIMIT,
            f"pooled over these z: exact one-sided 95% upper bound below {OUTSIDE_LIMIT} "
            f"(a frequency of {OUTSIDE_LIMIT} or more fails with probability >= 95%)",
        ),
        *edge_checks,
        Check(
            "upper-edge excess shrinks with N (z = 5.8 / 6.0)",
            "a finite-size effect: the N -> infinity value is 0",
            "; ".join(
                f"z = {z}: N = {int(s.n):,} {s.p_global:.3f} ({int(s['global'])}/{int(s.runs)}) > "
                f"N = {int(lg.n):,} {lg.p_global:.3f} ({int(lg['global'])}/{int(lg.runs)}), p = {p:.1g}"
                for z, s, lg, p in trend_p
            ),
            all(p < ALPHA for z, *_, p in trend_p if not quick or z == EDGE_ZS[-1]),
            f"one-sided Fisher exact test at each z, level {ALPHA}"
            + (f" (quick run: z = {EDGE_ZS[-1]} only; too few runs at z = 5.8)" if quick else ""),
        ),
        Check(
            f"phi = 1/4 exactly (share >= phi at degree 4): P(global) at z = {Z_EXACT}",
            f"generating functions: {theory_exact:.3f} (0 if the rule were share > phi)",
            exact_test.ours(),
            exact_test.agrees,
            f"two-sided exact binomial test, level {ALPHA}; detects a gap of "
            f"{detectable_gap(runs, theory_exact, ALPHA):.3f} with 80% power",
        ),
        Check(
            "analytic cascade window, exponential degrees p_k = (1 - r) r^k",
            "the generating-function condition for a non-Poisson distribution",
            f"{e_lo:.4f} < z < {e_hi:.4f}",
            bool(np.isfinite(e_lo) and np.isfinite(e_hi) and e_lo < e_hi),
            "a finite window (shown for comparison with the simulation below)",
            exact=True,
        ),
        Check(
            "exponential degrees: P(global) at z = " + " / ".join(f"{z:g}" for z in EXPONENTIAL_ZS),
            "generating functions: " + " / ".join(f"{p:.3f}" for p in exp_df.p_theory),
            " / ".join(t.ours() for t in exp_tests),
            all(t.agrees for t in exp_tests),
            f"two-sided exact binomial tests, family-wise level {ALPHA} (Bonferroni over "
            f"{len(exp_tests)}), {runs} runs each on erased configuration-model graphs, "
            f"N = {N:,}; detects a gap of "
            f"{max(detectable_gap(runs, float(p), ALPHA / len(exp_tests)) for p in exp_df.p_theory):.3f}"
            " with 80% power",
        ),
        Check(
            "cascade sizes for z >= 5 (bimodal)",
            "either tiny or nearly all of N",
            f"largest share of runs between 1% and 90% of N: {fmt(intermediate, 3)}",
            intermediate < 0.05,
            "below 0.05 at every z",
        ),
    ]
    figure = _figure(data, zs, all_sizes, reference, runs, z_lo, z_hi, e_lo, e_hi)
    return Validation(
        name=NAME,
        paper="Watts (2002), global cascades on random networks",
        figure_reproduced="Fig. 1a (frequency of global cascades against z, phi = 0.18)",
        setup=(
            f"Erdos-Renyi G(N, z/(N-1)), N = {N:,}, phi = {PHI}, rule share >= phi, one random "
            f"seed, synchronous updates to a fixed point, {runs} runs (new graph each) per z; "
            f"global = at least {GLOBAL_CASCADE_SHARE:.0%} of N. Reference: the generating-"
            "function solution; at the upper edge, NDlib's ThresholdModel (N = 10,000, 1,000 "
            "runs a point, independent code and graphs)."
        ),
        checks=checks,
        figure=figure,
        data=data,
        seeds={
            "master_seed": master_seed,
            "per_z": "master_seed + index of z",
            "finite_size": "master_seed + 500 + ...",
            "phi_025": master_seed + 700,
            "exponential": "master_seed + 800 + index",
        },
        quick=quick,
    )


def _figure(data, zs, all_sizes, reference, runs, z_lo, z_hi, e_lo, e_hi) -> Figure:
    fig = Figure(figsize=(12, 8))
    (ax, ax2), (ax3, ax4) = fig.subplots(2, 2)
    poisson = data[data.series == "poisson"]
    zt = np.linspace(0.3, 7.2, 300)
    ax.axvspan(z_lo, z_hi, color="0.93", label=f"analytic window ({z_lo:.2f}, {z_hi:.2f})")
    ax.axvspan(z_hi - EDGE_BAND, z_hi + EDGE_BAND, color="C1", alpha=0.08, label="upper-edge band")
    ax.plot(zt, [cascade_probability(z, PHI) for z in zt], "k-", lw=1, label="generating functions")
    ax.errorbar(
        poisson.z,
        poisson.p_global,
        yerr=[poisson.p_global - poisson.p_low, poisson.p_high - poisson.p_global],
        fmt="o",
        ms=3,
        color="C0",
        label=f"clsim, {runs} runs a point (95% Wilson)",
    )
    for z, ref in reference.items():
        k, n = int(ref["global_cascades"]), int(ref["runs"])
        lo, hi = wilson(k, n)
        ax.errorbar(
            [z + 0.04], [k / n], yerr=[[k / n - lo], [hi - k / n]], fmt="s", ms=3, color="C3"
        )
    ax.plot([], [], "s", color="C3", ms=3, label="NDlib, 1,000 runs")
    ax.plot(
        poisson.z,
        poisson.mean_global_size,
        "^",
        mfc="none",
        color="C2",
        ms=4,
        label="mean global size",
    )
    ax.set_xlabel("mean degree z")
    ax.set_ylabel("frequency of global cascades / mean size (share of N)")
    ax.set_title(f"Watts (2002) Fig. 1a: N = {N:,}, phi = {PHI}", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="center right")
    finite = data[data.series == "finite size"]
    for z, style in zip(EDGE_ZS, ("o-", "s-"), strict=True):
        sel = pd.concat([finite[finite.z == z], poisson[poisson.z == z]]).sort_values("n")
        ax2.errorbar(
            sel.n,
            sel.p_global,
            yerr=[sel.p_global - sel.p_low, sel.p_high - sel.p_global],
            fmt=style,
            ms=4,
            label=f"z = {z}",
        )
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_xscale("log")
    ax2.set_xlabel("network size N")
    ax2.set_ylabel("frequency of global cascades")
    ax2.set_title("beyond the analytic edge: a finite-size excess that shrinks with N", fontsize=10)
    ax2.legend(fontsize=7, frameon=False)
    expo = data[data.series == "exponential"]
    ze = np.linspace(0.3, 3.5, 200)
    ax3.axvspan(e_lo, e_hi, color="0.93", label=f"analytic window ({e_lo:.2f}, {e_hi:.2f})")
    ax3.plot(
        ze,
        [cascade_probability(z, PHI, "exponential") for z in ze],
        "k-",
        lw=1,
        label="generating functions",
    )
    ax3.errorbar(
        expo.z,
        expo.p_global,
        yerr=[expo.p_global - expo.p_low, expo.p_high - expo.p_global],
        fmt="o",
        ms=4,
        color="C0",
        label="clsim, configuration model",
    )
    ax3.set_xlabel("mean degree z")
    ax3.set_ylabel("frequency of global cascades")
    ax3.set_title("exponential degrees, phi = 0.18", fontsize=10)
    ax3.legend(fontsize=7, frameon=False)
    edge = max(
        (z for z in zs if z >= 5.0),
        key=lambda z: (
            float(np.mean(all_sizes[z] >= 0.1)) * (1 - float(np.mean(all_sizes[z] >= 0.1)))
        ),
        default=zs[-1],
    )
    ax4.hist(all_sizes[edge], bins=np.linspace(0, 1, 41), color="C0")
    ax4.set_yscale("log")
    ax4.set_ylim(bottom=0.8)
    ax4.set_xlabel("final cascade size (share of N)")
    ax4.set_ylabel("runs")
    ax4.set_title(f"sizes near the upper edge (z = {edge}): bimodal", fontsize=10)
    fig.tight_layout()
    return fig
