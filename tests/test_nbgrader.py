"""The classroom workflow, with the real nbgrader: release the chapters, collect submissions,
autograde them in the reader's environment.

One `nbgrader autograde` run grades two students of the course the student edition is released
from (the `released_course` fixture of tests/conftest.py). Its kernel is the reader's
(`reader_kernel`: a new environment made from the requirements the student edition ships), so the
run is also the student's run of the student edition:

- "unchanged" hands in the released notebooks of every chapter but 3 and 7, as they are: every
  coding exercise scores zero, every self-check says "not answered yet", and no other cell fails;
- "answered" hands in chapters 3 and 7 with their coding exercise filled in, as a student would, in
  the released notebook: chapter 3 with the right answer scores full marks, chapter 7 with a
  planted wrong one (its loss without the 1/2) scores zero, and the rest of both chapters still says
  "not answered yet".

So each chapter is executed once here. That the teacher's solutions pass every hidden test is
shown by nbval, which runs the chapters with their solutions and hidden tests (a failing assert
fails it). The autograder's tests are hidden from students (removed from the released notebooks)
and do not rely on files a student could change: nbgrader puts the tests back and overwrites the
helper modules with the teacher's copies before it grades."""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import executions
import student_edition

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
COURSE_ID = "backprop-from-scratch"
STUB = re.compile(
    r'^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\("not answered yet"\)',
    re.M,
)


def graded_cells(notebook):
    return [
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    ]


# The chapters with a coding exercise (a graded cell).
CHAPTERS = [
    path.name
    for path in sorted(BOOK.glob("*.ipynb"))
    if graded_cells(nbformat.read(path, as_version=4))
]
RIGHT, WRONG = "03_data_and_shapes.ipynb", "07_mse_loss.ipynb"
UNCHANGED = [
    p.name for p in sorted(BOOK.glob("*.ipynb")) if p.name not in (RIGHT, WRONG)
]


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


def solution_region(source):
    """The lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of a teacher's cell."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if student_edition.BEGIN in line)
    end = next(i for i, line in enumerate(lines) if student_edition.END in line)
    return "\n".join(lines[begin + 1 : end])


def answered(released, teacher, change=lambda answer: answer):
    """The released notebook with each coding exercise answered as in the teacher's notebook
    (passed through ``change``), written where the stub is, as a student would."""
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in teacher.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
        and student_edition.BEGIN in cell.source
    }
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            answer = change(solution_region(solutions[grade_id].source))
            cell.source, count = STUB.subn(lambda _, answer=answer: answer, cell.source)
            assert count == 1, f"no stub in {grade_id}"
    return released


def without_half(answer):
    """Chapter 7's exercise answered without the 1/2 of the loss."""
    assert "/ (2 * n_samples)" in answer
    return answer.replace("/ (2 * n_samples)", "/ n_samples")


def only(notebooks):
    """A copytree `ignore` that leaves out every notebook but ``notebooks``."""
    return lambda folder, names: [
        name for name in names if name.endswith(".ipynb") and name not in notebooks
    ]


@pytest.fixture(scope="module")
def graded(released_course, reader_kernel):
    """Autograde both students once; yields the gradebook, the teacher's folder and the
    autograded folder."""
    _, course = released_course
    assignment = student_edition.ASSIGNMENT
    source = course / "source" / assignment
    released = course / "release" / assignment
    submitted = course / "submitted"
    shutil.copytree(
        released, submitted / "unchanged" / assignment, ignore=only(UNCHANGED)
    )
    answered_folder = submitted / "answered" / assignment
    shutil.copytree(released, answered_folder, ignore=only([RIGHT, WRONG]))
    for name, change in [(RIGHT, lambda a: a), (WRONG, without_half)]:
        notebook = answered(
            nbformat.read(released / name, as_version=4),
            nbformat.read(source / name, as_version=4),
            change,
        )
        nbformat.write(notebook, answered_folder / name)
    # autograde adds the students it finds to the gradebook (Autograde.create_student).
    student_edition.nbgrader(
        course,
        "autograde",
        assignment,
        "--force",
        f"--Execute.kernel_name={reader_kernel}",
    )
    executions.record(UNCHANGED + [RIGHT, WRONG], "autograde")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as book:
        yield book, source, course / "autograded"


def grades(graded, student, chapters):
    """``{grade_id: (score, max_score)}`` of every graded cell of ``chapters`` in ``student``'s
    submission."""
    book, source, _ = graded
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
def test_the_released_notebooks_handed_in_unchanged_score_zero(graded):
    chapters = [c for c in CHAPTERS if c in UNCHANGED]
    scores = grades(graded, "unchanged", chapters)
    assert len(scores) == len(chapters) >= 10
    assert all(score == 0 < maximum for score, maximum in scores.values())


@pytest.mark.notebooks
def test_a_right_answer_scores_full_marks_and_a_wrong_one_zero(graded):
    scores = grades(graded, "answered", [RIGHT, WRONG])
    assert scores == {"ch03-ex2-tests": (2, 2), "ch07-ex2-tests": (0, 2)}
    book, _, _ = graded
    submission = book.find_submission(student_edition.ASSIGNMENT, "answered")
    # The assignment is the whole book: the chapters not handed in count zero of their points.
    assert (submission.score, submission.max_score) == (2, 2 * len(CHAPTERS))


def printed(cell):
    return "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.output_type == "stream"
    )


def failed(cell):
    return any(output.output_type == "error" for output in cell.get("outputs", []))


@pytest.mark.notebooks
@pytest.mark.parametrize("name", UNCHANGED + [RIGHT, WRONG])
def test_the_student_edition_runs_and_every_unanswered_check_says_so(graded, name):
    """What a student sees running the released notebook in the reader's environment: nothing
    fails but the autograder's tests of unanswered exercises, and every self-check of an
    unanswered exercise says "not answered yet" (the answered ones say Right, or why not)."""
    _, _, autograded = graded
    student = "unchanged" if name in UNCHANGED else "answered"
    notebook = nbformat.read(
        autograded / student / student_edition.ASSIGNMENT / name, as_version=4
    )
    answered_ids = (
        {"ch03-ex2-solution", "ch07-ex2-solution"} if student == "answered" else set()
    )
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        calls = cell.source.count("checks.check_")
        if meta.get("grade"):
            expected_to_fail = not (name == RIGHT and student == "answered")
            assert failed(cell) == expected_to_fail, f"{name} cell {index}"
            continue
        assert not failed(cell), f"{name} cell {index}: {cell.source[:80]!r}"
        text = printed(cell)
        if meta.get("grade_id") in answered_ids:
            verdict = "Right: " if name == RIGHT else "Not yet: "
            assert text.count(verdict) == calls and "not answered yet" not in text
        else:
            assert text.count("Not yet: not answered yet") == calls, (
                f"{name} cell {index}"
            )
            assert "Right: " not in text
