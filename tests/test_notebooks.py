"""The tutorial notebooks run top to bottom, and are committed without outputs.

* ``test_notebook_runs`` (slow) executes every ``notebooks/*.ipynb`` with nbclient in a
  fresh kernel running this interpreter, from the ``notebooks/`` folder, and fails on the
  first cell that raises. It prints each notebook's wall time (``pytest -s``) and records
  it as a junit property ``seconds``.
* ``test_notebook_has_no_outputs`` keeps committed notebooks free of outputs and
  execution counts, so what is in the repository is never a stale result. Clear them with
  ``jupyter nbconvert --clear-output --inplace notebooks/*.ipynb``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
#: Per-cell timeout (seconds); each notebook is meant to finish in about two minutes.
CELL_TIMEOUT = 600


def _kernel_manager():
    """A manager for the ``python3`` kernel, pinned to the interpreter running the tests.

    ipykernel installs a ``python3`` kernelspec in ``sys.prefix/share/jupyter/kernels``
    whose command is ``python``, which jupyter_client maps to ``sys.executable``. A
    user-level spec of the same name could point elsewhere, so pin it explicitly; nothing
    is installed or registered.
    """
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    spec = km.kernel_spec
    if spec is not None and spec.argv and Path(spec.argv[0]).name.startswith("python"):
        spec.argv[0] = sys.executable
    return km


def test_notebooks_present():
    assert len(NOTEBOOKS) >= 5, f"expected the tutorial notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_no_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    stale = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not stale, (
        f"{path.name}: code cells {stale} carry outputs or execution counts; clear them with "
        f"`jupyter nbconvert --clear-output --inplace notebooks/{path.name}`"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs(path: Path, record_property):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        km=_kernel_manager(),
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError (with the cell and traceback) on an error
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 1))
    print(f"\n{path.name}: {seconds:.1f} s")
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
