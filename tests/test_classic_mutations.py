"""Mutation tests: break the engine's rule and show that the validation suite fails.

Each mutation patches the classic models' use of the update kernel (the main model's
``threshold_rule``, through :func:`simulator.classic.threshold.threshold_step`) or their
update loop, reruns validations in quick mode, and asserts that the named checks fail.
The mutants call the real kernel with transformed arguments, so they depend only on its
signature ``threshold_rule(engaged, share, count, threshold, *, min_support, committed)``.

======================  ===================================================  =========
mutation                caught by (quick mode)                               suite
======================  ===================================================  =========
``>`` for ``>=``        Granovetter ladder; engine vs equilibrium method;    default
                        Watts at phi = 1/4; Centola & Macy ring and Moore    slow
asynchronous updates    Granovetter: one rioter a step                       default
                        Centola & Macy: 249 steps on the ring                slow
no reinforcement        Granovetter: moved person; Moore a = 4; ring 1%      default
degree off by one       Watts: the curve, phi = 1/4, exponential degrees     slow
======================  ===================================================  =========
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.classic import threshold as threshold_module
from simulator.classic.threshold import ThresholdContagion
from simulator.processes.engagement import threshold_rule
from simulator.validation import centola_macy2007, granovetter1978, watts2002

from ._classic_suite import suite_run


def _strict(engaged, share, count, threshold, *, min_support=0.0, **kwargs):
    """``share > threshold`` and ``count > min_support`` instead of ``>=``."""
    return threshold_rule(
        engaged,
        share,
        count,
        np.nextafter(np.asarray(threshold, dtype=float), np.inf),
        min_support=np.nextafter(np.asarray(min_support, dtype=float), np.inf),
        **kwargs,
    )


def _no_reinforcement(engaged, share, count, threshold, *, min_support=0.0, **kwargs):
    """The reinforcement count is ignored (``min_support = 0``)."""
    return threshold_rule(engaged, share, count, threshold, min_support=0.0, **kwargs)


def _mutate(monkeypatch: pytest.MonkeyPatch, mutation: str) -> None:
    if mutation == "strict inequality":
        monkeypatch.setattr(threshold_module, "threshold_rule", _strict)
    elif mutation == "no reinforcement":
        monkeypatch.setattr(threshold_module, "threshold_rule", _no_reinforcement)
    elif mutation == "asynchronous":
        monkeypatch.setattr(
            ThresholdContagion, "_synchronous_update", ThresholdContagion._random_order_sweep
        )
    elif mutation == "degree off by one":
        init = ThresholdContagion.__init__

        def off_by_one(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.degree = self.degree + 1.0  # the share's denominator counts one tie too many

        monkeypatch.setattr(ThresholdContagion, "__init__", off_by_one)
    else:  # pragma: no cover
        raise ValueError(mutation)


def _failing(module, mutation: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], object]:
    _mutate(monkeypatch, mutation)
    result = module.run(quick=True, master_seed=0)
    monkeypatch.undo()
    return {c.quantity for c in result.checks if c.tested and not c.agrees}, result


def _passes_unmutated(name: str, quantities: set[str]) -> None:
    _, table, _ = suite_run(True)
    rows = table[(table.validation == name) & table.quantity.isin(quantities)]
    assert len(rows) == len(quantities) and rows.agrees.all(), rows


CASES_FAST = [
    (
        "strict inequality",
        granovetter1978,
        {
            "riot size, thresholds 0..99",
            "engine vs Granovetter's equilibrium method, random crowds of 100",
        },
    ),
    ("asynchronous", granovetter1978, {"thresholds 0..99: one more rioter each step"}),
    (
        "no reinforcement",
        granovetter1978,
        {
            "riot size, threshold-1 person moved to 2",
            "engine vs Granovetter's equilibrium method, random crowds of 100",
        },
    ),
]

CASES_SLOW = [
    (
        "strict inequality",
        watts2002,
        {"phi = 1/4 exactly (share >= phi at degree 4): P(global) at z = 2.0"},
    ),
    (
        "strict inequality",
        centola_macy2007,
        {"ring, a = 2, no rewiring: adoption", "Moore lattice 32 x 32, no rewiring: a = 3 / a = 4"},
    ),
    (
        "no reinforcement",
        centola_macy2007,
        {
            "Moore lattice 32 x 32, no rewiring: a = 3 / a = 4",
            "ring, a = 2, 1% rewiring: mean adoption",
        },
    ),
    (
        "degree off by one",
        watts2002,
        {
            "P(global cascade) at every z in the window, away from the upper edge",
            "phi = 1/4 exactly (share >= phi at degree 4): P(global) at z = 2.0",
        },
    ),
]


def _ids(cases):
    return [f"{m} / {mod.NAME}" for m, mod, _ in cases]


@pytest.mark.parametrize(("mutation", "module", "expected"), CASES_FAST, ids=_ids(CASES_FAST))
def test_a_broken_rule_fails_the_suite(mutation, module, expected, monkeypatch):
    failing, result = _failing(module, mutation, monkeypatch)
    print(f"{mutation}: {module.NAME} fails {sorted(failing)}")
    assert not result.all_agree
    assert expected <= failing, f"{mutation}: expected {expected} to fail, failing: {failing}"
    _passes_unmutated(module.NAME, expected)


@pytest.mark.slow
@pytest.mark.parametrize(("mutation", "module", "expected"), CASES_SLOW, ids=_ids(CASES_SLOW))
def test_a_broken_rule_fails_the_suite_slow(mutation, module, expected, monkeypatch):
    failing, result = _failing(module, mutation, monkeypatch)
    print(f"{mutation}: {module.NAME} fails {sorted(failing)}")
    assert not result.all_agree
    assert expected <= failing, f"{mutation}: expected {expected} to fail, failing: {failing}"
    _passes_unmutated(module.NAME, expected)


@pytest.mark.slow
def test_asynchronous_updates_break_the_ring_timing(monkeypatch):
    """The Centola & Macy timing check, run alone (the whole validation is slow in random order)."""
    from simulator.classic.complex_contagion import ComplexContagion

    _mutate(monkeypatch, "asynchronous")
    steps = [
        ComplexContagion(n=1_000, k=4, threshold=1, seed=s).run().time_to_share(1.0)
        for s in range(3)
    ]
    monkeypatch.undo()
    sync = [
        ComplexContagion(n=1_000, k=4, threshold=1, seed=s).run().time_to_share(1.0)
        for s in range(3)
    ]
    assert sync == [249.0] * 3
    assert all(t < 249 for t in steps), steps  # the check "steps to full adoption = 249" fails
