"""Bounded YAML reading: each limit, in process and fast (the CLI corpora run them too)."""

from __future__ import annotations

import time

import pytest

from simulator.scenario.bounded_yaml import (
    MAX_DEPTH,
    MAX_NODES,
    YAMLFileError,
    parse_yaml,
    read_yaml,
)


def error(text: str) -> str:
    with pytest.raises(YAMLFileError) as info:
        parse_yaml(text, "f.yaml")
    return info.value.problem.render()


def test_ordinary_yaml_with_aliases_and_merge_keys():
    data = parse_yaml("a: &x {b: 1, c: [1, 2]}\nd: *x\ne:\n  <<: *x\n  b: 2\n", "f")
    assert data == {"a": {"b": 1, "c": [1, 2]}, "d": {"b": 1, "c": [1, 2]}, "e": {"b": 2, "c": [1, 2]}}


def test_alias_bomb_is_refused_quickly():
    levels = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    start = time.perf_counter()
    message = error("\n".join(levels) + "\n")
    assert time.perf_counter() - start < 1.0
    assert f"{MAX_NODES:,} values" in message and message.startswith("line ")


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5))])
def test_deep_nesting_is_refused_without_recursion_error(text):
    assert "nesting" in error(text)


def test_duplicate_keys_name_both_lines():
    message = error("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert message.startswith("line 4") and "'c' again (first at line 3" in message


def test_line_never_points_past_the_end():
    message = error("a: [1, 2\n")
    assert message.startswith("end of file (line 1)")


def test_no_found_found_and_tab_hint():
    message = error("a:\n\tb: 1\n")
    assert "found found" not in message and "not tabs" in message


def test_recursive_alias_and_long_values():
    assert "recursive" in error("a: &a [1, *a]\n")
    assert "characters" in error("a: " + "x" * 30_000 + "\n")
    assert "4,300 digits" in error("a: " + "9" * 5_000 + "\n")


def test_files(tmp_path):
    with pytest.raises(YAMLFileError, match="a folder"):
        read_yaml(tmp_path)
    with pytest.raises(YAMLFileError, match="no such file"):
        read_yaml(tmp_path / "nope.yaml")
    with pytest.raises(YAMLFileError, match="device, pipe or socket"):
        read_yaml("/dev/zero")
    (tmp_path / "bin.yaml").write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(YAMLFileError, match="line 2: expected UTF-8"):
        read_yaml(tmp_path / "bin.yaml")
