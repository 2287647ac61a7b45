"""Sweep specifications, seeds and designs: hand-checkable cases and clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from simulator.sweep import SweepError, load_sweep, run_seed, sweep_from_dict
from simulator.sweep.seeds import design_seed

DATA = Path(__file__).parent / "data" / "sweeps"
TOY = "simulator.sweep.toy:toy_tipping"


def spec(**kw):
    base = {"function": TOY, "parameters": {"recruit.cohort_size": [0, 10, 20]}, "master_seed": 1}
    base.update(kw)
    return sweep_from_dict(base)


@pytest.mark.parametrize("master", [0, 1, 12345, 2**40])
def test_run_seed_is_spawned_child(master):
    children = np.random.SeedSequence(master).spawn(6)
    for run_id, child in enumerate(children):
        expected = int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
        assert run_seed(master, run_id) == expected, f"master={master} run={run_id}"
    assert 0 <= run_seed(master, 5) < 2**63


def test_design_stream_differs_from_run_seeds():
    assert design_seed(1) != run_seed(1, 0) & 0xFFFFFFFF


def test_grid_run_table_is_replicate_major_with_seeds():
    s = spec(
        parameters={
            "recruit.cohort_size": [0, 10],
            "recruit.end_year": {"low": 2, "high": 6, "num": 3},
        },
        replicates=2,
    )
    runs = s.run_table()
    assert s.n_points == 6 and s.n_runs == 12 and len(runs) == 12
    assert runs["run_id"].tolist() == list(range(12))
    assert runs["replicate"].tolist() == [0] * 6 + [1] * 6
    assert runs["point_id"].tolist() == list(range(6)) * 2
    # First parameter varies slowest in the grid.
    assert runs["recruit.cohort_size"].tolist()[:6] == [0, 0, 0, 10, 10, 10]
    assert runs["recruit.end_year"].tolist()[:3] == [2.0, 4.0, 6.0]
    assert runs["seed"].tolist() == [run_seed(1, r) for r in range(12)]


def test_common_random_numbers_share_seed_within_replicate():
    runs = spec(replicates=3, common_random_numbers=True).run_table()
    for rep, grp in runs.groupby("replicate"):
        assert set(grp["seed"]) == {run_seed(1, int(rep))}


def test_int_range_and_log_scale():
    s = spec(
        parameters={
            "recruit.cohort_size": {"low": 1, "high": 100, "num": 3, "scale": "log", "type": "int"}
        }
    )
    assert s.design_table()["recruit.cohort_size"].tolist() == [1, 10, 100]


@pytest.mark.parametrize(
    "design,samples", [("lhs", 16), ("sobol", 16), ("morris", 4), ("saltelli", 8)]
)
def test_sampled_designs_are_deterministic_and_in_bounds(design, samples):
    params = {"a": {"low": -1.0, "high": 3.0}, "b": {"low": 10, "high": 20, "type": "int"}}
    s1 = spec(design=design, samples=samples, parameters=params)
    s2 = spec(design=design, samples=samples, parameters=params)
    t1, t2 = s1.design_table(), s2.design_table()
    assert len(t1) == s1.n_points
    assert t1.equals(t2)
    assert t1["a"].between(-1, 3).all() and t1["b"].between(10, 20).all()
    assert t1["b"].map(type).eq(int).all()
    other = spec(design=design, samples=samples, parameters=params, master_seed=2).design_table()
    if design != "morris":  # a 4-level Morris grid can repeat by chance
        assert not t1.equals(other)


def test_lhs_is_latin():
    s = spec(design="lhs", samples=10, parameters={"a": {"low": 0.0, "high": 1.0}})
    strata = np.floor(np.asarray(s.design_table()["a"]) * 10).astype(int)
    assert sorted(strata) == list(range(10))


def test_hash_ignores_name_and_path_but_not_content():
    a = spec(name="one")
    b = spec(name="two", description="other words")
    assert a.content_hash() == b.content_hash()
    assert spec(replicates=2).content_hash() != a.content_hash()
    assert spec(master_seed=2).content_hash() != a.content_hash()


@pytest.mark.parametrize(
    "extra,key,words",
    [
        ({"bogus": 1}, "bogus", "unknown keys are rejected"),
        ({"replicates": 0}, "replicates", "greater than or equal to 1"),
        (
            {"design": "sobol", "samples": 10, "parameters": {"a": {"low": 0, "high": 1}}},
            "(top level)",
            "power of two",
        ),
        (
            {"design": "grid", "parameters": {"a": {"low": 0, "high": 1}}},
            "(top level)",
            "parameters.a.num",
        ),
        (
            {"parameters": {"a": {"low": 2, "high": 1, "num": 2}}},
            "parameters.a",
            "high must be >= low",
        ),
        (
            {"design": "lhs", "parameters": {"a": {"low": 0, "high": 1}}},
            "(top level)",
            "needs 'samples'",
        ),
        ({"parameters": {"seed": [1, 2]}}, "(top level)", "reserved"),
        ({"fixed": {"recruit.cohort_size": 3}}, "(top level)", "both varied and fixed"),
    ],
)
def test_errors_name_key_expected_found(extra, key, words):
    with pytest.raises(SweepError) as err:
        spec(**extra)
    text = str(err.value)
    assert text.startswith("invalid sweep <dict>")
    assert key in text and words in text and "found" in text


def test_scenario_xor_function():
    with pytest.raises(SweepError, match="exactly one of 'scenario' or 'function'"):
        sweep_from_dict({"parameters": {"a": [1]}, "master_seed": 1})


def test_load_flat_and_section_and_relative_scenario(tmp_path):
    loaded = load_sweep(DATA / "tiny_cohort.yaml")
    assert loaded.name == "tiny-cohort"
    assert loaded.scenario_path() == (DATA / "tiny.yaml").resolve()
    flat = tmp_path / "flat.yaml"
    flat.write_text(
        f"function: {TOY}\nparameters: {{recruit.cohort_size: [1, 2]}}\nmaster_seed: 3\n"
    )
    assert load_sweep(flat).n_runs == 2


def test_load_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sweep:\n  function: x:y\n  master_seed: 1\n  parameters: {a: [1]}\n  replicate: 2\n"
    )
    with pytest.raises(SweepError) as err:
        load_sweep(bad)
    assert str(bad) in str(err.value) and "replicate" in str(err.value)
    with pytest.raises(SweepError, match="no such file"):
        load_sweep(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sweep: [1, 2\n")
    with pytest.raises(SweepError, match="valid YAML"):
        load_sweep(broken)


def test_embedded_sweep_section_in_scenario_file(tmp_path):
    from simulator.sweep.targets import build_target

    scenario = tmp_path / "with_sweep.yaml"
    scenario.write_text(
        f"extends: {(DATA / 'tiny.yaml').resolve()}\n"
        "meta: {name: embedded}\n"
        "sweep:\n  parameters: {recruit.cohort_size: [0, 4]}\n  master_seed: 5\n"
    )
    loaded = load_sweep(scenario)
    assert loaded.scenario_path() == scenario.resolve()
    target, scenario_hash = build_target(loaded)
    assert target.scenario.meta.name == "embedded" and len(scenario_hash) == 64


def test_unknown_scenario_key_is_caught_before_running(tmp_path):
    from simulator.sweep.targets import build_target, validate_keys

    bad = sweep_from_dict(
        {
            "scenario": str(DATA / "tiny.yaml"),
            "parameters": {"recruit.cohort_sise": [1, 2]},
            "master_seed": 1,
        },
        source="bad.yaml",
    )
    target, _ = build_target(bad)
    with pytest.raises(SweepError) as err:
        validate_keys(bad, target)
    assert "bad.yaml" in str(err.value) and "parameters.recruit.cohort_sise" in str(err.value)
    out_of_range = sweep_from_dict(
        {
            "scenario": str(DATA / "tiny.yaml"),
            "parameters": {"recruit.retention": [0.5, 1.5]},
            "master_seed": 1,
        },
        source="range.yaml",
    )
    with pytest.raises(SweepError, match="1.5"):
        validate_keys(out_of_range, build_target(out_of_range)[0])


def test_points_design():
    s = spec(parameters={}, design="points", points=[{"a": 1, "b": 0.5}, {"a": 2, "b": 1.5}])
    table = s.design_table()
    assert table.to_dict("list") == {"a": [1, 2], "b": [0.5, 1.5]}
    assert s.parameter_types() == {"a": "int", "b": "float"}


def test_saltelli_size_matches_salib():
    s = spec(
        design="saltelli",
        samples=8,
        parameters={k: {"low": -math.pi, "high": math.pi} for k in "xyz"},
    )
    assert s.n_points == 8 * (3 + 2) == len(s.design_table())
