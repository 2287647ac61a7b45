"""The bad-input harness measures the child's own memory, not its parent's."""

from __future__ import annotations

import sys

import pytest

from .bad_input import MEMORY_LIMIT, run_cli

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

HOLD = "import sys, time; block = b'x' * int(sys.argv[1]); time.sleep(0.3)"


def test_a_small_child_of_a_large_parent_is_measured_small() -> None:
    ballast = b"x" * (MEMORY_LIMIT + 200 * 2**20)  # the parent is larger than the limit
    outcome = run_cli(["0"], program=("-c", HOLD))
    assert outcome.code == 0
    assert outcome.peak_bytes < 200 * 2**20, outcome.peak_bytes
    assert len(ballast) > MEMORY_LIMIT


def test_a_child_over_the_limit_is_caught() -> None:
    outcome = run_cli([str(MEMORY_LIMIT + 100 * 2**20)], program=("-c", HOLD))
    assert outcome.code == 0
    assert outcome.peak_bytes > MEMORY_LIMIT
    assert any("peak memory" in p for p in outcome.problems(expect_code=None))
