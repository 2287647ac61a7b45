"""The validation scripts and the ``validate-classics`` command (on a local Typer app)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from experiments.validation._common import markdown_table
from experiments.validation.run_all import SCRIPTS, run_all
from simulator.analysis.tipping import wilson_interval
from simulator.cli import classics_cmd


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    classics_cmd.register(app)

    @app.command()
    def noop() -> None:  # a second command, so typer keeps command names
        """Nothing."""

    return app


def test_register_adds_the_command(app):
    result = CliRunner().invoke(app, ["validate-classics", "--help"])
    assert result.exit_code == 0
    assert "--quick" in result.output and "--out" in result.output


def test_one_quick_validation_writes_tables_figure_and_summary(app, tmp_path):
    out = tmp_path / "val"
    result = CliRunner().invoke(
        app, ["validate-classics", "--quick", "--only", "granovetter1978", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Granovetter" in result.output
    for suffix in (".csv", ".md", ".png", ".json", "_data.csv"):
        assert (out / f"granovetter1978{suffix}").is_file(), suffix
    table = pd.read_csv(out / "granovetter1978.csv")
    assert set(table.columns) >= {"quantity", "published", "ours", "agrees"}
    assert table["agrees"].all()
    provenance = json.loads((out / "granovetter1978.json").read_text())
    assert provenance["quick"] is True and "clsim_version" in provenance
    summary = (out / "summary.md").read_text()
    assert "do not edit by hand" in summary and "riot size" in summary


def test_unknown_validation_is_an_error(app, tmp_path):
    result = CliRunner().invoke(
        app, ["validate-classics", "--only", "nope", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "unknown validation" in result.output


def test_run_all_writes_the_summary_where_asked(tmp_path):
    summary = tmp_path / "docs" / "validation_summary.md"
    results, table = run_all(
        out=tmp_path / "out", quick=True, summary_path=summary, only=["granovetter1978"]
    )
    assert [r.name for r in results] == ["granovetter1978"]
    assert len(table) == len(results[0].checks) and table["agrees"].all()
    assert summary.read_text().startswith("# Validation summary")


def test_helpers():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x|y", "z"]})
    assert markdown_table(frame).splitlines() == [
        "| a | b |",
        "| --- | --- |",
        "| 1 | x\\|y |",
        "| 2 | z |",
    ]
    lo, hi = (float(v) for v in wilson_interval(50, 100))
    assert lo < 0.5 < hi and hi - lo == pytest.approx(0.192, abs=0.005)


@pytest.mark.slow
def test_every_quick_validation_agrees(app, tmp_path):
    """All six scripts run (quick) and every check agrees with the published figure."""
    out = tmp_path / "all"
    result = CliRunner().invoke(app, ["validate-classics", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "summary.csv")
    assert set(table["validation"]) == set(SCRIPTS)
    assert table["agrees"].all(), table.loc[~table["agrees"], ["quantity", "ours"]]
