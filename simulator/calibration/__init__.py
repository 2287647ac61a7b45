"""Calibration to the seeds' case figures: targets, priors, the ABC model and its sampler.

The pieces a calibration study (:mod:`simulator.studies.calibration`) puts together:

* :mod:`.targets`: the targets file (``calibration/targets.yaml``), each target with its
  source quote, value or range, uncertainty and scenario; quantitative summary
  statistics and qualitative constraints (pattern-oriented modelling, Grimm et al. 2005);
* :mod:`.statistics`: named summary statistics computed from a run's tables;
* :mod:`.priors`: uniform priors over the schema's plausible ranges (or a prior file);
* :mod:`.simulate`: the model pyabc calls (parameters in, statistics out) and the
  distance (0 when every target is met, above 1 when one is missed);
* :mod:`.sampler`: a pyabc sampler whose every evaluation is seeded from the master seed,
  so serial, local-process and dask runs give the same posterior.

This package sits at the sweep layer: it runs the model through :mod:`simulator.runner`
and never imports studies, figures or the CLI.
"""

from .targets import TargetsError, TargetsFile, load_targets

__all__ = ["TargetsError", "TargetsFile", "load_targets"]
