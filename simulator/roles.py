"""Roles in the education ecosystem and the tracks alumni take after the fellowship.

Roles follow the brief: teachers (each with a classroom), principals (one a school),
parents and community members, fellows (two-year teaching fellowship) who become
alumni, and officials (block and district administrators). Alumni tracks follow Teach
For India's role mix (seed 000): direct impact (60%), transformational enablers (30%),
policy and governance (10%).
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Role", "AlumniTrack", "OfficialLevel", "ROLE_NAMES", "TRACK_NAMES", "LEVEL_NAMES"]


class Role(IntEnum):
    """Role codes stored in ``State.role`` (int8)."""

    TEACHER = 0
    PRINCIPAL = 1
    PARENT = 2
    FELLOW = 3
    ALUMNUS = 4
    OFFICIAL = 5


class AlumniTrack(IntEnum):
    """Where an alumnus works after the fellowship (``State.track``; -1 for non-fellows)."""

    NONE = -1
    DIRECT = 0
    ENABLER = 1
    POLICY = 2


class OfficialLevel(IntEnum):
    """Where an official sits in the administration (``State.level``; 0 for everyone else).

    Block (cluster) resource persons oversee a cluster's schools, district officials a
    district, and a small state department all districts (seed 002: roles and reach;
    seed 003: block, district and state administrations scale collectives).
    """

    NONE = 0
    BLOCK = 1
    DISTRICT = 2
    STATE = 3


ROLE_NAMES: dict[int, str] = {r.value: r.name.lower() for r in Role}
TRACK_NAMES: dict[int, str] = {t.value: t.name.lower() for t in AlumniTrack if t.value >= 0}
LEVEL_NAMES: dict[int, str] = {lv.value: lv.name.lower() for lv in OfficialLevel if lv.value > 0}
