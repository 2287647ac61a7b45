"""Validation of the engine against classic tipping-point results, one script per paper.

Each module exposes ``run(quick=False, master_seed=0) -> Validation`` and can be run on
its own (``python -m experiments.validation.watts2002 --out results/validation``);
:func:`experiments.validation.run_all.run_all` runs them all and writes the summary
table ``docs/validation_summary.md``; ``clsim validate-classics`` calls it.
"""
