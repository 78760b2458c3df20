"""Write the student edition of the book: every notebook, without the solutions.

The convention (the same as nbgrader's):
- a markdown cell tagged ``solution`` is a worked solution: it is removed;
- in a code cell tagged ``solution``, the lines between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` are replaced by a ``# YOUR CODE HERE`` stub that raises NotImplementedError,
  so the self-check after it says "not answered yet"; a solution cell without markers is replaced
  whole by a ``# YOUR CODE HERE`` comment.
Outputs are cleared, so nothing printed by a solution survives, and so is the volatile metadata
(``tools/clean_notebooks.py``). The helper modules the notebooks import (plotting, playground,
checks, digits) and the data are copied alongside.

Usage, from the repository root:  python tools/student_edition.py [BOOK_DIR] [OUT_DIR]
(defaults: book, _build/student; `make student` runs this).
"""

import re
import shutil
import sys
from pathlib import Path

import nbformat

import clean_notebooks

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = '# YOUR CODE HERE\nraise NotImplementedError("{exercise} is not answered yet")'
HELPERS = ["plotting.py", "playground.py", "checks.py", "digits.py"]


def stub(indent, exercise):
    return "\n".join(
        indent + line for line in STUB.format(exercise=exercise).split("\n")
    )


def strip_solution(source, exercise):
    """Replace every marked solution region of a code cell's ``source`` by the stub; a cell without
    markers (an exploration, say) becomes an empty cell for the student's own code."""
    if BEGIN not in source:
        return f"# {exercise}: YOUR CODE HERE"
    pattern = re.compile(
        rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$",
        re.S | re.M,
    )
    return pattern.sub(lambda match: stub(match.group(1), exercise), source)


def exercise_name(cells, index):
    """The title of the last exercise heading before cell ``index``, e.g. 'Exercise 6.2'."""
    for cell in reversed(cells[:index]):
        found = (
            re.search(r"^###\s+(Exercise\s+[\d.]+)", cell.source, re.M)
            if cell.cell_type == "markdown"
            else None
        )
        if found:
            return found.group(1)
    return "This exercise"


def student_notebook(notebook):
    """A copy of ``notebook`` without solutions or outputs."""
    cells = []
    for index, cell in enumerate(notebook.cells):
        is_solution = "solution" in cell.metadata.get("tags", [])
        if is_solution and cell.cell_type == "markdown":
            continue
        cell = nbformat.from_dict(cell)
        if is_solution and cell.cell_type == "code":
            cell.source = strip_solution(
                cell.source, exercise_name(notebook.cells, index)
            )
            cell.metadata["tags"] = [
                tag
                for tag in cell.metadata["tags"]
                if tag not in ("solution", "hide-cell")
            ]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    student = nbformat.from_dict(notebook)
    student.cells = cells
    clean_notebooks.clean(student)
    return student


def write_student_edition(book_dir, out_dir):
    book_dir, out_dir = Path(book_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(book_dir.glob("*.ipynb")):
        nbformat.write(
            student_notebook(nbformat.read(path, as_version=4)), out_dir / path.name
        )
        written.append(out_dir / path.name)
    for helper in HELPERS:
        if (book_dir / helper).exists():
            shutil.copy(book_dir / helper, out_dir / helper)
    if (book_dir / "data").is_dir():
        shutil.copytree(book_dir / "data", out_dir / "data", dirs_exist_ok=True)
    return written


if __name__ == "__main__":
    arguments = sys.argv[1:]
    book = arguments[0] if len(arguments) > 0 else "book"
    out = arguments[1] if len(arguments) > 1 else "_build/student"
    for path in write_student_edition(book, out):
        print(f"wrote {path}")
