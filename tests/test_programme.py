"""The programme-wide schedule, named placement and ``clsim validate --explain``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from simulator.cli.run_cmds import register
from simulator.layout import build_layout, placement_area
from simulator.scenario import ScenarioError, load_scenario, scenario_from_dict
from simulator.scenario.schema import SCHEDULE_SECTIONS
from simulator.strategies import levers_for
from simulator.strategies.schedules import effective_schedules

ROOT = Path(__file__).resolve().parents[1]


def _section(sc, path):
    node = sc
    for key in path.split("."):
        node = getattr(node, key)
    return node


def test_every_strategy_follows_the_programme_unless_it_sets_its_own():
    sc = scenario_from_dict({"programme": {"end_year": 6}, "develop": {"end_year": 9}})
    for path in SCHEDULE_SECTIONS:
        sched = _section(sc, path)
        expected = 9.0 if path == "develop" else 6.0
        assert sched.end_year == expected, path
        assert sched.sources["end_year"] == ("own" if path == "develop" else "programme")
        assert sched.sources["start_year"] == "default"


def test_without_a_programme_the_defaults_hold():
    sc = scenario_from_dict({})
    assert sc.recruit.end_year == 8.0 and sc.technical.end_year == 3.0
    assert sc.develop.end_year == 100.0 and sc.develop.start_year == 0.0


def test_followed_years_round_trip_so_a_programme_override_reaches_them():
    sc = scenario_from_dict({"programme": {"end_year": 6}, "develop": {"end_year": 9}})
    dumped = sc.to_dict()
    assert dumped["recruit"]["end_year"] is None  # followed: written back as null
    assert dumped["develop"]["end_year"] == 9.0
    later = sc.with_overrides({"programme.end_year": 4})
    assert later.recruit.end_year == 4.0 and later.convene.collectives.end_year == 4.0
    assert later.develop.end_year == 9.0
    assert scenario_from_dict(dumped).content_hash() == sc.content_hash()
    # a strategy's own override still wins
    assert sc.with_overrides({"recruit.end_year": 2}).recruit.end_year == 2.0


def test_the_programme_switches_strategies_off_in_the_model():
    sc = scenario_from_dict(
        {
            "programme": {"end_year": 2},
            "develop": {"teacher_coaching": 0.5},
            "convene": {"collectives": {"mode": "teacher_led"}},
        }
    )
    fellows = np.ones(sc.system.districts * sc.system.clusters_per_district, dtype=bool)
    on, off = levers_for(sc, 23, fellows), levers_for(sc, 24, fellows)
    assert on.teacher_coaching == 0.5 and off.teacher_coaching == 0.0
    assert on.collective_mode == "teacher_led" and off.collective_mode == "none"


def test_assigning_a_year_by_hand_makes_it_the_scenarios_own():
    sc = scenario_from_dict({"programme": {"end_year": 6}})
    sc.recruit.end_year = 7.0
    assert sc.recruit.sources["end_year"] == "own"
    assert sc.to_dict()["recruit"]["end_year"] == 7.0


def test_an_impossible_schedule_says_where_each_year_came_from():
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"programme": {"end_year": 6}, "recruit": {"start_year": 7}})
    text = err.value.render()
    assert "recruit" in text and "end_year from the programme" in text
    with pytest.raises(ScenarioError, match="programme"):
        scenario_from_dict({"programme": {"start_year": 5, "end_year": 2}})


def test_placement_can_name_clusters_or_districts():
    sc = scenario_from_dict(
        {"system": {"districts": 3, "clusters_per_district": 4}, "recruit": {"cohort_size": 5}}
    )
    named = sc.with_overrides({"recruit.placement_clusters": [7, 2]})
    for seed in (1, 2):
        area = placement_area(named, np.random.default_rng(seed))
        assert area.tolist() == [2, 7]
    by_district = sc.with_overrides({"recruit.placement_districts": [2]})
    assert placement_area(by_district, np.random.default_rng(0)).tolist() == [8, 9, 10, 11]
    layout = build_layout(by_district, np.random.default_rng(0))
    clusters = layout.fellow_school // sc.system.schools_per_cluster
    assert set(clusters.tolist()) <= {8, 9, 10, 11} and layout.fellows.size > 0
    # a number still draws at random
    drawn = sc.with_overrides({"recruit.placement_clusters": 2})
    assert placement_area(drawn, np.random.default_rng(0)).size == 2


@pytest.mark.parametrize(
    "recruit, message",
    [
        ({"placement_clusters": [0, 40]}, "has 12 clusters"),
        ({"placement_districts": [3]}, "has 3 districts"),
        ({"placement_clusters": [1, 1]}, "twice"),
        ({"placement_clusters": []}, "at least one"),
    ],
)
def test_bad_named_places_are_clear_errors(recruit, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict({"system": {"districts": 3, "clusters_per_district": 4}, "recruit": recruit})


def test_explain_names_the_file_that_set_each_year(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {ROOT / 'scenarios' / 'comprehensive.yaml'}\n"
        "programme: {end_year: 6}\nrecruit: {end_year: 5}\n"
    )
    sc = load_scenario(child)
    lines = {line.path: line for line in effective_schedules(sc, child)}
    assert lines["recruit"].end_year == 5.0 and "child.yaml" in lines["recruit"].end_from
    # comprehensive.yaml sets its own develop end (10): the programme does not reach it
    assert lines["develop"].end_year == 10.0
    assert "inherited from" in lines["develop"].end_from
    assert "comprehensive.yaml" in lines["develop"].end_from
    assert lines["technical"].end_year == 6.0 and "programme.end_year" in lines["technical"].end_from
    assert not lines["technical"].active

    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Multi-command mode."""

    register(app)
    result = CliRunner().invoke(app, ["validate", str(child), "--explain"])
    assert result.exit_code == 0, result.output
    assert "inherited from" in result.output and "programme.end_year" in result.output
