"""Watts (2002), Fig. 1: the cascade window of the threshold model on random graphs.

A thin script: the validation itself is :mod:`simulator.validation.watts2002` (installed with
clsim, so ``clsim validate-classics --only watts2002`` runs it from any folder).

    python experiments/validation/watts2002.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.core import main_for
from simulator.validation.watts2002 import run

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
