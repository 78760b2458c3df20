"""The classroom workflow, with the real nbgrader: release the chapters, collect submissions, autograde.

- the teacher's notebooks (the solutions) score full marks on every coding exercise of every chapter;
- the released notebooks, handed in unchanged, score zero on every coding exercise;
- a planted wrong answer (chapter 7's loss without its 1/2) loses exactly that exercise's points.
The autograder's tests are hidden from students (removed from the released notebooks) and do not
rely on files a student could change: nbgrader puts the tests back and overwrites the helper
modules with the teacher's copies before it grades. The course is the one the student edition is
released from (the `released_course` fixture of tests/conftest.py, built once per run); one `nbgrader autograde` run
grades the three submissions, each of which executes its notebooks once: the teacher's and the
unchanged one hand in the chapters with a coding exercise, the wrong one chapters 3 and 7 only (a
notebook missing from a submission scores zero)."""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import student_edition

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
COURSE_ID = "backprop-from-scratch"


def graded_cells(notebook):
    return [
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    ]


# The chapters with a coding exercise (a graded cell); the wrong submission hands in two of them.
CHAPTERS = [
    path.name
    for path in sorted(BOOK.glob("*.ipynb"))
    if graded_cells(nbformat.read(path, as_version=4))
]
WRONG = ["03_data_and_shapes.ipynb", "07_mse_loss.ipynb"]


@pytest.mark.parametrize(
    "path", sorted(BOOK.glob("*.ipynb")), ids=lambda path: path.name
)
def test_every_coding_exercise_has_hidden_tests_with_points(path):
    """Each solution cell is followed by a locked test cell with points whose asserts are all
    hidden, and which checks hand-computed values besides the chapter's own self-check."""
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        if student_edition.BEGIN not in cell.source:
            continue
        assert cell.metadata["nbgrader"]["solution"] is True
        test = cells[index + 1].metadata.get("nbgrader", {})
        assert test.get("grade") and test.get("locked") and test.get("points", 0) > 0
        source = cells[index + 1].source
        visible = re.sub(
            r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", source, flags=re.S
        )
        assert "assert" not in visible
        asserts = re.findall(r"^assert .*", source, re.M)
        assert any("checks." not in line for line in asserts)


def plant_wrong_loss(notebook):
    """Chapter 7's exercise answered without the 1/2 of the loss."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "def my_mse" in cell.source:
            assert "/ (2 * n_samples)" in cell.source
            cell.source = cell.source.replace("/ (2 * n_samples)", "/ n_samples")
            return notebook
    raise AssertionError("no my_mse in chapter 7")


def only(notebooks):
    """A copytree `ignore` that leaves out every notebook but ``notebooks``."""
    return lambda folder, names: [
        name for name in names if name.endswith(".ipynb") and name not in notebooks
    ]


@pytest.fixture(scope="module")
def gradebook(released_course):
    _, course = released_course
    source = course / "source" / student_edition.ASSIGNMENT
    released = course / "release" / student_edition.ASSIGNMENT
    submissions = {
        "teacher": (source, CHAPTERS),
        "unchanged": (released, CHAPTERS),
        "wrong": (source, WRONG),
    }
    for student, (folder, notebooks) in submissions.items():
        handed_in = course / "submitted" / student / student_edition.ASSIGNMENT
        shutil.copytree(folder, handed_in, ignore=only(notebooks))
    chapter7 = course / "submitted" / "wrong" / student_edition.ASSIGNMENT / WRONG[1]
    nbformat.write(plant_wrong_loss(nbformat.read(chapter7, as_version=4)), chapter7)
    # autograde adds the students it finds to the gradebook (Autograde.create_student).
    student_edition.nbgrader(course, "autograde", student_edition.ASSIGNMENT, "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as book:
        yield book, source


def grades(gradebook, student, chapters=CHAPTERS):
    """``{grade_id: (score, max_score)}`` of every graded cell of ``chapters`` in ``student``'s
    submission."""
    book, source = gradebook
    result = {}
    for chapter in chapters:
        notebook = nbformat.read(source / chapter, as_version=4)
        for cell in graded_cells(notebook):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            grade = book.find_grade(
                grade_id, Path(chapter).stem, student_edition.ASSIGNMENT, student
            )
            result[grade_id] = (grade.score, grade.max_score)
    return result


@pytest.mark.notebooks
def test_the_solutions_score_full_marks(gradebook):
    scores = grades(gradebook, "teacher")
    assert len(CHAPTERS) >= 12
    assert sorted(scores) == [f"ch{chapter[:2]}-ex2-tests" for chapter in CHAPTERS]
    assert all(score == maximum > 0 for score, maximum in scores.values())


@pytest.mark.notebooks
def test_the_released_notebooks_handed_in_unchanged_score_zero(gradebook):
    scores = grades(gradebook, "unchanged")
    assert len(scores) == len(CHAPTERS) and all(
        score == 0 for score, _ in scores.values()
    )


@pytest.mark.notebooks
def test_a_wrong_answer_scores_partially(gradebook):
    scores = grades(gradebook, "wrong", WRONG)
    assert scores["ch07-ex2-tests"] == (0, 2)
    assert scores["ch03-ex2-tests"] == (2, 2)
    book, _ = gradebook
    submission = book.find_submission(student_edition.ASSIGNMENT, "wrong")
    assert 0 < submission.score < submission.max_score
