"""The numbers the prose quotes with {eval} are stored in the notebooks, and equal a fresh run.

The website fills {eval}`name` in from the kernel as the build executes the chapter; JupyterLab
(jupyterlab-myst) shows the value stored in the markdown cell's metadata (tools/store_expressions.py
writes it). The tests here check that every quoted name has a stored value, and the tool itself on
a small planted notebook. That every stored value is what the code computes now is checked by the
executions `make test` does anyway: nbval's (tools/nbval_expressions.py) and the website build's
(tests/test_same_numbers.py), so the text cannot disagree with the code in either place.
"""

from pathlib import Path

import nbformat
import pytest

import store_expressions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
QUOTING = [
    path
    for path in NOTEBOOKS
    if store_expressions.quoting_cells(nbformat.read(path, as_version=4))
]
FIX = "store them: python tools/store_expressions.py book/*.ipynb"


def read(path):
    return nbformat.read(path, as_version=4)


def test_the_chapters_quote_numbers_with_eval():
    assert len(QUOTING) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_quoted_name_has_a_stored_value(path):
    assert store_expressions.unstored(read(path)) == [], FIX


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_stored_value_is_text_formatted_in_code(path):
    """A str, so the rounding is chosen in code (f"{x:.4f}"), not left to a float's repr."""
    notebook = read(path)
    not_str = [
        f"cell {index}: {name} = {store_expressions.shown(result)}"
        for index, cell in enumerate(notebook.cells)
        for name, result in store_expressions.stored(cell).items()
        if not (store_expressions.shown(result) or "").startswith(("'", '"'))
    ]
    assert not_str == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_chapter_runs_without_the_sphinx_stack(path):
    """No myst-nb glue: a chapter runs in plain Jupyter, and JupyterLab shows no glue keys."""
    notebook = read(path)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "myst_nb" not in code and "glue(" not in code
    assert "{glue" not in text


@pytest.mark.parametrize("path", QUOTING, ids=lambda path: path.name)
def test_the_build_has_run_every_cell_above_a_quote(path):
    """myst-nb's inline execution runs code cells only as it renders them: a `remove-cell` cell
    runs with the next cell shown, after the text below it. So the last code cell above a quote
    must be rendered (hide it with remove-input and remove-output instead)."""
    notebook = read(path)
    late = []
    for index in store_expressions.quoting_cells(notebook):
        above = [c for c in notebook.cells[:index] if c.cell_type == "code"]
        if above and "remove-cell" in above[-1].metadata.get("tags", []):
            late.append(f"cell {index}")
    assert late == []


# A planted case: a small notebook whose stored values go stale or missing.


def small_notebook():
    cells = [
        nbformat.v4.new_code_cell('third = f"{1 / 3:.4f}"\nn = "3"'),
        nbformat.v4.new_markdown_cell("A third is {eval}`third`, of {eval}`n`."),
        nbformat.v4.new_code_cell('third = "changed later"'),
        nbformat.v4.new_markdown_cell("Now {eval}`third`."),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def test_a_missing_value_is_found_without_a_kernel():
    notebook = small_notebook()
    notebook.cells[1].metadata["user_expressions"] = [
        {
            "expression": "third",
            "result": {
                "status": "ok",
                "data": {"text/plain": "'0.3333'"},
                "metadata": {},
            },
        }
    ]
    assert store_expressions.unstored(notebook) == [
        "cell 1: n has no stored value",
        "cell 3: third has no stored value",
    ]


@pytest.mark.notebooks
def test_the_check_catches_a_stale_and_a_missing_value(tmp_path):
    path = tmp_path / "small.ipynb"
    nbformat.write(small_notebook(), path)
    store_expressions.store_file(path)
    notebook = read(path)
    # Each value as the text's cell sees it: the later change shows only below it.
    assert [
        {
            name: store_expressions.shown(r)
            for name, r in store_expressions.stored(c).items()
        }
        for c in notebook.cells
    ] == [{}, {"third": "'0.3333'", "n": "'3'"}, {}, {"third": "'changed later'"}]
    assert store_expressions.check_file(path) == []

    first = notebook.cells[1].metadata["user_expressions"]
    first[0]["result"]["data"]["text/plain"] = "'0.3334'"  # stale
    del first[1]  # missing
    nbformat.write(notebook, path)
    assert store_expressions.check_file(path) == [
        "cell 1: third is stored as '0.3334', a fresh run gives '0.3333'",
        "cell 1: n has no stored value (a fresh run gives '3')",
    ]
    assert store_expressions.main(["--check", str(path)]) == 1


@pytest.mark.notebooks
def test_a_name_undefined_above_its_text_is_an_error(tmp_path):
    notebook = small_notebook()
    notebook.cells[1].source += " And {eval}`defined_below`."
    notebook.cells.append(nbformat.v4.new_code_cell("defined_below = '1'"))
    path = tmp_path / "undefined.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(ValueError, match="defined_below cannot be evaluated here"):
        store_expressions.store_file(path)
    assert "cell 1: defined_below cannot be evaluated there (NameError" in "\n".join(
        store_expressions.check_file(path)
    )
