"""Write the student edition of the book with nbgrader: every chapter, without the solutions.

The chapters carry nbgrader's own cell metadata. In each coding exercise:
- the solution cell (``nbgrader.solution``) has its answer between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``; nbgrader replaces it by a ``# YOUR CODE HERE`` stub that raises
  NotImplementedError, so the self-check after it says "not answered yet";
- the next cell holds the autograder's tests (``nbgrader.grade``, with points) between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``: nbgrader removes them from the student
  edition, and puts them back when it grades (the website does not show that cell: ``remove-cell``);
- the exercise's task is read-only (``nbgrader.locked``).
nbgrader has no hidden prose, so before it runs this tool removes what it cannot: the worked
solutions in markdown cells tagged ``solution``, and the code of solution cells without markers
(explorations), which become a comment for the student's own code.

The course (nbgrader's folder layout) is built in _build/nbgrader/: its configuration is
classroom/nbgrader_config.py, its one assignment ``book`` holds every chapter with what the
chapters import (mlp_core.py, the helpers in book/, data/, images/, js/). ``nbgrader
generate_assignment`` adds it to the gradebook and writes release/book/, which is copied to the
output folder with a requirements.txt of what a student needs (the zip's: _ext/dependencies.py)
and a README for students.

Usage, from the repository root:  python tools/student_edition.py [BOOK_DIR] [OUT_DIR]
(defaults: book, _build/student; `make student` runs this).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

import dependencies
import notebook_bundle

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "book"
CONFIG = ROOT / "classroom" / "nbgrader_config.py"
STUDENT_README = ROOT / "classroom" / "README_students.md"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
FOLDERS = ["data", "images", "js"]


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


def without_prose_solutions(notebook):
    """A copy of ``notebook`` ready for nbgrader: markdown solutions removed, explorations' code
    replaced by a comment, and the solution cells no longer folded (the student writes in them)."""
    cells = []
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        if "solution" not in tags:
            cells.append(cell)
            continue
        if cell.cell_type == "markdown":
            continue
        cell = nbformat.from_dict(cell)
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = f"# {exercise_name(notebook.cells, index)}: YOUR CODE HERE"
        cell.metadata["tags"] = [t for t in tags if t not in ("solution", "hide-cell")]
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
        cell.metadata.pop("jupyter", None)
        cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    prepared = nbformat.from_dict(notebook)
    prepared.cells = cells
    return prepared


def nbgrader(course, *arguments):
    """Run an nbgrader command in the course root; its output is shown only if it fails. nbgrader
    runs the `alembic` command of its environment: that environment's bin/ comes first in PATH."""
    bin_dir = str(Path(sys.executable).parent)
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments],
        cwd=course,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}"
        )
    return result


def build_course(book_dir, course, notebooks=None):
    """Build the nbgrader course in ``course`` from the chapters of ``book_dir`` (all, or the names
    in ``notebooks``) and release it; return the released folder, course/release/book."""
    book_dir, course = Path(book_dir), Path(course)
    if course.exists():
        shutil.rmtree(course)
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    paths = sorted(book_dir.glob("*.ipynb"))
    if notebooks is not None:
        paths = [path for path in paths if path.name in notebooks]
    for path in paths:
        notebook = without_prose_solutions(nbformat.read(path, as_version=4))
        nbformat.write(notebook, source / path.name)
    for helper in notebook_bundle.helper_files(book_dir):
        shutil.copy(helper, source / helper.name)
    for module in notebook_bundle.root_modules(ROOT):
        shutil.copy(ROOT / module, source / module)
    for folder in FOLDERS:
        if (book_dir / folder).is_dir():
            shutil.copytree(book_dir / folder, source / folder)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course / "release" / ASSIGNMENT


def write_student_edition(book_dir, out_dir, course=None, notebooks=None):
    """Release the book with nbgrader and copy the student edition to ``out_dir``; return the
    paths of its notebooks."""
    out_dir = Path(out_dir)
    course = Path(course) if course else out_dir.parent / "nbgrader"
    released = build_course(book_dir, course, notebooks)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(released, out_dir)
    (out_dir / "requirements.txt").write_text(dependencies.requirements_text())
    shutil.copy(STUDENT_README, out_dir / "README.md")
    return sorted(out_dir.glob("*.ipynb"))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    book = arguments[0] if len(arguments) > 0 else "book"
    out = arguments[1] if len(arguments) > 1 else "_build/student"
    for path in write_student_edition(book, out):
        print(f"wrote {path}")
