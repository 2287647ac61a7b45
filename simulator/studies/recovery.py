"""Synthetic recovery: does the calibration find a parameter set it was given?

For each repetition ``r`` the model is run at a known ``truth`` with seed ``r`` to make
synthetic targets (:func:`simulator.calibration.synthetic.synthetic_targets`), and the
calibration study is run on them with master seed ``r`` and the same priors. A parameter
is *recovered* in a repetition when the truth lies inside its 90% posterior credible
interval; the report also gives how far each posterior narrowed its prior (a posterior
equal to the prior would "recover" anything, so contraction is reported beside the hit
count). Repetitions run in worker processes (``workers``), each one serially inside.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from ..parent_watch import exit_with_parent

__all__ = ["recovery_repetition", "recovery_study"]


def recovery_repetition(
    out: str | Path,
    targets: str | Path,
    keys: Sequence[str],
    truth: Mapping[str, float],
    repetition: int,
    population: int,
    generations: int,
    factor: float = 2.0,
) -> list[dict[str, Any]]:
    """One repetition: synthetic targets at ``truth`` (seed ``repetition``), then calibrate."""
    from simulator.calibration.priors import build_priors
    from simulator.calibration.synthetic import synthetic_targets
    from simulator.calibration.targets import load_targets

    from .calibration import calibration_study

    base = load_targets(targets)
    priors = build_priors(base, keys=keys)
    synthetic, _ = synthetic_targets(base, priors, truth, seed=1000 + repetition, factor=factor)
    data = calibration_study(
        Path(out) / f"rep{repetition:02d}", synthetic, keys=keys, population=population,
        generations=generations, ppc_draws=0, master_seed=repetition, progress=False,
        overwrite=True, truth=truth, figures=False,
    )  # fmt: skip
    rows = []
    summary = {r["parameter"]: r for r in data["posterior"]}
    for name, rec in (data["recovery"] or {}).items():
        rows.append({
            "repetition": repetition, "parameter": name, "truth": rec["truth"], "low": rec["low"],
            "high": rec["high"], "median": summary[name]["median"], "inside": rec["inside"],
            "contraction": summary[name]["contraction"],
            "evaluations": int(sum(g["evaluations"] for g in data["generations"])),
            "final_epsilon": float(data["generations"][-1]["epsilon"]),
        })  # fmt: skip
    return rows


def recovery_study(
    out: str | Path,
    targets: str | Path,
    keys: Sequence[str],
    truth: Mapping[str, float],
    repetitions: int = 10,
    population: int = 30,
    generations: int = 4,
    workers: int = 1,
    factor: float = 2.0,
) -> pd.DataFrame:
    """Every repetition's recovery, one row per repetition and parameter (``OUT/recovery.csv``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    args = [(out, targets, list(keys), dict(truth), r, population, generations, factor) for r in range(repetitions)]
    if workers > 1:
        import multiprocessing

        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=exit_with_parent, initargs=(os.getpid(),),
        ) as pool:
            parts = list(pool.map(recovery_repetition, *zip(*args, strict=True)))
    else:
        parts = [recovery_repetition(*a) for a in args]
    table = pd.DataFrame([row for part in parts for row in part])
    table.to_csv(out / "recovery.csv", index=False)
    return table
