"""Centola & Macy (2007), complex contagions and the weakness of long ties.

A ring lattice of N = 1,000 nodes of degree 4; one random node and its neighbours adopt
first; a node adopts once ``a`` neighbours have. Ties are rewired by degree-preserving
swaps. Simple contagion (a = 1) always spreads, faster with more long ties; complex
contagion (a = 2) spreads fully on the lattice and stops with about 1% rewiring.
A 2-D lattice (Moore neighbourhood, 32 x 32) is shown beside it. Finally Eckles et al.
(2024): with a little below-threshold adoption noise (order 1/sqrt(N)), long ties speed
complex contagion up instead.

    python -m experiments.validation.centola_macy2007 [--out DIR] [--quick] [--seed S]
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
from simulator.classic import spawn_seeds  # noqa: E402
from simulator.classic.complex_contagion import ComplexContagion  # noqa: E402

NAME = "centola_macy2007"
N = 1_000
NOISE = round(1 / np.sqrt(N), 3)  # Eckles et al.: noise of order N^(-1/a) for a = 2


def _runs(seed_root: int, runs: int, **params: object) -> list[ComplexContagion]:
    return [
        ComplexContagion(collect=False, seed=s, **params).run(max_steps=20_000)
        for s in spawn_seeds(seed_root, runs)
    ]


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Adoption and speed against rewiring, for simple and complex contagion."""
    runs = 10 if quick else 50
    rewirings = [0.0, 0.01, 0.1] if quick else [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
    rows = []
    for lattice, n, thresholds in (("ring", N, (1, 2)), ("grid", 1024, (2, 3))):
        for a in thresholds:
            for j, p in enumerate(rewirings):
                root = master_seed + 1000 * a + j + (0 if lattice == "ring" else 500)
                models = _runs(root, runs, lattice=lattice, n=n, k=4, threshold=a, rewiring=p)
                shares = np.array([m.active_share for m in models])
                times = np.array([m.time_to_share(1.0) for m in models])
                rows.append(
                    {
                        "lattice": lattice,
                        "threshold": a,
                        "rewiring": p,
                        "noise": 0.0,
                        "runs": runs,
                        "seed_root": root,
                        "mean_adoption": shares.mean(),
                        "min_adoption": shares.min(),
                        "mean_time_full": np.nanmean(times) if np.isfinite(times).any() else np.nan,
                        "mean_time_90": np.nan,
                    }
                )
    noisy_rewirings = [0.0, 0.1] if quick else [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]
    for noise in (0.0, NOISE):
        for j, p in enumerate(noisy_rewirings):
            root = master_seed + 7000 + j + (100 if noise else 0)
            models = _runs(root, runs, n=N, k=4, threshold=2, rewiring=p, adoption_noise=noise)
            t90 = np.array([m.time_to_share(0.9) for m in models])
            rows.append(
                {
                    "lattice": "ring",
                    "threshold": 2,
                    "rewiring": p,
                    "noise": noise,
                    "runs": runs,
                    "seed_root": root,
                    "mean_adoption": np.mean([m.active_share for m in models]),
                    "min_adoption": np.min([m.active_share for m in models]),
                    "mean_time_full": np.nan,
                    "mean_time_90": np.nanmean(t90) if np.isfinite(t90).any() else np.nan,
                }
            )
    data = pd.DataFrame(rows)

    def pick(lattice: str, a: int, p: float, noise: float = 0.0) -> pd.Series:
        sel = data[
            (data.lattice == lattice)
            & (data.threshold == a)
            & (data.rewiring == p)
            & (data.noise == noise)
        ]
        return sel.iloc[0]

    c0, c1 = pick("ring", 2, 0.0), pick("ring", 2, 0.01)
    s0, s1 = pick("ring", 1, 0.0), pick("ring", 1, 0.01)
    quiet = data[(data.noise == 0.0) & (data.mean_time_90.notna())]
    noisy = data[data.noise == NOISE]
    n0 = noisy[noisy.rewiring == 0.0].iloc[0]
    n1 = noisy[noisy.rewiring == 0.1].iloc[0]
    q1 = quiet[quiet.rewiring == 0.1]
    checks = [
        Check(
            "a = 2, no rewiring: mean adoption",
            "spreads to everyone",
            fmt(c0.mean_adoption),
            c0.min_adoption == 1.0,
            "every run 100%",
        ),
        Check(
            "a = 2, 1% rewiring: mean adoption",
            "fails to spread",
            fmt(c1.mean_adoption),
            c1.mean_adoption < 0.2,
            "< 0.20",
        ),
        Check(
            "a = 1, 0% and 1% rewiring: adoption",
            "always spreads",
            f"{fmt(s0.min_adoption)} / {fmt(s1.min_adoption)} (lowest run)",
            s0.min_adoption == 1.0 and s1.min_adoption == 1.0,
            "every run 100%",
        ),
        Check(
            "a = 1: steps to full adoption, 0% vs 1% rewiring",
            "long ties make it faster",
            f"{fmt(s0.mean_time_full, 1)} vs {fmt(s1.mean_time_full, 1)}",
            s1.mean_time_full < s0.mean_time_full,
            "faster with rewiring",
        ),
        Check(
            f"a = 2 with below-threshold noise {NOISE}: steps to 90%, 0% vs 10% rewiring",
            "long ties accelerate noisy contagion (Eckles et al. 2024)",
            f"{fmt(n0.mean_time_90, 1)} vs {fmt(n1.mean_time_90, 1)}"
            + ("" if q1.empty else f" (no noise, 10%: {fmt(q1.iloc[0].mean_time_90, 1)})"),
            n1.mean_time_90 < n0.mean_time_90,
            "faster with rewiring",
        ),
    ]

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    xs = [max(p, 3e-4) for p in rewirings]
    for (lattice, a), style in zip(
        [("ring", 1), ("ring", 2), ("grid", 2), ("grid", 3)],
        ["o-", "s-", "o--", "s--"],
        strict=True,
    ):
        sel = data[(data.lattice == lattice) & (data.threshold == a) & (data.noise == 0.0)]
        sel = sel[sel.rewiring.isin(rewirings)].drop_duplicates("rewiring")
        axes[0].plot(xs, sel.mean_adoption, style, ms=4, label=f"{lattice}, a = {a}")
        if a == 1:
            axes[1].plot(xs, sel.mean_time_full, style, ms=4, label=f"{lattice}, a = 1")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("share of ties rewired (0 shown at 3e-4)")
    axes[0].set_ylabel("final adoption share")
    axes[0].set_title("Centola & Macy: complex contagion needs wide bridges", fontsize=10)
    axes[0].legend(fontsize=7, frameon=False)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("share of ties rewired (0 shown at 3e-4)")
    axes[1].set_ylabel("steps to full adoption")
    axes[1].set_title("simple contagion: long ties speed it up", fontsize=10)
    for noise, style in ((0.0, "s-"), (NOISE, "o-")):
        sel = data[
            (data.noise == noise) & data.rewiring.isin(noisy_rewirings) & data.mean_time_90.notna()
        ]
        sel = sel[sel.lattice == "ring"]
        axes[2].plot(
            [max(p, 3e-4) for p in sel.rewiring],
            sel.mean_time_90,
            style,
            ms=4,
            label=f"noise {noise}" + (" (never 90% once rewired)" if noise == 0 else ""),
        )
    axes[2].set_xscale("log")
    axes[2].set_xlabel("share of ties rewired (0 shown at 3e-4)")
    axes[2].set_ylabel("steps to 90% adoption (a = 2)")
    axes[2].set_title("Eckles et al.: with noise, long ties help", fontsize=10)
    axes[2].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return Validation(
        name=NAME,
        paper="Centola & Macy (2007), complex contagions; Eckles et al. (2024), noisy contagions",
        figure_reproduced="Centola & Macy: adoption and speed against rewiring (ring, 2-D lattice); "
        "Eckles et al.: time to spread with noise",
        setup=(
            f"Ring lattice N = {N:,}, k = 4 (and a 32 x 32 Moore torus); seeds: a random node "
            "and its neighbours; absolute threshold a (count >= a); degree-preserving double-edge "
            f"swaps rewire the stated share of ties; synchronous updates; {runs} runs a point. "
            f"Noise: a non-adopter with an adopting neighbour adopts with probability {NOISE} "
            "a step."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "per_point": "seed_root column, spawned per run"},
        quick=quick,
    )


if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
