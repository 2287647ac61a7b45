"""Run the command line as a user would, with a time and memory ceiling.

Shared by the bad-input tests: :func:`run_cli` starts ``python -m simulator ARGS`` in a
fresh process, kills it after ``timeout`` seconds, and returns its exit code, output,
wall time and peak resident memory.

Peak memory is the child's own high-water mark, ``VmHWM`` in ``/proc/PID/status``, read
while it runs. ``ru_maxrss`` from ``os.wait4`` cannot be used on Linux: the kernel
carries the parent's high-water mark across fork and exec into the child's figure, so
a child started from a pytest process that has grown to 750 MiB reports 750 MiB however
little it used (this is what failed in CI). A blow-up is gradual, so polling every
20 ms sees it; where ``/proc`` is missing, ``ru_maxrss`` is the fallback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 10.0
MEMORY_LIMIT = 500 * 2**20


@dataclass
class Outcome:
    args: list[str]
    code: int | None
    output: str
    seconds: float
    peak_bytes: float

    @property
    def flat(self) -> str:
        """Output with runs of whitespace collapsed (rich and click may wrap lines)."""
        return re.sub(r"\s+", " ", self.output)

    def problems(self, expect_code: int | None = 2, words: tuple[str, ...] = ()) -> list[str]:
        """What is wrong with this outcome for a bad input (empty when all is well)."""
        found = []
        if self.code is None:
            found.append(f"did not finish within {TIME_LIMIT:.0f} s")
        elif expect_code is not None and self.code != expect_code:
            found.append(f"exit code {self.code}, expected {expect_code}")
        elif self.code == 0:
            found.append("exit code 0 for bad input")
        if "Traceback" in self.output:
            found.append("printed a traceback")
        if self.peak_bytes > MEMORY_LIMIT:
            found.append(f"peak memory {self.peak_bytes / 2**20:.0f} MiB")
        for word in words:
            if re.sub(r"\s+", " ", word) not in self.flat:
                found.append(f"message does not contain {word!r}")
        return found


def run_cli(
    args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = TIME_LIMIT,
    program: tuple[str, ...] = ("-m", "simulator"),
) -> Outcome:
    """Run ``python -m simulator ARGS`` (or ``python PROGRAM ARGS``); kill it after ``timeout`` seconds."""
    full_env = {**os.environ, "COLUMNS": "100", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    full_env.pop("CLSIM_DEBUG", None)
    full_env.update(env or {})
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, *program, *args],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd, env=full_env,
        )
        code: int | None = None
        high_water = 0.0
        while True:
            high_water = max(high_water, _high_water_bytes(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                _, _, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = code if code is not None else -9
        seconds = time.monotonic() - start
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    peak = high_water if high_water > 0 else usage.ru_maxrss * 1024.0
    return Outcome(list(args), code, text, seconds, peak)


def _high_water_bytes(pid: int) -> float:
    """The process's peak resident memory so far (``VmHWM``), or 0 if it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) * 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return 0.0
