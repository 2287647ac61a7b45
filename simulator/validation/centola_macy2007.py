"""Centola & Macy (2007), complex contagions and the weakness of long ties.

A ring lattice of N = 1,000 nodes of degree 4; one random node and its neighbours adopt
first; a node adopts once ``a`` neighbours have. Ties are rewired by degree-preserving
swaps. Simple contagion (a = 1) always spreads, faster with more long ties; complex
contagion (a = 2) spreads fully on the lattice and stops with about 1% rewiring. On the
2-D lattice with a Moore neighbourhood (32 x 32 torus, degree 8), the seed block's
neighbours see three adopters, so a = 3 spreads and a = 4 cannot; its wider bridges let
a = 2 survive rewiring that stops it on the ring, and full randomisation stops a = 3.
Finally Eckles et al. (2024): with a little below-threshold adoption noise (order
1/sqrt(N)), long ties speed complex contagion up instead.

    clsim validate-classics --only centola_macy2007 [--out DIR] [--quick] [--seed S]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.classic import spawn_seeds
from simulator.classic.complex_contagion import ComplexContagion

from .core import Check, Validation, fmt
from .stats import all_runs_power

NAME = "centola_macy2007"
N = 1_000
GRID = 1_024  # 32 x 32
NOISE = round(1 / np.sqrt(N), 3)  # Eckles et al.: noise of order N^(-1/a) for a = 2


def _runs(seed_root: int, runs: int, **params: object) -> list[ComplexContagion]:
    return [
        ComplexContagion(collect=False, seed=s, **params).run(max_steps=20_000)
        for s in spawn_seeds(seed_root, runs)
    ]


def _upper_mean(values: np.ndarray) -> float:
    """One-sided 95% upper bound of a mean (normal approximation)."""
    return float(values.mean() + 1.645 * values.std(ddof=1) / math.sqrt(values.size))


def run(quick: bool = False, master_seed: int = 0) -> Validation:
    """Adoption and speed against rewiring, for simple and complex contagion."""
    runs = 10 if quick else 50
    rewirings = [0.0, 0.01, 0.1, 1.0] if quick else [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
    rows = []
    models: dict[tuple[str, int, float, float], list[ComplexContagion]] = {}
    plan = [("ring", N, a, p) for a in (1, 2) for p in rewirings]
    plan += [("grid", GRID, a, p) for a in (2, 3) for p in rewirings] + [("grid", GRID, 4, 0.0)]
    for lattice, n, a, p in plan:
        j = rewirings.index(p)
        root = master_seed + 1000 * a + j + (0 if lattice == "ring" else 500)
        batch = _runs(root, runs, lattice=lattice, n=n, k=4, threshold=a, rewiring=p)
        models[(lattice, a, p, 0.0)] = batch
        shares = np.array([m.active_share for m in batch])
        times = np.array([m.time_to_share(1.0) for m in batch])
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
                "max_adopters": int(max(m.active_count for m in batch)),
                "mean_time_full": np.nanmean(times) if np.isfinite(times).any() else np.nan,
                "mean_time_90": np.nan,
            }
        )
    noisy_rewirings = [0.0, 0.1] if quick else [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]
    for noise in (0.0, NOISE):
        for j, p in enumerate(noisy_rewirings):
            root = master_seed + 7000 + j + (100 if noise else 0)
            batch = _runs(root, runs, n=N, k=4, threshold=2, rewiring=p, adoption_noise=noise)
            t90 = np.array([m.time_to_share(0.9) for m in batch])
            rows.append(
                {
                    "lattice": "ring",
                    "threshold": 2,
                    "rewiring": p,
                    "noise": noise,
                    "runs": runs,
                    "seed_root": root,
                    "mean_adoption": np.mean([m.active_share for m in batch]),
                    "min_adoption": np.min([m.active_share for m in batch]),
                    "max_adopters": int(max(m.active_count for m in batch)),
                    "mean_time_full": np.nan,
                    "mean_time_90": np.nanmean(t90) if np.isfinite(t90).any() else np.nan,
                    "t90": t90,
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

    def shares(lattice: str, a: int, p: float) -> np.ndarray:
        return np.array([m.active_share for m in models[(lattice, a, p, 0.0)]])

    miss = all_runs_power(runs)
    c0, c1 = pick("ring", 2, 0.0), pick("ring", 2, 0.01)
    s0, s1 = pick("ring", 1, 0.0), pick("ring", 1, 0.01)
    lattice_times = [m.time_to_share(1.0) for m in models[("ring", 1, 0.0, 0.0)]]
    expected_steps = math.ceil((N - 5) / 4)  # the front gains two nodes a step on each side
    rewired_times = np.array([m.time_to_share(1.0) for m in models[("ring", 1, 0.01, 0.0)]])
    g3, g4 = pick("grid", 3, 0.0), pick("grid", 4, 0.0)
    grid2 = shares("grid", 2, 0.01)
    ring2 = shares("ring", 2, 0.01)
    grid3_random = shares("grid", 3, 1.0)
    noisy = data[data.noise == NOISE]
    n0 = noisy[noisy.rewiring == 0.0].iloc[0]
    n1 = noisy[noisy.rewiring == 0.1].iloc[0]
    quiet = data[(data.noise == 0.0) & data.mean_time_90.notna()]
    q1 = quiet[quiet.rewiring == 0.1]
    t0_runs, t1_runs = n0.t90, n1.t90
    all_faster = bool(np.all(np.isfinite(t1_runs))) and float(np.nanmax(t1_runs)) < float(
        np.nanmin(t0_runs)
    )
    data = data.drop(columns=["t90"])
    power_text = f"a per-run failure rate of {miss:.3f} or more would show with 95% probability"
    every = f"every run; {power_text}"
    checks = [
        Check(
            "ring, a = 2, no rewiring: adoption",
            "spreads to everyone",
            f"lowest run {fmt(c0.min_adoption)}",
            c0.min_adoption == 1.0,
            every,
        ),
        Check(
            "ring, a = 2, 1% rewiring: mean adoption",
            "fails to spread",
            f"{fmt(c1.mean_adoption)} (one-sided 95% upper bound {fmt(_upper_mean(ring2))})",
            _upper_mean(ring2) < 0.2,
            f"upper bound of the mean below 0.20, {runs} runs",
        ),
        Check(
            "ring, a = 1, 0% and 1% rewiring: adoption",
            "always spreads",
            f"{fmt(s0.min_adoption)} / {fmt(s1.min_adoption)} (lowest run)",
            s0.min_adoption == 1.0 and s1.min_adoption == 1.0,
            every,
        ),
        Check(
            "ring, a = 1, no rewiring: steps to full adoption",
            f"ceil((N - 5) / 4) = {expected_steps} (the front gains two nodes a step each way, "
            "synchronous updates)",
            ", ".join(sorted({f"{t:g}" for t in lattice_times})),
            all(t == expected_steps for t in lattice_times),
            "equal in every run",
            exact=True,
        ),
        Check(
            "ring, a = 1: steps to full adoption with 1% rewiring",
            "long ties make it faster",
            f"{fmt(float(rewired_times.mean()), 1)} on average, slowest {fmt(float(rewired_times.max()), 1)} "
            f"vs {expected_steps}",
            float(rewired_times.max()) < expected_steps,
            "every rewired run faster than the lattice",
        ),
        Check(
            "Moore lattice 32 x 32, no rewiring: a = 3 / a = 4",
            "a = 3 spreads to all; a = 4 cannot leave the 3 x 3 seed block (its neighbours see "
            "at most 3 adopters)",
            f"lowest run {fmt(g3.min_adoption)} / at most {int(g4.max_adopters)} adopters",
            g3.min_adoption == 1.0 and int(g4.max_adopters) == 9,
            "exact, every run",
            exact=True,
        ),
        Check(
            "Moore lattice vs ring, a = 2, 1% rewiring: mean adoption",
            "wider bridges tolerate more rewiring (the 2-D lattice's overlapping neighbourhoods)",
            f"Moore {fmt(float(grid2.mean()))} (lowest run {fmt(float(grid2.min()))}) vs ring "
            f"{fmt(float(ring2.mean()))}",
            float(grid2.min()) == 1.0 and _upper_mean(ring2) < 0.2,
            f"every Moore run spreads fully ({power_text}), the ring fails",
        ),
        Check(
            "Moore lattice, a = 3, ties fully randomised: mean adoption",
            "complex contagion fails without local redundancy",
            f"{fmt(float(grid3_random.mean()))} (one-sided 95% upper bound {fmt(_upper_mean(grid3_random))})",
            _upper_mean(grid3_random) < 0.2,
            f"upper bound of the mean below 0.20, {runs} runs",
        ),
        Check(
            f"a = 2 with below-threshold noise {NOISE}: steps to 90%, 0% vs 10% rewiring",
            "long ties accelerate noisy contagion (Eckles et al. 2024)",
            f"{fmt(n0.mean_time_90, 1)} vs {fmt(n1.mean_time_90, 1)}"
            + ("" if q1.empty else f" (no noise, 10%: {fmt(q1.iloc[0].mean_time_90, 1)})"),
            all_faster,
            "every rewired run reaches 90% before the fastest lattice run",
        ),
    ]

    fig = Figure(figsize=(14, 4))
    axes = fig.subplots(1, 3)
    xs = [max(p, 3e-4) for p in rewirings]
    for (lattice, a), style in zip(
        [("ring", 1), ("ring", 2), ("grid", 2), ("grid", 3)],
        ["o-", "s-", "o--", "s--"],
        strict=True,
    ):
        sel = data[(data.lattice == lattice) & (data.threshold == a) & (data.noise == 0.0)]
        sel = sel[sel.rewiring.isin(rewirings)].drop_duplicates("rewiring")
        name = "ring" if lattice == "ring" else "Moore 32 x 32"
        axes[0].plot(xs, sel.mean_adoption, style, ms=4, label=f"{name}, a = {a}")
        if a == 1:
            axes[1].plot(xs, sel.mean_time_full, style, ms=4, label=f"{name}, a = 1")
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
        figure_reproduced="Centola & Macy: adoption and speed against rewiring (ring, 2-D Moore "
        "lattice); Eckles et al.: time to spread with noise",
        setup=(
            f"Ring lattice N = {N:,}, k = 4, and a 32 x 32 Moore torus (k = 8); seeds: a random "
            "node and its neighbours; absolute threshold a (count >= a); degree-preserving "
            f"double-edge swaps rewire the stated share of ties; synchronous updates; {runs} runs "
            f"a point. Noise: a non-adopter with an adopting neighbour adopts with probability "
            f"{NOISE} a step."
        ),
        checks=checks,
        figure=fig,
        data=data,
        seeds={"master_seed": master_seed, "per_point": "seed_root column, spawned per run"},
        quick=quick,
    )
