"""The same calibration on a real dask cluster gives the same posterior as the serial run.

A ``dask scheduler`` and two single-threaded ``dask worker`` processes run as separate
processes on 127.0.0.1 (free ports). pyabc's own dask sampler reseeds every worker from
the operating system, so its posteriors differ run to run; the seeded sampler of
:mod:`simulator.calibration.sampler` makes each evaluation a function of its number and
keeps evaluations up to the n-th acceptance by number, so the posterior, the number of
evaluations per generation and the posterior predictive runs must be *identical*.
"""

from __future__ import annotations

import os
import shutil
import socket
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dask_bin() -> str:
    candidate = Path(sys.executable).with_name("dask")
    return str(candidate) if candidate.exists() else (shutil.which("dask") or "dask")


@pytest.fixture(scope="module")
def dask_cluster():
    """A scheduler and two single-threaded workers on 127.0.0.1; yields the address."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": str(ROOT)}
    procs = [subprocess.Popen([_dask_bin(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet)]
    try:
        for i in range(2):
            procs.append(subprocess.Popen(
                [_dask_bin(), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"calibration-worker-{i}"], **quiet))
        deadline = time.monotonic() + 90
        client = None
        while client is None:
            try:
                client = Client(address, timeout=2, set_as_default=False)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        client.wait_for_workers(2, timeout=90)
        client.close()
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
def test_dask_posterior_identical_to_serial(tmp_path, dask_cluster):
    from simulator.studies.calibration import calibration_study

    common = {"keys": KEYS, "population": 12, "generations": 3, "ppc_draws": 4, "master_seed": 23,
              "progress": False, "figures": False}
    serial = calibration_study(tmp_path / "serial", RECOVERY, executor="serial", **common)
    dask = calibration_study(tmp_path / "dask", RECOVERY, cluster=dask_cluster, **common)
    assert dask["provenance"]["sessions"][0]["executor"] == "dask"
    assert dask["provenance"]["sessions"][0]["workers"] == 2
    for name in ("posterior.parquet", "ppc.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "serial" / name),
                                      pd.read_parquet(tmp_path / "dask" / name))
    assert [g["evaluations"] for g in serial["generations"]] == [g["evaluations"] for g in dask["generations"]]
    assert [g["epsilon"] for g in serial["generations"]] == [g["epsilon"] for g in dask["generations"]]


def test_dask_bad_address_is_a_clear_error():
    from simulator.calibration.sampler import DaskBackend
    from simulator.sweep.errors import SweepError

    with pytest.raises(SweepError, match="reachable dask scheduler"):
        DaskBackend(f"tcp://127.0.0.1:{_free_port()}", timeout=2)
