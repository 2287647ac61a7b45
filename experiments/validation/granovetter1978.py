"""Granovetter (1978), threshold models of collective behaviour: the riot example.

A thin script: the validation itself is :mod:`simulator.validation.granovetter1978` (installed with
clsim, so ``clsim validate-classics --only granovetter1978`` runs it from any folder).

    python experiments/validation/granovetter1978.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.core import main_for
from simulator.validation.granovetter1978 import run

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
