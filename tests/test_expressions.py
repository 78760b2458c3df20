"""The numbers the prose quotes with {eval} are stored in the notebooks, and equal a fresh run.

The website fills {eval}`name` in from the kernel as the build executes the chapter; JupyterLab
(jupyterlab-myst) shows the value stored in the markdown cell's metadata (tools/store_expressions.py
says how; `make notebooks` stores it). The tests here check, without a kernel, that every quoted
name has a stored value, formatted in code, and quoted where the build has run the code above it.
That every stored value is what the code computes now is checked by the executions `make test` does
anyway: nbval's (tools/nbval_expressions.py) and the website build's (tests/test_same_numbers.py),
so the text cannot disagree with the code in either place. tests/test_refresh_notebooks.py shows
that `make notebooks` stores them.
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
FIX = "store them: make notebooks"


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


def test_a_missing_value_is_found_without_a_kernel():
    third = {"status": "ok", "data": {"text/plain": "'0.3333'"}, "metadata": {}}
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('third = f"{1 / 3:.4f}"\nn = "3"'),
            nbformat.v4.new_markdown_cell(
                "A third is {eval}`third`, of {eval}`n`.",
                metadata={
                    "user_expressions": [{"expression": "third", "result": third}]
                },
            ),
            nbformat.v4.new_markdown_cell("Again {eval}`third`."),
        ]
    )
    assert store_expressions.unstored(notebook) == [
        "cell 1: n has no stored value",
        "cell 2: third has no stored value",
    ]
