"""Scenario files: loading, inheritance, overrides, and clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.scenario import Scenario, ScenarioError, load_scenario

from .conftest import ROOT

BAD = ROOT / "tests" / "data" / "bad_scenarios"

# file name -> (content, key path the message must name, a word the message must contain)
MALFORMED: dict[str, tuple[str, str, str]] = {
    "wrong_type.yaml": ("recruit:\n  cohort_size: many\n", "recruit.cohort_size", "integer"),
    "out_of_range.yaml": ("recruit:\n  cohort_size: -5\n", "recruit.cohort_size", "greater than or equal to 0"),
    "unknown_key.yaml": ("recruit:\n  cohort_sise: 40\n", "recruit.cohort_sise", "unknown keys are rejected"),
    "unknown_section.yaml": ("recruitment:\n  cohort_size: 40\n", "recruitment", "unknown keys"),
    "bad_yaml.yaml": ("recruit:\n  cohort_size: [40\n", "line", "valid YAML"),
    "missing_extends.yaml": ("extends: nowhere.yaml\n", "extends", "no such file"),
    "empty.yaml": ("", "(top level)", "an empty file"),
    "not_mapping.yaml": ("- 1\n- 2\n", "(top level)", "a mapping"),
    "bad_choice.yaml": ("recruit:\n  placement: everywhere\n", "recruit.placement", "'clustered' or 'spread'"),
    "role_mix_sum.yaml": (
        "recruit:\n  role_mix: {direct: 0.5, enabler: 0.3, policy: 0.1}\n",
        "recruit.role_mix",
        "sum to 1",
    ),
    "schedule_order.yaml": ("develop:\n  start_year: 5\n  end_year: 2\n", "develop", "end_year must be >= start_year"),
    "unit_range.yaml": ("dynamics:\n  inertia: 1.5\n", "dynamics.inertia", "less than or equal to 1"),
    "cycle_a.yaml": ("extends: cycle_b.yaml\n", "extends", "cycle"),
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, (content, _, _) in MALFORMED.items():
        (folder / name).write_text(content)
    (folder / "cycle_b.yaml").write_text("extends: cycle_a.yaml\n")
    return folder


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_gives_clear_error(bad_files: Path, name: str) -> None:
    _, key, word = MALFORMED[name]
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad_files / name)
    message = info.value.render()
    assert name in message, message
    assert key in message, message
    assert word in message, message
    assert "found" in message and "expected" in message


@pytest.mark.parametrize("name", ["wrong_type.yaml", "bad_yaml.yaml", "empty.yaml", "missing_extends.yaml"])
def test_cli_exits_2_without_traceback(bad_files: Path, name: str) -> None:
    for command in (["validate"], ["run", "--steps", "1", "--out", str(bad_files / "out")]):
        proc = subprocess.run(
            [sys.executable, "-m", "simulator", *command, str(bad_files / name)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert name in proc.stderr and MALFORMED[name][1] in proc.stderr


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(tmp_path / "nope.yaml")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_extends_merges_nested_keys() -> None:
    comp = load_scenario(ROOT / "scenarios" / "comprehensive.yaml")
    assert comp.recruit.cohort_size == 40  # from recruit.yaml
    assert comp.system.schools_per_cluster == 15  # from baseline.yaml
    assert comp.convene.collectives.mode == "teacher_led"
    assert comp.convene.convenings.participants == 30


def test_overrides_dotted_and_validated() -> None:
    sc = Scenario()
    new = sc.with_overrides({"recruit.cohort_size": 12, "convene.collectives.mode": "imposed"})
    assert new.recruit.cohort_size == 12 and new.convene.collectives.mode == "imposed"
    assert sc.recruit.cohort_size == 0  # the original is untouched
    with pytest.raises(ScenarioError, match="recruit.cohort_size"):
        sc.with_overrides({"recruit.cohort_size": 1.5})
    with pytest.raises(ScenarioError, match="recruit.nope"):
        sc.with_overrides({"recruit.nope": 1})


def test_content_hash_tracks_content() -> None:
    a, b = Scenario(), Scenario()
    assert a.content_hash() == b.content_hash()
    assert a.with_overrides({"recruit.cohort_size": 1}).content_hash() != a.content_hash()
