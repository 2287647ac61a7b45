"""Calibration: targets schema, statistics, priors, distance, posterior summaries, seeded sampler.

Fast checks; the statistical recovery, the SIGKILL resume and the dask equivalence are in
``test_calibration_recovery.py``, ``test_calibration_resume.py`` and
``test_calibration_dask.py``.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.analysis import posterior as post
from simulator.calibration import statistics as st
from simulator.calibration.priors import build_priors
from simulator.calibration.sampler import evaluation_seeds
from simulator.calibration.simulate import CalibrationModel, TargetDistance
from simulator.calibration.targets import TargetsError, load_targets, targets_from_dict
from simulator.scenario.ranges import plausible_ranges

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "calibration" / "targets.yaml"
RECOVERY = ROOT / "tests" / "data" / "calibration_recovery.yaml"
KEYS = list(yaml.safe_load((ROOT / "tests" / "data" / "calibration_recovery_truth.yaml").read_text())["truth"])


def _minimal(**target):
    base = {
        "kind": "quantitative",
        "scenario": "base",
        "statistic": {"name": "final"},
        "value": 0.5,
        "uncertainty": 0.1,
        "source": {"seed": "000.txt", "quote": "q"},
    }
    base.update(target)
    return {"scenarios": {"base": {"file": str(ROOT / "scenarios" / "baseline.yaml")}}, "targets": {"t": base}}


# -- targets file -------------------------------------------------------------------------


def test_shipped_targets_load_with_sources_and_both_kinds():
    t = load_targets(TARGETS)
    kinds = {x.kind for x in t.targets.values()}
    assert kinds == {"quantitative", "qualitative"}
    seed_dir = _seed_dir()
    seeds = {p.name for p in seed_dir.glob("*.txt")} if seed_dir else set()
    for name, target in t.targets.items():
        assert target.source.quote.strip(), name
        if seeds:
            assert target.source.seed in seeds, name
    assert "telangana/population.baseline_learning" in t.nuisance_keys()
    assert t.nuisance_keys()["telangana/population.baseline_learning"][2:] == (0.30, 0.45)


def _seed_dir() -> Path | None:
    for candidate in (ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")):
        if candidate.is_dir():
            return candidate
    return None


def test_target_quotes_are_in_the_seed_files():
    seed_dir = _seed_dir()
    if seed_dir is None:
        pytest.skip("seed files not present")
    text = {
        p.name: " ".join(p.read_text(encoding="utf-8").replace("**", "").split())
        for p in seed_dir.glob("*.txt")
    }
    for name, target in load_targets(TARGETS).targets.items():
        quote = " ".join(target.source.quote.split())
        first = quote.split(" (seed")[0].split(" ... ")[0]
        assert first[:60] in text[target.source.seed], (name, first[:60])


@pytest.mark.parametrize(
    "change, key, expected",
    [
        ({"value": None}, "targets.t", "exactly one of 'value' or 'range'"),
        ({"uncertainty": None}, "targets.t", "needs 'uncertainty'"),
        ({"uncertainty": -1}, "targets.t.uncertainty", "greater than 0"),
        ({"statistic": {"name": "nope"}}, "targets.t.statistic", "one of"),
        ({"statistic": {"name": "value_at"}}, "targets.t.statistic", "required arguments"),
        ({"statistic": {"name": "final", "args": {"bogus": 1}}}, "targets.t.statistic", "unknown"),
        ({"scenario": "other"}, "(top level)", "names scenario 'other'"),
        ({"kind": "qualitative"}, "targets.t", "needs 'constraint' and 'scale'"),
        ({"extra": 1}, "targets.t.extra", "known key"),
    ],
)
def test_bad_targets_name_key_expected_found(change, key, expected):
    data = _minimal(**change)
    with pytest.raises(TargetsError) as err:
        targets_from_dict(data, "bad.yaml")
    text = err.value.render()
    assert text.startswith("invalid targets bad.yaml")
    assert key in text and expected in text, text


def test_targets_file_rejects_aliases_and_missing_scenario(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("a: &x [1, 2]\nb: *x\n")
    with pytest.raises(TargetsError, match="aliases are not allowed"):
        load_targets(f)
    data = _minimal()
    data["scenarios"]["base"]["file"] = "missing.yaml"
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(TargetsError, match=r"scenarios\.base\.file: expected an existing scenario file"):
        load_targets(f)


def test_scores_quantitative_range_and_constraint():
    t = targets_from_dict(_minimal()).targets["t"]
    assert t.score(0.5) == 0 and t.score(0.6) == pytest.approx(1.0) and t.score(0.3) == pytest.approx(2.0)
    assert t.score(float("nan")) == float("inf")
    r = targets_from_dict(_minimal(value=None, range=[1, 2])).targets["t"]
    assert r.score(1.5) == 0 and r.score(2.05) == pytest.approx(0.5) and r.met(0.9) and not r.met(0.8)
    q = targets_from_dict(
        _minimal(kind="qualitative", value=None, uncertainty=None, constraint={"below": 0.05}, scale=0.05)
    ).targets["t"]
    assert q.score(0.01) == 0 and q.met(0.05)
    assert q.score(0.06) == pytest.approx(1.2) and not q.met(0.0500001)


# -- statistics ---------------------------------------------------------------------------


def _run(values, schools=None):
    ts = pd.DataFrame({"month": np.arange(len(values)), "learning_mean": values})
    return SimpleNamespace(timeseries=ts, schools=schools)


def test_statistics_by_hand():
    run = _run([0.4, 0.5, 0.6, 0.5, 0.45])
    assert st.compute("final", run, {"window": 2}) == pytest.approx(0.475)
    assert st.compute("value_at", run, {"month": 2}) == pytest.approx(0.6)
    assert st.compute("gain", run, {"month": 2, "window": 1}) == pytest.approx(0.2)
    assert st.compute("kept_share", run, {"window": 1}) == pytest.approx(0.05 / 0.2)
    assert st.compute("kept_share", _run([0.4, 0.4, 0.39]), {}) == 0.0
    assert st.compute("months_to_share_of_gain", _run([0.4, 0.5, 0.6, 0.6]), {"share": 0.5, "window": 1}) == 1.0
    assert np.isnan(st.compute("months_to_share_of_gain", _run([0.4, 0.4, 0.3]), {}))


def test_cluster_statistics_by_hand():
    months = np.repeat([0, 1, 2], 4)
    cluster = np.tile([0, 0, 1, 1], 3)
    learning = np.array([0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.4, 0.4, 0.8, 0.8, 0.4, 0.4])
    schools = pd.DataFrame({"month": months, "school": np.tile(range(4), 3), "cluster": cluster, "learning": learning})
    run = _run([0.4, 0.5, 0.6], schools)
    assert st.compute("cluster_ratio", run, {"month": 2, "treated_clusters": 1}) == pytest.approx(2.0)
    assert st.compute("cluster_gap_maturity", run, {"treated_clusters": 1, "share": 0.45, "window": 1}) == 1.0
    with pytest.raises(ValueError, match="no treated or no comparison"):
        st.compute("cluster_ratio", run, {"month": 2, "treated_clusters": 2})


# -- priors -------------------------------------------------------------------------------


def test_priors_come_from_the_schema_ranges(tmp_path):
    ranges = plausible_ranges()
    p = build_priors(keys=KEYS)
    for key in KEYS:
        assert (p[key].low, p[key].high) == (ranges[key].low, ranges[key].high)
    assert build_priors().names == list(ranges)
    f = tmp_path / "p.yaml"
    f.write_text("priors:\n  dynamics.inertia: {low: 0.03, high: 0.05, reason: test}\n")
    q = build_priors(keys=["dynamics.inertia"], prior_file=f)
    assert (q["dynamics.inertia"].low, q["dynamics.inertia"].high, q["dynamics.inertia"].reason) == (0.03, 0.05, "test")
    with pytest.raises(TargetsError, match="no range declared"):
        build_priors(keys=["recruit.cohort_size"])
    f.write_text("priors:\n  dynamics.inertia: {low: 0.5, high: 2.0}\n")
    with pytest.raises(TargetsError, match="a range the scenario schema accepts"):
        build_priors(prior_file=f)
    t = load_targets(TARGETS)
    nuisance = build_priors(t, keys=["dynamics.inertia"])
    assert nuisance.overrides_for("telangana", {"dynamics.inertia": 0.03, "telangana/population.baseline_learning": 0.33}) == {
        "dynamics.inertia": 0.03,
        "population.baseline_learning": 0.33,
    }
    assert nuisance.overrides_for("london", {"dynamics.inertia": 0.03, "telangana/population.baseline_learning": 0.33}) == {
        "dynamics.inertia": 0.03
    }


# -- model and distance -------------------------------------------------------------------


def test_model_is_deterministic_in_its_seed_and_distance_is_max_score():
    t = load_targets(RECOVERY)
    model = CalibrationModel(t, build_priors(t, keys=KEYS))
    params = {"dynamics.inertia": 0.04, "dynamics.collective_practice_gain": 0.1}
    a, b, c = model.statistics(params, 1), model.statistics(params, 1), model.statistics(params, 2)
    assert a == b and a != c and set(a) == set(t.targets)
    dist = TargetDistance(t)
    scores = dist.scores(a)
    assert dist(a, {}) == max(scores.values())
    with pytest.raises(RuntimeError, match="no calibration evaluation is running"):
        model(params)


def test_evaluation_seeds_depend_on_master_generation_and_number():
    seen = {evaluation_seeds(m, t, j) for m in (1, 2) for t in (-1, 0, 1) for j in range(5)}
    assert len(seen) == 30
    assert evaluation_seeds(3, 0, 4) == evaluation_seeds(3, 0, 4)


# -- posterior summaries ------------------------------------------------------------------


def test_weighted_quantile_matches_numpy_with_equal_weights_and_respects_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=101)
    for q in (0.05, 0.5, 0.95):
        assert post.weighted_quantile(x, q)[0] == pytest.approx(np.quantile(x, q, method="hazen"))
    assert post.weighted_quantile([0.0, 1.0], 0.5, [0.01, 0.99])[0] > 0.9
    assert post.effective_sample_size(np.ones(10)) == pytest.approx(10)
    assert post.effective_sample_size([1, 0, 0]) == pytest.approx(1)
    lo, hi = post.credible_interval(np.arange(1000), level=0.9)
    assert lo == pytest.approx(49.5, abs=1) and hi == pytest.approx(949.5, abs=1)
    assert post.weighted_quantile([1.0, 2.0, np.inf, np.inf], 0.9)[0] == np.inf


def test_resample_is_deterministic_and_follows_weights():
    w = np.array([0.7, 0.2, 0.1])
    idx = post.resample(w, 1000, seed=3)
    assert np.array_equal(idx, post.resample(w, 1000, seed=3))
    assert np.bincount(idx, minlength=3).tolist() == pytest.approx([700, 200, 100], abs=1)


def test_variance_split_recovers_known_components():
    rng = np.random.default_rng(1)
    n = 4000
    truth = rng.normal(10, 2.0, n)  # parameter spread: var 4
    noise_sd = np.full(n, 1.0)  # noise: var 1
    est = truth + rng.normal(0, noise_sd)
    split = post.variance_split(est, noise_sd)
    assert split["parameter_var"] == pytest.approx(4.0, rel=0.08)
    assert split["noise_var"] == pytest.approx(1.0)
    assert split["parameter_share"] == pytest.approx(0.8, abs=0.02)
    flat = post.variance_split(rng.normal(0, 1, n), np.ones(n))  # all noise
    assert flat["parameter_share"] < 0.05


def test_rank_correlations_find_the_parameter_that_matters():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
    df["y"] = 5 * df["a"] + 0.1 * rng.normal(size=200)
    df.loc[df["a"] > 0.95, "y"] = np.inf
    rc = post.rank_correlations(df, ["a", "b"], "y").set_index("parameter")
    assert rc.loc["a", "prcc"] > 0.9 and abs(rc.loc["b", "prcc"]) < 0.2


def test_summarise_posterior_contraction():
    df = pd.DataFrame({"x": np.linspace(0.4, 0.6, 101), "weight": 1.0})
    s = post.summarise_posterior(df, ["x"], {"x": (0.0, 1.0)}).iloc[0]
    assert s["median"] == pytest.approx(0.5) and 0.75 < s["contraction"] < 0.85


# -- command line -------------------------------------------------------------------------


def _clsim(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_calibrate_cli_small_run_then_refuses_another_calibration_in_the_same_dir(tmp_path):
    out = tmp_path / "cal"
    args = ["calibrate", str(RECOVERY), "-o", str(out), "-p", KEYS[0], "-p", KEYS[1],
            "--population", "6", "--generations", "1", "--ppc-draws", "2", "--quiet"]
    r = _clsim(*args)
    assert r.returncode == 0, r.stderr
    for name in ("abc.db", "posterior.parquet", "generations.csv", "analysis.json", "report.html",
                 "figures/marginals.png", "figures/diagnostics.png", "figures/ppc.png"):
        assert (out / name).is_file(), name
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert len(posterior) == 6 and posterior["weight"].sum() == pytest.approx(1.0)
    assert set(KEYS) <= set(posterior.columns)
    again = _clsim(*args[:-1], "--population", "7", "--quiet")
    assert again.returncode == 2
    assert "cannot continue the calibration" in again.stderr and "population" in again.stderr
    assert "Traceback" not in again.stderr


def test_calibrate_cli_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_minimal(uncertainty=None)))
    for args in (["calibrate", str(bad), "-o", str(tmp_path / "o")],
                 ["calibrate", str(RECOVERY), "-o", str(tmp_path / "o"), "-p", "dynamics.nope"],
                 ["calibrate", str(tmp_path / "missing.yaml")]):
        r = _clsim(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert "error:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_posterior_depends_on_neither_the_global_random_state_nor_early_rejection(tmp_path, monkeypatch):
    """pyabc draws proposals from numpy's global state; the sampler seeds it per evaluation.

    The second run also turns early rejection off (an evaluation then runs every
    scenario): the distance is the largest target score, so stopping at the first
    scenario that misses the tolerance changes no decision, only the number of runs.
    """
    import random

    import simulator.runner
    from simulator.studies.calibration import calibration_study

    real = simulator.runner.run_scenario
    runs = {"n": 0}

    def counted(*args, **kwargs):
        runs["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(simulator.runner, "run_scenario", counted)
    tables, gens, counts = [], [], []
    for i, (state, early) in enumerate(((1, True), (2, False))):
        np.random.seed(state)  # noqa: NPY002 - the point of the test
        random.seed(state)
        runs["n"] = 0
        calibration_study(tmp_path / str(i), RECOVERY, keys=KEYS, population=6, generations=2, ppc_draws=0,
                          master_seed=9, progress=False, figures=False, early_rejection=early)
        counts.append(runs["n"])
        tables.append(pd.read_parquet(tmp_path / str(i) / "posterior.parquet"))
        gens.append(pd.read_csv(tmp_path / str(i) / "generations.csv")[["t", "epsilon", "evaluations"]])
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(gens[0], gens[1])
    assert counts[0] < counts[1], counts  # early rejection ran fewer scenarios
    other = calibration_study(tmp_path / "other", RECOVERY, keys=KEYS, population=6, generations=2, ppc_draws=0,
                              master_seed=10, progress=False, figures=False)
    assert not pd.read_parquet(tmp_path / "other" / "posterior.parquet").equals(tables[0])
    assert other["kind"] == "calibration"


def test_degenerate_weights_are_flagged_and_healthy_ones_are_not():
    from simulator.studies.calibration import weight_health

    gens = pd.DataFrame({"t": [-1, 0, 1, 2], "ess": [float("nan"), 60.0, 30.0, 2.5]})
    bad = weight_health(gens, 60)
    assert bad["degenerate"] and bad["ess_final"] == 2.5
    good = weight_health(gens.assign(ess=[float("nan"), 60.0, 30.0, 25.0]), 60)
    assert not good["degenerate"] and good["ess_share"] == pytest.approx(25 / 60)


def test_generations_record_how_many_parameters_each_generation_perturbed_locally():
    """Generation t's proposals come from the kernel fitted to generation t-1: a population
    spread over every range perturbs nothing locally; one narrowed parameter, one."""
    from simulator.calibration.transition import BoundedNormalTransition
    from simulator.studies.calibration import _generations

    rng = np.random.default_rng(0)
    spread = pd.DataFrame(rng.uniform(0, 1, (40, 3)), columns=["a", "b", "c"])
    populations = {0: spread, 1: spread.assign(a=rng.uniform(0.45, 0.55, 40)),
                   2: spread.assign(a=rng.uniform(0.45, 0.55, 40), b=rng.uniform(0.1, 0.2, 40))}

    class History:
        def get_all_populations(self):
            return pd.DataFrame({"t": [-1, 0, 1, 2], "epsilon": [np.inf, 3.0, 2.0, 1.0],
                                 "samples": [40, 80, 90, 100], "particles": [40] * 4})

        def get_distribution(self, m, t):
            return populations[t], np.full(40, 1 / 40)

    g = _generations(History(), BoundedNormalTransition({k: (0.0, 1.0) for k in "abc"}))
    assert np.isnan(g["local_parameters"].iloc[0])
    assert g["local_parameters"].iloc[1:].tolist() == [0.0, 0.0, 1.0]


def test_an_evaluation_stops_at_the_first_scenario_that_misses_the_tolerance():
    truth = yaml.safe_load((ROOT / "tests" / "data" / "calibration_recovery_truth.yaml").read_text())["truth"]
    targets = load_targets(RECOVERY)
    model = CalibrationModel(targets, build_priors(targets, keys=KEYS))
    params = {k: float(truth[k]) for k in KEYS}
    full = model.statistics(params, sim_seed=3)
    scores = TargetDistance(targets).scores(full)
    first = list(targets.scenarios)[0]
    first_scores = [scores[n] for n, t in targets.targets.items() if t.scenario == first]
    # a tolerance the first scenario's targets already miss: nothing else runs
    cut = model.statistics(params, sim_seed=3, tolerance=max(first_scores) / 2)
    assert all(math.isnan(v) for n, v in cut.items() if targets.targets[n].scenario != first)
    assert all(cut[n] == full[n] for n, t in targets.targets.items() if t.scenario == first)
    # a tolerance every target meets: the full statistics, bit for bit
    assert model.statistics(params, sim_seed=3, tolerance=max(scores.values())) == full
