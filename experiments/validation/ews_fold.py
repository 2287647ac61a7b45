"""Early-warning signals before a fold (Scheffer et al. 2009; Dakos et al. 2012).

A thin script: the validation itself is :mod:`simulator.validation.ews_fold` (installed with
clsim, so ``clsim validate-classics --only ews_fold`` runs it from any folder).

    python experiments/validation/ews_fold.py [--out DIR] [--quick] [--seed S]
"""

from simulator.validation.core import main_for
from simulator.validation.ews_fold import run

if __name__ == "__main__":
    main_for(run, __doc__.splitlines()[0])
