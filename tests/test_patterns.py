"""The patterns of the brief emerge, and their counter-scenarios do not show them.

Runs the checks of ``experiments/patterns.py`` (the same code that writes the pattern
table) with a fixed master seed. Each check passes only if the pattern holds *and* its
counter-scenario behaves as the pattern says it should not, so every test here can fail.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from simulator.studies.compare import derive_seeds

from .conftest import ROOT


def _patterns():
    spec = importlib.util.spec_from_file_location("patterns", ROOT / "experiments" / "patterns.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["patterns"] = module
    spec.loader.exec_module(module)
    return module


MASTER_SEED = 2026


@pytest.mark.slow
@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7, 8])
def test_pattern_and_counter(number, tmp_path) -> None:
    patterns = _patterns()
    seeds = derive_seeds(MASTER_SEED, 10)
    check = patterns.PATTERNS[number - 1](seeds, tmp_path)
    print(check)
    assert check.holds, f"pattern {check.pattern} does not hold (master seed {MASTER_SEED}): {check}"
    assert check.counter_absent, f"counter-scenario of {check.pattern} shows the pattern (master seed {MASTER_SEED}): {check}"
