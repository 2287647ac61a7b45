"""Centola et al. (2018), tipping points in social convention: a committed minority.

A thin script: the validation itself is :mod:`simulator.validation.centola2018` (installed with
clsim, so ``clsim validate-classics --only centola2018`` runs it from any folder).

    python experiments/validation/centola2018.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.centola2018 import run
from simulator.validation.core import main_for

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
