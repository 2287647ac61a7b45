"""Smoke test of the benchmark entry point (CI runs it with --quick; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT

NAMED = (
    "core_updates_per_s", "mesa_updates_per_s", "ratio_vs_mesa", "step_in_spmv", "million_build_s",
    "million_steps_s", "million_peak_gib", "runs_per_s_single", "runs_per_s_ensemble", "ensemble_speedup",
    "tipping_default_s", "dashboard_step_ms_2k",
)


def test_quick_benchmark_prints_a_table_and_the_named_figures_last() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--skip-tipping", "--skip-dashboard"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("runs/s alone" in line for line in lines)  # the table came first
    figures = json.loads(lines[-1])
    assert set(NAMED) <= set(figures)
    for key in ("core_updates_per_s", "mesa_updates_per_s", "runs_per_s_single", "runs_per_s_ensemble"):
        assert figures[key] > 0
    assert "identical outcomes: True" in proc.stdout  # the ensemble gave the runs' own outcomes
