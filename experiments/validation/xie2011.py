"""Xie et al. (2011), social consensus through the influence of committed minorities.

The binary-agreement naming game on a complete graph: everyone holds B except a
committed share p holding A for good. Above the critical share (mean field 0.0979) the
population reaches consensus on A quickly, in a time growing like ln N; below it the
mixed state is metastable and consensus takes a time exponential in N. We rerun
N = 1,000 over p, the consensus time against N above p_c, and against N below it.

    python -m experiments.validation.xie2011 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.validation._common import Check, Validation, fmt, main_for  # noqa: E402
from simulator.classic.naming_game import (  # noqa: E402
    consensus_times,
    mean_field_consensus_time,
    mean_field_critical_fraction,
)

NAME = "xie2011"
N = 1_000
MAX_TIME = 500.0


def _row(series: str, n: int, p: float, runs: int, seed: int, max_time: float) -> dict:
    times, _ = consensus_times(
        n=n, committed_share=p, runs=runs, max_time=max_time, master_seed=seed
    )
    reached = np.isfinite(times)
    return {
        "series": series,
        "n": n,
        "committed_share": p,
        "runs": runs,
        "max_time": max_time,
        "master_seed": seed,
        "share_reached": reached.mean(),
        "mean_time": times[reached].mean() if reached.any() else np.nan,
        "median_time": np.median(times[reached]) if reached.any() else np.nan,
        "max_observed": times[reached].max() if reached.any() else np.nan,
    }


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Consensus times against committed share and against population size."""
    p_c = mean_field_critical_fraction()
    rows = []
    shares = [0.08, 0.12] if quick else [0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12, 0.14, 0.16]
    runs = 3 if quick else 10
    for i, p in enumerate(shares):
        rows.append(_row("share", N, p, runs if p < 0.1 else 2 * runs, master_seed + i, MAX_TIME))
    sizes_above = [100, 1000] if quick else [100, 300, 1_000, 3_000, 10_000]
    for i, n in enumerate(sizes_above):
        rows.append(_row("size, p = 0.12", n, 0.12, runs, master_seed + 100 + i, MAX_TIME))
    sizes_below = [25, 125] if quick else [25, 50, 75, 100, 125, 150]
    for i, n in enumerate(sizes_below):
        rows.append(_row("size, p = 0.08", n, 0.08, 2 * runs, master_seed + 200 + i, 50_000.0))
    data = pd.DataFrame(rows)
    data["mean_field_time"] = [
        mean_field_consensus_time(p, n, horizon=2_000.0) if p > p_c else np.inf
        for p, n in zip(data.committed_share, data.n, strict=True)
    ]
    by_share = data[data.series == "share"].set_index("committed_share")
    above = data[data.series == "size, p = 0.12"]
    below = data[data.series == "size, p = 0.08"]
    t12 = float(by_share.loc[0.12, "median_time"])
    growth_above = float(above.mean_time.iloc[-1] / above.mean_time.iloc[0])
    growth_below = float(below.mean_time.iloc[-1] / below.mean_time.iloc[0])
    slope = float(np.polyfit(np.log(above.n), above.mean_time, 1)[0])

    checks = [
        Check(
            "critical committed share (mean field)",
            "0.0979",
            fmt(p_c, 4),
            abs(p_c - 0.0979) < 5e-4,
            "within 0.0005",
        ),
        Check(
            f"p = 0.08, N = {N:,}: runs reaching consensus within {MAX_TIME:.0f}",
            "none (below p_c: exponentially long)",
            fmt(by_share.loc[0.08, "share_reached"]),
            by_share.loc[0.08, "share_reached"] == 0.0,
            "0",
        ),
        Check(
            f"p = 0.12, N = {N:,}: median consensus time",
            f"fast; mean field {fmt(float(by_share.loc[0.12, 'mean_field_time']), 1)}",
            fmt(t12, 1),
            by_share.loc[0.12, "share_reached"] == 1.0 and 30.0 <= t12 <= 55.0,
            "all runs; 30-55",
        ),
        Check(
            "p = 0.12: growth of consensus time with N",
            "like ln N",
            f"x{fmt(growth_above)} from N = {above.n.iloc[0]:,} to {above.n.iloc[-1]:,}; "
            f"{fmt(slope, 2)} per unit of ln N",
            growth_above < 1.5 and slope > 0,
            "slow, increasing",
        ),
        Check(
            "p = 0.08: growth of consensus time with N",
            "exponential in N",
            f"x{fmt(growth_below, 1)} from N = {below.n.iloc[0]} to {below.n.iloc[-1]}",
            growth_below > 3.0,
            "> x3",
        ),
    ]

    fig, (ax, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4))
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
    ax2.plot(above.n, above.mean_time, "o-", label="p = 0.12 (above p_c)")
    ax2.set_xscale("log")
    ax2.set_ylim(0, 1.5 * float(above.mean_time.max()))
    ax2.set_xlabel("population N (log scale)")
    ax2.set_ylabel("mean consensus time")
    ax2.set_title("above p_c: grows like ln N", fontsize=10)
    ax2.legend(fontsize=7, frameon=False)
    ax3.plot(below.n, below.mean_time, "s-", color="C1", label="p = 0.08 (below p_c)")
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
            "Time in units of N interactions; consensus = everyone holds only A."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "per_point": "master_seed column"},
        quick=quick,
    )


if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
