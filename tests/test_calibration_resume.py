"""A calibration killed with SIGKILL resumes from its database with the same command.

The command runs as a subprocess; once two generations are in ``abc.db`` it is killed
(SIGKILL, no chance to clean up) and the same command is run again. The resumed session
must start after the last finished generation (never rerun one), leave the finished
generations untouched, and end with the same posterior as an uninterrupted calibration
with the same master seed (every evaluation's seeds derive from the master seed, the
generation and the evaluation's number).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RECOVERY = ROOT / "tests" / "data" / "calibration_recovery.yaml"
KEYS = list(yaml.safe_load((ROOT / "tests" / "data" / "calibration_recovery_truth.yaml").read_text())["truth"])


def _command(out: Path) -> list[str]:
    return [
        sys.executable, "-m", "simulator", "calibrate", str(RECOVERY), "-o", str(out),
        "-p", KEYS[0], "-p", KEYS[1], "--population", "12", "--generations", "4",
        "--ppc-draws", "0", "--no-report", "--quiet", "--master-seed", "11",
    ]  # fmt: skip


def _finished(db: Path) -> list[int]:
    if not db.is_file():
        return []
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return [r[0] for r in con.execute("SELECT t FROM populations WHERE t >= 0 ORDER BY t")]
    except sqlite3.OperationalError:  # the writer holds the lock, or tables not made yet
        return []


def _population(db: Path, t: int) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT pa.name, pa.value, p.w FROM parameters pa JOIN particles p ON pa.particle_id = p.id "
            "JOIN models m ON p.model_id = m.id JOIN populations po ON m.population_id = po.id "
            "WHERE po.t = ? ORDER BY p.id, pa.name",
            (t,),
        ).fetchall()


@pytest.mark.slow
def test_sigkill_then_same_command_resumes_without_rerunning(tmp_path):
    out = tmp_path / "cal"
    db = out / "abc.db"
    proc = subprocess.Popen(_command(out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while len(_finished(db)) < 2:
        assert proc.poll() is None, f"calibration ended before it could be killed: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "no two generations within 300 s"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done = _finished(db)
    assert 2 <= len(done) < 4, done
    before = {t: _population(db, t) for t in done}

    resumed = subprocess.run(_command(out), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert _finished(db) == [0, 1, 2, 3]
    for t, rows in before.items():
        assert _population(db, t) == rows, f"generation {t} changed on resume"
    sessions = json.loads((out / "calibration.json").read_text())["sessions"]
    assert len(sessions) == 2
    assert sessions[1]["resumed_at_generation"] == len(done)
    assert sessions[1]["generations_run"] == list(range(len(done), 4)), sessions[1]

    # Same command, never interrupted, in process: the same posterior.
    from simulator.studies.calibration import calibration_study

    ref = tmp_path / "ref"
    calibration_study(ref, RECOVERY, keys=KEYS, population=12, generations=4, ppc_draws=0,
                      master_seed=11, progress=False, figures=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), pd.read_parquet(ref / "posterior.parquet"))
