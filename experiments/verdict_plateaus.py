"""Where the outcome S-curve of the tipping verdict puts its plateaus, and what its width becomes
when they are held inside the observed outcomes.

Test 4 of the verdict (``docs/analysis.md``, "No threshold") compares the 10-90% width of a
four-parameter logistic fitted to the outcome with half the explored range. The fit lets
the plateaus go one outcome range beyond the lowest and highest run
(:func:`simulator.analysis.tipping.compare_sigmoid_line`, ``plateau_pad=1``). This script
refits each stored sweep both ways (``plateau_pad`` 1 and 0) and prints the plateaus, the midpoint and the width, so the effect of that
freedom on the verdict can be read off; it changes nothing in the package.

Run: ``python experiments/verdict_plateaus.py SWEEP_DIR [SWEEP_DIR ...] [--lever KEY]
[--outcome NAME]`` with the sweep folders of, e.g., ``experiments/mechanisms.py``
(``results/mechanisms/*/tipping``) or ``clsim tipping`` (``OUT/sweep``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from simulator.analysis.tipping import compare_sigmoid_line
from simulator.sweep.store import read_results


def fit(x: np.ndarray, y: np.ndarray, padded: bool) -> tuple[float, float, float, float]:
    """(lower, upper, midpoint, 10-90% width) of the outcome S-curve, as the verdict fits it
    (``padded``) or with both plateaus inside the observed outcomes."""
    c = compare_sigmoid_line(x, y, plateau_pad=1.0 if padded else 0.0)
    return c.lower, c.upper, c.midpoint, c.width_10_90


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sweeps", nargs="+", type=Path)
    parser.add_argument("--lever", default="recruit.cohort_size")
    parser.add_argument("--outcome", default="learning_gain")
    args = parser.parse_args(argv)
    print("| sweep | lowest run | padded: lower, upper, mid, width | observed: lower, upper, mid, width "
          "| half the range |")
    print("| --- | --- | --- | --- | --- |")
    for path in args.sweeps:
        t = read_results(path)
        x, y = t[args.lever].to_numpy(float), t[args.outcome].to_numpy(float)
        a, b = fit(x, y, True), fit(x, y, False)
        half = (x.max() - x.min()) / 2
        print(f"| {path} | {y.min():.3f} | {a[0]:.3f}, {a[1]:.3f}, {a[2]:.2f}, {a[3]:.2f} "
              f"| {b[0]:.3f}, {b[1]:.3f}, {b[2]:.2f}, {b[3]:.2f} | {half:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
