"""The two pytest plugins of tools/ do what `make test` relies on, shown on a small planted notebook
run by the real nbval (in a pytest of its own, with the book's python3 kernel):

- nbval_expressions fails the code cell before a quote whose stored {eval} value is stale, and
  passes when it is right;
- executions counts the notebook and, with --every-chapter-in-nbval, fails a run in which nbval did
  not run every chapter in the reader's environment.
"""

import nbformat
import pytest

pytest_plugins = ["pytester"]


def quoting_cell(code, output, text, name, stored):
    """A code cell with its committed output, and a markdown cell quoting ``name`` after it."""
    code_cell = nbformat.v4.new_code_cell(code, execution_count=1)
    code_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    quote = nbformat.v4.new_markdown_cell(text)
    quote.metadata["user_expressions"] = [
        {
            "expression": name,
            "result": {"status": "ok", "data": {"text/plain": repr(stored)}},
        }
    ]
    return [code_cell, quote]


def run_nbval(pytester, *options):
    """nbval over a notebook whose first quote is stored right and whose second is stale."""
    cells = quoting_cell(
        'third = f"{1 / 3:.4f}"\nprint(third)',
        "0.3333\n",
        "{eval}`third`",
        "third",
        "0.3333",
    ) + quoting_cell(
        'half = f"{1 / 2:.4f}"\nprint(half)',
        "0.5000\n",
        "{eval}`half`",
        "half",
        "0.5001",
    )
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, pytester.path / "planted.ipynb")
    return pytester.runpytest_subprocess(
        "-p", "executions", "-p", "nbval_expressions", "--nbval", *options
    )


@pytest.mark.notebooks
def test_a_stale_stored_value_fails_its_cell_and_a_right_one_passes(pytester):
    result = run_nbval(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*planted.ipynb::Cell 1*",
            "*cell 3: {eval}`half` is stored as '0.5001', this run gives '0.5000'*",
            "*1  planted.ipynb*nbval (*, OpenBLAS *) x1*",
        ]
    )


@pytest.mark.notebooks
def test_a_run_without_every_chapter_in_the_reader_kernel_fails(pytester):
    result = run_nbval(pytester, "--every-chapter-in-nbval")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*not run by nbval in a new environment*: 01_introduction.ipynb, *"]
    )
