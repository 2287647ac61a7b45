"""The ABC-SMC perturbation kernel: a normal per parameter, truncated to the prior's range.

pyabc's default kernel is a multivariate normal fitted to the previous population. With
uniform priors on bounded ranges, a perturbed particle is only usable when *every*
coordinate stays inside its range, and pyabc redraws until one does. In a few dimensions
that costs nothing; with the model's 81 ranges it is hopeless: if a coordinate stays
inside with probability 0.7, all 81 do with probability 0.7^81, about 3e-13, and the
seeds' calibration spent its second generation redrawing proposals (measured: two
evaluations in 22 minutes). A kernel truncated to the prior's support never proposes
outside it, so every proposal is an evaluation.

This kernel is the component-wise normal kernel of ABC-SMC (Beaumont et al. 2009,
*Biometrika* 96, 983; Filippi et al. 2013, *Stat. Appl. Genet. Mol. Biol.* 12, 87),
truncated to the box of the uniform priors: a particle ``j`` of the previous population
is picked by weight and each parameter ``d`` is drawn from a normal centred on it with
standard deviation ``sigma_d``, truncated to ``[low_d, high_d]``. ``sigma_d`` is the
weighted standard deviation of parameter ``d`` times Silverman's factor for the effective
sample size and dimension (the bandwidth pyabc's default kernel uses), so the kernel
narrows as the population contracts. Its density, needed for the importance weights, is
the weighted mixture of the truncated product normals, each with its own normalising
constant, computed in logs.

**Parameters the targets do not inform are redrawn from their prior.** Importance
weights are ``prior / proposal``; with a local kernel in every one of 81 dimensions the
proposal density at a draw swings over orders of magnitude with its distance from its
parent particle, and one particle takes all the weight (measured: an effective sample
size of 1 to 4 of 60 in every generation of the seeds' calibration; 0.6% of the
population for a population spread evenly over 81 ranges, against 91% in two). A
parameter whose population still spreads over most of its range (weighted standard
deviation within noise of the uniform prior's, see :func:`local_threshold`) carries no
information from the targets yet, so its perturbation is a fresh draw from its uniform
prior: that factor of the proposal density is the prior's own, the same for every
particle, and cancels from the weights. Only the parameters the targets have narrowed get
the local kernel (and Silverman's factor counts only them). The proposal is still a
density that covers the prior's support, so the importance weights stay exact; which
parameters are local is decided afresh from each population (an adaptive kernel, as the
bandwidth is), and :attr:`local` names them. This is the idea of perturbing only the
informed directions of the posterior (Filippi et al. 2013's locally adapted kernels go
further, with a covariance per particle).

Randomness comes from numpy's global generator, as in pyabc's own kernels; the seeded
sampler (:mod:`simulator.calibration.sampler`) seeds it for every evaluation, so a
proposal depends only on the master seed, the generation and the evaluation number.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pyabc.parameters import Parameter
from pyabc.transition import Transition
from pyabc.transition.exceptions import NotEnoughParticles
from pyabc.transition.multivariatenormal import silverman_rule_of_thumb
from scipy.special import log_ndtr, logsumexp, ndtri

__all__ = ["BoundedNormalTransition", "local_threshold"]

#: Least kernel width, as a share of a parameter's range (a population collapsed onto
#: one value would otherwise stop moving).
MIN_WIDTH = 1e-3

#: How many standard errors below the uniform prior's a parameter's standard deviation
#: must be before it is perturbed locally.
REDRAW_Z = 4.0

#: The threshold never exceeds this share of the prior's standard deviation, however
#: many particles: a parameter still spread over 90% of its range is cheaper to redraw.
MAX_LOCAL_SHARE = 0.9

#: Standard error of a sample's standard deviation over sqrt(n), for a uniform
#: distribution: sd(s / sigma) = sqrt((kurtosis - 1) / n) / 2 with kurtosis 1.8.
_UNIFORM_SD_SE = 0.5 * np.sqrt(0.8)


def local_threshold(ess: float, z: float = REDRAW_Z) -> float:
    """Share of the prior's standard deviation below which a parameter is perturbed locally.

    A population of effective size ``ess`` drawn evenly over a range has a standard
    deviation within ``0.447 / sqrt(ess)`` of the range's, one standard error; a
    parameter counts as narrowed by the targets once its spread is ``z`` standard errors
    below that (0.77 at 60 particles, 0.60 at an effective size of 20), so that
    unnarrowed parameters are not perturbed locally by chance: each such false local
    parameter costs weight evenness, where a truly narrowed one gains acceptances
    (measured in ``tests/test_calibration_transition.py``).
    """
    return float(min(MAX_LOCAL_SHARE, 1.0 - z * _UNIFORM_SD_SE / np.sqrt(max(ess, 1.0))))


def _log_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(Phi(b) - Phi(a)) for a <= b, accurate in either tail."""
    # Work on the side of zero where the difference is not a small difference of ones.
    flip = a > 0
    a2, b2 = np.where(flip, -b, a), np.where(flip, -a, b)
    lb, la = log_ndtr(b2), log_ndtr(a2)
    return lb + np.log1p(-np.exp(np.minimum(la - lb, 0.0)))


class BoundedNormalTransition(Transition):
    """Component-wise normal perturbation truncated to each parameter's prior range.

    Args:
        bounds: ``{parameter: (low, high)}`` for every calibrated parameter.
        scaling: factor on the kernel width (1: Silverman's width).
        redraw_z: parameters whose weighted standard deviation is not this many standard
            errors below their uniform prior's are redrawn from the prior
            (:func:`local_threshold`); ``None`` perturbs every parameter locally.
    """

    def __init__(
        self,
        bounds: Mapping[str, tuple[float, float]],
        scaling: float = 1.0,
        redraw_z: float | None = REDRAW_Z,
    ):
        self.bounds = {str(k): (float(v[0]), float(v[1])) for k, v in bounds.items()}
        self.scaling = float(scaling)
        self.redraw_z = None if redraw_z is None else float(redraw_z)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Centre a kernel on every particle of the population ``X`` with weights ``w``."""
        if len(X) == 0:
            raise NotEnoughParticles("Fitting not possible.")
        missing = [c for c in X.columns if c not in self.bounds]
        if missing:
            raise ValueError(f"no prior range for {missing}")
        self._columns = list(X.columns)
        self._lo = np.array([self.bounds[c][0] for c in self._columns])
        self._hi = np.array([self.bounds[c][1] for c in self._columns])
        x = X.to_numpy(dtype=float)
        w = np.asarray(w, dtype=float)
        w = w / w.sum()
        mean = w @ x
        ess = 1.0 / float((w**2).sum())
        # weighted variance with the reliability-weights correction (as pyabc's smart_cov)
        denom = 1.0 - float((w**2).sum())
        var = (w @ (x - mean) ** 2) / denom if denom > 0 else np.zeros(x.shape[1])
        prior_sd = (self._hi - self._lo) / np.sqrt(12.0)
        if self.redraw_z is None:
            self._is_local = np.ones(x.shape[1], dtype=bool)
        else:
            self._is_local = np.sqrt(var) <= local_threshold(ess, self.redraw_z) * prior_sd
        n_local = int(self._is_local.sum())
        factor = silverman_rule_of_thumb(ess, max(n_local, 1)) * self.scaling
        self._sigma = np.maximum(np.sqrt(var) * factor, MIN_WIDTH * (self._hi - self._lo))
        self._x, self._w, self._logw = x, w, np.log(np.maximum(w, 1e-300))
        self._a = (self._lo - x) / self._sigma  # standardised bounds of every particle's kernel
        self._b = (self._hi - x) / self._sigma
        loc = self._is_local
        self._log_norm = _log_mass(self._a[:, loc], self._b[:, loc]).sum(axis=1)  # one per particle
        # the redrawn parameters' factor of the density: their uniform priors'
        self._log_prior_part = -float(np.log(self._hi[~loc] - self._lo[~loc]).sum())

    @property
    def local(self) -> list[str]:
        """The parameters perturbed locally in this generation (the rest are redrawn)."""
        return [c for c, is_local in zip(self._columns, self._is_local, strict=True) if is_local]

    def rvs_single(self) -> Parameter:
        """One proposal: a particle picked by weight, each parameter perturbed inside its range."""
        # numpy's global generator, seeded by the sampler for every evaluation (see above)
        j = int(np.random.choice(len(self._w), p=self._w))  # noqa: NPY002
        # inverse-CDF draw of each truncated normal, from one uniform per parameter
        u = np.random.random_sample(len(self._columns))  # noqa: NPY002
        lo_cdf = np.exp(log_ndtr(self._a[j]))
        hi_cdf = np.exp(log_ndtr(self._b[j]))
        z = ndtri(lo_cdf + u * (hi_cdf - lo_cdf))
        local = np.clip(self._x[j] + self._sigma * z, self._lo, self._hi)
        # the same uniform gives the redrawn parameters their prior draw
        value = np.where(self._is_local, local, self._lo + u * (self._hi - self._lo))
        return Parameter(dict(zip(self._columns, value.tolist(), strict=True)))

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        """The kernel's density at one parameter set (a float) or at each row of a frame."""
        if isinstance(x, pd.DataFrame):
            pts = x[self._columns].to_numpy(dtype=float)
            single = False
        else:
            pts = np.array([[float(x[c]) for c in self._columns]])
            single = True
        loc = self._is_local
        sigma = self._sigma[loc]
        z = (pts[:, None, loc] - self._x[None, :, loc]) / sigma  # points x particles x local params
        log_k = -0.5 * (z**2).sum(axis=2) - np.log(sigma).sum() - 0.5 * int(loc.sum()) * np.log(2 * np.pi)
        log_mix = logsumexp(log_k - self._log_norm[None, :] + self._logw[None, :], axis=1)
        dens = np.exp(log_mix + self._log_prior_part)
        inside = np.all((pts >= self._lo) & (pts <= self._hi), axis=1)
        dens = np.where(inside, dens, 0.0)
        return float(dens[0]) if single else dens
