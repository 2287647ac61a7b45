"""The label registry covers every parameter and outcome and never shows a raw key."""

from __future__ import annotations

import re

import pytest

from simulator import labels
from simulator.indicators import INDICATORS
from simulator.runner import SUMMARY_OUTCOMES
from tests.test_docs import SCHEMA_KEYS

DERIVED = {
    "transformed",
    "p_transformed",
    "critical_mass",
    "leaders_per_school",
    "leader_share_of_educators",
    "run_id",
    "point_id",
    "replicate",
    "seed",
    "year",
}


@pytest.mark.parametrize("key", [*SCHEMA_KEYS, *INDICATORS, *SUMMARY_OUTCOMES])
def test_every_key_has_a_human_label(key):
    entry = labels.get(key)
    assert entry.text, key
    assert not re.search(r"[a-z]\.[a-z]", entry.text), (key, entry.text)
    assert "_" not in entry.text, (key, entry.text)
    assert not labels.is_raw_key(entry.axis), (key, entry.axis)
    assert entry.kind != "unknown", key


def test_curated_entries_name_existing_keys():
    known = set(SCHEMA_KEYS) | set(INDICATORS) | set(SUMMARY_OUTCOMES) | DERIVED
    stale = [key for key in labels.CURATED if key not in known]
    assert stale == [], f"curated labels for keys that do not exist: {stale}"


def test_units_follow_the_schema():
    assert labels.unit("recruit.cohort_size") == "fellows a year"
    assert labels.unit("develop.end_year") == "year of the run"
    assert labels.unit("meta.steps") == "months"
    # a derived unit: a [0, 1] field whose description starts with "Share"
    assert labels.unit("population.purpose_driven_share") == "share, 0-1"
    assert labels.axis_label("recruit.cohort_size") == "Fellows recruited a year (fellows a year)"


def test_group_outcomes_and_fallbacks():
    assert labels.label("final_learning@programme") == "Learning, final year, programme areas"
    assert labels.label("final_learning@rest") == "Learning, final year, other areas"
    odd = labels.label("toy.sleep_time")
    assert "." not in odd and "_" not in odd
    assert labels.get("toy.sleep_time").kind == "unknown"


def test_value_phrases_read_as_words():
    assert labels.describe_bound("recruit.cohort_size", 14, None) == "at least 14 fellows a year"
    assert labels.describe_bound("recruit.placement_clusters", None, 4) == "at most 4 clusters"
    assert labels.describe_bound("recruit.placement_clusters", 2, 4) == "2 to 4 clusters"
    assert labels.phrase("convene.collectives.mode", "teacher_led") == "teacher-led collectives"
    assert labels.describe_bound("recruit.cohort_size", None, None) == (
        "any fellows recruited a year"
    )
    assert labels.format_value(2.0) == "2" and labels.format_value(0.12345) == "0.123"


def test_raw_key_detector():
    assert labels.is_raw_key("recruit.cohort_size")
    assert labels.is_raw_key("final_learning")
    assert labels.is_raw_key("convene.collectives.mode")
    assert not labels.is_raw_key("Learning, final year")
    assert not labels.is_raw_key("P(transformed)")
    assert not labels.is_raw_key("3.5")
