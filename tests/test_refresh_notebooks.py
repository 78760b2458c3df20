"""`make notebooks` (tools/refresh_notebooks.py) writes a chapter in one pass: its outputs, the values
its text quotes with {eval}, and clean metadata; shown on a small planted notebook, stale in every
way a committed chapter can be. Each refresh starts a kernel (seconds on a busy machine), so these
tests are marked `notebooks`: `make test` runs them, `make check` does not."""

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

import clean_notebooks
import refresh_notebooks
import store_expressions

pytestmark = pytest.mark.notebooks


def stale_notebook():
    """A notebook as a contributor leaves it after editing: an old output, an old quoted value, a
    value stored in a cell that no longer quotes it, and what a run in JupyterLab adds."""
    value = {"status": "ok", "data": {"text/plain": "'0.3334'"}, "metadata": {}}
    cells = [
        nbformat.v4.new_code_cell(
            'third = f"{1 / 3:.4f}"\nprint("a third is", third)',
            execution_count=7,
            metadata={"execution": {"iopub.execute_input": "2026-12-01T10:00:00Z"}},
            outputs=[nbformat.v4.new_output("stream", text="a third is 0.3334\n")],
        ),
        nbformat.v4.new_markdown_cell(
            "A third is {eval}`third`.",
            metadata={"user_expressions": [{"expression": "third", "result": value}]},
        ),
        nbformat.v4.new_code_cell(
            "1 / 0", metadata={"tags": ["raises-exception", "hide-input"]}
        ),
        # A print sent in two pieces, and a widget (a new model id on every run).
        nbformat.v4.new_code_cell(
            'import time, ipywidgets\nprint("one", end="", flush=True)\ntime.sleep(0.2)\n'
            'print(" line")\nthird = "changed later"\nipywidgets.IntSlider()'
        ),
        nbformat.v4.new_markdown_cell(
            "No number here any more.",
            metadata={"user_expressions": [{"expression": "third", "result": value}]},
        ),
        nbformat.v4.new_markdown_cell("Now {eval}`third`."),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update(
        kernelspec={
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        },
        language_info={"name": "python", "version": "3.11.0"},
        widgets={"application/vnd.jupyter.widget-state+json": {"state": {}}},
    )
    return notebook


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """The planted notebook's path, and what the first and second refresh returned."""
    path = tmp_path_factory.mktemp("refresh") / "stale.ipynb"
    nbformat.write(stale_notebook(), path)
    first = refresh_notebooks.main([str(path)]) == 0 and path.read_bytes()
    second = refresh_notebooks.refresh_file(path)
    return path, first, second


def values(notebook):
    return [
        {
            name: store_expressions.shown(r)
            for name, r in store_expressions.stored(c).items()
        }
        for c in notebook.cells
    ]


def test_one_pass_writes_outputs_values_and_clean_metadata(refreshed):
    path, _, _ = refreshed
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # Outputs as `jupyter execute` writes them: counted from 1, the raised error kept as one.
    assert [cell.execution_count for cell in code] == [1, 2, 3]
    assert code[0].outputs == [
        nbformat.v4.new_output("stream", name="stdout", text="a third is 0.3333\n")
    ]
    assert code[1].outputs[0]["ename"] == "ZeroDivisionError"
    # What changes from run to run without changing what a reader sees is made steady.
    stream, widget = code[2].outputs
    assert stream.text == "one line\n"
    assert widget.data[refresh_notebooks.WIDGET_VIEW]["model_id"] == (
        refresh_notebooks.uuid.uuid5(refresh_notebooks.WIDGETS, "cell 3, widget 0").hex
    )
    # Each value as the kernel has it where the text quotes it; none where nothing is quoted.
    assert values(notebook) == [
        {},
        {"third": "'0.3333'"},
        {},
        {},
        {},
        {"third": "'changed later'"},
    ]
    assert clean_notebooks.volatile_metadata(notebook) == []
    assert notebook.metadata.language_info.name == "python"


def test_a_fresh_notebook_is_not_rewritten(refreshed):
    path, first, second = refreshed
    assert second is False and path.read_bytes() == first


def test_a_name_undefined_above_its_text_stops_the_refresh(tmp_path):
    notebook = stale_notebook()
    notebook.cells[1].source += " And {eval}`defined_below`."
    notebook.cells.append(nbformat.v4.new_code_cell("defined_below = '1'"))
    path = tmp_path / "undefined.ipynb"
    nbformat.write(notebook, path)
    before = path.read_bytes()
    with pytest.raises(
        ValueError, match="cell 1: defined_below cannot be evaluated here"
    ):
        refresh_notebooks.refresh_file(path)
    assert path.read_bytes() == before


def test_a_cell_that_raises_untagged_stops_the_refresh(tmp_path):
    notebook = stale_notebook()
    notebook.cells[2].metadata.tags = []
    path = tmp_path / "raises.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        refresh_notebooks.refresh_file(path)
