"""The room's experiment (simulator/studies/room.py): order, budget, cancel, resume, fit."""

from __future__ import annotations

import math

from simulator.scenario import load_scenario
from simulator.studies.room import bisection_order, room_experiment

from .conftest import ROOT

SMALL = {
    "system.districts": 1,
    "system.clusters_per_district": 2,
    "system.schools_per_cluster": 5,
    "recruit.placement_clusters": 1,
    "meta.steps": 48,
}


def scenario():
    return load_scenario(ROOT / "scenarios" / "workshop.yaml").with_overrides(SMALL)


def test_bisection_order_covers_every_index_ends_first():
    assert bisection_order(0) == [] and bisection_order(1) == [0]
    for n in range(2, 20):
        order = bisection_order(n)
        assert sorted(order) == list(range(n)) and order[:2] == [0, n - 1]
    assert bisection_order(5) == [0, 4, 2, 1, 3]


def test_runs_arrive_ends_first_and_the_fit_forms(tmp_path):
    updates = []
    values = [0, 5, 10, 15, 20]
    result = room_experiment(
        tmp_path / "room", scenario(), values, seeds=2, budget=600, on_update=updates.append
    )
    assert result.finished and result.stopped == "" and result.done == result.planned == 10
    first = [float(v) for v in result.runs["recruit.cohort_size"][:5]]
    assert first == [0, 20, 10, 5, 15]  # a rough curve early, replicate by replicate
    assert len(updates) >= 10 and updates[-1] is result
    assert result.fit is not None and result.fit["n_runs"] == 10
    assert math.isfinite(result.first_fit_seconds) and result.first_fit_seconds <= result.elapsed
    assert set(result.runs["transformed"]) <= {0.0, 1.0}


def test_the_budget_and_cancel_stop_new_runs_and_a_rerun_resumes(tmp_path):
    values = [0, 5, 10, 15, 20]
    out = tmp_path / "room"
    none = room_experiment(out, scenario(), values, seeds=2, budget=0)
    assert none.done == 0 and none.stopped == "budget" and none.fit is None

    def cancel_after_four(update) -> None:
        if update.done >= 4:
            cancel.set()

    import threading

    cancel = threading.Event()
    part = room_experiment(out, scenario(), values, seeds=2, cancel=cancel, on_update=cancel_after_four)
    assert part.stopped == "cancelled" and 4 <= part.done < part.planned
    seen = []
    full = room_experiment(out, scenario(), values, seeds=2, on_update=lambda u: seen.append(u.done))
    assert full.done == full.planned == 10 and full.stopped == ""
    assert seen[0] == part.done  # the finished runs came back from the store first
    kept = part.runs.set_index("run_id")["learning_gain"]
    again = full.runs.set_index("run_id")["learning_gain"]
    assert (again.loc[kept.index] == kept).all()
