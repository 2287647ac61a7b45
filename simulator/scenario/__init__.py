"""Scenario files: schema, loading, inheritance and clear errors."""

from .errors import Problem, ScenarioError
from .loader import Scenario, deep_merge, load_scenario, scenario_from_dict
from .schema import ScenarioModel

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioModel",
    "deep_merge",
    "load_scenario",
    "scenario_from_dict",
]
