"""The ensemble engine: many runs in one state, each bit for bit the run made alone."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.engine import Engine, build_run, step_signature
from simulator.ensemble import auto_batch_size, plan_batches, run_ensemble
from simulator.runner import run_scenario
from simulator.sweep import SerialExecutor, read_results, run_sweep, sweep_from_dict
from simulator.sweep.executors import ProcessExecutor

from .conftest import ROOT, tiny


def _same_result(ens, alone) -> None:
    pd.testing.assert_frame_equal(ens.timeseries, alone.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(ens.schools, alone.schools, check_exact=True)
    assert set(ens.summary) == set(alone.summary)
    for key, value in alone.summary.items():
        other = ens.summary[key]
        assert (math.isnan(value) and math.isnan(other)) or value == other, key


CASES = {
    "replicates": [({}, 0), ({}, 1), ({}, 2)],
    # build-only levers change the arrays' lengths: the runs still share one engine
    "cohort sizes": [({"recruit.cohort_size": 0}, 3), ({"recruit.cohort_size": 6}, 3), ({"recruit.cohort_size": 12}, 4)],
    "system sizes": [({"system.schools_per_cluster": 3}, 5), ({"system.clusters_per_district": 3}, 6)],
    # strategy intensities, schedules, modes and layer weights: levers differ per run
    "strategies": [
        ({"develop.fellow_coaching": 0.0, "develop.teacher_coaching": 0.9}, 7),
        ({"technical.practice_push": 0.02, "technical.resources": 0.05}, 7),
        ({"convene.collectives.mode": "imposed", "convene.collectives.facilitation": 0.2}, 8),
        ({"connect.bridging": 0.0, "network.school_weight": 0.5, "convene.collectives.end_year": 1.0}, 9),
    ],
    # per-agent dynamics rates differ per run
    "dynamics": [
        ({"dynamics.influence_rate": 0.01, "dynamics.burnout": 0.0}, 10),
        ({"dynamics.engage_probability": 1.0, "dynamics.practice_gain": 0.05}, 11),
        ({"dynamics.coaching_gain": 0.2, "dynamics.hysteresis": 0.0}, 12),
    ],
}


@pytest.mark.parametrize("case", list(CASES))
def test_runs_side_by_side_equal_runs_alone(case) -> None:
    base = tiny("comprehensive.yaml", **{"recruit.cohort_size": 8, "dynamics.teacher_turnover": 0.3})
    scenarios = [base.with_overrides(o) if o else base for o, _ in CASES[case]]
    seeds = [s for _, s in CASES[case]]
    assert len(plan_batches(scenarios, 36)) == 1  # they do share one engine
    together = run_ensemble(scenarios, seeds, steps=36)
    for sc, seed, ens in zip(scenarios, seeds, together, strict=True):
        _same_result(ens, run_scenario(sc, seed=seed, steps=36))


@pytest.mark.parametrize(
    "base,overrides",
    [
        ("telangana_collectives.yaml", {"system.districts": 2, "system.clusters_per_district": 3}),
        ("technical_only.yaml", {}),
        ("ancash.yaml", {"mechanisms.turnover": False, "mechanisms.ownership": False}),
        ("comprehensive.yaml", {"system.state_officials": 3, "dynamics.support_rate": 0.3, "dynamics.mandate_rate": 0.3}),
    ],
)
def test_other_scenarios_side_by_side(base, overrides) -> None:
    sc = tiny(base, **overrides)
    together = run_ensemble([sc, sc, sc], [0, 1, 2], steps=30)
    for seed, ens in enumerate(together):
        _same_result(ens, run_scenario(sc, seed=seed, steps=30))


def test_engine_state_is_the_concatenation_of_runs_alone() -> None:
    sc = tiny("comprehensive.yaml", **{"recruit.cohort_size": 8})
    other = sc.with_overrides({"recruit.cohort_size": 4})
    engine = Engine([build_run(sc, 1), build_run(other, 2)])
    alone = [Engine([build_run(sc, 1)]), Engine([build_run(other, 2)])]
    for _ in range(30):
        engine.step()
        for e in alone:
            e.step()
    for k, e in enumerate(alone):
        view = engine.run_state(k)
        for name in ("purpose", "trust", "agency", "practice", "learning", "engaged", "active", "maturity", "ownership", "support"):
            assert np.array_equal(getattr(view, name), getattr(e.state, name)), name
        assert np.array_equal(view.state_support, e.state.state_support)


def test_runs_that_cannot_share_an_engine_are_refused_and_planned_apart() -> None:
    a = tiny("comprehensive.yaml")
    b = a.with_overrides({"mechanisms.inertia": False})
    c = a.with_overrides({"dynamics.collective_fade_rate": 0.5})  # a per-cluster rate
    assert step_signature(a) != step_signature(b) != step_signature(c)
    with pytest.raises(ValueError, match="step parameters"):
        Engine([build_run(a, 0), build_run(b, 0)])
    assert plan_batches([a, b, a, c, a], 36) == [[0, 2, 4], [1], [3]]
    assert plan_batches([a] * 5, 36, batch_size=2) == [[0, 1], [2, 3], [4]]


def test_batch_size_follows_the_memory_estimate(monkeypatch) -> None:
    sc = tiny("comprehensive.yaml")
    assert auto_batch_size(sc) > 1
    monkeypatch.setenv("CLSIM_MEMORY_LIMIT", "300M")
    small = auto_batch_size(sc)
    monkeypatch.setenv("CLSIM_MEMORY_LIMIT", "1G")
    assert auto_batch_size(sc) > small >= 1
    monkeypatch.setenv("CLSIM_MEMORY_LIMIT", "100M")  # below one process: runs alone
    assert auto_batch_size(sc) == 1


def _spec(path, **extra):
    tiny_path = path / "tiny.yaml"
    sc = tiny("comprehensive.yaml", **{"recruit.cohort_size": 6})
    import yaml

    tiny_path.write_text(yaml.safe_dump(sc.to_dict()))
    return sweep_from_dict(
        {
            "name": "ensemble",
            "scenario": str(tiny_path),
            "steps": 24,
            "parameters": {"recruit.cohort_size": [0, 4, 8], "develop.fellow_coaching": [0.2, 0.8]},
            "replicates": 3,
            "master_seed": 11,
            "timeseries": {"outcomes": ["engaged_share", "fellows_active"], "every": 6},
            **extra,
        }
    )


def _table(path):
    """The results by run id, columns by name (parameter columns are in the order first written)."""
    table = read_results(path).drop(columns=["package_version"], errors="ignore")
    return table.sort_values("run_id").reset_index(drop=True)[sorted(table.columns)]


def test_sweep_in_batches_equals_runs_one_by_one_and_resumes(tmp_path) -> None:
    spec = _spec(tmp_path)
    run_sweep(spec, tmp_path / "alone", executor=SerialExecutor(batch=1), progress=False)
    # batched, stopped after 7 runs, then resumed: the same table, one row a run
    run_sweep(spec, tmp_path / "batched", executor=SerialExecutor(batch=5), progress=False, max_runs=7)
    assert len(read_results(tmp_path / "batched")) == 7
    again = run_sweep(spec, tmp_path / "batched", executor=SerialExecutor(), progress=False)
    assert again.n_skipped == 7 and again.n_executed == spec.n_runs - 7
    alone, batched = _table(tmp_path / "alone"), _table(tmp_path / "batched")
    assert batched["run_id"].tolist() == list(range(spec.n_runs))
    pd.testing.assert_frame_equal(alone, batched, check_exact=True)
    from simulator.sweep.store import read_timeseries

    s1 = read_timeseries(tmp_path / "alone").sort_values(["run_id", "month"]).reset_index(drop=True)
    s2 = read_timeseries(tmp_path / "batched").sort_values(["run_id", "month"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(s1, s2, check_exact=True)


def test_local_processes_hand_batches_to_the_ensemble(tmp_path) -> None:
    spec = _spec(tmp_path)
    run_sweep(spec, tmp_path / "alone", executor=SerialExecutor(batch=1), progress=False)
    with ProcessExecutor(2, batch=4) as ex:
        run_sweep(spec, tmp_path / "local", executor=ex, progress=False)
    pd.testing.assert_frame_equal(_table(tmp_path / "alone"), _table(tmp_path / "local"), check_exact=True)


def test_a_run_that_raises_in_a_batch_is_named(tmp_path) -> None:
    from simulator.sweep.executors import RunTask, run_chunk
    from simulator.sweep.targets import ScenarioTarget

    target = ScenarioTarget(tiny("comprehensive.yaml"), steps=6)
    tasks = [RunTask(0, 1, {}), RunTask(1, 2, {"recruit.cohort_size": -3}), RunTask(2, 3, {})]
    out = run_chunk(target, tasks)
    assert out[0].outcomes is not None and out[2].outcomes is not None
    assert out[1].outcomes is None and "cohort_size" in out[1].error
    assert out[0].outcomes["final_learning"] == run_scenario(target.scenario, seed=1, steps=6).summary["final_learning"]


def test_scenarios_dir_exists() -> None:
    assert (ROOT / "scenarios" / "comprehensive.yaml").is_file()


def _same_row(got: dict, want: dict) -> list[str]:
    """Indicator names whose value or type differs (floats compared as bytes)."""
    bad = [] if list(got) == list(want) else ["(key order)"]
    for name, value in want.items():
        other = got.get(name)
        kind = float if isinstance(value, float) else int  # np.float64 is a float
        if not isinstance(other, kind) or isinstance(other, bool):
            bad.append(f"{name}: {type(other).__name__} against {type(value).__name__}")
        elif kind is float and np.float64(value).tobytes() != np.float64(other).tobytes():
            bad.append(f"{name}: {other!r} against {value!r}")
        elif kind is int and value != other:
            bad.append(f"{name}: {other!r} against {value!r}")
    return bad


@pytest.mark.parametrize("name, overrides", [
    ("comprehensive.yaml", {"dynamics.teacher_turnover": 0.3}),
    ("telangana_collectives.yaml", {}),
    ("london.yaml", {}),
    ("baseline.yaml", {}),
    ("convene.yaml", {"convene.collectives.mode": "imposed"}),
])
def test_compiled_indicators_equal_compute_indicators(name, overrides) -> None:
    """A single run's compiled indicators (``run_indicators``) are ``compute_indicators``' every month.

    ``compute_indicators`` is the NumPy statement of every indicator; the model and the
    ensemble's runs alone record the compiled form, so this is what ties them to it:
    same keys in the same order, same types, same bits.
    """
    from simulator.indicators import compute_indicators
    from simulator.model import EducationModel

    sc = tiny(name, **overrides)
    model = EducationModel(sc, seed=5, agents=False, collect=False)
    for month in range(40):
        want = compute_indicators(
            model.state, model.aggregates, model.collectives, model.levers, month=model.month,
            baseline_practice=sc.population.baseline_practice,
            students_per_classroom=sc.system.students_per_classroom,
            n_clusters=model.layout.n_clusters, n_schools=model.layout.n_schools,
        )
        differences = _same_row(model.indicators(), want)
        assert not differences, (month, differences)
        model.step()
