"""Run the command line as a user would, with a time and memory ceiling.

Shared by the bad-input tests: :func:`run_cli` starts ``python -m simulator ARGS`` in a
fresh process, kills it after ``timeout`` seconds, and returns its exit code, output,
wall time and peak resident memory (``ru_maxrss`` of that process alone, from
``os.wait4``).
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
    args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = TIME_LIMIT
) -> Outcome:
    """Run ``python -m simulator ARGS``; kill it after ``timeout`` seconds."""
    full_env = {**os.environ, "COLUMNS": "100", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    full_env.pop("CLSIM_DEBUG", None)
    full_env.update(env or {})
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "simulator", *args],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd, env=full_env,
        )
        code: int | None = None
        while True:
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
    return Outcome(list(args), code, text, seconds, usage.ru_maxrss * 1024.0)
