"""Where each agent is drawn: nested groups of district, cluster and school.

The network picture must show *schools as groups* and must not move between steps, so
positions come from the system's structure, not from a force-directed layout: every
agent slot gets a place inside its school's disc (a ring for a few people, a sunflower
spiral after Vogel 1979 for more, which packs evenly at any size), schools sit on a
sunflower inside their cluster's disc, clusters on a compact grid inside their district,
and districts on a grid about 1.8 times as wide as tall, to fill a laptop screen. The whole
computation is a handful of vectorised numpy operations (about a millisecond for
10,000 agents), run once per model; a spring layout took seconds (``shared/NOTES.md``).

Cluster officials sit at the centre of their cluster, district officials at the
centre of their district. Fellow slots sit in the school they are placed in, and keep
that place after the fellowship, so nothing jumps when a fellow becomes an alumnus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["GroupLayout", "group_positions"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
#: Up to this many members, a group is a ring; above it, a sunflower spiral.
RING_MAX = 8
#: Nearest-neighbour distance of a sunflower spiral is about 1.6 times its scale.
SUNFLOWER_PACKING = 1.6


@dataclass
class GroupLayout:
    """Positions of every agent slot and the discs of clusters and districts.

    Attributes:
        xy: (n, 2) position of each agent slot.
        cluster_centre: (n_clusters, 2) centre of each cluster's disc.
        cluster_radius: radius of a cluster's disc.
        district_centre: (n_districts, 2) centre of each district's block.
        district_radius: half the height of a district's block (labels go above it).
    """

    xy: FloatArray
    cluster_centre: FloatArray
    cluster_radius: float
    district_centre: FloatArray
    district_radius: float


def _arrange(index: IntArray, count: IntArray | int, spacing: float) -> FloatArray:
    """Offsets (len(index), 2) of member ``index`` of a group of ``count`` members."""
    index = np.asarray(index, dtype=np.float64)
    count = np.broadcast_to(np.asarray(count, dtype=np.float64), index.shape)
    out = np.zeros((index.size, 2))
    ring = (count > 1) & (count <= RING_MAX)
    if ring.any():
        n = count[ring]
        radius = spacing / (2.0 * np.sin(np.pi / n))
        angle = 2.0 * np.pi * index[ring] / n + np.pi / 2.0
        out[ring, 0] = radius * np.cos(angle)
        out[ring, 1] = radius * np.sin(angle)
    spiral = count > RING_MAX
    if spiral.any():
        k = index[spiral]
        radius = spacing / SUNFLOWER_PACKING * np.sqrt(k + 0.5)
        angle = k * GOLDEN_ANGLE
        out[spiral, 0] = radius * np.cos(angle)
        out[spiral, 1] = radius * np.sin(angle)
    return out


def _extent(count: int, spacing: float) -> float:
    """Radius reached by the members' centres in a group of ``count``."""
    if count <= 1:
        return 0.0
    if count <= RING_MAX:
        return spacing / (2.0 * np.sin(np.pi / count))
    return spacing / SUNFLOWER_PACKING * np.sqrt(count - 0.5)


def _grid(index: IntArray, count: int, columns: int, dx: float, dy: float) -> FloatArray:
    """Offsets of member ``index`` on a centred grid of ``columns`` columns, row by row."""
    index = np.asarray(index, dtype=np.int64)
    rows = -(-count // columns)
    col, row = index % columns, index // columns
    # the last row is centred when it is not full
    in_row = np.where(row == rows - 1, count - (rows - 1) * columns, columns)
    x = (col - (in_row - 1) / 2.0) * dx
    y = ((rows - 1) / 2.0 - row) * dy
    return np.column_stack([x, y]).astype(np.float64)


def _rank_within(group: IntArray) -> tuple[IntArray, IntArray]:
    """For each element, its rank among elements of the same group and the group's size."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    _, first, counts = np.unique(sorted_group, return_index=True, return_counts=True)
    starts = np.repeat(first, counts)
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - starts
    size = np.empty(group.size, dtype=np.int64)
    size[order] = np.repeat(counts, counts)
    return rank, size


def group_positions(
    school: IntArray,
    cluster: IntArray,
    district: IntArray,
    *,
    schools_per_cluster: int,
    clusters_per_district: int,
    n_districts: int,
) -> GroupLayout:
    """Nested-disc positions of all agent slots.

    Args:
        school: school of each slot (-1 for officials).
        cluster: cluster of each slot (-1 for district officials).
        district: district of each slot.
        schools_per_cluster: schools in a cluster (schools are numbered cluster by cluster).
        clusters_per_district: clusters in a district (numbered district by district).
        n_districts: number of districts.

    Returns:
        The positions and the group discs.
    """
    school = np.asarray(school, dtype=np.int64)
    cluster = np.asarray(cluster, dtype=np.int64)
    district = np.asarray(district, dtype=np.int64)
    n = school.size
    n_clusters = n_districts * clusters_per_district

    in_school = school >= 0
    member_rank, member_count = _rank_within(school[in_school])
    largest_school = int(member_count.max()) if member_count.size else 1
    agent_spacing = 1.0
    school_radius = _extent(largest_school, agent_spacing) + 0.6 * agent_spacing
    school_spacing = 2.15 * school_radius
    cluster_radius = _extent(schools_per_cluster, school_spacing) + school_radius
    cluster_spacing = 2.2 * cluster_radius
    cluster_columns = int(np.ceil(np.sqrt(clusters_per_district)))
    cluster_rows = -(-clusters_per_district // cluster_columns)
    half_width = (cluster_columns - 1) * cluster_spacing / 2.0 + cluster_radius
    half_height = (cluster_rows - 1) * cluster_spacing / 2.0 + cluster_radius
    district_columns = int(np.ceil(np.sqrt(n_districts * 1.8 * half_height / half_width)))
    district_columns = max(1, min(n_districts, district_columns))

    district_centre = _grid(
        np.arange(n_districts),
        n_districts,
        district_columns,
        2.0 * half_width + 1.5 * cluster_radius,
        2.0 * half_height + 1.5 * cluster_radius,
    )
    cluster_ids = np.arange(n_clusters)
    cluster_centre = district_centre[cluster_ids // clusters_per_district] + _grid(
        cluster_ids % clusters_per_district,
        clusters_per_district,
        cluster_columns,
        cluster_spacing,
        cluster_spacing,
    )
    district_radius = half_height
    school_ids = np.arange(n_clusters * schools_per_cluster)
    school_centre = cluster_centre[school_ids // schools_per_cluster] + _arrange(
        school_ids % schools_per_cluster, schools_per_cluster, school_spacing
    )

    xy = np.zeros((n, 2))
    xy[in_school] = school_centre[school[in_school]] + _arrange(
        member_rank, member_count, agent_spacing
    )
    cluster_official = ~in_school & (cluster >= 0)
    if cluster_official.any():
        rank, count = _rank_within(cluster[cluster_official])
        xy[cluster_official] = cluster_centre[cluster[cluster_official]] + _arrange(
            rank, count, agent_spacing
        )
    district_official = ~in_school & (cluster < 0)
    if district_official.any():
        rank, count = _rank_within(district[district_official])
        xy[district_official] = district_centre[district[district_official]] + _arrange(
            rank, count, 1.5 * agent_spacing
        )
    return GroupLayout(
        xy=xy,
        cluster_centre=cluster_centre,
        cluster_radius=float(cluster_radius),
        district_centre=district_centre,
        district_radius=float(district_radius),
    )
