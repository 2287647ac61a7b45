"""Mesa agents, one class per role, whose attributes live in the model's arrays.

Each agent holds only its index; ``agent.purpose`` reads ``model.state.purpose[index]``
and assignment writes it back. The arrays are owned by the model instance (not
installed on the class, unlike ``mesa.experimental``'s numpy-backed attributes), so two
models in one process never share state. Vectorised processes update the arrays; agents
stay usable for data collection, the dashboard, per-agent reference code and
extensions (subclass a role and override ``step``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from .roles import ROLE_NAMES, Role

if TYPE_CHECKING:
    from .model import EducationModel

__all__ = [
    "EducationAgent",
    "Teacher",
    "Principal",
    "Parent",
    "Fellow",
    "Alumnus",
    "Official",
    "AGENT_CLASSES",
]


def _state_property(name: str, cast: type = float) -> property:
    def fget(self: EducationAgent) -> Any:
        return cast(getattr(self.model.state, name)[self.index])

    def fset(self: EducationAgent, value: Any) -> None:
        getattr(self.model.state, name)[self.index] = value

    return property(fget, fset, doc=f"``model.state.{name}[index]``")


class EducationAgent(mesa.Agent):
    """A person in the education system, backed by row ``index`` of the state arrays."""

    role: Role = Role.TEACHER

    purpose = _state_property("purpose")
    trust = _state_property("trust")
    agency = _state_property("agency")
    capacity = _state_property("capacity")
    rootedness = _state_property("rootedness")
    reach = _state_property("reach")
    threshold = _state_property("threshold")
    practice = _state_property("practice")
    learning = _state_property("learning")
    engaged = _state_property("engaged", bool)
    active = _state_property("active", bool)
    school = _state_property("school", int)
    cluster = _state_property("cluster", int)
    district = _state_property("district", int)

    def __init__(self, model: EducationModel, index: int):
        super().__init__(model)
        self.index = int(index)

    @property
    def role_name(self) -> str:
        """Role as a lower-case word."""
        return ROLE_NAMES[int(self.role)]

    def neighbours(self) -> list[int]:
        """Indices of the agents this agent has any tie to (in any layer)."""
        net = self.model.network
        start, end = net.indptr[self.index], net.indptr[self.index + 1]
        return sorted(set(int(j) for j in net.indices[start:end]))


class Teacher(EducationAgent):
    """A teacher with a classroom whose learning level is an outcome."""

    role = Role.TEACHER


class Principal(EducationAgent):
    """A school's principal."""

    role = Role.PRINCIPAL


class Parent(EducationAgent):
    """A parent or community member."""

    role = Role.PARENT


class Fellow(EducationAgent):
    """A fellow on the two-year teaching fellowship."""

    role = Role.FELLOW


class Alumnus(EducationAgent):
    """A former fellow working on a direct-impact, enabler or policy track."""

    role = Role.ALUMNUS


class Official(EducationAgent):
    """A block, district or state official."""

    role = Role.OFFICIAL


AGENT_CLASSES: dict[int, type[EducationAgent]] = {
    Role.TEACHER: Teacher,
    Role.PRINCIPAL: Principal,
    Role.PARENT: Parent,
    Role.FELLOW: Fellow,
    Role.ALUMNUS: Alumnus,
    Role.OFFICIAL: Official,
}
