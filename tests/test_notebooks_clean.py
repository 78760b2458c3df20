"""The committed notebooks carry their outputs but no volatile metadata (tools/clean_notebooks.py)."""

import json
from pathlib import Path

import nbformat
import pytest

import clean_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def dirty_notebook():
    """A small notebook with every kind of volatile metadata, and an output that must stay."""
    cell = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    cell.metadata.update(
        {
            "tags": ["hide-input"],
            "execution": {"iopub.execute_input": "2026-11-30T07:49:00.000Z"},
            "ExecuteTime": {"end_time": "2026-11-30T07:49:01.000Z"},
            "scrolled": True,
        }
    )
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata.update(
        {
            "kernelspec": {
                "display_name": "Python 3",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python", "version": "3.11.7"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        }
    )
    return notebook


@pytest.fixture
def planted(tmp_path):
    path = tmp_path / "dirty.ipynb"
    nbformat.write(dirty_notebook(), path)
    return path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_the_books_notebooks_are_clean(path):
    assert clean_notebooks.volatile_metadata(nbformat.read(path, as_version=4)) == []


def test_the_books_notebooks_keep_their_kernel_and_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata.kernelspec.name == "python3"
        assert any(cell.get("outputs") for cell in notebook.cells), path.name


def test_check_fails_on_a_dirty_notebook_and_says_what_is_wrong(planted, capsys):
    before = planted.read_bytes()
    assert clean_notebooks.main(["--check", str(planted)]) == 1
    printed = capsys.readouterr()
    assert str(planted) in printed.out
    for what in ["widgets", "language_info.version", "execution ", "ExecuteTime"]:
        assert what in printed.out
    assert "scrolled" in printed.out and "clean them with" in printed.err
    assert planted.read_bytes() == before, "--check must change nothing"


def test_cleaning_removes_only_the_volatile_metadata(planted):
    assert clean_notebooks.main([str(planted)]) == 0
    notebook = json.loads(planted.read_text())
    assert set(notebook["metadata"]) == {"kernelspec", "language_info"}
    assert notebook["metadata"]["language_info"] == {"name": "python"}
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert notebook["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    (cell,) = notebook["cells"]
    # What the website hides starts folded in JupyterLab.
    assert cell["metadata"] == {
        "tags": ["hide-input"],
        "jupyter": {"source_hidden": True},
    }
    assert "".join(cell["outputs"][0]["text"]) == "2\n"
    assert cell["execution_count"] == 1 and "".join(cell["source"]) == "print(1 + 1)"
    assert clean_notebooks.main(["--check", str(planted)]) == 0


@pytest.mark.parametrize(
    "tags, folded",
    [
        ([], {}),
        (["solution", "hide-cell"], {"source_hidden": True, "outputs_hidden": True}),
        (
            ["remove-input", "remove-output"],
            {"source_hidden": True, "outputs_hidden": True},
        ),
        (["hide-output"], {"outputs_hidden": True}),
    ],
)
def test_jupyterlab_folds_what_the_website_hides(tags, folded):
    cell = nbformat.v4.new_code_cell("1", metadata={"tags": tags})
    cell.metadata["jupyter"] = {"source_hidden": True} if not folded else {}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert any(
        "folding" in found for found in clean_notebooks.volatile_metadata(notebook)
    )
    clean_notebooks.clean(notebook)
    assert notebook.cells[0].metadata.get("jupyter", {}) == folded


def test_a_clean_notebook_is_not_rewritten(planted):
    clean_notebooks.main([str(planted)])
    cleaned = planted.stat().st_mtime_ns, planted.read_bytes()
    clean_notebooks.main([str(planted)])
    assert (planted.stat().st_mtime_ns, planted.read_bytes()) == cleaned
