"""Serial, local-process and dask executors give identical tables for the same sweep.

The dask cluster is real: a ``dask scheduler`` and two ``dask worker`` processes started
as subprocesses on 127.0.0.1 with free ports, torn down after the module.
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

from simulator.sweep import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    SweepError,
    load_sweep,
    read_results,
    run_sweep,
    sweep_from_dict,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "sweeps"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dask_bin() -> str:
    candidate = Path(sys.executable).with_name("dask")
    return str(candidate) if candidate.exists() else (shutil.which("dask") or "dask")


@pytest.fixture(scope="module")
def dask_cluster():
    """A scheduler and two single-threaded workers; yields the scheduler address."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    quiet = {
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "env": env,
        "cwd": str(ROOT),
    }
    procs = [
        subprocess.Popen(
            [
                _dask_bin(),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **quiet,
        )
    ]
    try:
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        _dask_bin(),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                        "--name",
                        f"test-worker-{i}",
                    ],
                    **quiet,
                )
            )
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


def _three_ways(spec, tmp_path, cluster):
    tables = {}
    executors = {
        "serial": SerialExecutor(),
        "local": ProcessExecutor(2, start_method="spawn"),
        "dask": DaskExecutor(cluster),
    }
    for name, executor in executors.items():
        out = tmp_path / name
        run_sweep(spec, out, executor=executor, progress=False, flush_every=4)
        tables[name] = read_results(out)
    return tables


def test_identical_tables_on_the_model(tmp_path, dask_cluster):
    spec = load_sweep(DATA / "tiny_cohort.yaml")
    tables = _three_ways(spec, tmp_path, dask_cluster)
    assert len(tables["serial"]) == spec.n_runs == 9
    for name in ("local", "dask"):
        pd.testing.assert_frame_equal(tables["serial"], tables[name], check_exact=True, obj=name)
    # Different replicates really differ (the seeds matter), so equality is not vacuous.
    assert tables["serial"].groupby("recruit.cohort_size")["final_learning"].nunique().max() > 1


def test_identical_tables_on_a_sampled_design(tmp_path, dask_cluster):
    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:toy_tipping",
            "design": "lhs",
            "samples": 12,
            "parameters": {
                "recruit.cohort_size": {"low": 0, "high": 80, "type": "int"},
                "recruit.end_year": {"low": 2.0, "high": 15.0},
            },
            "replicates": 3,
            "master_seed": 99,
        }
    )
    tables = _three_ways(spec, tmp_path, dask_cluster)
    for name in ("local", "dask"):
        pd.testing.assert_frame_equal(tables["serial"], tables[name], check_exact=True, obj=name)


def test_dask_executor_bad_address_is_a_clear_error():
    with pytest.raises(SweepError, match="reachable dask scheduler"):
        DaskExecutor(f"tcp://127.0.0.1:{_free_port()}", timeout=2)._connect()


def test_process_executor_validates_arguments():
    with pytest.raises(ValueError, match="workers"):
        ProcessExecutor(0)
    with pytest.raises(ValueError, match="start_method"):
        ProcessExecutor(1, start_method="teleport")
