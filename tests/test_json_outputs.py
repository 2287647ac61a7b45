"""Every JSON file clsim writes parses with a strict parser (no NaN or Infinity tokens).

Runs each command that writes JSON on a small case (a run, a compare, a sweep, a tipping
study with early warnings and hysteresis, a phase diagram, a sensitivity screen, a
report), then parses every ``*.json`` under the results with ``json.loads`` whose
``parse_constant`` raises: that is what ``JSON.parse`` in the dashboard's browser, ``jq``
and other strict readers do with ``NaN``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from simulator import jsonio

from .bad_input import ROOT, run_cli

TINY = "tests/data/sweeps/tiny.yaml"
SPEC = "tests/data/sweeps/tiny_cohort.yaml"


def strict_load(path: Path):
    def refuse(token: str):
        raise ValueError(f"{path}: non-JSON constant {token}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("json")
    commands = [
        # 12 months: learning never rises 0.05, so months_to_learning_rise is NaN -> null
        ["run", TINY, "--steps", "12", "--out", str(root / "run")],
        ["compare", TINY, "scenarios/baseline.yaml", "--seeds", "2", "--steps", "12",
         "--out", str(root / "compare")],
        ["sweep", SPEC, "--out", str(root / "sweep"), "-e", "serial", "-q"],
        ["tipping", TINY, "--values", "0,6,12", "--seeds", "2", "--steps", "24", "--boot", "200",
         "--ews-seeds", "2", "-e", "serial", "-q", "--out", str(root / "tipping")],
        ["phase", TINY, "--x-values", "0,6", "--y-values", "1,2", "--seeds", "2", "--steps", "12",
         "-e", "serial", "-q", "--out", str(root / "phase")],
        ["sensitivity", TINY, "--param", "recruit.cohort_size=0:12", "--param",
         "develop.fellow_coaching=0:1", "--samples", "2", "--seeds", "1", "--steps", "12",
         "-e", "serial", "-q", "--out", str(root / "sensitivity")],
        ["report", str(root / "sweep")],
    ]
    for args in commands:
        outcome = run_cli(args, timeout=600)
        assert outcome.code == 0, f"clsim {' '.join(args)}:\n{outcome.output[-3000:]}"
    return root


def test_every_json_output_is_strict_json(outputs):
    files = sorted(outputs.rglob("*.json"))
    kinds = {p.name for p in files}
    # run summary and scenario, sweep manifests, study analyses (the early warnings read
    # the main sweep and keep no file of their own)
    assert {"summary.json", "scenario.json", "_sweep.json", "analysis.json"} <= kinds, kinds
    assert len([p for p in files if p.name == "analysis.json"]) == 4  # tipping, phase, sensitivity and compare
    for path in files:
        strict_load(path)


def test_missing_numbers_are_null(outputs):
    summary = strict_load(outputs / "run" / "summary.json")["summary"]
    assert summary["months_to_learning_rise"] is None
    analysis = strict_load(outputs / "tipping" / "analysis.json")
    text = json.dumps(analysis)
    assert "NaN" not in text and "Infinity" not in text


def test_study_reads_back_its_nan_exactly(outputs):
    from simulator.studies.common import read_analysis

    raw = strict_load(outputs / "tipping" / "analysis.json")
    assert raw["_nonfinite"], "the tiny study has intervals that could not be estimated"
    data = read_analysis(outputs / "tipping")
    assert "_nonfinite" not in data
    for path, kind in raw["_nonfinite"]:
        node = data
        for key in path:
            node = node[key]
        assert isinstance(node, float) and (math.isnan(node) if kind == "nan" else math.isinf(node))


def test_jsonio_converts_records_and_refuses():
    data = {"a": math.nan, "b": [1.0, math.inf, -math.inf], "c": np.float64("nan"),
            "d": np.arange(3), "e": Path("x/y"), "f": np.int64(4), "g": {"h": (1, None)}}
    text = jsonio.dumps(data)
    assert json.loads(text, parse_constant=lambda t: (_ for _ in ()).throw(ValueError(t))) == {
        "a": None, "b": [1.0, None, None], "c": None, "d": [0, 1, 2], "e": "x/y", "f": 4,
        "g": {"h": [1, None]},
    }
    with pytest.raises(TypeError):
        jsonio.dumps({"x": object()})
    back = jsonio.loads(jsonio.dumps(data, record_nonfinite=True))
    assert math.isnan(back["a"]) and math.isnan(back["c"]) and back["g"]["h"] == [1, None]
    assert back["b"][0] == 1.0 and back["b"][1] == math.inf and back["b"][2] == -math.inf


def test_no_writer_bypasses_jsonio():
    """Every json.dump(s) in the package goes through simulator.jsonio."""
    offenders = []
    for path in (ROOT / "simulator").rglob("*.py"):
        if path.name == "jsonio.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("json.dump(", "json.dumps(", "allow_nan", ".to_json("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders, offenders
