"""The numbers the docs quote are measured: each sits in a block rendered from stored data.

A block fails when it is not what its stored measurement renders to (edited by hand, or
the renderer changed), when the stored data are older than the measurement's current
format, or when a doc quotes a critical mass or a run time outside any measured block.
Regenerate with ``python experiments/measure_docs.py NAME`` (``--list`` shows them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments import measure_docs as md

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: Docs whose numbers this check owns (others have their own generators and checks).
CHECKED = ("analysis.md", "what_if_guide.md", "notebooks.md")


def _all_blocks():
    for doc in sorted(DOCS.glob("*.md")):
        for name, text in md.blocks(doc.read_text(encoding="utf-8")).items():
            yield doc.name, name, text


@pytest.mark.parametrize("doc, name, text", list(_all_blocks()), ids=lambda v: str(v)[:30])
def test_every_measured_block_is_its_stored_measurement(doc, name, text):
    assert name in md.MEASUREMENTS, f"{doc}: unknown measured block {name!r}"
    m = md.MEASUREMENTS[name]
    assert m.doc == doc, f"block {name} belongs in docs/{m.doc}"
    data = md.stored(name)
    assert data is not None, f"docs/measured/{name}.json missing: run `python experiments/measure_docs.py {name}`"
    assert data.get("format") == m.format, (
        f"docs/measured/{name}.json has format {data.get('format')}, the measurement writes "
        f"format {m.format}: rerun `python experiments/measure_docs.py {name}`"
    )
    assert text == md.rendered(name, data), (
        f"docs/{doc} block {name} differs from its stored measurement: rerun "
        f"`python experiments/measure_docs.py {name}` (or --render)"
    )


def test_every_measurement_has_its_block():
    for name, m in md.MEASUREMENTS.items():
        assert name in md.blocks((DOCS / m.doc).read_text(encoding="utf-8")), f"docs/{m.doc} lacks {name}"


_QUOTED = re.compile(
    r"((critical mass|tips|tipped|tipping point)\b[^.]{0,50}?\b\d+(\.\d+)?\s*(fellows a year|fellows per year)\b)"
    r"|(\b(took|takes|take)\b[^.]*\b\d+(\.\d+)?\s*(s|sec|seconds|min|minutes|hours)\b)"
    r"|(\babout\s+\d+(\.\d+)?\s*(s|seconds|min|minutes)\b)"
)


@pytest.mark.parametrize("doc", CHECKED)
def test_no_unmeasured_critical_masses_or_timings(doc):
    text = (DOCS / doc).read_text(encoding="utf-8")
    text = re.sub(r"<!-- BEGIN MEASURED (\S+) -->.*?<!-- END MEASURED \1 -->", "", text, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # commands, not claims
    found = [m.group(0) for m in _QUOTED.finditer(text)]
    assert found == [], f"docs/{doc} quotes numbers no command regenerates: {found}"


def test_renderers_reject_nothing_they_wrote(tmp_path, monkeypatch):
    """write_block and blocks() round-trip, so a rerun never duplicates or loses a block."""
    doc = tmp_path / "x.md"
    doc.write_text("a\n<!-- BEGIN MEASURED tipping_coverage -->\nold\n<!-- END MEASURED tipping_coverage -->\nb\n")
    monkeypatch.setattr(md, "DOCS", tmp_path)
    monkeypatch.setitem(
        md.MEASUREMENTS, "tipping_coverage", md.Measurement("tipping_coverage", "x.md", 1, "cmd", dict, lambda d: "new")
    )
    md.write_block("tipping_coverage", {})
    md.write_block("tipping_coverage", {})
    assert md.blocks(doc.read_text()) == {"tipping_coverage": "new\n"}
    assert doc.read_text().startswith("a\n") and doc.read_text().endswith("b\n")
