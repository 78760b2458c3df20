"""The student edition (written by nbgrader) has no solutions, and names the packages the reader's
environment is made from.

The course is built once per test run (`released_course`) and shared with tests/test_nbgrader.py,
which autogrades submissions in it: nbgrader's generate_assignment runs once. The student's run of
the edition (every notebook in a new environment, every unanswered check saying so) is that
autograder's run, in the reader's environment: see tests/test_nbgrader.py."""

from pathlib import Path

import nbformat
import pytest

import clean_notebooks
import dependencies
import notebook_bundle
import student_edition

ROOT = Path(__file__).resolve().parent.parent

BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


@pytest.fixture(scope="module")
def edition(released_course):
    return released_course[0]


def solution_lines(cell):
    """The non-trivial lines of a solution cell that a student must not see."""
    source = cell.source
    if student_edition.BEGIN in source:
        source = "\n".join(
            part.split(student_edition.END)[0]
            for part in source.split(student_edition.BEGIN)[1:]
        )
    return {
        line.strip()
        for line in source.splitlines()
        if len(line.strip()) > 12 and not line.strip().startswith("#")
    }


def test_nbgrader_stubs_the_solutions_and_removes_the_hidden_tests(edition):
    student = nbformat.read(edition / "07_mse_loss.ipynb", as_version=4)
    answer = next(c for c in student.cells if c.source.startswith("import checks"))
    assert (
        '    # YOUR CODE HERE\n    raise NotImplementedError("not answered yet")'
        in answer.source
    )
    text = "\n".join(cell.source for cell in student.cells)
    assert "HIDDEN TESTS" not in text and "my_mse(np.array" not in text


def test_the_edition_holds_what_a_student_needs(edition):
    for name in ["README.md", "requirements.txt", "mlp_core.py", "checks.py", "data"]:
        assert (edition / name).exists(), name
    pins = (edition / "requirements.txt").read_text()
    assert "numpy==" in pins and "jupyterlab-myst==" in pins
    assert "nbgrader" not in pins and "jupyter-book" not in pins
    assert not (edition / "teachers_guide.md").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_solution_survives(path, edition):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(edition / path.name, as_version=4)
    hidden = set()
    for cell in teacher.cells:
        if "solution" in cell.metadata.get("tags", []):
            hidden |= (
                solution_lines(cell) if cell.cell_type == "code" else {cell.source}
            )
    # A line the exercise itself shows (a starter's signature, a shared `return`) is no leak.
    shown = "\n".join(
        cell.source
        for cell in teacher.cells
        if "solution" not in cell.metadata.get("tags", [])
    )
    hidden = {line for line in hidden if line not in shown}
    text = "\n".join(cell.source for cell in student.cells)
    assert not [line for line in hidden if line in text]
    assert all(
        "solution" not in cell.metadata.get("tags", []) for cell in student.cells
    )
    assert all(
        not cell.get("outputs") for cell in student.cells if cell.cell_type == "code"
    )
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert clean_notebooks.volatile_metadata(student) == []


def test_every_chapter_with_exercises_loses_its_solutions(edition):
    with_solutions = [p for p in NOTEBOOKS if '"solution"' in p.read_text()]
    assert len(with_solutions) >= 10
    for path in with_solutions:
        assert len(nbformat.read(edition / path.name, as_version=4).cells) < len(
            nbformat.read(path, as_version=4).cells
        )


def test_the_reader_environment_is_the_students(edition):
    """The student edition's requirements.txt pins the same packages at the same versions as the
    zip's, so the one new environment the tests make (tools/fresh_environment.py) is both."""

    def pins(text):
        return sorted(
            dependencies.normalize(line.split("==")[0]) + "==" + line.split("==")[1]
            for line in text.splitlines()
            if "==" in line and not line.startswith("#")
        )

    student = (edition / "requirements.txt").read_text()
    zipped = notebook_bundle.bundle_contents()[
        f"{notebook_bundle.FOLDER}/requirements.txt"
    ]
    assert pins(student) == pins(zipped.decode())
