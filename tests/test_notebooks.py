"""Every notebook runs top to bottom at a reduced scale; notebooks are committed without outputs."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs; clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("JANGMADANG_NOTEBOOK_HOUSEHOLDS", "1500")
    monkeypatch.setenv("JANGMADANG_NOTEBOOK_REPLICATES", "2")
    monkeypatch.setenv("JANGMADANG_NOTEBOOK_TRAJECTORIES", "2")
    monkeypatch.setenv("JANGMADANG_NOTEBOOK_OUTPUTS", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    images = sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    )
    assert images >= 1, f"{path.name} drew no plot"
    assert os.environ["JANGMADANG_NOTEBOOK_HOUSEHOLDS"] == "1500"
