"""The generated documentation is up to date and covers every parameter and outcome."""

from __future__ import annotations

import shutil
import typing
from pathlib import Path

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from simulator import docs_gen
from simulator.cli.docs_cmd import register
from simulator.indicators import INDICATORS
from simulator.runner import SUMMARY_OUTCOMES
from simulator.scenario.schema import ScenarioModel

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "scenario_reference.md"
ODD = ROOT / "docs" / "ODD.md"


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every scalar key of the schema, walked independently of docs_gen."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _leaf_paths(ann, path + ".")
        else:
            out.append(path)
    return out


SCHEMA_KEYS = _leaf_paths(ScenarioModel)


def _copy_docs(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    shutil.copy(REFERENCE, tmp_path / "docs" / "scenario_reference.md")
    shutil.copy(ODD, tmp_path / "docs" / "ODD.md")
    return tmp_path


# -- the checked-in docs ------------------------------------------------------------------


def test_generated_docs_are_up_to_date():
    stale = docs_gen.check_docs(ROOT)
    assert stale == [], f"stale generated docs {stale}: run `python -m simulator.docs_gen`"


def test_schema_walk_finds_every_key():
    assert SCHEMA_KEYS, "the schema has no keys?"
    assert [f.path for f in docs_gen.schema_fields()] == SCHEMA_KEYS


@pytest.mark.parametrize("doc", [REFERENCE, ODD], ids=lambda p: p.name)
def test_every_schema_key_is_documented(doc: Path):
    text = doc.read_text(encoding="utf-8")
    missing = [key for key in SCHEMA_KEYS if f"`{key}`" not in text]
    assert missing == [], f"{doc.name} lacks {missing}"


def test_every_indicator_and_outcome_is_in_the_odd():
    text = ODD.read_text(encoding="utf-8")
    missing = [n for n in (*INDICATORS, *SUMMARY_OUTCOMES) if f"`{n}`" not in text]
    assert missing == []


def test_odd_has_required_sections():
    text = ODD.read_text(encoding="utf-8")
    for heading in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
        "## Calibration",
        "## Decisions",
    ):
        assert heading in text, heading
    sentence = (
        "Calibrated values and the targets they were set against are listed in docs/calibration.md."
    )
    assert sentence in text


# -- the renderer ---------------------------------------------------------------------------


def test_renderer_shows_type_bounds_and_default():
    f = docs_gen.find_field("recruit.cohort_size")
    assert f.type == "integer"
    assert f.range == ">= 0, <= 100000"
    assert f.default == "0"
    assert f.description == "Fellows recruited a year."
    row = docs_gen.render_field_row(f)
    assert row == (
        "| `recruit.cohort_size` | integer | >= 0, <= 100000 | `0` | Fellows recruited a year. |"
    )


def test_renderer_unit_interval_and_float_default():
    f = docs_gen.find_field("population.trust_local")
    assert (f.type, f.range, f.default) == ("number", ">= 0.0, <= 1.0", "0.35")


def test_renderer_choices_unions_lists_text_and_bools():
    assert docs_gen.find_field("recruit.placement").range == "`clustered`, `spread`"
    clusters = docs_gen.find_field("convene.collectives.clusters")
    assert clusters.type == "choice or integer"
    assert clusters.range == "`all`, `with_fellows`, or an integer"
    assert clusters.default == "all"
    roles = docs_gen.find_field("convene.convenings.roles")
    assert roles.type == "list of choices"
    assert "`alumnus`" in roles.range
    assert roles.default == "[principal, official, alumnus, parent, teacher]"
    assert docs_gen.find_field("meta.name").range == "length <= 200"
    assert docs_gen.find_field("meta.description").default == '""'
    assert docs_gen.find_field("convene.collectives.with_data").default == "true"
    with pytest.raises(KeyError):
        docs_gen.find_field("recruit.no_such_key")


def test_sections_carry_cross_field_checks():
    sections = {s.path: s for s in docs_gen.schema_sections()}
    assert "convene" in sections and sections["convene"].fields == ()
    assert any("sum" in c or "equal 1" in c for c in sections["recruit.role_mix"].constraints)
    assert any("start_year" in c for c in sections["recruit"].constraints)
    assert sections["meta"].constraints == ()


def test_table_cells_escape_pipes():
    f = docs_gen.FieldDoc("a.b", "text", "any", "x", "one | two")
    assert "one \\| two" in docs_gen.render_field_row(f)


def test_literal_type_names():
    assert docs_gen._describe_type(typing.Literal["a", "b"]) == ("choice", "`a`, `b`")
    assert docs_gen._describe_type(bool) == ("boolean", "")


# -- writing and checking ---------------------------------------------------------------------


def test_check_and_write_round_trip(tmp_path: Path):
    root = _copy_docs(tmp_path)
    assert docs_gen.check_docs(root) == []
    assert docs_gen.write_docs(root) == []  # nothing to rewrite

    (root / "docs" / "scenario_reference.md").write_text("stale\n")
    odd = root / "docs" / "ODD.md"
    hand_written = "A hand-written sentence that must survive regeneration."
    text = odd.read_text().replace("## Decisions", f"## Decisions\n\n{hand_written}")
    text = text.replace("| `recruit.cohort_size` |", "| `recruit.cohort_size_old` |")
    odd.write_text(text)
    assert docs_gen.check_docs(root) == ["docs/scenario_reference.md", "docs/ODD.md"]

    written = docs_gen.write_docs(root)
    assert sorted(p.name for p in written) == ["ODD.md", "scenario_reference.md"]
    assert docs_gen.check_docs(root) == []
    assert hand_written in odd.read_text()
    assert "`recruit.cohort_size_old`" not in odd.read_text()


def test_missing_markers_are_reported(tmp_path: Path):
    root = _copy_docs(tmp_path)
    odd = root / "docs" / "ODD.md"
    odd.write_text(odd.read_text().replace(docs_gen.INDICATOR_MARKERS.end, ""))
    assert docs_gen.check_docs(root) == ["docs/ODD.md"]
    with pytest.raises(ValueError, match="END GENERATED INDICATORS"):
        docs_gen.write_docs(root)


def test_module_main_exit_codes(tmp_path: Path, capsys):
    root = _copy_docs(tmp_path)
    assert docs_gen.main(["--check", "--root", str(root)]) == 0
    (root / "docs" / "scenario_reference.md").unlink()
    assert docs_gen.main(["--check", "--root", str(root)]) == 1
    assert "scenario_reference.md" in capsys.readouterr().err
    assert docs_gen.main(["--root", str(root)]) == 0
    assert docs_gen.main(["--check", "--root", str(root)]) == 0


def test_cli_docs_command(tmp_path: Path):
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Keep typer in multi-command mode for the test."""

    register(app)
    runner = CliRunner()
    root = _copy_docs(tmp_path)
    ok = runner.invoke(app, ["docs", "--check", "--root", str(root)])
    assert ok.exit_code == 0, ok.output
    (root / "docs" / "scenario_reference.md").write_text("stale\n")
    stale = runner.invoke(app, ["docs", "--check", "--root", str(root)])
    assert stale.exit_code == 1
    fixed = runner.invoke(app, ["docs", "--root", str(root)])
    assert fixed.exit_code == 0, fixed.output
    assert docs_gen.check_docs(root) == []


def test_hand_written_odd_names_every_parameter():
    """The hand-written ODD (outside the generated tables) describes every parameter.

    A parameter added to the schema must be placed in the submodels or initialization
    by hand; the generated tables alone do not say how the code uses it.
    """
    text = ODD.read_text(encoding="utf-8")
    for markers in (docs_gen.PARAMETER_MARKERS, docs_gen.INDICATOR_MARKERS):
        start, stop = text.index(markers.begin), text.index(markers.end)
        text = text[:start] + text[stop + len(markers.end) :]
    missing = [key for key in SCHEMA_KEYS if key.rsplit(".", 1)[-1] not in text]
    assert missing == [], f"docs/ODD.md describes no use of {missing}"
