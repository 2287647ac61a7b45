"""Bad input never gets a traceback, a hang or a memory blow-up (issue 12).

Three corpora, each run as a user would run it, in a fresh process with a 10 s and
500 MB ceiling (:mod:`tests.bad_input`):

* :data:`BAD_COMMANDS`: mistakes on the command line of every subcommand. Each must
  exit 2 with click's usage line and a message naming the option or argument;
* ``tests/data/bad_scenarios/*.yaml``: malformed scenario files, through
  ``clsim validate`` (and a few through ``clsim run``);
* ``tests/data/bad_sweeps/*.yaml``: malformed sweep files, through ``clsim sweep``.

Each corpus file starts with ``# expect: A | B | ...``: words its message must contain.
A file larger than the reading limit is made at test time (it would bloat the repo).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import build_command
from simulator.cli.options import apply_checks
from simulator.scenario.bounded_yaml import MAX_FILE_BYTES

from .bad_input import ROOT, run_cli

DATA = ROOT / "tests" / "data"
BASE = "scenarios/baseline.yaml"
TINY = "tests/data/sweeps/tiny.yaml"
SPEC = "tests/data/sweeps/tiny_cohort.yaml"
TOY = "simulator.sweep.toy:toy_tipping"

# (arguments, words the output must contain: the option or argument named, and the rule)
BAD_COMMANDS: list[tuple[list[str], tuple[str, ...]]] = [
    # typer 0.29's own usage errors (tracebacks before the fix)
    (["run", BASE, "--seed", "abc"], ("Usage: clsim run", "'--seed'")),
    (["run", BASE, "--bogus"], ("No such option", "--bogus")),
    (["nosuch"], ("No such command", "nosuch")),
    (["run"], ("Missing argument", "scenario")),
    (["tipping", "--lvr", "x"], ("No such option", "--lvr")),
    (["--versio"], ("No such option", "--versio")),
    (["run", BASE, "extra.yaml"], ("unexpected extra argument", "extra.yaml")),
    (["run", BASE, "--steps", "1.5"], ("'--steps'",)),
    (["validate"], ("Missing argument", "files")),
    # numbers
    (["run", BASE, "--steps", "-1"], ("'--steps'", "between 1 and 1200")),
    (["run", BASE, "--steps", "0"], ("'--steps'", "between 1 and 1200")),
    (["run", BASE, "--steps", "100000000"], ("'--steps'", "between 1 and 1200")),
    (["run", BASE, "--seed", "-1"], ("'--seed'", "between 0")),
    (["compare", BASE, BASE, "--seeds", "0"], ("'--seeds'",)),
    (["compare", BASE, BASE, "--seeds", "-1"], ("'--seeds'",)),
    (["sweep", SPEC, "--workers", "0"], ("'--workers'", "at least 1")),
    (["sweep", SPEC, "--workers", "100000"], ("'--workers'",)),
    (["sweep", SPEC, "--chunk-size", "0"], ("'--chunk-size'",)),
    (["sweep", SPEC, "--flush-seconds", "inf"], ("'--flush-seconds'", "finite")),
    (["sweep", SPEC, "--executor", "bogus"], ("'--executor'",)),
    (["tipping", TINY, "--seeds", "1"], ("'--seeds'",)),
    (["tipping", TINY, "--threshold", "nan"], ("'--threshold'", "finite")),
    (["tipping", TINY, "--boot", "10000000"], ("'--boot'",)),
    (["tipping", TINY, "--values", "0:1:1000000000"], ("'--values'", "num must be")),
    (["tipping", TINY, "--values", "a,b"], ("'--values'",)),
    (["tipping", TINY, "--master-seed", "-3"], ("'--master-seed'",)),
    (["phase", TINY, "--x-values", "1:2"], ("'--x-values'",)),
    (["phase", TINY, "--seeds", "0"], ("'--seeds'",)),
    (["sensitivity", TINY, "--method", "bogus"], ("'--method'",)),
    (["sensitivity", TINY, "--samples", "0"], ("'--samples'",)),
    (["validate-classics", "--seed", "-5"], ("'--seed'",)),
    (["dashboard", "--port", "70000"], ("'--port'",)),
    # names
    (["tipping", BASE, "--lever", "recruit.no_such_lever"],
     ("'--lever'", "recruit.no_such_lever", "close matches", "recruit.")),
    (["tipping", BASE, "--lever", "recruit.cohort_sise"], ("'--lever'", "recruit.cohort_size")),
    (["tipping", BASE, "--outcome", "final_lerning"], ("'--outcome'", "final_learning")),
    (["phase", BASE, "--y", "system.schools"], ("'--y'", "system.schools_per_cluster")),
    (["sensitivity", BASE, "--param", "recruit.cohort_size"], ("'--param'", "KEY=LOW:HIGH")),
    (["sensitivity", BASE, "--param", "recruit.cohort_size=5:1"], ("'--param'", "LOW < HIGH")),
    (["sensitivity", BASE, "--param", "nope.key=0:1"], ("'--param'", "nope.key")),
    (["validate-classics", "--only", "nosuch", "--quick"], ("nosuch",)),
    (["dashboard", "--scenario-dir", "/nonexistent-clsim"], ("'--scenario-dir'",)),
    (["dashboard", "--host", "no such host!"], ("'--host'",)),
    (["docs", "--root", "/nonexistent-clsim"], ("'--root'",)),
    # files and output paths, checked before the first step
    (["validate", "tests/data/no_such_file.yaml"], ("no_such_file.yaml", "no such file")),
    (["validate", "tests/data"], ("tests/data", "a folder")),
    (["run", "/etc/passwd"], ("/etc/passwd", "not a mapping")),
    (["sweep", "tests/data/nowhere.yaml"], ("nowhere.yaml", "no such file")),
    (["run", BASE, "--out", "/proc/clsim-x"], ("'--out'", "/proc/clsim-x")),
    (["run", BASE, "--out", "README.md"], ("'--out'", "not a folder")),
    (["run", BASE, "--out", "README.md/sub"], ("'--out'", "README.md")),
    (["compare", BASE, "--out", "/proc/clsim-x"], ("'--out'",)),
    (["sweep", SPEC, "--out", "/proc/clsim-x"], ("'--out'",)),
    (["tipping", TINY, "--out", "README.md"], ("'--out'",)),
    (["report", "/nonexistent-clsim"], ("/nonexistent-clsim",)),
    (["report", "tests", "--out", "tests"], ("'--out'", "folder")),
    (["validate-classics", "--quick", "--out", "README.md"], ("'--out'",)),
    (["docs", "--bogus"], ("--bogus",)),
]

# (arguments, environment, words): input errors that are not about one option
BAD_ENVIRONMENT: list[tuple[list[str], dict[str, str], tuple[str, ...]]] = [
    (["run", BASE], {"CLSIM_MEMORY_LIMIT": "100M"}, ("too large to run", "CLSIM_MEMORY_LIMIT", "To proceed")),
    (["validate", BASE], {"CLSIM_MEMORY_LIMIT": "lots"}, ("CLSIM_MEMORY_LIMIT", "8G")),
    (["sweep", SPEC, "-e", "serial"], {"CLSIM_MAX_RUNS": "3"}, ("at most 3 runs", "CLSIM_MAX_RUNS")),
    (["tipping", BASE, "--values", "1,100000"], {"CLSIM_MEMORY_LIMIT": "1G"}, ("too large to run",)),
]


def _expect(path: Path) -> tuple[str, ...]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", errors="replace")
    assert first.startswith("# expect:"), f"{path.name} has no '# expect:' line"
    return tuple(w.strip() for w in first.removeprefix("# expect:").split("|") if w.strip())


SCENARIO_FILES = sorted(p for p in (DATA / "bad_scenarios").glob("*.yaml") if p.is_file())
SWEEP_FILES = sorted(p for p in (DATA / "bad_sweeps").glob("*.yaml") if p.is_file())


def test_corpora_are_large_enough():
    assert len(BAD_COMMANDS) >= 30
    subcommands = {args[0] for args, _ in BAD_COMMANDS}
    assert {"run", "validate", "compare", "sweep", "tipping", "phase", "sensitivity", "report",
            "docs", "dashboard", "validate-classics"} <= subcommands
    assert len(SCENARIO_FILES) >= 30 and len(SWEEP_FILES) >= 15


def test_every_check_rule_names_a_real_parameter():
    assert apply_checks(build_command()) == []


@pytest.mark.parametrize(("args", "words"), BAD_COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bad_command_line(args, words, tmp_path):
    outcome = run_cli(args)
    problems = outcome.problems(expect_code=2, words=words)
    assert not problems, f"clsim {' '.join(args)}: {problems}\n{outcome.output[-2000:]}"
    assert "Usage:" in outcome.output or "error:" in outcome.output


@pytest.mark.parametrize(("args", "env", "words"), BAD_ENVIRONMENT, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bad_limits(args, env, words):
    outcome = run_cli(args, env=env)
    problems = outcome.problems(expect_code=2, words=words)
    assert not problems, f"{env} clsim {' '.join(args)}: {problems}\n{outcome.output[-2000:]}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_bad_scenario_file(path):
    outcome = run_cli(["validate", str(path.relative_to(ROOT))])
    problems = outcome.problems(expect_code=2, words=(path.name, *_expect(path)))
    assert not problems, f"{path.name}: {problems}\n{outcome.output[-2000:]}"
    assert "root:x:0" not in outcome.output  # extends: /etc/passwd echoes nothing of it


@pytest.mark.parametrize(
    "name", ["alias_bomb.yaml", "deep_flow.yaml", "duplicate_key.yaml", "extends_passwd.yaml", "too_large_system.yaml"]
)
def test_bad_scenario_file_through_run(name, tmp_path):
    outcome = run_cli(["run", str(DATA / "bad_scenarios" / name), "--out", str(tmp_path / "o")])
    problems = outcome.problems(expect_code=2, words=_expect(DATA / "bad_scenarios" / name))
    assert not problems, f"{name}: {problems}\n{outcome.output[-2000:]}"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("path", SWEEP_FILES, ids=lambda p: p.name)
def test_bad_sweep_file(path, tmp_path):
    outcome = run_cli(["sweep", str(path.relative_to(ROOT)), "--out", str(tmp_path / "o"), "-e", "serial", "-q"])
    problems = outcome.problems(expect_code=2, words=(path.name, *_expect(path)))
    assert not problems, f"{path.name}: {problems}\n{outcome.output[-2000:]}"


@pytest.mark.parametrize("command", ["validate", "sweep"])
def test_file_over_the_size_limit(command, tmp_path):
    big = tmp_path / "huge.yaml"
    line = "# " + "x" * 1000 + "\n"
    big.write_text("meta: {name: huge}\n" + line * (MAX_FILE_BYTES // len(line) + 10))
    outcome = run_cli([command, str(big)])
    problems = outcome.problems(expect_code=2, words=("huge.yaml", "at most 1,024 KiB"))
    assert not problems, f"{problems}\n{outcome.output[-2000:]}"


def test_markup_and_emoji_codes_are_printed_as_written():
    outcome = run_cli(["validate", "tests/data/bad_scenarios/emoji_markup.yaml"])
    assert ":x: [red]boom[/red]" in outcome.output
    assert "\N{CROSS MARK}" not in outcome.output


def test_help_and_version():
    for args in (["-h"], ["--help"], ["run", "-h"], ["sweep", "-h"]):
        outcome = run_cli(args)
        assert outcome.code == 0 and "Usage:" in outcome.output and "Traceback" not in outcome.output
    version = run_cli(["--version"])
    assert version.code == 0 and version.output.startswith("clsim ") and "Mesa" in version.output


def test_ctrl_c_on_a_sweep_says_what_is_saved_and_how_to_resume(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    spec = tmp_path / "long.yaml"
    spec.write_text(
        f"scenario: {ROOT / 'tests/data/sweeps/tiny.yaml'}\n"
        "parameters: {recruit.cohort_size: [0, 6, 12]}\nreplicates: 300\nmaster_seed: 3\n"
    )
    out = tmp_path / "out"
    args = ["sweep", str(spec), "--out", str(out), "-e", "serial", "-q", "--flush-every", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a terminal's default
    )
    deadline = time.monotonic() + 60
    while not list(out.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    text, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    flat = " ".join(text.split())
    assert f"saved in {out}" in flat and "run the same command again to resume" in flat
    assert list(out.glob("part-*.parquet")) and not (out / "_lock").exists()
    again = run_cli([*args, "--max-runs", "1"])
    assert again.code == 0 and "already there" in again.output
