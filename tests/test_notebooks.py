"""The example notebooks run top to bottom (nbclient) from any working folder (issue 11, defect 7),
and the notebooks extra gives a user what they need to open them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_notebooks_extra_brings_jupyter():
    import tomllib

    extras = tomllib.loads((EXAMPLES.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith(("jupyterlab", "notebook")) for d in extras["notebooks"])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, world_dir):
    """A copy of the repository's layout outside it: the notebooks run in ``examples/`` (Jupyter's folder for
    them), whose ``../results/world`` is where they reopen the plan (01, 02, 03) and ``grids/`` is beside them (04).

    ``results/world`` holds the session's world solve (tests/conftest.py) as `tokensite solve` at the repository
    root writes it, so 01's ``load_or_solve`` takes its cached path (same inputs digest) instead of a second world
    solve of several minutes; the solve path itself is what conftest's fixture and tests/test_world_solve.py run."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(world_dir, root / "results" / "world")
    shutil.copytree(EXAMPLES / "grids", root / "examples" / "grids")
    return root / "examples"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.ipynb")))
def test_notebook_executes(name, workdir):
    """From a folder outside the repository: the world case and its data come from the package (importlib.resources),
    as they must for a non-editable install (CI's); nothing looks for the repository."""
    if name == "04_scenarios.ipynb":  # a sweep on two Dask workers: the dask extra, which README line 2 leaves out
        pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'tokensite[dask]'")
    tmp_path = workdir
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
