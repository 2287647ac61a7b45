"""Granovetter (1978), threshold models of collective behaviour: the riot example.

A crowd of 100 where everyone sees everyone; a person joins the riot once the number of
others rioting reaches their threshold. Thresholds 0, 1, ..., 99 give a riot of 100;
moving the threshold-1 person to 2 gives a riot of one. Second, thresholds drawn from a
normal distribution with mean 25 (his normal-threshold example): the equilibrium jumps from a handful to
nearly everyone as the standard deviation passes about 12.2.

    python -m experiments.validation.granovetter1978 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import norm  # noqa: E402

from experiments.validation._common import Check, Validation, fmt, main_for  # noqa: E402
from simulator.classic.threshold import granovetter_riot_size  # noqa: E402

NAME = "granovetter1978"
CROWD = 100
MEAN = 25.0


def _continuous_equilibrium(sd: float) -> float:
    """Smallest fixed point of ``r = N Phi((r - mean) / sd)`` (Granovetter's normal-threshold curve)."""
    r = 0.0
    for _ in range(100_000):
        nxt = CROWD * float(norm.cdf((r - MEAN) / sd))
        if abs(nxt - r) < 1e-10:
            break
        r = nxt
    return r


def _quantile_crowd(sd: float) -> np.ndarray:
    """Thresholds of 100 people at the normal quantiles (the expected crowd), floored at 0."""
    return np.maximum(MEAN + sd * norm.ppf((np.arange(CROWD) + 0.5) / CROWD), 0.0)


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Reproduce the riot example and the normal-threshold jump."""
    uniform = np.arange(CROWD)
    modified = uniform.copy()
    modified[1] = 2
    riot_uniform = granovetter_riot_size(uniform, seed=master_seed)
    riot_modified = granovetter_riot_size(modified, seed=master_seed)

    sds = np.round(np.arange(0.5, 20.01, 0.5 if quick else 0.05), 3)
    engine = np.array([granovetter_riot_size(_quantile_crowd(sd), seed=master_seed) for sd in sds])
    continuous = np.array([_continuous_equilibrium(sd) for sd in sds])
    jump_engine = float(sds[np.argmax(engine >= CROWD / 2)])
    jump_continuous = float(sds[np.argmax(continuous >= CROWD / 2)])
    data = pd.DataFrame({"sd": sds, "riot_engine": engine, "riot_continuous": continuous})

    checks = [
        Check(
            "riot size, thresholds 0..99", "100", str(riot_uniform), riot_uniform == 100, "equal"
        ),
        Check(
            "riot size, threshold-1 person moved to 2",
            "1",
            str(riot_modified),
            riot_modified == 1,
            "equal",
        ),
        Check(
            "normal thresholds (mean 25): sd at which the riot jumps to nearly all",
            "about 12.2",
            f"{fmt(jump_continuous)} continuous crowd; {fmt(jump_engine)} engine, "
            "100 people at normal quantiles",
            abs(jump_continuous - 12.2) <= 0.5
            and abs(jump_engine - 12.2) <= (1.0 if quick else 0.5),
            "within 0.5 (quick grid: 1.0)",
        ),
    ]

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    r = np.arange(CROWD + 1)
    for thresholds, label in (
        (uniform, "thresholds 0, 1, ..., 99"),
        (modified, "threshold-1 person moved to 2"),
    ):
        cumulative = np.array([(thresholds <= k).sum() for k in r])
        ax.step(r, cumulative, where="post", label=label)
    ax.plot(r, r, "k--", lw=0.8, label="rioters = threshold")
    ax.set_xlabel("number already rioting")
    ax.set_ylabel("people whose threshold is met")
    ax.set_title(f"Granovetter (1978): equilibria {riot_uniform} and {riot_modified}", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 12)
    ax2.plot(sds, continuous, "k-", lw=1, label="continuous crowd (fixed point)")
    ax2.plot(sds, engine, ".", ms=3, color="C0", label="engine, 100 agents")
    ax2.axvline(12.2, color="0.6", ls=":", label="Granovetter: 12.2")
    ax2.set_xlabel("standard deviation of thresholds (mean 25)")
    ax2.set_ylabel("equilibrium number of rioters")
    ax2.set_title("normal thresholds: a small change in sd, a jump in the riot", fontsize=10)
    ax2.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Granovetter (1978), threshold models of collective behavior",
        figure_reproduced="the riot example (thresholds 0..99) and the normal-threshold example",
        setup=(
            "Complete graph of 100 people; absolute thresholds, rule: join when the number of "
            "others rioting >= threshold; no seeds (threshold-0 people start); synchronous "
            "updates to a fixed point."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "note": "deterministic"},
        quick=quick,
    )


if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
