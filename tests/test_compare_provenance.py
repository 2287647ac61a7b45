"""``compare`` writes provenance, P(transformed) and k of n; every output records provenance."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from simulator.cli.run_cmds import register
from simulator.provenance import KEY_DEPENDENCIES, git_state, provenance, summarise
from simulator.scenario import load_scenario
from simulator.studies.compare import compare_scenarios, derive_seeds
from simulator.sweep import SerialExecutor, read_manifest, run_sweep, sweep_from_dict

DATA = Path(__file__).parent / "data" / "sweeps"
TINY = DATA / "tiny.yaml"
ROOT = Path(__file__).resolve().parents[1]


def test_compare_writes_provenance_p_transformed_and_k_of_n(tmp_path):
    tiny = load_scenario(TINY)
    none = tiny.with_overrides({"recruit.cohort_size": 0, "meta.name": "no fellows"})
    table, paths = compare_scenarios(
        {"tiny": tiny, "none": none}, seeds=3, steps=24, out=tmp_path, master_seed=5
    )
    data = json.loads(paths["analysis"].read_text())
    assert data["kind"] == "compare"
    prov = data["provenance"]
    assert prov["seeds"] == derive_seeds(5, 3) and prov["master_seed"] == 5
    assert set(KEY_DEPENDENCIES) <= set(prov["dependencies"])
    assert prov["python"] and prov["platform"] and prov["command"]
    assert {s["scenario_hash"] for s in prov["scenarios"]} == {tiny.content_hash(), none.content_hash()}
    assert prov["git"] is None or re.fullmatch(r"[0-9a-f]{40}", prov["git"]["commit"])
    rows = {r["scenario"]: r for r in data["transformed"]}
    for name, grp in table.groupby("scenario"):
        k = int((grp["learning_gain"] >= 0.10).sum())  # the default regime
        assert rows[name]["k"] == k and rows[name]["n"] == 3
        assert 0 <= rows[name]["p_low"] <= rows[name]["p"] <= rows[name]["p_high"] <= 1
    # programme areas: the fellows' clusters, none without fellows
    assert "tiny-comprehensive" in {r["scenario"] for r in data["transformed_programme"]}
    assert "no fellows" not in {r["scenario"] for r in data["transformed_programme"]}
    summary = pd.read_csv(paths["summary_csv"])
    assert {"final_learning@programme", "final_learning@rest"} <= set(summary.columns)
    mine = summary[summary["scenario"] == "tiny-comprehensive"]
    assert (mine["programme_clusters"] == 1).all()  # tiny.yaml places fellows in 1 cluster
    assert paths["transformed_figure"].is_file()


def test_compare_command_prints_k_of_n(tmp_path):
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Multi-command mode."""

    register(app)
    result = CliRunner().invoke(
        app, ["compare", str(TINY), str(TINY), "--seeds", "2", "--steps", "12", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "of 2" in result.output and "P(transformed)" in result.output
    assert (tmp_path / "analysis.json").is_file()


def test_provenance_record_and_git_state(tmp_path):
    record = provenance(master_seed=3, seeds=[1, 2])
    assert record["clsim_version"] and record["command"] and record["seeds"] == [1, 2]
    assert all(record["dependencies"][d] for d in ("numpy", "pandas", "mesa"))
    state = git_state()
    if (ROOT / ".git").exists():
        assert state is not None and re.fullmatch(r"[0-9a-f]{40}", state["commit"])
        assert isinstance(state["dirty"], bool)
    assert git_state(str(tmp_path)) is None or git_state(str(tmp_path))["root"] != str(tmp_path)
    pairs = dict(summarise(record))
    assert "dependencies" in pairs and "master seed" in pairs and "code" in pairs


def test_every_sweep_session_records_provenance(tmp_path):
    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:toy_linear",
            "parameters": {"recruit.cohort_size": [0, 10]},
            "master_seed": 9,
        }
    )
    run_sweep(spec, tmp_path / "s", executor=SerialExecutor(), progress=False)
    session = read_manifest(tmp_path / "s")["sessions"][0]
    assert session["provenance"]["master_seed"] == 9
    assert "dependencies" in session["provenance"] and session["provenance"]["command"]
