"""Validation of the engine against classic tipping-point results, one module per paper.

Part of the installed package, so ``pip install clsim`` then ``clsim validate-classics``
works from any folder. Each module exposes ``run(quick=False, master_seed=0) ->
Validation``; :func:`~simulator.validation.suite.run_all` runs them all and writes the
summary; ``experiments/validation/*.py`` are thin scripts calling them.

========================  ===========================================================
module                    paper and figure
========================  ===========================================================
``granovetter1978``       Granovetter (1978): the riot example, the normal-threshold jump
``watts2002``             Watts (2002) Fig. 1a: the cascade window, point by point
``centola_macy2007``      Centola & Macy (2007): ring and 2-D Moore lattice; Eckles et al.
``centola2018``           Centola et al. (2018): critical mass of a committed minority
``xie2011``               Xie et al. (2011): consensus-time scaling above and below p_c
``ews_fold``              Scheffer et al. (2009), Dakos et al. (2012): warnings before a fold
========================  ===========================================================

Every stochastic check is a test with a stated level and power (:mod:`.stats`); the
mutation tests (``tests/test_classic_mutations.py``) show that the suite fails when the
engine's rule is broken.
"""

from .core import Check, Validation, write_validation
from .suite import SCRIPTS, normalise_summary, run_all, summary_markdown

__all__ = [
    "SCRIPTS",
    "Check",
    "Validation",
    "normalise_summary",
    "run_all",
    "summary_markdown",
    "write_validation",
]
