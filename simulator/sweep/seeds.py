"""Replicate seeds derived from one master seed, deterministic by run index.

Every run's seed is a pure function of ``(master_seed, run_id)``:
``numpy.random.SeedSequence(master_seed).spawn(n)[run_id]``, which is the same as
``SeedSequence(master_seed, spawn_key=(run_id,))``, so any executor, any order of
execution and any resumed sweep give the same seed to the same run (AgentPy's
``agentpy/sample.py`` does the same). Sampled designs draw from a separate stream so
that changing a design never changes the run seeds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["run_seed", "run_seeds", "design_rng", "design_seed", "DESIGN_STREAM"]

#: Extra entropy word that separates the design-sampling stream from the run seeds.
DESIGN_STREAM = 0x5EED_DE51


def _check_master(master_seed: int) -> None:
    if not isinstance(master_seed, int | np.integer) or master_seed < 0:
        raise ValueError(f"master_seed must be a non-negative integer; found {master_seed!r}")


def run_seed(master_seed: int, run_id: int) -> int:
    """The integer seed of one run: 63 bits of its spawned ``SeedSequence``.

    Args:
        master_seed: the sweep's master seed (non-negative integer).
        run_id: the run's index in the sweep (non-negative integer).

    Returns:
        A non-negative integer below 2**63 (fits a signed 64-bit Parquet column).
    """
    _check_master(master_seed)
    if run_id < 0:
        raise ValueError(f"run_id must be non-negative; found {run_id}")
    child = np.random.SeedSequence(int(master_seed), spawn_key=(int(run_id),))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


def run_seeds(master_seed: int, run_ids: NDArray[np.int64] | list[int]) -> NDArray[np.int64]:
    """Seeds of many runs at once (same values as :func:`run_seed`)."""
    return np.array([run_seed(master_seed, int(r)) for r in run_ids], dtype=np.int64)


def design_seed(master_seed: int) -> int:
    """A 32-bit seed for design samplers (SALib takes an ``int``), independent of run seeds."""
    _check_master(master_seed)
    seq = np.random.SeedSequence([int(master_seed), DESIGN_STREAM])
    return int(seq.generate_state(1, np.uint32)[0])


def design_rng(master_seed: int) -> np.random.Generator:
    """A generator for sampled designs (Latin hypercube, Sobol scrambling)."""
    _check_master(master_seed)
    return np.random.default_rng(np.random.SeedSequence([int(master_seed), DESIGN_STREAM]))
