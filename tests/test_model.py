"""The model as a whole: determinism, seeds, Mesa agents, indicators, network export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.agents import Alumnus, Fellow, Teacher
from simulator.model import EducationModel
from simulator.roles import Role
from simulator.runner import run_scenario

from .conftest import tiny


def test_same_seed_identical_tables(tiny_scenario) -> None:
    a = run_scenario(tiny_scenario, seed=11)
    b = run_scenario(tiny_scenario, seed=11)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.schools, b.schools, check_exact=True)
    assert a.summary == b.summary


def test_different_seeds_differ(tiny_scenario) -> None:
    a = run_scenario(tiny_scenario, seed=1)
    b = run_scenario(tiny_scenario, seed=2)
    assert not a.timeseries.equals(b.timeseries)


def test_network_is_seeded() -> None:
    sc = tiny()
    n1 = EducationModel(sc, seed=5).network
    n2 = EducationModel(sc, seed=5).network
    n3 = EducationModel(sc, seed=6).network
    assert np.array_equal(n1.indices, n2.indices) and np.array_equal(n1.layer, n2.layer)
    assert not (n1.indices.size == n3.indices.size and np.array_equal(n1.indices, n3.indices))


def test_agents_are_mesa_agents_backed_by_arrays(tiny_scenario) -> None:
    m = EducationModel(tiny_scenario, seed=0)
    teachers = m.agents_by_type[Teacher]
    assert len(teachers) == int((m.state.role == Role.TEACHER).sum())
    t = next(iter(teachers))
    t.purpose = 0.9
    assert m.state.purpose[t.index] == 0.9
    # arrays belong to the instance: a second model does not see the first one's values
    other = EducationModel(tiny_scenario, seed=0)
    assert other.state.purpose[t.index] != 0.9


def test_fellows_arrive_and_become_alumni() -> None:
    sc = tiny(**{"recruit.retention": 1.0, "meta.steps": 30})
    m = EducationModel(sc, seed=0)
    assert len(m.agents_by_type.get(Fellow, [])) == 0
    m.step()
    assert len(m.agents_by_type[Fellow]) == 6
    for _ in range(24):
        m.step()
    assert len(m.agents_by_type[Alumnus]) == 6  # the first cohort graduated at 24 months
    assert len(m.agents_by_type[Fellow]) == 12  # cohorts of months 12 and 24 serve
    alumni = [a for a in m.agents_by_type[Alumnus]]
    assert all(a.role_name == "alumnus" for a in alumni)


def test_role_mix_of_alumni_tracks() -> None:
    sc = tiny(**{"recruit.cohort_size": 2000, "meta.steps": 12})
    m = EducationModel(sc, seed=0, agents=False)
    tracks = m.state.track[m.layout.fellows]
    shares = np.bincount(tracks, minlength=3) / tracks.size
    assert shares == pytest.approx([0.6, 0.3, 0.1], abs=0.02)


def test_indicators_in_range_and_complete(tiny_scenario) -> None:
    res = run_scenario(tiny_scenario, seed=3)
    ts = res.timeseries
    from simulator.indicators import INDICATORS

    assert set(INDICATORS) <= set(ts.columns)
    unit_cols = [c for c in ts.columns if c.startswith(("lp_", "leverage_", "cm_", "engaged_", "learning", "trust", "purpose", "agency"))]
    assert ((ts[unit_cols] >= 0) & (ts[unit_cols] <= 1)).all().all()
    assert len(ts) == tiny_scenario.meta.steps + 1
    assert set(res.schools["school"]) == set(range(8))


def test_to_networkx_has_roles_and_layers(tiny_scenario) -> None:
    m = EducationModel(tiny_scenario, seed=0)
    g = m.network.to_networkx()
    assert g.number_of_nodes() == m.state.n_agents
    assert g.number_of_edges() > 0
    roles = {d["role"] for _, d in g.nodes(data=True)}
    assert {"teacher", "principal", "parent", "official", "fellow"} <= roles
    layers = {lay for _, _, d in g.edges(data=True) for lay in d["layers"]}
    assert {"school", "cluster", "parent", "oversight", "alumni"} <= layers


def test_keyword_overrides_equal_scenario_overrides(tiny_scenario) -> None:
    a = EducationModel(tiny_scenario, seed=4, recruit__cohort_size=3)
    b = EducationModel(tiny_scenario.with_overrides({"recruit.cohort_size": 3}), seed=4)
    assert a.config == b.config
    assert np.array_equal(a.state.purpose, b.state.purpose)


def test_write_run_outputs(tmp_path, tiny_scenario) -> None:
    from simulator.report.run_output import write_run

    res = run_scenario(tiny_scenario, seed=0)
    paths = write_run(res, tmp_path, tiny_scenario)
    for p in paths.values():
        assert p.exists() and p.stat().st_size > 0
    back = pd.read_parquet(paths["timeseries_parquet"])
    pd.testing.assert_frame_equal(back, res.timeseries)
    import json

    meta = json.loads(paths["summary"].read_text())
    assert meta["provenance"]["scenario_hash"] == tiny_scenario.content_hash()
    assert meta["provenance"]["seed"] == 0


def test_placement_by_district() -> None:
    sc = tiny(**{"system.districts": 3, "recruit.placement_districts": 2, "recruit.cohort_size": 50})
    m = EducationModel(sc, seed=0, agents=False)
    districts = set(m.state.district[m.layout.fellows].tolist())
    assert len(districts) == 2
    clusters = set(m.state.cluster[m.layout.fellows].tolist())
    assert len(clusters) == 4  # every cluster of the two districts


def test_clustered_placement_concentrates_fellows() -> None:
    base = {"system.districts": 2, "system.clusters_per_district": 3, "recruit.cohort_size": 30}
    clustered = EducationModel(tiny(**base, **{"recruit.placement_clusters": 1}), seed=0, agents=False)
    spread = EducationModel(tiny(**base, **{"recruit.placement": "spread"}), seed=0, agents=False)
    assert len(set(clustered.state.cluster[clustered.layout.fellows].tolist())) == 1
    assert len(set(spread.state.cluster[spread.layout.fellows].tolist())) == 6
