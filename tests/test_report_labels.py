"""Every figure of a tipping, phase, sensitivity, compare and discover study is labelled.

Small studies run (stand-in functions where the model is not needed, the tiny scenario
where it is); every figure drawn while they run and while their reports render is
captured, and no axis label, title, legend entry or colour-bar label, and no table
header of the report, may be a raw key (``recruit.cohort_size``, ``final_learning``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from simulator.figures.studies import figure_texts
from simulator.labels import is_raw_key
from simulator.report.html import render_report
from simulator.scenario import load_scenario
from simulator.studies import phase_study, sensitivity_study, tipping_study
from simulator.studies.compare import compare_scenarios
from simulator.studies.discover import discover_study

DATA = Path(__file__).parent / "data" / "sweeps"
TINY = DATA / "tiny.yaml"


@pytest.fixture
def captured(monkeypatch):
    texts: list[tuple[str, str]] = []
    original = Figure.savefig

    def recording(self, *args, **kwargs):
        title = self._suptitle.get_text() if self._suptitle is not None else ""
        for text in figure_texts(self):
            texts.append((title, text))
        for ax in self.axes:  # colour bars are axes of their own; their label is the y label
            texts.append((title, ax.get_ylabel()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", recording)
    return texts


def _headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th>(.*?)</th>", html, flags=re.S)]


def _check(texts, html):
    raw = [(where, t) for where, t in texts if t and any(is_raw_key(line) for line in t.splitlines())]
    raw += [("table header", h) for h in _headers(html) if is_raw_key(h)]
    # words like "recruit.cohort_size" inside a longer label also count
    dotted = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)+\b")
    raw += [(where, t) for where, t in texts if dotted.search(t)]
    raw += [("table header", h) for h in _headers(html) if dotted.search(h)]
    assert raw == [], raw


def test_tipping_study_figures_and_report(tmp_path, captured):
    out = tmp_path / "tip"
    tipping_study(
        out,
        TINY,
        values=[0, 4, 8, 12, 16, 24],
        seeds=3,
        n_boot=200,
        hysteresis_seeds=2,
        ews_seeds=2,
        progress=False,
    )
    html = render_report(out)
    assert len({w for w, _ in captured}) >= 3 and any("Hysteresis" in w for w, _ in captured)
    _check(captured, html)


def test_phase_and_sensitivity_study_figures_and_reports(tmp_path, captured):
    phase_study(
        tmp_path / "phase",
        "recruit.cohort_size",
        [0, 20, 40, 60, 80],
        "recruit.end_year",
        [4.0, 8.0],
        seeds=3,
        n_boot=200,
        progress=False,
        function="simulator.sweep.toy:toy_tipping",
    )
    sensitivity_study(
        tmp_path / "sens",
        {"recruit.cohort_size": (0, 80), "recruit.end_year": (2, 12)},
        method="morris",
        samples=4,
        seeds=1,
        outcomes=("final_learning", "transformed"),
        progress=False,
        function="simulator.sweep.toy:toy_tipping",
    )
    html = render_report(tmp_path / "phase") + render_report(tmp_path / "sens")
    assert "is unstable" in html  # 4 trajectories are too few, and the report says so
    _check(captured, html)


def test_compare_and_discover_figures_and_reports(tmp_path, captured):
    scenarios = {str(TINY): load_scenario(TINY), "baseline": load_scenario(DATA.parents[1] / ".." / "scenarios" / "baseline.yaml")}
    scenarios["baseline"] = scenarios["baseline"].with_overrides(
        {"system.clusters_per_district": 2, "system.schools_per_cluster": 4}
    )
    compare_scenarios(scenarios, seeds=2, steps=24, out=tmp_path / "cmp")
    discover_study(
        tmp_path / "disc",
        parameters={"recruit.cohort_size": (0, 80), "recruit.end_year": (1, 15)},
        samples=80,
        seeds=1,
        progress=False,
        function="simulator.sweep.toy:toy_tipping",
    )
    html = render_report(tmp_path / "cmp") + render_report(tmp_path / "disc")
    assert "runs tipped" in html and "PRIM" in html and "Provenance" in html
    _check(captured, html)


def test_a_study_folder_without_its_analysis_is_reported_as_its_sweep(tmp_path, captured):
    from simulator.sweep import SerialExecutor, run_sweep, sweep_from_dict

    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:toy_tipping",
            "parameters": {"recruit.cohort_size": [0, 40, 80], "recruit.end_year": [4.0, 8.0]},
            "replicates": 2,
            "master_seed": 3,
        }
    )
    run_sweep(spec, tmp_path / "phase" / "sweep", executor=SerialExecutor(), progress=False)
    html = render_report(tmp_path / "phase")  # a phase study that crashed before its analysis
    assert "did not finish" in html and "Rerun the same command" in html
    assert "Outcomes against each lever" in html  # a plain sweep's report has figures
    _check(captured, html)
