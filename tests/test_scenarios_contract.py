"""One contract over every scenario file: it loads, validates, runs a few steps and
keeps every attribute in range, and its strategies are all in the schema."""

from __future__ import annotations

import pytest

from simulator.model import EducationModel
from simulator.scenario import load_scenario
from simulator.scenario.schema import ScenarioModel

from .conftest import SCENARIOS


def test_there_are_scenarios() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"baseline", "recruit", "develop", "connect", "convene", "comprehensive", "technical_only",
            "ancash", "london", "delhi", "telangana_collectives", "workshop"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_contract(path) -> None:
    sc = load_scenario(path)
    assert sc.meta.name == path.stem
    assert path.read_text().lstrip().startswith("#"), "every scenario explains itself in a comment"
    m = EducationModel(sc, seed=0, agents=False)
    for _ in range(3):
        m.step()
        m.state.check()
    assert m.indicators()["learning_mean"] > 0


def test_every_strategy_parameter_is_in_the_schema() -> None:
    for section in ("recruit", "develop", "connect", "convene", "technical"):
        assert section in ScenarioModel.model_fields


def _leaves(model_cls, prefix: str = ""):
    from pydantic import BaseModel

    for name, field in model_cls.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _leaves(ann, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def _set_keys(data, prefix: str = ""):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _set_keys(value, f"{prefix}{key}.")
        yield f"{prefix}{key}"


def test_every_strategy_parameter_is_exercised_by_a_scenario_file() -> None:
    import yaml

    set_anywhere = set()
    for path in SCENARIOS:
        set_anywhere |= set(_set_keys(yaml.safe_load(path.read_text())))
    missing = []
    for section in ("recruit", "develop", "connect", "convene", "technical"):
        cls = ScenarioModel.model_fields[section].annotation
        missing += [k for k in _leaves(cls, f"{section}.") if k not in set_anywhere]
    assert not missing, f"strategy parameters no scenario file sets: {missing}"
