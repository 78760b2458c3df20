"""The student edition (written by nbgrader, one assignment a chapter) has no solutions, an answer
cell with the guide's points after each question and exploration, and requirements that install
into a hub without downgrading it, pinned by a constraints file to the zip's versions.

The course is built once per test run (`released_course`) and shared with tests/test_classroom.py,
which runs a class through it: nbgrader's generate_assignment runs once a chapter. The student's
run of the edition (every notebook in a new environment, every unanswered check saying so) is that
class's autograde, in the reader's environment: see tests/test_classroom.py."""

import re
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
    for name in [
        "README.md",
        "requirements.txt",
        "constraints.txt",
        "mlp_core.py",
        "checks.py",
    ]:
        assert (edition / name).exists(), name
    assert (edition / "data").is_dir()
    requirements = (edition / "requirements.txt").read_text()
    assert "numpy>=" in requirements and "nbgrader>=" in requirements
    assert "jupyter-book" not in requirements
    assert not (edition / "teachers_guide.md").exists()


def test_the_requirements_only_set_lower_bounds():
    """So that they install into an existing hub without downgrading it (a newer JupyterLab, a
    newer ipykernel stay: tests/test_classroom_accounts.py installs them into one)."""
    requirements = [
        line
        for line in student_edition.student_requirements().splitlines()
        if line and not line.startswith("#")
    ]
    assert requirements and all(
        re.fullmatch(r"[A-Za-z0-9_.-]+>=[0-9][\w.]*", line) for line in requirements
    ), requirements


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


def test_each_question_and_exploration_gets_an_answer_cell_with_the_guides_points(
    edition,
):
    marking = student_edition.rubrics()
    assert marking["Questions"][0] == 2 and marking["Explorations"][0] == 6
    for path in NOTEBOOKS:
        released = nbformat.read(edition / path.name, as_version=4).cells
        kinds = [
            k
            for _, _, k, _ in student_edition.exercises(
                nbformat.read(path, as_version=4)
            )
        ]
        headings = [
            i for i, c in enumerate(released) if student_edition.exercise_heading(c)
        ]
        assert len(headings) == len(kinds), path.name
        for index, kind in zip(headings, kinds):
            after = released[index + 1]
            meta = after.metadata.get("nbgrader", {})
            if kind == "coding":
                assert not meta.get("grade"), path.name
                continue
            points = marking[student_edition.RUBRIC_OF[kind]][0]
            assert (
                meta.get("grade") and meta.get("solution") and meta["points"] == points
            )
            assert after.cell_type == "markdown" and "YOUR ANSWER HERE" in after.source
            assert f"{points} points" in after.source


def test_the_course_keeps_the_books_worked_solutions_as_model_answers(released_course):
    _, course = released_course
    source = nbformat.read(
        course / "source" / "07_mse_loss" / "07_mse_loss.ipynb", as_version=4
    )
    model = next(
        c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "ch07-ex1-answer"
    )
    assert "S = 2N \\mathcal L" in model.source and ":::" not in model.source


def test_the_reader_environment_is_the_students(edition):
    """The edition's constraints.txt pins every package of the zip at the zip's version (so the one
    new environment the tests make, tools/fresh_environment.py, is the student's), and nbgrader;
    its requirements.txt names the same packages, each at least that version."""

    def pins(text):
        return {
            dependencies.normalize(line.split("==")[0]): line.split("==")[1]
            for line in text.splitlines()
            if "==" in line and not line.startswith("#")
        }

    constraints = pins((edition / "constraints.txt").read_text())
    zipped = pins(
        notebook_bundle.bundle_contents()[
            f"{notebook_bundle.FOLDER}/requirements.txt"
        ].decode()
    )
    assert {k: v for k, v in constraints.items() if k != "nbgrader"} == zipped
    assert set(constraints) == set(zipped) | {"nbgrader"}
    lower = {
        dependencies.normalize(line.split(">=")[0]): line.split(">=")[1]
        for line in (edition / "requirements.txt").read_text().splitlines()
        if ">=" in line
    }
    assert lower == constraints
