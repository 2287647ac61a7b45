"""A stochastic system driven toward a fold: the harvested logistic (grazing) model.

May, R. M. (1977). Thresholds and breakpoints in ecosystems with a multiplicity of
stable states. *Nature* 269, 471-477; the standard test bed of early-warning signals
(Scheffer et al. 2009, *Nature* 461, 53-59; Dakos et al. 2012, *PLoS ONE* 7, e41010):

    dx = [x (1 - x/K) - c x^2 / (x^2 + 1)] dt + sigma dW,   K = 10.

For K = 10 the upper (well-vegetated) branch ends in a fold at ``c = 2.6044``
(``x = 4.78``); as ``c`` is ramped toward it, recovery from perturbations slows down
and the lag-1 autocorrelation and variance of ``x`` rise (see
:mod:`simulator.analysis.ews_recipe`). With ``c`` held fixed they do not.

Integration is Euler-Maruyama with the run's generator; :func:`simulate_fold` runs many
replicates as one vectorised array.
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector
from numpy.typing import NDArray
from scipy.optimize import brentq

from ._base import ClassicModel, SeedLike

__all__ = [
    "FOLD_HARVEST",
    "HarvestedLogistic",
    "harvest_drift",
    "simulate_fold",
    "upper_equilibrium",
]

FloatArray = NDArray[np.float64]


def harvest_drift(
    x: FloatArray | float, c: FloatArray | float, capacity: float = 10.0
) -> FloatArray:
    """Deterministic rate ``x (1 - x/K) - c x^2 / (x^2 + 1)``."""
    x = np.asarray(x, dtype=np.float64)
    return x * (1.0 - x / capacity) - c * x * x / (x * x + 1.0)


def _fold_harvest(capacity: float = 10.0) -> float:
    """Harvest ``c`` at the upper fold: where the upper equilibrium meets the saddle."""

    def c_of(x: float) -> float:  # equilibrium condition solved for c
        return (1.0 - x / capacity) * (1.0 + x * x) / x

    def slope(x: float) -> float:  # d(drift)/dx along the equilibrium curve
        c = c_of(x)
        return 1.0 - 2.0 * x / capacity - c * 2.0 * x / (x * x + 1.0) ** 2

    xs = np.linspace(0.5, capacity * 0.99, 4000)
    values = np.array([slope(v) for v in xs])
    roots = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    x_fold = brentq(slope, xs[roots[-1]], xs[roots[-1] + 1], xtol=1e-12)
    return float(c_of(x_fold))


#: The harvest rate at the upper fold for K = 10 (about 2.6044).
FOLD_HARVEST: float = _fold_harvest()


def upper_equilibrium(c: float, capacity: float = 10.0) -> float:
    """The largest stable equilibrium of the deterministic model at harvest ``c``."""
    xs = np.linspace(1e-3, capacity, 20001)
    f = harvest_drift(xs, c, capacity)
    roots = np.flatnonzero(np.sign(f[:-1]) != np.sign(f[1:]))
    if roots.size == 0:
        return 0.0
    i = roots[-1]
    return float(brentq(lambda v: float(harvest_drift(v, c, capacity)), xs[i], xs[i + 1]))


def simulate_fold(
    *,
    runs: int,
    steps: int = 400,
    c_start: float = 1.0,
    c_end: float = 2.6,
    ramp: bool = True,
    sigma: float = 0.1,
    dt: float = 0.01,
    sample_every: float = 1.0,
    capacity: float = 10.0,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Sample ``runs`` replicates of the harvested logistic at ``steps`` times.

    Args:
        runs: replicates (one row each).
        steps: samples per run.
        c_start: harvest at the start (the state starts on the upper equilibrium).
        c_end: harvest at the last sample when ``ramp`` (linear ramp); ignored otherwise.
        ramp: ramp ``c`` toward the fold, or hold it at ``c_start``.
        sigma: additive noise intensity.
        dt: Euler-Maruyama step.
        sample_every: time between samples.
        capacity: ``K``.
        rng: the generator of the batch.

    Returns:
        ``(x, c)``: states of shape ``(runs, steps)`` and the harvest at each sample.
    """
    sub = max(1, int(round(sample_every / dt)))
    h = sample_every / sub
    c_path = np.linspace(c_start, c_end, steps) if ramp else np.full(steps, c_start)
    x = np.full(runs, upper_equilibrium(c_start, capacity))
    out = np.empty((runs, steps))
    noise_scale = sigma * np.sqrt(h)
    c_prev = c_start
    for t in range(steps):
        c_next = c_path[t]
        for j in range(sub):
            c = c_prev + (c_next - c_prev) * (j + 1) / sub
            x = x + harvest_drift(x, c, capacity) * h + noise_scale * rng.standard_normal(runs)
            x = np.maximum(x, 0.0)
        out[:, t] = x
        c_prev = c_next
    return out, c_path


class HarvestedLogistic(ClassicModel):
    """One run of the harvested logistic as a Mesa model; a step is one sample interval.

    Args:
        c_start: initial harvest (the state starts on the upper equilibrium).
        c_rate: change of ``c`` per step (0 holds it fixed).
        sigma: additive noise intensity.
        dt: Euler-Maruyama step.
        capacity: ``K``.
        collect: record ``x`` and ``c`` each step.
        seed: the run's seed or generator.
    """

    def __init__(
        self,
        *,
        c_start: float = 1.0,
        c_rate: float = 0.004,
        sigma: float = 0.1,
        dt: float = 0.01,
        capacity: float = 10.0,
        collect: bool = True,
        seed: SeedLike = None,
    ) -> None:
        super().__init__(seed=seed)
        self.c = float(c_start)
        self.c_rate = float(c_rate)
        self.sigma = float(sigma)
        self.dt = float(dt)
        self.capacity = float(capacity)
        self.x = upper_equilibrium(self.c, self.capacity)
        self.datacollector = (
            DataCollector(model_reporters={"x": "x", "c": "c"}) if collect else None
        )
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def step(self) -> None:
        """Advance one unit of time."""
        sub = max(1, int(round(1.0 / self.dt)))
        h = 1.0 / sub
        noise = self.rng.standard_normal(sub) * self.sigma * np.sqrt(h)
        x = self.x
        for j in range(sub):
            c = self.c + self.c_rate * (j + 1) / sub
            x = max(0.0, x + float(harvest_drift(x, c, self.capacity)) * h + noise[j])
        self.x = x
        self.c += self.c_rate
        if self.datacollector is not None:
            self.datacollector.collect(self)
