"""Granovetter (1978), threshold models of collective behaviour: the riot example.

A crowd of 100 where everyone sees everyone; a person joins the riot once the number of
others rioting reaches their threshold. Thresholds 0, 1, ..., 99 give a riot of 100, one
person a step; moving the threshold-1 person to 2 gives a riot of one. Second, thresholds
drawn from a normal distribution with mean 25 (his normal-threshold example): the
equilibrium jumps from a handful to nearly everyone as the standard deviation passes
about 12.2. The mean-field value is solved exactly (:func:`simulator.classic.granovetter.critical_sd`);
the distribution of the jump over finite random crowds of 100 is reported separately, and
the engine is checked against Granovetter's equilibrium method on random crowds.

    clsim validate-classics --only granovetter1978 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import norm

from simulator.classic.granovetter import (
    finite_crowd_jumps,
    finite_crowd_riot,
    normal_equilibrium,
    normal_jump,
)
from simulator.classic.threshold import ThresholdContagion, granovetter_riot_size

from .core import Check, Validation, fmt

NAME = "granovetter1978"
CROWD = 100
MEAN = 25.0
PUBLISHED_SD = 12.2


def _quantile_crowd(sd: float) -> np.ndarray:
    """Thresholds of 100 people at the normal quantiles (the expected crowd), floored at 0."""
    return np.maximum(MEAN + sd * norm.ppf((np.arange(CROWD) + 0.5) / CROWD), 0.0)


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Reproduce the riot example and the normal-threshold jump."""
    uniform = np.arange(CROWD)
    modified = uniform.copy()
    modified[1] = 2
    ladder = ThresholdContagion(
        network="complete",
        n=CROWD,
        threshold=uniform,
        threshold_kind="absolute",
        n_seeds=0,
        collect=False,
        seed=master_seed,
    ).run(max_steps=CROWD + 1)
    riot_uniform = ladder.active_count
    one_a_step = ladder.adoption_step.tolist() == list(range(1, CROWD + 1))
    riot_modified = granovetter_riot_size(modified, seed=master_seed)

    sd_c, before, after = normal_jump(MEAN, CROWD)
    sds = np.round(np.arange(0.5, 20.01, 0.5 if quick else 0.05), 3)
    continuous = np.array([normal_equilibrium(sd, MEAN, CROWD) for sd in sds])
    engine_sds = np.round(np.arange(10.0, 15.001, 0.05 if quick else 0.01), 3)
    engine = np.array(
        [granovetter_riot_size(_quantile_crowd(sd), seed=master_seed) for sd in engine_sds]
    )
    jump_engine = float(engine_sds[np.argmax(engine >= CROWD / 2)])

    rng = np.random.default_rng(master_seed + 1978)
    crowds = 200 if quick else 1000
    jumps = finite_crowd_jumps(crowds, rng, MEAN, CROWD)
    q05, q50, q95 = (float(v) for v in np.nanpercentile(jumps, [5, 50, 95]))

    # the engine against Granovetter's equilibrium method, on random crowds
    pairs = 40 if quick else 300
    mismatches = 0
    for _ in range(pairs):
        sd = float(rng.uniform(5.0, 20.0))
        thresholds = np.maximum(MEAN + sd * rng.standard_normal(CROWD), 0.0)
        if granovetter_riot_size(thresholds, seed=master_seed) != finite_crowd_riot(thresholds):
            mismatches += 1

    data = pd.concat(
        [
            pd.DataFrame({"series": "continuous crowd", "sd": sds, "rioters": continuous}),
            pd.DataFrame({"series": "engine, quantile crowd", "sd": engine_sds, "rioters": engine}),
            pd.DataFrame({"series": "random crowd jump", "sd": jumps, "rioters": np.nan}),
        ],
        ignore_index=True,
    )
    checks = [
        Check(
            "riot size, thresholds 0..99",
            "100",
            str(riot_uniform),
            riot_uniform == 100,
            "equal",
            exact=True,
        ),
        Check(
            "thresholds 0..99: one more rioter each step",
            "the riot grows one person at a time (the chain of the example)",
            "the person with threshold k joins at step k + 1"
            if one_a_step
            else "not a chain: " + str(ladder.adoption_step[:10].tolist()),
            one_a_step,
            "equal, for all 100 people (synchronous updates)",
            exact=True,
        ),
        Check(
            "riot size, threshold-1 person moved to 2",
            "1",
            str(riot_modified),
            riot_modified == 1,
            "equal",
            exact=True,
        ),
        Check(
            "normal thresholds (mean 25): critical sd of the jump (mean field)",
            f"about {PUBLISHED_SD}",
            f"{sd_c:.2f} (rioters {before:.1f} just below, {after:.1f} just above)",
            abs(sd_c - PUBLISHED_SD) < 0.05,
            "solved to 1e-10 from the tangency condition; agrees when it rounds to the "
            "published 12.2 (within 0.05)",
            exact=True,
        ),
        Check(
            "engine vs Granovetter's equilibrium method, random crowds of 100",
            "identical riot sizes",
            f"{pairs - mismatches} of {pairs} identical",
            mismatches == 0,
            "exact equality for every crowd (normal thresholds, sd drawn in [5, 20])",
        ),
        Check(
            "finite crowds of 100: spread of the critical sd",
            f"mean field {sd_c:.2f} (a finite crowd is a sample of the distribution)",
            f"median {q50:.2f}, 90% of crowds in [{q05:.2f}, {q95:.2f}] ({crowds} random "
            f"crowds); quantile crowd, engine: {jump_engine:.2f}",
            q05 <= sd_c <= q95,
            "the mean-field value lies within the central 90% of random crowds",
        ),
    ]

    fig = Figure(figsize=(14, 4))
    ax, ax2, ax3 = fig.subplots(1, 3)
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
    ax2.plot(sds, continuous, "k-", lw=1, label="mean field (continuous crowd)")
    ax2.plot(
        engine_sds, engine, ".", ms=3, color="C0", label="engine, 100 agents at normal quantiles"
    )
    ax2.axvline(sd_c, color="0.4", ls=":", label=f"critical sd {sd_c:.2f}")
    ax2.set_xlabel("standard deviation of thresholds (mean 25)")
    ax2.set_ylabel("equilibrium number of rioters")
    ax2.set_title("normal thresholds: a small change in sd, a jump in the riot", fontsize=10)
    ax2.legend(fontsize=7, frameon=False)
    ax3.hist(jumps[np.isfinite(jumps)], bins=40, color="C0")
    ax3.axvline(sd_c, color="k", ls=":", label=f"mean field {sd_c:.2f}")
    ax3.set_xlabel("critical sd of one random crowd of 100")
    ax3.set_ylabel("crowds")
    ax3.set_title(f"finite crowds: median {q50:.2f}", fontsize=10)
    ax3.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Granovetter (1978), threshold models of collective behavior",
        figure_reproduced="the riot example (thresholds 0..99) and the normal-threshold example",
        setup=(
            "Complete graph of 100 people; absolute thresholds, rule: join when the number of "
            "others rioting >= threshold; no seeds (threshold-0 people start); synchronous "
            "updates to a fixed point. Mean field: smallest fixed point of r = 100 F(r). "
            f"Random crowds: thresholds 25 + sd Z, Z standard normal, sd on a {fmt(0.01)} grid."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "crowds": master_seed + 1978},
        quick=quick,
    )
