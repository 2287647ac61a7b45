"""Centola et al. (2018), tipping points in social convention: a committed minority.

The convention game with memory M = 12: agents paired at random each round, each
proposing the name with most successes in its memory; a committed minority always
proposes the new name. Mean-field tipping fraction for M = 12: about 0.24; in the
experiment's groups (about 24 people) minorities under 25% failed and minorities of
25% or more overturned the convention. We rerun groups of 25 (100 rounds) for committed
shares 4-40%, a population of 1,000 around the mean-field point, and the mean-field
tipping fraction against memory length.

    clsim validate-classics --only centola2018 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.classic.convention import convention_outcomes, tipping_fraction

from .core import Check, Validation, fmt
from .stats import wilson

NAME = "centola2018"
GROUP = 25
ROUNDS = 100
MEMORY = 12


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Flip rates against committed share, and the mean-field tipping fraction."""
    runs = 40 if quick else 200
    p_c = tipping_fraction(MEMORY)
    rows = []
    for committed in range(1, 11):
        flipped, final, _ = convention_outcomes(
            n=GROUP,
            committed=committed,
            memory=MEMORY,
            rounds=ROUNDS,
            runs=runs,
            master_seed=master_seed + committed,
        )
        rows.append(
            {
                "population": GROUP,
                "committed": committed,
                "committed_share": committed / GROUP,
                "runs": runs,
                "rounds": ROUNDS,
                "master_seed": master_seed + committed,
                "flip_rate": flipped.mean(),
                "mean_final_b_share": final.mean(),
            }
        )
    big = 1_000
    big_runs = 3 if quick else 10
    for share in [0.22, 0.26] if quick else [0.20, 0.22, 0.23, 0.24, 0.25, 0.26, 0.28]:
        committed = int(round(share * big))
        flipped, final, _ = convention_outcomes(
            n=big,
            committed=committed,
            memory=MEMORY,
            rounds=300,
            runs=big_runs,
            master_seed=master_seed + 100 + committed,
        )
        rows.append(
            {
                "population": big,
                "committed": committed,
                "committed_share": share,
                "runs": big_runs,
                "rounds": 300,
                "master_seed": master_seed + 100 + committed,
                "flip_rate": flipped.mean(),
                "mean_final_b_share": final.mean(),
            }
        )
    data = pd.DataFrame(rows)
    small = data[data.population == GROUP].set_index("committed")
    large = data[data.population == big]
    fail_large = large.loc[large.flip_rate < 0.5, "committed_share"]
    flip_large = large.loc[large.flip_rate >= 0.5, "committed_share"]
    last_fail = float(fail_large.max()) if len(fail_large) else np.nan
    first_flip = float(flip_large.min()) if len(flip_large) else np.nan
    memories = np.arange(4, 21)
    curve = [tipping_fraction(int(m)) for m in memories]

    k20, k28 = (
        int(round(small.loc[5, "flip_rate"] * runs)),
        int(round(small.loc[7, "flip_rate"] * runs)),
    )
    lo20, hi20 = wilson(k20, runs, 0.90)  # one-sided 95% bounds
    lo28, hi28 = wilson(k28, runs, 0.90)
    checks = [
        Check(
            "mean-field tipping fraction, M = 12",
            "about 0.24 (model); about 0.25 (experiment)",
            fmt(p_c, 3),
            abs(p_c - 0.24) <= 0.01,
            "within 0.01 of 0.24",
            exact=True,
        ),
        Check(
            "groups of 25: runs flipped with 20% committed",
            "minorities under 25% failed",
            f"{k20 / runs:.2f} [{lo20:.2f}, {hi20:.2f}] ({k20}/{runs})",
            hi20 < 0.5,
            f"one-sided 95% Wilson upper bound below 0.5, {runs} runs",
        ),
        Check(
            "groups of 25: runs flipped with 28% committed",
            "minorities of 25% or more succeeded",
            f"{k28 / runs:.2f} [{lo28:.2f}, {hi28:.2f}] ({k28}/{runs})",
            lo28 > 0.5,
            f"one-sided 95% Wilson lower bound above 0.5, {runs} runs",
        ),
        Check(
            "population of 1,000: last failing / first flipping share",
            "tipping near 0.24 (mean field)",
            f"{fmt(last_fail)} / {fmt(first_flip)}",
            bool(last_fail < p_c + 0.01 and first_flip > p_c - 0.01),
            f"brackets the mean-field value within 0.01 ({big_runs} runs a share; a share "
            "flips when most runs do)",
        ),
    ]

    fig = Figure(figsize=(11, 4))
    ax, ax2 = fig.subplots(1, 2)
    ax.plot(
        small.committed_share, small.flip_rate, "o-", label=f"groups of {GROUP}, {ROUNDS} rounds"
    )
    ax.plot(large.committed_share, large.flip_rate, "s--", label=f"population {big:,}, 300 rounds")
    ax.axvline(p_c, color="k", lw=0.8, ls=":", label=f"mean field {p_c:.3f}")
    ax.axvspan(0.25, 0.45, color="0.93", label="experiment: minorities that succeeded")
    ax.set_xlabel("committed share")
    ax.set_ylabel("share of runs in which the convention flipped")
    ax.set_title("Centola et al. (2018): tipping near 25% (memory 12)", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax2.plot(memories, curve, "o-")
    ax2.set_xlabel("memory length M")
    ax2.set_ylabel("mean-field tipping fraction")
    ax2.set_title("longer memory, larger critical mass", fontsize=10)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Centola et al. (2018), tipping points in social convention",
        figure_reproduced="the model's critical mass for memory 12 and the experiment's outcomes",
        setup=(
            "Centola, Becker, Brackbill & Baronchelli (2018). "
            f"Convention game, memory M = {MEMORY} (partners' names; propose the name with most "
            "successes, ties at random), random pairing each round, everyone starts remembering "
            f"only the old name; groups of {GROUP} for {ROUNDS} rounds, {runs} runs a point; a run "
            "flips when the uncommitted proposed the new name at least half the time over the "
            "last 5 rounds. Population of 1,000 for 300 rounds."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "per_point": "master_seed column"},
        quick=quick,
    )
