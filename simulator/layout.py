"""Where every agent slot sits: the population layout of schools, clusters and districts.

Agents are laid out school by school (principal, teachers, parents), then officials
(cluster officials, then district officials, then state officials), then one slot for every fellow the
scenario will recruit, in cohort order. Keeping each school's people contiguous keeps
the sparse matrices local in memory. Everything here is deterministic given the
scenario and the run's generator (fellow placement and alumni tracks are drawn here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .roles import AlumniTrack, OfficialLevel, Role
from .scenario import Scenario

__all__ = ["Layout", "build_layout", "cohort_months", "placement_area"]

IntArray = NDArray[np.int64]


def cohort_months(scenario: Scenario) -> list[int]:
    """Months at which a cohort of fellows arrives (once a year inside the schedule)."""
    rec = scenario.recruit
    if rec.cohort_size == 0:
        return []
    first = int(np.ceil(rec.start_year * 12 - 1e-9))
    months = []
    month = first
    while month < scenario.meta.steps and month / 12.0 < rec.end_year:
        months.append(month)
        month += 12
    return months


@dataclass
class Layout:
    """Index ranges and placement of every agent slot.

    Attributes:
        n_agents: total slots.
        n_schools, n_clusters, n_districts: system size.
        block: agents per school block (1 principal + teachers + parents).
        principal: index of each school's principal.
        teacher_start: index of each school's first teacher (teachers are contiguous).
        parent_start: index of each school's first parent.
        cluster_officials: indices of cluster officials; ``cluster_official_cluster`` their cluster.
        district_officials: indices of district officials; ``district_official_district`` theirs.
        state_officials: indices of state officials (district -1: they sit above districts).
        level: per slot, ``OfficialLevel`` (0 for everyone who is not an official).
        fellows: indices of fellow slots; ``fellow_school`` where each is placed,
            ``fellow_month`` when it arrives, ``fellow_track`` its alumni track.
        role, school, cluster, district: per-slot arrays.
        placement_clusters: clusters that receive fellows.
    """

    n_agents: int
    n_schools: int
    n_clusters: int
    n_districts: int
    teachers_per_school: int
    parents_per_school: int
    block: int
    principal: IntArray
    teacher_start: IntArray
    parent_start: IntArray
    cluster_officials: IntArray
    cluster_official_cluster: IntArray
    district_officials: IntArray
    district_official_district: IntArray
    state_officials: IntArray
    fellows: IntArray
    fellow_school: IntArray
    fellow_month: IntArray
    fellow_track: IntArray
    fellow_local: NDArray[np.bool_]
    role: NDArray[np.int8]
    school: NDArray[np.int32]
    cluster: NDArray[np.int32]
    district: NDArray[np.int32]
    level: NDArray[np.int8]
    placement_clusters: IntArray
    schools_per_cluster: int
    clusters_per_district: int

    @property
    def cluster_district(self) -> NDArray[np.int64]:
        """District of each cluster (clusters are numbered district by district)."""
        return np.arange(self.n_clusters) // self.clusters_per_district


def placement_area(scenario: Scenario, rng: np.random.Generator) -> IntArray:
    """The clusters that receive fellows, sorted.

    ``placement: spread`` is every cluster. ``clustered`` uses, in this order:
    ``placement_districts`` (a list names the districts; a number above 0 draws that many
    at random) and then every cluster of those districts; otherwise
    ``placement_clusters`` (a list names the clusters; a number draws that many at
    random). Named places use no random numbers; drawn ones use the run's generator.
    """
    sysp, rec = scenario.system, scenario.recruit
    n_districts = sysp.districts
    n_clusters = n_districts * sysp.clusters_per_district
    if rec.placement != "clustered":
        return np.arange(n_clusters, dtype=np.int64)
    districts = rec.placement_districts
    if isinstance(districts, list) or districts > 0:
        if isinstance(districts, list):
            chosen = np.sort(np.asarray(districts, dtype=np.int64))
        else:
            k = min(districts, n_districts)
            chosen = np.sort(rng.choice(n_districts, size=k, replace=False))
        return (
            chosen[:, None] * sysp.clusters_per_district
            + np.arange(sysp.clusters_per_district)[None, :]
        ).ravel()
    clusters = rec.placement_clusters
    if isinstance(clusters, list):
        return np.sort(np.asarray(clusters, dtype=np.int64))
    k = min(clusters, n_clusters)
    return np.sort(rng.choice(n_clusters, size=k, replace=False))


def build_layout(scenario: Scenario, rng: np.random.Generator) -> Layout:
    """Lay out every agent slot and place the fellows, using the run's generator."""
    sysp = scenario.system
    n_districts = sysp.districts
    n_clusters = n_districts * sysp.clusters_per_district
    n_schools = n_clusters * sysp.schools_per_cluster
    teachers, parents = sysp.teachers_per_school, sysp.parents_per_school
    block = 1 + teachers + parents
    n_local = n_schools * block

    school_ids = np.arange(n_schools, dtype=np.int64)
    principal = school_ids * block
    teacher_start = principal + 1
    parent_start = principal + 1 + teachers

    n_cof = n_clusters * sysp.officials_per_cluster
    cluster_officials = n_local + np.arange(n_cof, dtype=np.int64)
    cluster_official_cluster = np.repeat(np.arange(n_clusters), sysp.officials_per_cluster)
    n_dof = n_districts * sysp.officials_per_district
    district_officials = n_local + n_cof + np.arange(n_dof, dtype=np.int64)
    district_official_district = np.repeat(np.arange(n_districts), sysp.officials_per_district)

    n_sof = sysp.state_officials
    state_officials = n_local + n_cof + n_dof + np.arange(n_sof, dtype=np.int64)
    n_off = n_cof + n_dof + n_sof

    months = cohort_months(scenario)
    rec = scenario.recruit
    n_fellows = rec.cohort_size * len(months)
    fellows = n_local + n_off + np.arange(n_fellows, dtype=np.int64)
    placement_clusters = placement_area(scenario, rng)
    # Spread evenly over the schools of the placement area, in random order, so that
    # "spread" means one fellow a school before any school gets two.
    area_schools = (
        placement_clusters[:, None] * sysp.schools_per_cluster
        + np.arange(sysp.schools_per_cluster)[None, :]
    ).ravel()
    reps = int(np.ceil(max(n_fellows, 1) / area_schools.size))
    order = np.concatenate([rng.permutation(area_schools) for _ in range(reps)])
    fellow_school = order[:n_fellows].astype(np.int64)
    fellow_month = np.repeat(np.asarray(months, dtype=np.int64), rec.cohort_size)
    mix = rec.role_mix
    fellow_track = rng.choice(
        np.array([AlumniTrack.DIRECT, AlumniTrack.ENABLER, AlumniTrack.POLICY], dtype=np.int64),
        size=n_fellows,
        p=[mix.direct, mix.enabler, mix.policy],
    )
    fellow_local = rng.random(n_fellows) < rec.local_share

    n = n_local + n_off + n_fellows
    role = np.empty(n, dtype=np.int8)
    local_role = np.full(block, Role.PARENT, dtype=np.int8)
    local_role[0] = Role.PRINCIPAL
    local_role[1 : 1 + teachers] = Role.TEACHER
    role[:n_local] = np.tile(local_role, n_schools)
    role[n_local : n_local + n_off] = Role.OFFICIAL
    role[n_local + n_off :] = Role.FELLOW
    level = np.zeros(n, dtype=np.int8)
    level[cluster_officials] = OfficialLevel.BLOCK
    level[district_officials] = OfficialLevel.DISTRICT
    level[state_officials] = OfficialLevel.STATE

    school = np.full(n, -1, dtype=np.int32)
    school[:n_local] = np.repeat(school_ids, block)
    school[fellows] = fellow_school
    cluster = np.full(n, -1, dtype=np.int32)
    cluster[:n_local] = school[:n_local] // sysp.schools_per_cluster
    cluster[cluster_officials] = cluster_official_cluster
    cluster[fellows] = fellow_school // sysp.schools_per_cluster
    district = np.full(n, -1, dtype=np.int32)
    district[:n_local] = cluster[:n_local] // sysp.clusters_per_district
    district[cluster_officials] = cluster_official_cluster // sysp.clusters_per_district
    district[district_officials] = district_official_district
    district[fellows] = cluster[fellows] // sysp.clusters_per_district

    return Layout(
        n_agents=n,
        n_schools=n_schools,
        n_clusters=n_clusters,
        n_districts=n_districts,
        teachers_per_school=teachers,
        parents_per_school=parents,
        block=block,
        principal=principal,
        teacher_start=teacher_start,
        parent_start=parent_start,
        cluster_officials=cluster_officials,
        cluster_official_cluster=cluster_official_cluster,
        district_officials=district_officials,
        district_official_district=district_official_district,
        state_officials=state_officials,
        fellows=fellows,
        fellow_school=fellow_school,
        fellow_month=fellow_month,
        fellow_track=fellow_track,
        fellow_local=fellow_local,
        role=role,
        school=school,
        cluster=cluster,
        district=district,
        level=level,
        placement_clusters=placement_clusters,
        schools_per_cluster=sysp.schools_per_cluster,
        clusters_per_district=sysp.clusters_per_district,
    )
