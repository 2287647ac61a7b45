"""The analysis commands end to end through typer's CliRunner, and the HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from simulator.cli.analysis_cmds import register
from simulator.studies.common import default_lever_values, parse_values
from simulator.sweep import read_manifest

DATA = Path(__file__).parent / "data" / "sweeps"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def invoke(app, *args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def test_tipping_on_a_stand_in_model_then_resume_and_report(app, tmp_path):
    out = tmp_path / "tip"
    args = [
        "tipping",
        "--function",
        "simulator.sweep.toy:toy_tipping",
        "--values",
        "0:80:9",
        "--seeds",
        "12",
        "--stop-year",
        "6",
        "--no-ews",
        "--executor",
        "serial",
        "--quiet",
        "--boot",
        "300",
        "--out",
        out,
    ]
    first = invoke(app, *args)
    assert first.exit_code == 0, first.output
    assert "Critical mass: Fellows recruited a year" in first.output
    assert "Strategy stopped: recruitment end at 6" in first.output
    data = json.loads((out / "analysis.json").read_text())
    assert data["kind"] == "tipping" and data["tipping"]["verdict"] == "threshold"
    assert 25 < data["tipping"]["critical_mass"] < 50
    assert (out / "figures" / "s_curve.png").exists() and (
        out / "figures" / "hysteresis.png"
    ).exists()
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 2
    assert "Critical mass" in html and "spec hash" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"http", html)  # self-contained

    again = invoke(app, *args)
    assert again.exit_code == 0, again.output
    assert [s["todo"] for s in read_manifest(out / "sweep")["sessions"]] == [9 * 12, 0]
    assert json.loads((out / "analysis.json").read_text())["tipping"][
        "critical_mass"
    ] == pytest.approx(data["tipping"]["critical_mass"])


def test_tipping_says_no_threshold_for_a_line(app, tmp_path):
    result = invoke(
        app,
        "tipping",
        "--function",
        "simulator.sweep.toy:toy_linear",
        "--values",
        "0:60:7",
        "--seeds",
        "10",
        "--no-hysteresis",
        "--no-ews",
        "-e",
        "serial",
        "-q",
        "--boot",
        "200",
        "--out",
        tmp_path / "line",
    )
    assert result.exit_code == 0, result.output
    assert "Verdict: no threshold" in result.output
    assert "straight line" in result.output


def test_tipping_relative_regime(app, tmp_path):
    result = invoke(
        app,
        "tipping",
        "--function",
        "simulator.sweep.toy:toy_tipping",
        "--values",
        "0:80:9",
        "--seeds",
        "8",
        "--delta",
        "0.1",
        "--no-hysteresis",
        "--no-ews",
        "-e",
        "serial",
        "-q",
        "--boot",
        "200",
        "--out",
        tmp_path / "rel",
    )
    assert result.exit_code == 0, result.output
    assert "baseline + 0.1" in result.output


def test_tipping_on_the_model_with_early_warnings(app, tmp_path):
    out = tmp_path / "model"
    result = invoke(
        app,
        "tipping",
        DATA / "tiny.yaml",
        "--values",
        "0,3,6,9,12",
        "--seeds",
        "4",
        "--stop-year",
        "1",
        "--hysteresis-seeds",
        "2",
        "--ews-seeds",
        "2",
        "-e",
        "serial",
        "-q",
        "--boot",
        "200",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "analysis.json").read_text())
    assert (
        data["provenance"]["scenario_hash"]
        and data["provenance"]["scenario_name"] == "tiny-comprehensive"
    )
    assert data["tipping"]["n_runs"] == 20
    assert data["hysteresis"] is not None
    assert data["ews"] is not None and "summary" in data["ews"]
    assert (out / "report.html").exists()
    # the early warnings read the main sweep's monthly series: each is the run's own series
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario
    from simulator.sweep import read_results, read_timeseries

    table = read_results(out / "sweep")
    series = read_timeseries(out / "sweep")
    row = table[table["recruit.cohort_size"] == 6].iloc[0]
    alone = run_scenario(
        load_scenario(DATA / "tiny.yaml").with_overrides({"recruit.cohort_size": 6}), seed=int(row["seed"])
    ).timeseries
    kept = series[series["run_id"] == row["run_id"]]
    assert kept["month"].tolist() == alone["month"].tolist()
    assert kept["engaged_share"].to_numpy().tobytes() == alone["engaged_share"].to_numpy().tobytes()


def test_bad_input_exits_2_with_a_message(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sweep:\n  function: simulator.sweep.toy:toy_tipping\n  master_seed: -1\n"
        "  parameters: {recruit.cohort_size: [1]}\n"
    )
    result = invoke(app, "sweep", bad, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "master_seed" in result.output and "Traceback" not in result.output
    both = invoke(app, "tipping", DATA / "tiny.yaml", "--threshold", "0.5", "--delta", "0.1")
    assert both.exit_code == 2 and "not both" in both.output
    late = invoke(
        app,
        "tipping",
        DATA / "tiny.yaml",
        "--values",
        "0,6,12",
        "--seeds",
        "2",
        "--stop-year",
        "9",
        "--no-ews",
        "-e",
        "serial",
        "-q",
        "--out",
        tmp_path / "late",
    )
    assert (
        late.exit_code == 2 and "not before the scenario's own recruit.end_year = 8" in late.output
    )
    dask = invoke(app, "sweep", DATA / "tiny_cohort.yaml", "--executor", "dask")
    assert dask.exit_code == 2 and "--cluster" in dask.output


def test_sweep_command_and_plain_sweep_report(app, tmp_path):
    out = tmp_path / "sweep"
    result = invoke(app, "sweep", DATA / "tiny_cohort.yaml", "--out", out, "-e", "serial", "-q")
    assert result.exit_code == 0, result.output
    assert "9 runs done (0 already there" in result.output
    report = invoke(app, "report", out)
    assert report.exit_code == 0, report.output
    html = (out / "report.html").read_text()
    assert "tiny-cohort" in html and "data:image/png;base64," in html and "master seed" in html
    missing = invoke(app, "report", tmp_path / "nothing")
    assert missing.exit_code == 2


def test_phase_command(app, tmp_path):
    out = tmp_path / "phase"
    result = invoke(
        app,
        "phase",
        "--function",
        "simulator.sweep.toy:toy_tipping",
        "--x",
        "recruit.cohort_size",
        "--x-values",
        "0:80:9",
        "--y",
        "toy.noise",
        "--y-values",
        "0.01,0.03",
        "--seeds",
        "6",
        "-e",
        "serial",
        "-q",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "analysis.json").read_text())
    assert len(data["phase"]["critical_line"]) == 2
    assert "data:image/png;base64," in (out / "report.html").read_text()


def test_sensitivity_command_on_ishigami(app, tmp_path):
    out = tmp_path / "sens"
    result = invoke(
        app,
        "sensitivity",
        "--function",
        "simulator.sweep.toy:ishigami",
        "--method",
        "sobol",
        "--samples",
        "256",
        "--seeds",
        "1",
        "--outcome",
        "y",
        "-p",
        "x1=-3.14159265:3.14159265",
        "-p",
        "x2=-3.14159265:3.14159265",
        "-p",
        "x3=-3.14159265:3.14159265",
        "-e",
        "serial",
        "-q",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    indices = {
        r["parameter"]: r
        for r in json.loads((out / "analysis.json").read_text())["sensitivity"]["indices"]["y"]
    }
    assert indices["x2"]["S1"] == pytest.approx(0.442, abs=0.1)
    assert "Sensitivity (sobol)" in (out / "report.html").read_text()


def test_values_parsing_and_defaults():
    from simulator.scenario import load_scenario

    assert parse_values("0,5,10", "int") == [0, 5, 10]
    assert parse_values("0:10:3") == [0.0, 5.0, 10.0]
    assert parse_values("0:40:9", "int") == [0, 5, 10, 15, 20, 25, 30, 35, 40]
    with pytest.raises(ValueError):
        parse_values("0:10")
    scenario = load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "comprehensive.yaml"
    )
    values = default_lever_values(scenario, "recruit.cohort_size")
    assert values[0] == 0 and values[-1] == scenario.recruit.cohort_size and len(values) == 17
    with pytest.raises(ValueError, match="--values"):
        default_lever_values(
            scenario.with_overrides({"recruit.cohort_size": 0}), "recruit.cohort_size"
        )
