"""Watts (2002), Fig. 1a: the cascade window of the threshold model on random graphs.

Erdos-Renyi graphs of N = 10,000 nodes, uniform fractional threshold phi = 0.18, one
random seed per run (a new graph each run); a cascade is global when it reaches 10% of
the nodes. We sweep the mean degree z and compare the frequency of global cascades with
the analytic window (1.02, 5.76) and with the generating-function prediction of the
extended vulnerable cluster.

    python -m experiments.validation.watts2002 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.validation._common import (  # noqa: E402
    Check,
    Validation,
    fmt,
    main_for,
)
from simulator.analysis.tipping import wilson_interval  # noqa: E402
from simulator.classic.watts import (  # noqa: E402
    GLOBAL_CASCADE_SHARE,
    cascade_probability,
    cascade_sizes,
    cascade_window,
)

NAME = "watts2002"
PHI = 0.18
N = 10_000


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Sweep z, count global cascades, compare with Watts (2002) Fig. 1a."""
    if quick:
        zs = [0.8, 1.5, 3.0, 5.0, 6.5]
        runs = 100
    else:
        zs = sorted({0.8, *np.round(np.arange(0.5, 7.01, 0.25), 2).tolist()})
        runs = 500
    rows = []
    all_sizes: dict[float, np.ndarray] = {}
    for i, z in enumerate(zs):
        sizes, _ = cascade_sizes(z, n=N, phi=PHI, runs=runs, master_seed=master_seed + i)
        all_sizes[z] = sizes
        hits = sizes >= GLOBAL_CASCADE_SHARE
        lo, hi = (float(v) for v in wilson_interval(int(hits.sum()), runs))
        rows.append(
            {
                "z": z,
                "runs": runs,
                "master_seed": master_seed + i,
                "p_global": hits.mean(),
                "p_low": lo,
                "p_high": hi,
                "mean_global_size": sizes[hits].mean() if hits.any() else np.nan,
                "share_intermediate": float(np.mean((sizes > 0.01) & (sizes < 0.9))),
                "p_theory": cascade_probability(z, PHI),
            }
        )
    data = pd.DataFrame(rows)
    z_lo, z_hi = cascade_window(PHI)
    p = dict(zip(data["z"], data["p_global"], strict=True))
    frequent = data.loc[data["p_global"] >= 0.05, "z"]
    sim_lo = float(frequent.min()) if len(frequent) else np.nan
    sim_hi = float(frequent.max()) if len(frequent) else np.nan
    inner = data[(data["z"] >= 1.5) & (data["z"] <= 5.0)]
    worst = float((inner["p_global"] - inner["p_theory"]).abs().max())
    upper = data[data["z"] >= 5.0]
    intermediate = float(upper["share_intermediate"].max())
    checks = [
        Check(
            "analytic window, lower edge z",
            "1.02",
            fmt(z_lo),
            round(z_lo, 2) == 1.02,
            "equal to two decimals",
        ),
        Check(
            "analytic window, upper edge z",
            "5.76",
            fmt(z_hi),
            round(z_hi, 2) == 5.76,
            "equal to two decimals",
        ),
        Check(
            "simulated window (P(global) >= 0.05)",
            "about 1 < z < 6",
            f"{fmt(sim_lo)} <= z <= {fmt(sim_hi)}",
            (quick or 1.0 <= sim_lo <= 1.3) and 5.0 <= sim_hi <= 6.5,
            "edges within 0.3 of 1 and 6",
        ),
        Check(
            "P(global cascade) at z = 1.5 / 3 / 5",
            "well above 0 inside the window (Fig. 1a)",
            " / ".join(fmt(p[z]) for z in (1.5, 3.0, 5.0)),
            all(p[z] > (0.35 if quick else 0.5) for z in (1.5, 3.0, 5.0)),
            "> 0.5 (quick: > 0.35)",
        ),
        Check(
            "P(global cascade) at z = 0.8 / 6.5",
            "0 outside the window",
            " / ".join(fmt(p[z], 3) for z in (0.8, 6.5)),
            all(p[z] < 0.05 for z in (0.8, 6.5)),
            "< 0.05",
        ),
        Check(
            "simulation vs extended-vulnerable-cluster theory, 1.5 <= z <= 5",
            "the analytic curve (Watts' generating functions)",
            f"largest gap {fmt(worst, 3)}",
            worst <= (0.15 if quick else 0.06),
            "gap <= 0.06 (0.15 quick)",
        ),
        Check(
            "cascade sizes for z >= 5 (bimodal)",
            "either tiny or nearly all of N",
            f"share of runs between 1% and 90%: {fmt(intermediate, 3)}",
            intermediate < 0.05,
            "< 0.05",
        ),
    ]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    zt = np.linspace(0.3, 7.2, 300)
    ax.axvspan(z_lo, z_hi, color="0.92", label=f"analytic window ({z_lo:.2f}, {z_hi:.2f})")
    ax.plot(zt, [cascade_probability(z, PHI) for z in zt], "k-", lw=1, label="theory: P(global)")
    ax.errorbar(
        data["z"],
        data["p_global"],
        yerr=[data["p_global"] - data["p_low"], data["p_high"] - data["p_global"]],
        fmt="o",
        ms=4,
        color="C0",
        label=f"simulated P(global), {runs} runs",
    )
    ax.plot(
        data["z"], data["mean_global_size"], "^", mfc="none", color="C3", label="mean global size"
    )
    ax.set_xlabel("mean degree z")
    ax.set_ylabel("probability / share of N")
    ax.set_title(f"Watts (2002) Fig. 1a: N = {N:,}, phi = {PHI}", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="lower center")
    edge = max((z for z in zs if z >= 5.0), key=lambda z: p[z] * (1 - p[z]), default=zs[-1])
    ax2.hist(all_sizes[edge], bins=np.linspace(0, 1, 41), color="C0")
    ax2.set_yscale("log")
    ax2.set_ylim(bottom=0.8)
    ax2.set_xlabel("final cascade size (share of N)")
    ax2.set_ylabel("runs")
    ax2.set_title(f"sizes near the upper edge (z = {edge}): bimodal", fontsize=10)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Watts (2002), global cascades on random networks",
        figure_reproduced="Fig. 1a (cascade window, phi = 0.18)",
        setup=(
            f"Erdos-Renyi G(N, z/(N-1)), N = {N:,}, phi = {PHI}, rule share >= phi, one random "
            f"seed, synchronous updates to a fixed point, {runs} runs (new graph each) per z; "
            f"global = at least {GLOBAL_CASCADE_SHARE:.0%} of N."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "per_z": "master_seed + index of z"},
        quick=quick,
    )


if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
