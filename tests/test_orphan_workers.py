"""A killed sweep leaves no worker behind: local workers end with their parent.

Without the watch, a worker in the middle of a long batch runs on as an orphan after its
sweep is killed, holding a core until the batch ends (``simulator.parent_watch``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


# A parent that starts one watched and one unwatched child, prints their pids, then waits.
FAMILY = textwrap.dedent(
    """
    import os, subprocess, sys, time
    code = '''
    import sys, time
    from simulator.parent_watch import exit_with_parent
    if sys.argv[1] == "watched":
        exit_with_parent(int(sys.argv[2]), poll_seconds=0.1)
    time.sleep(60)
    '''
    kids = [subprocess.Popen([sys.executable, "-c", code, kind, str(os.getpid())]) for kind in ("watched", "unwatched")]
    print(kids[0].pid, kids[1].pid, flush=True)
    time.sleep(60)
    """
)


def test_a_watched_child_ends_with_its_parent_and_an_unwatched_one_does_not():
    parent = subprocess.Popen([sys.executable, "-c", FAMILY], env=ENV, stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        watched, unwatched = (int(x) for x in parent.stdout.readline().split())
        time.sleep(1.0)  # both children past their imports
        assert _alive(watched) and _alive(unwatched)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert _wait_gone([watched], 10) == [], "the watched child outlived its parent"
        time.sleep(1.0)
        assert _alive(unwatched), "the control child ended too: the check cannot tell the two apart"
    finally:
        _kill_group(parent.pid)


SPEC = """\
sweep:
  name: orphans
  function: simulator.sweep.toy:toy_tipping
  parameters:
    recruit.cohort_size: {low: 0, high: 80, num: 4, type: int}
  fixed:
    toy.sleep: 60
  replicates: 2
  master_seed: 7
"""


def test_killing_a_local_sweep_ends_its_workers(tmp_path):
    spec = tmp_path / "orphans.yaml"
    spec.write_text(SPEC)
    cmd = [sys.executable, "-m", "simulator", "sweep", str(spec), "--out", str(tmp_path / "out"),
           "--executor", "local", "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(kids := _children(proc.pid)) < 2:  # two workers (and the resource tracker)
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no worker processes appeared"
            time.sleep(0.1)
        time.sleep(3.0)  # the workers are initialised and asleep in their first run
        kids = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the sweep alone, as the out-of-memory killer would
        proc.wait(timeout=10)
        assert _wait_gone(kids, 15) == [], "worker processes outlived the killed sweep"
    finally:
        _kill_group(proc.pid)
