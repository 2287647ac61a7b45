"""Xie et al. (2011), social consensus through the influence of committed minorities.

A thin script: the validation itself is :mod:`simulator.validation.xie2011` (installed with
clsim, so ``clsim validate-classics --only xie2011`` runs it from any folder).

    python experiments/validation/xie2011.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.core import main_for
from simulator.validation.xie2011 import run

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
