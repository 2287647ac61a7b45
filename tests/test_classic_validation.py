"""The validation suite, the ``validate-classics`` command and the generated summary page."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from simulator.cli import classics_cmd
from simulator.validation import SCRIPTS, normalise_summary, run_all
from simulator.validation.core import Check, Validation, markdown_table
from simulator.validation.stats import (
    all_runs_power,
    binomial_comparison,
    detectable_gap,
    linear_fit,
    wilson,
)

from ._classic_suite import SUMMARY_DOC, doc_rows, suite_run


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    classics_cmd.register(app)

    @app.command()
    def noop() -> None:  # a second command, so typer keeps command names
        """Nothing."""

    return app


# -------------------------------------------------------------------- command


def test_register_adds_the_command(app):
    result = CliRunner().invoke(app, ["validate-classics", "--help"])
    assert result.exit_code == 0
    assert "--quick" in result.output and "--summary" in result.output and "--jobs" in result.output


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
    assert set(table.columns) >= {"quantity", "published", "ours", "criterion", "agrees", "verdict"}
    assert table["agrees"].all()
    provenance = json.loads((out / "granovetter1978.json").read_text())
    assert provenance["quick"] is True and provenance["clsim_version"] != "unknown"
    summary = (out / "summary.md").read_text()
    assert "do not edit by hand" in summary and "riot size" in summary


def test_unknown_validation_is_an_error(app, tmp_path):
    result = CliRunner().invoke(
        app, ["validate-classics", "--only", "nope", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "unknown validation" in result.output


def test_a_disagreeing_check_exits_1(app, tmp_path, monkeypatch):
    from simulator.validation import granovetter1978

    def broken(quick: bool = False, master_seed: int = 0) -> Validation:
        return Validation(
            "granovetter1978", "Granovetter (1978)", "x", "y", [Check("q", "1", "2", False)]
        )

    monkeypatch.setattr(granovetter1978, "run", broken)
    result = CliRunner().invoke(
        app, ["validate-classics", "--only", "granovetter1978", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1


def test_run_all_writes_the_summary_where_asked(tmp_path):
    summary = tmp_path / "docs" / "validation_summary.md"
    results, table = run_all(
        out=tmp_path / "out", quick=True, summary_path=summary, only=["granovetter1978"]
    )
    assert [r.name for r in results] == ["granovetter1978"]
    assert len(table) == len(results[0].checks) and table["agrees"].all()
    assert summary.read_text().startswith("# Validation summary")


def test_normalise_summary_drops_only_the_stamp_and_times():
    text = (
        "Generated 2026-12-01 10:00 UTC by clsim\n| a | 1 |\n## Run times\n| watts2002 | 12.3 |\n"
    )
    other = (
        "Generated 2027-01-02 11:11 UTC by clsim\n| a | 1 |\n## Run times\n| watts2002 | 99.0 |\n"
    )
    assert normalise_summary(text) == normalise_summary(other)
    assert normalise_summary(text) != normalise_summary(text.replace("| a | 1 |", "| a | 2 |"))


# -------------------------------------------------------------------- statistics


def test_statistics_helpers():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x|y", "z"]})
    assert markdown_table(frame).splitlines() == [
        "| a | b |",
        "| --- | --- |",
        "| 1 | x\\|y |",
        "| 2 | z |",
    ]
    lo, hi = wilson(50, 100)
    assert lo < 0.5 < hi and hi - lo == pytest.approx(0.192, abs=0.005)
    assert binomial_comparison(500, 1000, 0.5, 0.05).agrees
    assert not binomial_comparison(560, 1000, 0.5, 0.05).agrees  # 3.8 standard errors
    # a two-sided 5% test on 1,000 runs at p = 0.5 detects about 2.8 standard errors
    assert detectable_gap(1000, 0.5, 0.05) == pytest.approx(2.8 * 0.0158, abs=0.002)
    assert all_runs_power(50) == pytest.approx(0.058, abs=0.001)
    fit = linear_fit([0, 1, 2, 3], [1, 3, 5, 7])
    assert fit.slope == pytest.approx(2) and fit.intercept == pytest.approx(1)


# ------------------------------------------------------ the suite and the summary page


def test_every_quick_check_that_is_tested_agrees():
    _, table, _ = suite_run(True)
    assert set(table["validation"]) == set(SCRIPTS)
    bad = table[table.tested & ~table.agrees]
    assert bad.empty, bad[["validation", "quantity", "ours"]].to_string()
    assert table.tested.sum() >= len(table) - 2  # only the two scaling fits are skipped quick


def test_summary_page_matches_what_the_suite_produces():
    """docs/validation_summary.md has the checks the scripts produce, and their exact values.

    The page is a full run; a quick run has the same checks in the same order, and every
    check whose value does not depend on the number of runs (analytic values,
    deterministic runs) must read the same. The full comparison, number by number, is
    the slow test below.
    """
    _, table, _ = suite_run(True)
    rows = doc_rows(SUMMARY_DOC.read_text(encoding="utf-8"))
    assert "full run, master seed 0" in SUMMARY_DOC.read_text(encoding="utf-8")
    assert [r["quantity"] for r in rows] == table["quantity"].tolist(), (
        "docs/validation_summary.md is stale: regenerate it with "
        "`clsim validate-classics --summary docs/validation_summary.md`"
    )
    for row, check in zip(rows, table.itertuples(), strict=True):
        assert row["paper"] == check.paper.split(",")[0]
        if check.exact:
            assert (row["published / reference"], row["ours"]) == (check.published, check.ours), (
                check.quantity
            )


@pytest.mark.slow
def test_full_suite_agrees_and_reproduces_the_summary_page():
    """The full run (1,000 runs a point for Watts): every check agrees, and the page is exact."""
    start = time.perf_counter()
    _, table, text = suite_run(False)
    print(f"full validation suite: {time.perf_counter() - start:.0f} s (two at a time)")
    bad = table[~table.agrees]
    assert bad.empty, bad[["validation", "quantity", "ours"]].to_string()
    assert table.tested.all()
    assert normalise_summary(text) == normalise_summary(SUMMARY_DOC.read_text(encoding="utf-8")), (
        "docs/validation_summary.md differs from a fresh full run: regenerate it with "
        "`clsim validate-classics --summary docs/validation_summary.md`"
    )
    watts = table[table.validation == "watts2002"]
    edge = watts[watts.quantity.str.startswith("P(global cascade) at the upper edge")]
    assert len(edge) == 2 and edge.ours.str.contains("/1000").all()
