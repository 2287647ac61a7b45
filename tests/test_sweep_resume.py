"""Kill a sweep with SIGKILL midway, rerun the same command, lose and duplicate nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from simulator.sweep import SerialExecutor, load_sweep, read_results, run_sweep

ROOT = Path(__file__).resolve().parents[1]

SPEC = """\
sweep:
  name: kill-me
  function: simulator.sweep.toy:toy_tipping
  parameters:
    recruit.cohort_size: {low: 0, high: 80, num: 20, type: int}
  fixed:
    toy.sleep: 0.03
  replicates: 6
  master_seed: 2024
"""


def _command(spec: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simulator",
        "sweep",
        str(spec),
        "--out",
        str(out),
        "--executor",
        "local",
        "--workers",
        "2",
        "--flush-every",
        "4",
        "--quiet",
    ]


def test_sigkill_midway_then_resume_equals_uninterrupted(tmp_path):
    spec_path = tmp_path / "kill.yaml"
    spec_path.write_text(SPEC)
    out = tmp_path / "results"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        _command(spec_path, out),
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    try:
        while len(list(out.glob("part-*.parquet"))) < 5:
            assert proc.poll() is None, (
                f"sweep ended before it could be killed: {proc.stdout.read()!r}"
            )
            assert time.monotonic() < deadline, "no part files appeared"
            time.sleep(0.05)
    finally:
        # The whole process group: the sweep and its worker processes, all at once, no cleanup.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    spec = load_sweep(spec_path)
    parts = list(out.glob("part-*.parquet"))
    done_before = sum(pq.read_table(p).num_rows for p in parts)  # every part file is whole
    assert 0 < done_before < spec.n_runs, f"killed with {done_before} of {spec.n_runs} runs written"
    assert (out / "_lock").exists(), "the killed sweep's lock is left behind (stale)"

    resumed = subprocess.run(
        _command(spec_path, out), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"{done_before} already there" in resumed.stdout

    table = read_results(out)
    assert table["run_id"].tolist() == list(range(spec.n_runs))  # every run exactly once
    raw = pd.concat([pq.read_table(p).to_pandas() for p in out.glob("part-*.parquet")])
    assert len(raw) == spec.n_runs and raw["run_id"].is_unique

    # The same sweep, uninterrupted and serial: identical table.
    reference = run_sweep(
        spec, tmp_path / "reference", executor=SerialExecutor(), progress=False
    ).table()
    pd.testing.assert_frame_equal(table, reference, check_exact=True)
