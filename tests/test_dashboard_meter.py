"""The critical-mass meter: its cached S-curves, its forecasts, and whether it means tipping.

The meter reads P(transformed) of the run on screen from model futures
(:mod:`simulator.studies.forecast`) and shows the run against the critical mass of a
precomputed tipping study (:mod:`simulator.dashboard.meter_cache`). Every expectation
here is computed from the model at test time (small systems, few seeds); no tipping
location is written down, because the model's dynamics are still being revised.
"""

from __future__ import annotations

import copy
import json
import time

import numpy as np
import pytest

from simulator.analysis.tipping import Regime
from simulator.dashboard.meter_cache import (
    FORMAT_VERSION,
    SettingsCurve,
    cache_path,
    load_cache,
    model_fingerprint,
    precompute,
    variant_key,
)
from simulator.model import EducationModel
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.studies.common import DEFAULT_MASTER_SEED
from simulator.studies.forecast import (
    auc,
    forecast_transformed,
    fork_model,
    held_out_readings,
    run_outcome,
)
from simulator.sweep.seeds import run_seed

from .conftest import ROOT

WORKSHOP = ROOT / "scenarios" / "workshop.yaml"

#: The workshop's structure at a fifth of its size: one district of four clusters.
SMALL = {
    "system.districts": 1,
    "system.clusters_per_district": 4,
    "system.schools_per_cluster": 8,
    "recruit.placement_clusters": 1,
    "recruit.cohort_size": 8,
}


def small_file(tmp_path, extra: str = "") -> object:
    path = tmp_path / "small_workshop.yaml"
    path.write_text(
        "# a small copy of the workshop system for tests\n"
        f"extends: {WORKSHOP}\n"
        "meta: {name: small_workshop}\n"
        "system: {districts: 1, clusters_per_district: 4, schools_per_cluster: 8}\n"
        "recruit: {placement_clusters: 1, cohort_size: 8}\n" + extra
    )
    return path


# -- the cache ---------------------------------------------------------------------------


def test_a_cache_is_used_only_for_its_scenario_and_model(tmp_path):
    path = small_file(tmp_path)
    cache, status = load_cache(path)
    assert cache is None and "no precomputed S-curve" in status.message
    written = precompute(path, values=[0, 5, 10, 20], seeds=2, variants=[{}], progress=False, n_boot=200)
    assert written == cache_path(path) and written.parent.name == ".meter"
    cache, status = load_cache(path)
    assert status.ok and cache is not None
    curve = cache.curve_for({"recruit.cohort_size": 13})  # the cohort is not part of the key
    assert isinstance(curve, SettingsCurve) and curve.n_runs == 8
    assert curve.values == [0, 5, 10, 20] and len(curve.shares) == 4
    assert 0.0 <= curve.p_at(10) <= 1.0
    assert cache.curve_for({"recruit.placement": "spread"}) is None  # not computed

    data = json.loads(written.read_text())
    # a different model (its fingerprint) is detected...
    stale = copy.deepcopy(data)
    stale["key"]["model_fingerprint"] = "0" * 16
    written.write_text(json.dumps(stale))
    cache, status = load_cache(path)
    assert cache is None and "dynamics changed" in status.message and "--precompute" in status.message
    # ...and an older file layout
    stale = copy.deepcopy(data)
    stale["key"]["format_version"] = FORMAT_VERSION - 1
    written.write_text(json.dumps(stale))
    assert load_cache(path)[0] is None
    # ...and a changed scenario file
    written.write_text(json.dumps(data))
    assert load_cache(path)[1].ok
    small_file(tmp_path, "develop: {fellow_coaching: 0.2}\n")
    cache, status = load_cache(path)
    assert cache is None and "scenario file changed" in status.message


def test_the_fingerprint_follows_the_dynamics_not_the_file():
    base = load_scenario(WORKSHOP)
    assert model_fingerprint(base) == model_fingerprint(load_scenario(WORKSHOP))
    rate = base.dynamics.engage_probability
    changed = base.with_overrides({"dynamics.engage_probability": rate * 0.5})
    assert model_fingerprint(changed) != model_fingerprint(base)


def test_variant_keys_ignore_the_cohort_and_order():
    a = variant_key({"recruit.cohort_size": 5, "recruit.placement": "spread", "x.y": 1})
    b = variant_key({"x.y": 1, "recruit.placement": "spread", "recruit.cohort_size": 40})
    assert a == b and variant_key({}) == variant_key({"recruit.cohort_size": 3})


def test_the_shipped_caches_are_current():
    """The caches in scenarios/.meter/ match their scenarios and today's model.

    When this fails after a change of the model's dynamics, recompute them:
    ``clsim dashboard --precompute workshop workshop_10k``.
    """
    for name in ("workshop", "workshop_10k"):
        path = ROOT / "scenarios" / f"{name}.yaml"
        cache, status = load_cache(path)
        assert status.ok, status.message
        assert cache.curve_for({}) is not None


# -- forecasts ---------------------------------------------------------------------------


def _run_to(month: int, seed: int = 3, cohort: int = 8):
    sc = load_scenario(WORKSHOP).with_overrides({**SMALL, "recruit.cohort_size": cohort})
    model = EducationModel(sc, seed=seed, agents=False, collect=False)
    history = [model.indicators()]
    for _ in range(month):
        model.step()
        history.append(model.indicators())
    return sc, model, history


def test_a_fork_goes_its_own_way_and_leaves_the_run_alone():
    sc, model, history = _run_to(24)
    before = model.state.engaged.copy(), model.rng_sim.bit_generator.state
    a = fork_model(model, np.random.SeedSequence(1))
    b = fork_model(model, np.random.SeedSequence(1))
    c = fork_model(model, np.random.SeedSequence(2))
    for _ in range(24):
        a.step()
        b.step()
        c.step()
    np.testing.assert_array_equal(a.state.learning, b.state.learning)  # reproducible
    assert not np.array_equal(a.state.learning, c.state.learning)  # its own chance
    np.testing.assert_array_equal(model.state.engaged, before[0])
    assert model.rng_sim.bit_generator.state == before[1] and model.month == 24


def test_a_forecast_is_reproducible_and_a_finished_run_is_its_own_outcome():
    sc, model, history = _run_to(96)
    one = forecast_transformed(model, history, sc.meta.steps, futures=4)
    two = forecast_transformed(model, history, sc.meta.steps, futures=4)
    assert one == two and one.futures == 4 and 0 <= one.transformed <= 4
    assert len(set(one.outcomes)) > 1  # the futures differ
    for _ in range(96, sc.meta.steps):
        model.step()
        history.append(model.indicators())
    done = forecast_transformed(model, history, sc.meta.steps)
    full = run_scenario(sc, seed=3)
    assert done.finished and done.outcomes[0] == pytest.approx(full.summary["learning_gain"])
    assert done.p == float(full.summary["learning_gain"] >= Regime().threshold)
    assert run_outcome(history, Regime()) == pytest.approx(full.summary["learning_gain"])
    with pytest.raises(ValueError, match="history"):
        forecast_transformed(model, history[:-1], sc.meta.steps)


def test_auc_counts_ordered_pairs():
    assert auc([0.9, 0.8, 0.1], [1, 1, 0]) == 1.0
    assert auc([0.1, 0.9], [1, 0]) == 0.0
    assert auc([0.5, 0.5], [1, 0]) == 0.5
    with pytest.raises(ValueError):
        auc([0.1, 0.2], [1, 1])


# -- does the meter mean tipping? -------------------------------------------------------------


@pytest.mark.slow
def test_the_meter_separates_runs_that_tip_on_held_out_seeds(tmp_path, capsys):
    """Year-5 readings of runs with seeds the cache never saw, against how they ended.

    1. A small tipping study (the meter's cache) is computed for a small workshop system.
    2. The cohort values where its S-curve leaves the outcome uncertain (fitted P between
       0.1 and 0.9) are taken from it: where "will it tip?" is an open question.
    3. Runs at those values with held-out seeds are read at year 5, by the meter (its
       forecast) and by the engaged share, then run to the end.
    """
    path = small_file(tmp_path)
    values = list(range(0, 21, 2))
    seeds_per_value = 4
    precompute(path, values=values, seeds=seeds_per_value, variants=[{}], progress=False, n_boot=200)
    cache, status = load_cache(path)
    assert status.ok
    curve = cache.curve_for({})
    grid = np.arange(0, 21)
    p = np.array([curve.p_at(v) for v in grid])
    band = [int(v) for v in grid[(p > 0.1) & (p < 0.9)]]
    if len(band) < 3:  # a sharp S-curve: take the values around its midpoint
        mid = int(np.argmin(np.abs(p - 0.5)))
        band = [int(v) for v in grid[max(0, mid - 2) : mid + 3]]
    assert len(band) >= 3, (curve.critical_mass, p)

    cache_seeds = {run_seed(DEFAULT_MASTER_SEED, r) for r in range(len(values) * seeds_per_value)}
    held_out = [run_seed(987654321, r) for r in range(10)]
    assert not cache_seeds & set(held_out)
    scenario = load_scenario(path)
    table = held_out_readings(scenario, band, held_out, month=60)
    y = table["transformed"].to_numpy(float)
    assert 0 < y.sum() < len(y), "the held-out runs must include both outcomes"
    auc_meter = auc(table["meter"], y)
    auc_engaged = auc(table["engaged_share"], y)
    auc_settings = auc([curve.p_at(v) for v in table["value"]], y)
    with capsys.disabled():
        print(
            f"\nmeter on held-out seeds, cohorts {band}, {len(y)} runs ({int(y.sum())} transformed): "
            f"year-5 AUC meter {auc_meter:.3f}, engaged share {auc_engaged:.3f}, "
            f"settings' S-curve alone {auc_settings:.3f}"
        )
    # runs that end transformed read higher...
    assert table.loc[y == 1, "meter"].mean() > table.loc[y == 0, "meter"].mean()
    assert auc_meter > 0.5
    # ...and the meter separates them better than the engaged share does
    assert auc_meter > auc_engaged


def test_the_forecast_service_answers_the_latest_request_of_a_tab():
    import threading

    from simulator.dashboard.forecasts import ForecastRequest, ForecastService, pack_model

    sc, model, history = _run_to(24)
    answers = []
    done = threading.Event()

    def callback(req, result, error):
        answers.append((req.token, None if result is None else result.month, error))
        done.set()

    service = ForecastService(processes=0)
    try:
        service.request(ForecastRequest("tab", pack_model(model), list(history), sc.meta.steps, futures=6, token="old", callback=callback))
        model.step()
        history.append(model.indicators())
        service.request(ForecastRequest("tab", pack_model(model), list(history), sc.meta.steps, futures=3, token="new", callback=callback))
        assert done.wait(60)
        time.sleep(0.5)
    finally:
        service.close()
    assert answers == [("new", 25, None)]  # the older forecast was abandoned, not answered
    expected = forecast_transformed(model, history, sc.meta.steps, futures=3)
    assert expected.month == 25
