"""The workshop dashboard without a browser: controls, session, views, Solara components.

Components are rendered with ``solara.render`` (as in Mesa's tests/test_solara_viz.py);
the browser itself is exercised in tests/test_dashboard_e2e.py.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
os.environ.setdefault("CLSIM_FORECAST_PROCESSES", "0")  # forecasts in a thread, no child process

solara = pytest.importorskip("solara", reason="the dashboard extra (solara) is not installed")
pytest.importorskip("anywidget", reason="the dashboard extra (anywidget) is not installed")

import ipyvuetify as v  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from simulator.dashboard.app import Dashboard, Page  # noqa: E402
from simulator.dashboard.controls import (  # noqa: E402
    CONTROL_SPECS,
    CONVENING_LABELS,
    PLACEMENT_LABELS,
    Controls,
    ScenarioCatalogue,
    cohort_maximum,
    control_specs,
    controls_from_scenario,
    overrides_for,
    run_label,
    validate_controls,
)
from simulator.dashboard.positions import group_positions  # noqa: E402
from simulator.dashboard.server import missing_assets, server_command, server_environment  # noqa: E402
from simulator.dashboard.session import MAX_KEPT_RUNS, PALETTE, DashboardSession  # noqa: E402
from simulator.dashboard.views import (  # noqa: E402
    DashboardViews,
    node_colours,
    select_nodes,
    short_labels,
)
from simulator.dashboard.widgets import STATIC  # noqa: E402
from simulator.roles import Role  # noqa: E402
from simulator.scenario import Scenario, ScenarioError, load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def small_scenario(**overrides) -> Scenario:
    """A few hundred agents: fast to build and step."""
    base = {
        "system.districts": 1,
        "system.clusters_per_district": 2,
        "system.schools_per_cluster": 5,
        "recruit.cohort_size": 10,
        "meta.steps": 36,
    }
    base.update(overrides)
    return Scenario().with_overrides(base)


@pytest.fixture
def catalogue() -> ScenarioCatalogue:
    return ScenarioCatalogue(directory=SCENARIOS, preloaded={"small": small_scenario()})


@pytest.fixture
def session(catalogue) -> DashboardSession:
    return DashboardSession(catalogue)


def btn(rc, cls: str):
    matches = [w for w in rc.find(v.Btn).widgets if cls in (w.class_ or "").split()]
    assert len(matches) == 1, f"expected one button .{cls}, got {len(matches)}"
    return matches[0]


def _widgets(root):
    """Every widget under ``root`` (figures and levers are displayed as plain widgets)."""
    import ipywidgets

    out = [root]
    for child in getattr(root, "children", None) or []:
        if isinstance(child, ipywidgets.Widget):
            out += _widgets(child)
    return out


def _lever_part(rc, cls: type, prefix: str, name: str):
    """The lever widget of the page rendered last (levers are plain widgets made per tab)."""
    import ipywidgets
    from ipywidgets.widgets import widget as registry

    instances = getattr(registry, "_instances", None) or ipywidgets.Widget.widgets
    found = [
        w
        for w in list(instances.values())
        if isinstance(w, cls) and f"{prefix}-{name}" in (w.class_ or "").split()
    ]
    assert found, f"no {cls.__name__} .{prefix}-{name}"
    return found[-1]


def slider(rc, name: str):
    return _lever_part(rc, v.Slider, "clsim-control", name)


def number_box(rc, name: str):
    return _lever_part(rc, v.TextField, "clsim-number", name)


#: The top widget of each page rendered by render(), by its render context.
ROOTS: dict = {}


def render(session, views):
    """The page, with every action run at once in this thread (no server)."""
    box, rc = solara.render(Dashboard(session, views, inline=True), handle_error=False)
    ROOTS[id(rc)] = box
    return box, rc


def month_text(views) -> str:
    return views.text.month.html


def month_widgets() -> list:
    """Every month readout widget alive, oldest first."""
    import ipywidgets
    from ipywidgets.widgets import widget as registry

    from simulator.dashboard.widgets import HtmlText

    instances = getattr(registry, "_instances", None)
    if instances is None:  # ipywidgets 7
        instances = ipywidgets.Widget.widgets
    found = [
        w
        for w in list(instances.values())
        if isinstance(w, HtmlText) and w.class_name.startswith("clsim-month")
    ]
    return found


def html_text(rc, cls: str) -> str:
    from solara.widgets import HTML

    found = [w for w in rc.find(HTML).widgets if cls in w.attributes.get("class", "").split()]
    assert found, f"no element .{cls}"
    return " ".join(w.unsafe_innerHTML or "" for w in found)


# -- controls --------------------------------------------------------------------------


def test_controls_from_scenario_round_trip_gives_no_overrides():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path)
        base = controls_from_scenario(sc, path.stem)
        assert overrides_for(base, base, sc) == {}, path.name


@pytest.mark.parametrize("name", sorted(CONTROL_SPECS))
@pytest.mark.parametrize("end", ["minimum", "maximum"])
def test_every_slider_end_maps_to_valid_scenario_keys(name, end):
    sc = small_scenario()
    base = controls_from_scenario(sc, "small")
    value = getattr(CONTROL_SPECS[name], end)
    new, problems = validate_controls(base, {name: value}, ["small"])
    assert problems == []
    overrides = overrides_for(new, base, sc)
    if getattr(new, name) != getattr(base, name):
        assert overrides, name
    configured = sc.with_overrides(overrides)  # raises ScenarioError if a key were wrong
    assert isinstance(configured, Scenario)


@pytest.mark.parametrize("mode", list(CONVENING_LABELS))
@pytest.mark.parametrize("placement", list(PLACEMENT_LABELS))
def test_choices_map_onto_schema(mode, placement):
    sc = small_scenario()
    base = controls_from_scenario(sc, "small")
    new, problems = validate_controls(base, {"convening": mode, "placement": placement}, ["small"])
    assert problems == []
    configured = sc.with_overrides(overrides_for(new, base, sc))
    assert configured.convene.collectives.mode == mode
    assert configured.recruit.placement == placement


def test_overrides_name_the_expected_keys():
    sc = small_scenario()
    base = controls_from_scenario(sc, "small")
    new = replace(
        base, cohort_size=40, recruit_years=5, coaching=0.5, alumni_network=0.25, technical=1.0
    )
    out = overrides_for(new, base, sc)
    assert out["recruit.cohort_size"] == 40
    assert out["recruit.end_year"] == sc.recruit.start_year + 5
    assert out["develop.fellow_coaching"] == out["develop.teacher_coaching"] == 0.5
    assert out["connect.bridging"] == 0.25 and out["connect.alumni_gatherings_per_year"] == 3
    assert out["technical.practice_push"] == pytest.approx(0.05)
    assert out["technical.resources"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    "changes",
    [
        {"cohort_size": -5},
        {"cohort_size": 10**6},
        {"cohort_size": 2.5},
        {"cohort_size": "many"},
        {"cohort_size": float("nan")},
        {"cohort_size": True},
        {"coaching": 1.5},
        {"coaching": None},
        {"placement": "everywhere"},
        {"convening": "compulsory"},
        {"scenario": "../../etc/passwd"},
        {"scenario": "/work/main/scenarios/workshop.yaml"},
        {"seed": -1},
        {"seed": 2**40},
        {"seed": "abc"},
        {"seed": 1.5},
        {"nonsense": 1},
    ],
)
def test_bad_values_are_refused_with_a_message(changes):
    current = Controls("small", 10, 8, "clustered", 0.0, 0.0, "none", 12, 0.0, 1)
    new, problems = validate_controls(current, changes, ["small", "workshop"])
    assert new == current
    assert len(problems) == 1 and problems[0]


def test_seed_accepts_digit_strings_and_integral_floats():
    current = Controls("small", 10, 8, "clustered", 0.0, 0.0, "none", 12, 0.0, 1)
    assert validate_controls(current, {"seed": "42"}, ["small"])[0].seed == 42
    assert validate_controls(current, {"seed": 7.0}, ["small"])[0].seed == 7


def test_catalogue_lists_scenario_files_and_defaults_to_workshop():
    cat = ScenarioCatalogue(directory=SCENARIOS)
    names = cat.names()
    assert names == sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    if "workshop" in names:
        assert cat.default == "workshop"
    with pytest.raises(ScenarioError):
        cat.load("no-such-scenario")


def test_catalogue_puts_the_cli_file_first(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("meta: {name: mine, steps: 12}\n")
    cat = ScenarioCatalogue(directory=SCENARIOS, extra=extra)
    assert cat.names()[0] == "mine" and cat.default == "mine"
    assert cat.load("mine").meta.steps == 12


def test_catalogue_without_files_offers_defaults(tmp_path):
    cat = ScenarioCatalogue(directory=tmp_path / "empty")
    assert cat.names() == [ScenarioCatalogue.DEFAULT_NAME]
    assert isinstance(cat.load(cat.default), Scenario)


# -- positions -------------------------------------------------------------------------


def test_positions_group_schools_and_are_deterministic():
    from simulator.model import EducationModel

    model = EducationModel(scenario=small_scenario(), seed=3, agents=False, collect=False)
    lay = model.layout
    args = dict(
        schools_per_cluster=lay.schools_per_cluster,
        clusters_per_district=lay.clusters_per_district,
        n_districts=lay.n_districts,
    )
    g1 = group_positions(lay.school, lay.cluster, lay.district, **args)
    g2 = group_positions(lay.school, lay.cluster, lay.district, **args)
    assert g1.xy.shape == (lay.n_agents, 2) and np.all(np.isfinite(g1.xy))
    np.testing.assert_array_equal(g1.xy, g2.xy)
    # each school's people sit closer to their own school's centroid than to any other
    members = lay.school >= 0
    schools = np.unique(lay.school[members])
    centroids = np.array([g1.xy[lay.school == s].mean(axis=0) for s in schools])
    d = np.linalg.norm(g1.xy[members][:, None, :] - centroids[None, :, :], axis=2)
    assert np.all(schools[d.argmin(axis=1)] == lay.school[members])
    # nobody shares a position
    assert np.unique(np.round(g1.xy, 6), axis=0).shape[0] == lay.n_agents


def test_positions_of_a_big_system_are_fast():
    import time

    n_schools, block = 1000, 15
    school = np.repeat(np.arange(n_schools), block)
    cluster = school // 20
    district = cluster // 10
    started = time.perf_counter()
    g = group_positions(
        school, cluster, district, schools_per_cluster=20, clusters_per_district=10, n_districts=5
    )
    assert time.perf_counter() - started < 2.0  # a spring layout takes minutes here
    assert g.xy.shape == (n_schools * block, 2)


def test_thinning_keeps_every_leader():
    rng = np.random.default_rng(0)
    role = rng.choice(
        np.array([r.value for r in Role], dtype=np.int8),
        size=12000,
        p=[0.5, 0.05, 0.35, 0.04, 0.04, 0.02],
    )
    nodes = select_nodes(role, 3000)
    assert nodes.size == 3000 and np.all(np.diff(nodes) > 0)
    leaders = np.flatnonzero(~np.isin(role, [Role.TEACHER, Role.PARENT]))
    assert np.isin(leaders, nodes).all()
    np.testing.assert_array_equal(nodes, select_nodes(role, 3000))
    assert select_nodes(role[:500], 3000).size == 500


def test_node_colours_separate_engaged_from_not():
    colours = node_colours(np.array([True, False]), np.array([0.8, 0.8]))
    assert colours.dtype == np.uint8 and colours.shape == (2, 3)
    red, _, blue = colours[0].astype(int)
    assert red > blue  # orange
    red, _, blue = colours[1].astype(int)
    assert blue > red  # grey-blue


# -- session ---------------------------------------------------------------------------


def test_session_applies_controls_to_a_new_model(session):
    assert session.configured.recruit.cohort_size == 10
    assert session.set_controls(cohort_size=15) is True
    assert session.configured.recruit.cohort_size == 15
    assert session.message is None and session.month == 0


def test_session_refuses_bad_values_and_keeps_running(session):
    session.step(3)
    model = session.model
    assert session.set_controls(cohort_size=10**7) is False
    assert "Fellows recruited a year" in session.message
    assert session.model is model and session.month == 3
    assert session.set_controls(scenario="../secret") is False
    assert session.model is model


def test_session_keeps_runs_that_moved_up_to_the_limit(session):
    session.set_controls(cohort_size=20)  # the untouched first run is not kept
    assert session.kept == []
    for size in range(1, 1 + MAX_KEPT_RUNS + 3):
        session.step(2)
        session.set_controls(cohort_size=size)
    assert len(session.kept) == MAX_KEPT_RUNS
    assert all(len(run.months) == 3 for run in session.kept)
    # the oldest went first: the kept ones are the last eight, in order
    assert [r.controls.cohort_size for r in session.kept] == list(range(3, 3 + MAX_KEPT_RUNS))
    # every run on the chart (kept and current) has its own hue
    hues = [r.colour for r in session.kept] + [session.history.colour]
    assert len(set(hues)) == len(hues) == MAX_KEPT_RUNS + 1
    assert set(hues) <= set(PALETTE)
    session.clear_earlier()
    assert session.kept == []


def test_pinned_runs_survive_reset_and_unpinned_ones_do_not(session):
    session.step(3)
    first = session.history.run_id
    session.set_controls(cohort_size=15)
    session.step(3)
    second = session.history.run_id
    session.set_controls(cohort_size=18)
    assert [r.run_id for r in session.kept] == [first, second]
    assert session.pin(first)
    session.step(2)
    current = session.history.run_id
    assert session.pin(current)  # the current run can be pinned too
    session.reset()
    assert [r.run_id for r in session.kept] == [first, current]
    assert all(r.pinned for r in session.kept)
    assert session.month == 0 and session.history.run_id not in (first, second, current)
    # an unpinned current run is simply replaced by the replay
    session.step(2)
    session.reset()
    assert [r.run_id for r in session.kept] == [first, current]
    assert session.remove(first) and not session.remove(first)
    assert [r.run_id for r in session.kept] == [current]


def test_when_every_kept_run_is_pinned_a_new_one_is_not_kept(session):
    for size in range(1, 1 + MAX_KEPT_RUNS + 1):
        session.step(1)
        session.set_controls(cohort_size=size)
    for run in session.kept:
        session.pin(run.run_id)
    session.step(1)
    session.set_controls(cohort_size=19)
    assert len(session.kept) == MAX_KEPT_RUNS and all(r.pinned for r in session.kept)
    assert "pinned" in session.notice


def test_runs_export_as_one_table(session):
    session.step(4)
    session.set_controls(cohort_size=15)
    session.step(2)
    table = session.runs_table()
    assert set(table["run"]) == {session.kept[0].run_id, session.history.run_id}
    assert {"label", "pinned", "cohort_size", "seed", "month", "learning_mean"} <= set(table)
    assert (table["run"] == session.kept[0].run_id).sum() == 5
    assert table.loc[table["current"], "cohort_size"].unique().tolist() == [15]
    text = session.runs_csv()
    assert text.splitlines()[0].startswith("run,label,current,pinned")
    assert len(text.splitlines()) == 1 + 5 + 3


def test_session_stops_at_the_end_and_reset_replays_the_same_run(session):
    assert session.step(1000) == session.steps
    assert session.finished and session.step(1) == 0
    first = list(session.history.values["learning_mean"])
    session.reset()
    assert session.earlier == []  # a replay of the same seed is not an earlier run
    session.step(session.steps)
    assert session.history.values["learning_mean"] == first


def test_session_changes_scenario(session):
    names = session.catalogue.names()
    other = next(n for n in names if n != "small")
    assert session.set_controls(scenario=other)
    assert session.controls.scenario == other
    assert session.configured == session.catalogue.load(other)


# -- views -----------------------------------------------------------------------------


def test_views_follow_the_session(session):
    views = DashboardViews(session)
    net = views.network.widget
    n = len(net.sizes) // 4
    assert len(net.xy) == 8 * n and len(net.colors) == 3 * n and len(net.roles) == n
    m = len(net.edge_state)
    assert len(net.edges) == 8 * m and m > 0
    assert set(np.frombuffer(net.edge_state, dtype=np.uint8)) <= {0, 1, 2}
    assert len(views.timeseries.widget.current[0]["lines"][0]["x"]) == 1
    session.step(5)
    views.sync()
    assert len(views.timeseries.widget.current[0]["lines"][0]["y"]) == 6
    assert len(views.leverage.widget.current[0]["lines"]) == 4
    session.set_controls(cohort_size=15)
    views.sync()
    kept = views.timeseries.widget.kept
    assert len(kept) == 1 and [line["key"] for line in kept[0]["lines"]] == [
        "learning_mean",
        "engaged_share",
    ]
    assert kept[0]["label"].startswith("10/yr") and kept[0]["short"] == "10/yr"
    assert views.timeseries.widget.current[0]["short"] == "15/yr"
    assert kept[0]["colour"] != views.timeseries.widget.current[0]["colour"]


def test_network_is_thinned_above_the_threshold():
    sc = small_scenario(**{"system.districts": 3, "system.schools_per_cluster": 15})
    s = DashboardSession(ScenarioCatalogue(preloaded={"big": sc}))
    views = DashboardViews(s, max_nodes=600)
    assert len(views.network.widget.sizes) // 4 == 600
    assert "Showing 600 of" in views.network.note


def test_widget_modules_ship_with_the_package():
    for name in ("network.js", "lines.js", "meter.js", "curve.js"):
        text = (STATIC / name).read_text()
        assert "export default" in text and "http" not in text.split("//")[0]


# -- components ------------------------------------------------------------------------


def test_page_renders_and_steps(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    assert 'count">0</span>/36' in month_text(views)
    btn(rc, "clsim-step").click()
    assert 'count">1</span>/36' in month_text(views)
    btn(rc, "clsim-step-year").click()
    assert 'count">13</span>/36' in month_text(views)
    assert len(views.timeseries.widget.current[0]["lines"][0]["x"]) == 14
    btn(rc, "clsim-reset").click()
    assert 'count">0</span>/36' in month_text(views)


def test_slider_release_rebuilds_the_model(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    btn(rc, "clsim-step").click()
    moved = slider(rc, "cohort_size")
    moved.v_model = 18  # the browser syncs the value (and its box, jslink), then the event
    number_box(rc, "cohort_size").v_model = "18"
    moved.fire_event("change", 18)
    assert session.controls.cohort_size == 18
    assert session.configured.recruit.cohort_size == 18
    assert slider(rc, "cohort_size").v_model == 18
    assert number_box(rc, "cohort_size").v_model == "18"  # the box follows the slider
    assert len(session.kept) == 1


def test_number_box_sets_the_exact_value(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    box = number_box(rc, "cohort_size")
    box.v_model = "7"
    slider(rc, "cohort_size").v_model = 7  # in the browser the box moves its slider (jslink)
    box.fire_event("change", "7")
    assert session.controls.cohort_size == 7
    assert slider(rc, "cohort_size").v_model == 7 and number_box(rc, "cohort_size").v_model == "7"
    number_box(rc, "coaching").fire_event("change", "0.35")
    assert session.controls.coaching == pytest.approx(0.35)
    # every slider has a box beside it that shows its value
    for name in CONTROL_SPECS:
        assert number_box(rc, name).v_model == str(slider(rc, name).v_model)
    assert number_box(rc, "cohort_size").attributes["data-testid"] == "cohort-input"


def test_bad_values_show_a_message_not_a_traceback(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    slider(rc, "cohort_size").fire_event("change", 123456789)
    alerts = rc.find(v.Alert).widgets
    assert alerts, "no message shown"
    text = " ".join(str(c) for a in alerts for c in a.children)
    assert "Fellows recruited a year" in text and "Traceback" not in text
    assert slider(rc, "cohort_size").v_model == 10  # snapped back to the value in force
    assert number_box(rc, "cohort_size").v_model == "10"
    slider(rc, "coaching").fire_event("change", "lots")
    assert session.controls.coaching == 0.0
    slider(rc, "cohort_size").fire_event("change", 20)
    assert not rc.find(v.Alert).widgets  # cleared by the next good change


def test_each_page_gets_its_own_model():
    import time

    before = {id(w) for w in month_widgets()}
    box1, rc1 = solara.render(Page(), handle_error=False)
    (month1,) = [w for w in month_widgets() if id(w) not in before]
    before.add(id(month1))
    box2, rc2 = solara.render(Page(), handle_error=False)
    (month2,) = [w for w in month_widgets() if id(w) not in before]
    btn(rc1, "clsim-step").click()  # queued to the tab's worker thread
    deadline = time.monotonic() + 20
    while 'count">1</span>' not in month1.html:
        assert time.monotonic() < deadline, f"the step never showed: {month1.html}"
        time.sleep(0.05)
    assert 'count">0</span>' in month2.html


def test_presenter_mode_enlarges_type_and_moves_the_levers_to_a_drawer(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    small = views.timeseries.widget.font_size
    thin = views.timeseries.widget.kept_width
    assert not rc.find(v.NavigationDrawer).widgets
    btn(rc, "clsim-presenter-switch").click()
    assert views.timeseries.widget.font_size > small
    assert views.timeseries.widget.kept_width > thin  # kept runs thicker on a projector
    assert views.meter.widget.font_size > small
    drawer = rc.find(v.NavigationDrawer).widget
    assert drawer.v_model is False
    btn(rc, "clsim-drawer-button").click()
    assert drawer.v_model is True
    assert slider(rc, "cohort_size")  # the levers are in the drawer


def test_stable_test_ids_are_on_the_page(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    import ipywidgets

    ids = set()

    def walk(widget):
        ids.add((getattr(widget, "attributes", None) or {}).get("data-testid"))
        for child in getattr(widget, "children", None) or []:
            if isinstance(child, ipywidgets.Widget):
                walk(child)

    walk(box)
    ids.add(number_box(rc, "cohort_size").attributes.get("data-testid"))  # a Lever widget
    wanted = {
        "network-view",
        "learning-chart",
        "leverage-chart",
        "critical-mass-meter",
        "presenter-toggle",
        "cohort-input",
        "play-button",
        "step-button",
        "reset-button",
        "room-experiment",
    }
    assert wanted <= ids, wanted - ids


def test_the_cohort_range_fits_the_scenario():
    workshop = load_scenario(SCENARIOS / "workshop.yaml")
    assert cohort_maximum(workshop) == 60
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path)
        spec = control_specs(sc)["cohort_size"]
        assert spec.step == 1 and spec.integer
        assert spec.minimum == 0 <= sc.recruit.cohort_size <= spec.maximum, path.name
        assert controls_from_scenario(sc, path.stem).cohort_size == sc.recruit.cohort_size
    session = DashboardSession(ScenarioCatalogue(directory=SCENARIOS), scenario="workshop")
    assert session.specs["cohort_size"].maximum == 60
    assert session.set_controls(cohort_size=61) is False and "[0, 60]" in session.message


def test_run_labels_say_what_differs():
    sc = load_scenario(SCENARIOS / "workshop.yaml")
    base = controls_from_scenario(sc, "workshop")
    assert run_label(base, base) == "25/yr, teacher-led, seed 1"
    other = replace(base, cohort_size=10, placement="spread", coaching=0.2, seed=3)
    assert run_label(other, base) == "10/yr, spread, teacher-led, coaching 0.2, seed 3"
    assert short_labels(["25/yr, teacher-led, seed 1", "10/yr, teacher-led, seed 1"]) == [
        "25/yr",
        "10/yr",
    ]
    assert short_labels(["25/yr, seed 1", "25/yr, seed 2"]) == ["seed 1", "seed 2"]
    assert short_labels(["25/yr, seed 1"]) == ["25/yr"]


# -- server and CLI --------------------------------------------------------------------


def test_server_binds_to_localhost_without_telemetry(tmp_path):
    cmd = server_command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "simulator.dashboard.app" in cmd
    env = server_environment(scenario=SCENARIOS / "workshop.yaml")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["CLSIM_DASHBOARD_SCENARIO"].endswith("workshop.yaml")


def test_offline_assets_are_installed():
    if os.environ.get("CI") is None and missing_assets():
        pytest.skip("run scripts/setup_dashboard.sh to cache Solara's front-end files")
    assert missing_assets() == []


def test_cli_registers_the_dashboard_command(tmp_path):
    import typer

    from simulator.cli.dashboard_cmd import register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps typer from collapsing to one
        pass

    runner = CliRunner()
    result = runner.invoke(app, ["dashboard", "--help"])
    assert result.exit_code == 0 and "--scenario" in result.output and "--host" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("recruit: {cohort_size: -3}\n")
    result = runner.invoke(app, ["dashboard", "--scenario", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["dashboard", "--precompute", "no-such-scenario"])
    assert result.exit_code == 2
    assert "--precompute" in runner.invoke(app, ["dashboard", "--help"]).output


def test_the_projected_tab_is_a_presenter_tab_on_this_machine(monkeypatch, catalogue):
    from solara.lab import headers

    from simulator.dashboard import app

    monkeypatch.setattr(headers, "get", lambda: {"host": ["192.168.1.20:8765"]})
    assert app.is_local_request() is False
    monkeypatch.setattr(headers, "get", lambda: {"host": ["localhost:8765"]})
    assert app.is_local_request() is True
    monkeypatch.setattr(headers, "get", lambda: {"host": ["127.0.0.1:8765"]})
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    before = len(app.GATE._priority_tabs)
    btn(rc, "clsim-presenter-switch").click()
    assert len(app.GATE._priority_tabs) == before + 1  # presenter mode on the laptop: priority
    btn(rc, "clsim-presenter-switch").click()
    assert len(app.GATE._priority_tabs) == before


def test_a_new_scenario_brings_its_own_ranges_and_values_to_the_levers(catalogue):
    session = DashboardSession(catalogue)
    views = DashboardViews(session)
    box, rc = render(session, views)
    assert slider(rc, "cohort_size").max == 20  # the small scenario's range
    select = next(w for w in rc.find(v.Select).widgets if "clsim-control-scenario" in (w.class_ or ""))
    select.v_model = "workshop"
    assert session.controls.scenario == "workshop"
    assert slider(rc, "cohort_size").max == 60 and slider(rc, "cohort_size").v_model == 25
    assert number_box(rc, "cohort_size").v_model == "25"
    assert slider(rc, "coaching").v_model == session.controls.coaching
