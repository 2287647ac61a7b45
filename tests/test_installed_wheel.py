"""An installed wheel validates itself: ``pip install`` then ``clsim validate-classics``, anywhere.

Builds a wheel of this checkout, installs it (without dependencies) into a scratch
virtual environment whose dependencies come from the test environment's site-packages
(a ``.pth`` line, so nothing is downloaded but the build backend), and runs
``clsim validate-classics --quick`` from an empty temporary folder. The package must not
be imported from the checkout: the test checks where ``simulator`` comes from and that
``experiments`` is not importable.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_installed_wheel_runs_validate_classics_from_a_temporary_folder(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    wheels = tmp_path / "wheels"
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        tmp_path,
        env,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("clsim-*.whl")

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    scratch_site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
            env,
        ).stdout.strip()
    )
    # dependencies from this environment, after the scratch site-packages
    ours = [
        p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()
    ]
    (scratch_site / "zz_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    installed = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        tmp_path,
        env,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    elsewhere = tmp_path / "somewhere else"
    elsewhere.mkdir()
    where = _run(
        [
            str(python),
            "-c",
            "import simulator, importlib.util as u; print(simulator.__file__); "
            "print(u.find_spec('experiments'))",
        ],
        elsewhere,
        env,
    )
    assert where.returncode == 0, where.stderr
    location, experiments = where.stdout.split()
    assert Path(location).is_relative_to(scratch_site), location
    assert experiments == "None"

    out = elsewhere / "validation"
    ran = _run(
        [
            str(venv / "bin" / "clsim"),
            "validate-classics",
            "--quick",
            "--jobs",
            "2",
            "--out",
            str(out),
        ],
        elsewhere,
        env,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert (out / "summary.md").is_file() and (out / "watts2002.png").is_file()
    assert "not tested (quick)" in (out / "summary.md").read_text()
