"""Scenario discovery recovers a known box from a synthetic table, in numbers and in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.discovery import discover
from simulator.analysis.tipping import Regime as _Regime

#: These synthetic tables are built around the absolute cut final learning >= 0.55.
SYNTHETIC = _Regime(outcome="final_learning", threshold=0.55)

COHORT, CLUSTERS, COACHING, MODE = (
    "recruit.cohort_size",
    "recruit.placement_clusters",
    "develop.fellow_coaching",
    "convene.collectives.mode",
)


def known_box_table(seed: int, n: int = 600, noise: float = 0.05) -> tuple[pd.DataFrame, np.ndarray]:
    """Runs tip inside ``cohort >= 14 & clusters <= 4 & teacher-led`` (5% of labels flipped)."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            COHORT: rng.integers(0, 41, n),
            CLUSTERS: rng.integers(1, 10, n),
            COACHING: rng.uniform(0, 1, n),
            MODE: rng.choice(["teacher_led", "imposed", "none"], n),
        }
    )
    inside = (
        (table[COHORT] >= 14) & (table[CLUSTERS] <= 4) & (table[MODE] == "teacher_led")
    ).to_numpy()
    tipped = np.where(rng.random(n) < noise, ~inside, inside)
    table["final_learning"] = np.where(tipped, rng.normal(0.7, 0.02, n), rng.normal(0.42, 0.02, n))
    return table, inside


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_prim_recovers_the_known_box(seed):
    table, inside = known_box_table(seed)
    result = discover(table, [COHORT, CLUSTERS, COACHING, MODE], regime=SYNTHETIC)
    box = result.boxes[0]
    restricted = {r.key: r for r in box.restrictions}
    assert set(restricted) == {COHORT, CLUSTERS, MODE}, box.text  # coaching is irrelevant
    assert 12 <= restricted[COHORT].low <= 16 and restricted[COHORT].high is None
    assert restricted[CLUSTERS].high in (3, 4, 5) and restricted[CLUSTERS].low is None
    assert restricted[MODE].categories == ("teacher_led",)
    assert box.density >= 0.8  # the density target (labels are 5% noise)
    # the reported box and the true box mostly hold the same runs
    found = box.contains(table)
    overlap = (found & inside).sum() / (found | inside).sum()
    assert overlap >= 0.8, overlap
    assert "fellows a year" in box.text and "teacher-led collectives" in box.text
    assert "clusters" in box.text and "of" in box.text and "runs tip" in box.text


def test_cart_agrees_and_everything_is_json_ready():
    import json

    table, _ = known_box_table(7)
    result = discover(table, [COHORT, CLUSTERS, COACHING, MODE], regime=SYNTHETIC)
    best = result.tree_leaves[0]
    assert best.predicts_tipping and best.density > 0.85
    assert "teacher-led collectives" in best.text
    assert result.tree_accuracy > 0.9
    assert len(result.trajectory) > 5
    assert all(0 <= p["coverage"] <= 1 and 0 <= p["density"] <= 1 for p in result.trajectory)
    json.dumps(result.to_dict())
    assert "PRIM box 1" in result.summary()


def test_no_structure_gives_no_dense_box():
    rng = np.random.default_rng(1)
    table = pd.DataFrame({COHORT: rng.integers(0, 41, 400), COACHING: rng.uniform(0, 1, 400)})
    table["final_learning"] = np.where(rng.random(400) < 0.3, 0.7, 0.42)
    result = discover(table, [COHORT, COACHING], regime=SYNTHETIC)
    assert all(b.density < 0.8 for b in result.boxes)
    assert not result.boxes or any("no box reaches" in n for n in result.notes)


def test_bad_input_is_a_clear_error():
    table, _ = known_box_table(1, n=100)
    with pytest.raises(KeyError, match="not columns"):
        discover(table, ["recruit.cohort_sise"], regime=SYNTHETIC)
    table["final_learning"] = 0.7
    with pytest.raises(ValueError, match="nothing to tell apart"):
        discover(table, [COHORT], regime=SYNTHETIC)


def test_discover_command_on_a_sweep_directory_and_its_errors(tmp_path):
    import typer
    from typer.testing import CliRunner

    from simulator.cli.discover_cmd import register
    from simulator.sweep import SerialExecutor, run_sweep, sweep_from_dict

    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:toy_tipping",
            "design": "lhs",
            "samples": 80,
            "parameters": {
                "recruit.cohort_size": {"low": 0, "high": 80, "type": "int"},
                "recruit.end_year": {"low": 1.0, "high": 15.0},
            },
            "master_seed": 4,
        }
    )
    run_sweep(spec, tmp_path / "lhs", executor=SerialExecutor(), progress=False)
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Multi-command mode."""

    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["discover", str(tmp_path / "lhs")])
    assert result.exit_code == 0, result.output
    assert "PRIM box 1" in result.output and "fellows a year" in result.output
    assert (tmp_path / "lhs-discover" / "report.html").is_file()
    assert (tmp_path / "lhs-discover" / "figures" / "peeling.png").is_file()
    bad = runner.invoke(app, ["discover", str(tmp_path / "nope.yaml")])
    assert bad.exit_code == 2 and "--param" in bad.output
    both = runner.invoke(app, ["discover", str(tmp_path / "lhs"), "-p", "recruit.cohort_size=0:9"])
    assert both.exit_code == 2 and "not both" in both.output
