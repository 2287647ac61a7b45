"""The shared base of the classic models: construction from a seed, a run loop.

Each classic model is a :class:`mesa.Model` built from keyword arguments with
defaults plus a ``seed`` (an int, or a :class:`numpy.random.Generator` to share one
stream), exactly like :class:`simulator.model.EducationModel`. All randomness comes
from ``self.rng``, the one generator of the run; networkx generators get it as ``seed=``.
"""

from __future__ import annotations

from typing import Any, Self

import mesa
import numpy as np

__all__ = ["ClassicModel", "SeedLike", "spawn_seeds"]

SeedLike = int | np.random.Generator | None
"""An integer seed, an existing generator, or None (fresh entropy, recorded in ``seed``)."""


def spawn_seeds(master_seed: int, runs: int) -> list[int]:
    """Independent per-run integer seeds derived from one master seed.

    Uses :meth:`numpy.random.SeedSequence.spawn`, so run ``i`` gets the same seed
    whatever the number of runs or workers; the seeds are what tables record.
    """
    children = np.random.SeedSequence(master_seed).spawn(runs)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


class ClassicModel(mesa.Model):
    """Base class: seeds Mesa's generators and offers :meth:`run`.

    Attributes:
        seed: the integer seed of the run (None when a generator was passed in).
        rng: the run's :class:`numpy.random.Generator` (Mesa's ``model.rng``).
    """

    def __init__(self, seed: SeedLike = None, **kwargs: Any) -> None:
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])
        if isinstance(seed, np.random.Generator):
            super().__init__(rng=seed, **kwargs)
            self.seed: int | None = None
        else:
            super().__init__(rng=int(seed), **kwargs)
            self.seed = int(seed)

    def run(self, max_steps: int = 10_000) -> Self:
        """Step until the model stops (``running`` is False) or ``max_steps`` steps.

        Returns:
            The model itself, for chaining (``Model(...).run().outcome()``).
        """
        for _ in range(max_steps):
            if not self.running:
                break
            self.step()
        return self
