"""Centola & Macy (2007), complex contagions and the weakness of long ties.

A thin script: the validation itself is :mod:`simulator.validation.centola_macy2007` (installed with
clsim, so ``clsim validate-classics --only centola_macy2007`` runs it from any folder).

    python experiments/validation/centola_macy2007.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.centola_macy2007 import run
from simulator.validation.core import main_for

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
