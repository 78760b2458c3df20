"""A class of thirty through nbgrader's whole cycle, with nbgrader's own commands and a real exchange.

The course is the one `make student` builds (the `released_course` fixture, copied here so that
this file's changes stay its own): one assignment a chapter. The cycle, as the teacher's guide walks
it: the teacher imports the roster and releases every chapter; each student, with a home folder of
their own and nbgrader's ``--student`` (no accounts here: tests/test_classroom_accounts.py has
those), fetches, works, and submits; the teacher collects, autogrades, reads the report
(course_report.py), marks the written answers (what the formgrader does, through the gradebook),
generates and releases feedback, which the students fetch, and exports the grades.

- "unchanged" hands in every chapter but 7 exactly as released, and "blank" chapter 7: together
  the student edition's one run in the reader's environment (kernel ``backprop-reader``), each
  chapter once, with the assertions of the student edition's run below;
- 28 more hand in chapter 7, the cheapest chapter to run, as real students do: right, wrong
  (known slips), partly answered, and messy (a deleted, duplicated, moved or changed cell, a
  renamed notebook, a loop that never ends, an import that fails, ten megabytes printed, late, a
  file that is not JSON), each with the score a teacher would give by hand, asserted;
- a per-cell time limit of TIMEOUT seconds stops the loop; the rest of that notebook is graded.

These runs of chapter 7 are counted apart in pytest's summary (tools/executions.py: "class: ...").
Last, the course is rebuilt in place with an erratum, as `make student` does, and every
submission, grade and feedback is still there."""

import copy
import csv
import dataclasses
import datetime
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import course_export
import course_report
import executions
import nbgrader_commands
import student_edition

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
GUIDE = BOOK / "teachers_guide.md"
README = ROOT / "classroom" / "README_students.md"
COURSE_ID = "backprop-from-scratch"
CHAPTERS = [path.stem for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))]
CLASS = "07_mse_loss"  # the chapter the class hands in: it runs in a few seconds
TIMEOUT = 10  # seconds a cell may run here (the course's own limit is 120)
# Besides chapter 7, the chapters whose feedback the unchanged student fetches: the maths of every
# chapter is rendered in tests/test_course_plugins.py; these two also have a table in Markdown
# output (3) and the most formulas (13).
FEEDBACK_TOO = ["03_data_and_shapes", "13_deep_networks"]
KERNEL = ["--Execute.kernel_name=backprop-reader", f"--Execute.timeout={TIMEOUT}"]
STUB = re.compile(
    r'^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\("not answered yet"\)',
    re.M,
)
RIGHT = (
    "n_samples = Y.shape[1]\nreturn float(np.sum((Y - Y_hat) ** 2) / (2 * n_samples))"
)
RIGHT_TOO = "return float(np.mean((Y - Y_hat) ** 2) * Y.shape[0] / 2)"
SLIPS = {  # wrong answers and what the self-check says of each
    "half": ("return float(np.sum((Y - Y_hat) ** 2) / Y.shape[1])", "twice the loss"),
    "sum": ("return float(np.sum((Y - Y_hat) ** 2))", "plain sum"),
    "entries": ("return float(np.sum((Y - Y_hat) ** 2) / (2 * Y.size))", "every entry"),
}
ANSWER_71 = (
    "The best weights stay: the sum is 2N times the loss. Each step is 2N times larger."
)
ANSWER_73 = "Prediction: close to 35/6. The runs: 5.80 to 5.86, and with weights x 10 far wider."


# ---------------------------------------------------------------------------------------------
# What a student does to the released notebook.


def cell(notebook, grade_id):
    return next(
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def answer(notebook, code=RIGHT):
    target = cell(notebook, "ch07-ex2-solution")
    target.source, count = STUB.subn(
        lambda m: "\n".join(m.group(1) + line for line in code.splitlines()),
        target.source,
    )
    assert count == 1


def write(notebook, grade_id, text):
    target = cell(notebook, grade_id)
    assert "YOUR ANSWER HERE" in target.source
    target.source = target.source.replace("YOUR ANSWER HERE", text)


def explore(notebook, code):
    target = next(c for c in notebook.cells if c.source.startswith("# Exercise 7.3"))
    target.source = code


def delete_tests(notebook):
    notebook.cells.remove(cell(notebook, "ch07-ex2-tests"))


def paste_twice(notebook):
    solution = cell(notebook, "ch07-ex2-solution")
    notebook.cells.insert(notebook.cells.index(solution), copy.deepcopy(solution))


def paste_released_copy(notebook, released):
    solution = cell(notebook, "ch07-ex2-solution")
    stub = copy.deepcopy(cell(released, "ch07-ex2-solution"))
    notebook.cells.insert(notebook.cells.index(solution) + 1, stub)


def move_answer_to_the_end(notebook):
    solution = cell(notebook, "ch07-ex2-solution")
    notebook.cells.remove(solution)
    notebook.cells.append(solution)


def change_read_only(notebook):
    cell(notebook, "ch07-ex2-tests").source = "print('my own tests: all fine')"
    cell(notebook, "ch07-ex2-task").source += "\n\nI think this exercise is too long."


def loop_before_the_exercise(notebook):
    solution = cell(notebook, "ch07-ex2-solution")
    # It sleeps rather than spins: the time limit stops it just the same, without taking a core
    # from the other tests for TIMEOUT seconds.
    loop = nbformat.v4.new_code_cell(
        "import time\n\nwhile True:  # waiting for inspiration\n    time.sleep(1)"
    )
    notebook.cells.insert(notebook.cells.index(solution), loop)


def import_first(notebook):
    solution = cell(notebook, "ch07-ex2-solution")
    solution.source = "import torch  # not installed\n" + solution.source


def print_ten_megabytes(notebook):
    solution = cell(notebook, "ch07-ex2-solution")
    big = nbformat.v4.new_code_cell('print("spam " * 2_000_000)')
    notebook.cells.insert(notebook.cells.index(solution), big)


@dataclasses.dataclass
class Student:
    id: str
    first: str
    last: str
    work: tuple = ()  # what they do to the released chapter 7, in order
    right: bool = False  # exercise 7.2's tests pass: 2 points
    marks: dict = dataclasses.field(
        default_factory=dict
    )  # the teacher's marks of answers
    unmarked: tuple = ()  # written answers the teacher has not marked yet
    file_name: str = f"{CLASS}.ipynb"
    late: bool = False
    not_json: bool = False
    validates: bool = False  # runs `nbgrader validate` before submitting
    note: str = ""  # what the report says of this submission
    sentence: str = ""  # what the feedback says of exercise 7.2's tests

    @property
    def expected(self):
        """The points a teacher gives by hand: chapter 7's, late policy applied, or None."""
        if self.not_json or self.unmarked:
            return None
        points = (2 if self.right else 0) + sum(self.marks.values())
        return round(points * (0.9 if self.late else 1.0), 2)


def ordinary(index):
    """The 12 students without trouble: right answers written two ways, known slips, written
    answers marked 0 to 2 and 0 to 6."""
    right = index % 3 != 2
    slip = list(SLIPS)[index % len(SLIPS)]
    work = [
        lambda nb, code=(RIGHT, RIGHT_TOO)[index % 2] if right else SLIPS[slip][0]: (
            answer(nb, code)
        )
    ]
    marks = {}
    if index % 2 == 0:
        work.append(lambda nb: write(nb, "ch07-ex1-answer", ANSWER_71))
        marks["ch07-ex1-answer"] = index % 3
    if index % 4 == 0:
        work.append(lambda nb: write(nb, "ch07-ex3-answer", ANSWER_73))
        marks["ch07-ex3-answer"] = min(6, index % 7)
    return Student(
        f"student{index:02d}",
        f"Ordinary{index:02d}",
        "Student",
        tuple(work),
        right,
        marks,
        sentence="Right: " if right else SLIPS[slip][1],
    )


CLASS_LIST = [
    Student("unchanged", "Una", "Changed"),  # every chapter but 7, as released
    Student("blank", "Bea", "Lank", note="graded 0", sentence="not answered yet"),
    Student(
        "full",
        "Ful",
        "Marks",
        (
            answer,
            lambda nb: write(nb, "ch07-ex1-answer", ANSWER_71),
            lambda nb: write(nb, "ch07-ex3-answer", ANSWER_73),
            lambda nb: explore(
                nb,
                "print(round(mlp_core.mse_loss(mlp_core.Y_TRAIN, 0 * mlp_core.Y_TRAIN), 4))",
            ),
        ),
        True,
        {"ch07-ex1-answer": 2, "ch07-ex3-answer": 6},
        sentence="Right: ",
    ),
    Student(
        "partial",
        "Par",
        "Tial",
        (answer, lambda nb: write(nb, "ch07-ex1-answer", "The weights change.")),
        True,
        {"ch07-ex1-answer": 1},
    ),
    Student(
        "slip",
        "Sli",
        "Pup",
        (lambda nb: answer(nb, SLIPS["half"][0]),),
        sentence="twice the loss",
    ),
    Student(
        "slipsum",
        "Sum",
        "Mer",
        (lambda nb: answer(nb, SLIPS["sum"][0]),),
        sentence="plain sum",
    ),
    Student(
        "deleted",
        "Del",
        "Eted",
        (answer, delete_tests),
        True,
        note="put back the deleted cell ch07-ex2-tests",
    ),
    Student(
        "duplicated",
        "Dup",
        "Licate",
        (answer, paste_twice),
        True,
        note="second copy of the cell ch07-ex2-solution",
    ),
    Student(
        "pasted",
        "Pas",
        "Ted",
        (answer, "paste_released_copy"),
        True,
        note="dropped a copy of the cell ch07-ex2-solution",
    ),
    Student(
        "moved",
        "Mov",
        "Ed",
        (answer, move_answer_to_the_end),
        True,
        note="moved the cell ch07-ex2-tests back after ch07-ex2-solution",
    ),
    Student(
        "readonly",
        "Rea",
        "Donly",
        (answer, change_read_only),
        True,
        validates=True,
        note="put back the read-only cell",
    ),
    Student(
        "renamed",
        "Ren",
        "Amed",
        (answer,),
        True,
        file_name=f"{CLASS}-Copy1.ipynb",
        note=f"renamed {CLASS}-Copy1.ipynb to {CLASS}.ipynb",
    ),
    Student(
        "looping",
        "Loo",
        "Ping",
        (answer, loop_before_the_exercise),
        True,
        note="stopped by the time limit",
    ),
    Student(
        "importer",
        "Imp",
        "Orter",
        (answer, import_first),
        sentence="NameError: name 'checks' is not defined",  # its import never ran
    ),
    Student(
        "printer",
        "Pri",
        "Nter",
        (answer, print_ten_megabytes),
        True,
        note="output was cut",
    ),
    Student("late", "Lat", "Ecomer", (answer,), True, late=True, note="1 day late"),
    Student("garbled", "Gar", "Bled", not_json=True, note="not valid JSON"),
    Student(
        "pending",
        "Pen",
        "Ding",
        (answer, lambda nb: write(nb, "ch07-ex1-answer", ANSWER_71)),
        True,
        unmarked=("ch07-ex1-answer",),
        note="to mark: ch07-ex1-answer",
    ),
] + [ordinary(index) for index in range(12)]
BY_ID = {student.id: student for student in CLASS_LIST}
IN_CLASS = [s for s in CLASS_LIST if s.id != "unchanged"]


# ---------------------------------------------------------------------------------------------
# The cycle.


class Course:
    """The course of this test: its folders, and nbgrader run as the teacher or as a student."""

    def __init__(self, base, released):
        self.base = base
        self.root = base / "course"
        shutil.copytree(released, self.root)
        self.exchange = base / "exchange"
        self.exchange.mkdir()
        # What a hub's /etc/jupyter/nbgrader_config.py sets for everybody: the exchange.
        site = base / "etc-jupyter"
        site.mkdir()
        (site / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(self.exchange)!r}\n"
        )
        self.env = {"JUPYTER_CONFIG_PATH": str(site), "JUPYTER_DATA_DIR": None}
        self.commands = []  # every command run, as the guide and README write them

    def record(self, words):
        """Note a command as the guide writes it: a chapter as 07_mse_loss, a file by its name,
        without the options only this test needs (its kernel, time limit, student, due date)."""
        kept = []
        for word in map(str, words):
            if word.startswith(("--Execute.", "--student=", "--duedate=")):
                continue
            word = Path(word).name if Path(word).is_absolute() else word
            kept.append(re.sub(r"\b\d\d_[a-z_]+", CLASS, word))
        self.commands.append(" ".join(kept))

    def teacher(self, *arguments, check=True):
        self.record(["nbgrader", *arguments])
        return nbgrader_commands.run(
            arguments, cwd=self.root, env=self.env, check=check
        )

    def home(self, student):
        home = self.base / "home" / student
        home.mkdir(parents=True, exist_ok=True)
        return home

    def student(self, student, *arguments, check=True):
        self.record(["nbgrader", *arguments])
        home = self.home(student)
        env = {**self.env, "HOME": str(home), "JUPYTER_CONFIG_DIR": None}
        if arguments[0] in ("fetch_assignment", "submit", "fetch_feedback"):
            arguments = [*arguments, f"--course={COURSE_ID}", f"--student={student}"]
        return nbgrader_commands.run(arguments, cwd=home, env=env, check=check)


def hand_in(course, student, released):
    """Fetch chapter 7, do the student's work, validate if they do, submit; returns the validate
    output, or None."""
    course.student(student.id, "fetch_assignment", CLASS)
    folder = course.home(student.id) / CLASS
    path = folder / f"{CLASS}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for step in student.work:
        if step == "paste_released_copy":
            paste_released_copy(notebook, released)
        else:
            step(notebook)
    if student.not_json:
        path.write_text(
            path.read_text()[: len(path.read_text()) // 2]
        )  # cut off mid-way
    else:
        path.unlink()
        nbformat.write(notebook, folder / student.file_name)
    validated = None
    if student.validates:
        validated = course.student(student.id, "validate", f"{CLASS}/{CLASS}.ipynb").log
        executions.record([f"{CLASS}.ipynb"], "class: nbgrader validate")
    course.student(student.id, "submit", CLASS)
    return validated


def mark(course, marks):
    """The teacher's marks of written answers, as the formgrader saves them."""
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student, grades in marks.items():
            for grade_id, points in grades.items():
                grade = gradebook.find_grade(grade_id, CLASS, CLASS, student)
                grade.manual_score = points
                grade.needs_manual_grade = False
        gradebook.db.commit()


@pytest.fixture(scope="module")
def cycle(released_course, reader_kernel, tmp_path_factory):
    """The whole cycle, once; returns the Course with what the test looks at afterwards."""
    course = Course(tmp_path_factory.mktemp("class"), released_course[1])

    roster = course.base / "roster.csv"
    with roster.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email", "lms_user_id"])
        for number, s in enumerate(CLASS_LIST, start=1000):
            writer.writerow([s.id, s.first, s.last, f"{s.id}@example.edu", number])
    course.teacher("db", "student", "import", roster)
    for chapter in CHAPTERS:
        course.teacher("release_assignment", chapter)
    released = nbformat.read(
        course.root / "release" / CLASS / f"{CLASS}.ipynb", as_version=4
    )

    for chapter in CHAPTERS:
        if chapter != CLASS:
            course.student("unchanged", "fetch_assignment", chapter)
            course.student("unchanged", "submit", chapter)
    course.validated = {}
    for student in IN_CLASS:
        if not student.late:
            course.validated[student.id] = hand_in(course, student, released)
    now = datetime.datetime.now(datetime.UTC)
    course.teacher(
        "db", "assignment", "add", CLASS, f"--duedate={now:%Y-%m-%d %H:%M:%S.%f} UTC"
    )
    for student in IN_CLASS:
        if student.late:
            hand_in(course, student, released)

    for chapter in CHAPTERS:
        course.teacher("collect", chapter)
        result = course.teacher("autograde", chapter, *KERNEL, check=False)
        # nbgrader exits 1 when it could not grade a submission (the garbled one), not otherwise.
        assert result.code == (1 if chapter == CLASS else 0), result.log[-3000:]
    executions.record(
        [f"{c}.ipynb" for c in CHAPTERS],
        "student edition (autograde of the released notebooks)",
    )
    executions.record(
        [f"{CLASS}.ipynb"] * (len(IN_CLASS) - 2),
        "class: handed-in notebooks (autograde)",
    )
    course.record(["python", "-m", "course_report", CLASS])
    course.report = course_report.report(course.root, CLASS)

    mark(course, {s.id: s.marks for s in CLASS_LIST if s.marks})
    for chapter in [CLASS, *FEEDBACK_TOO]:
        course.teacher("generate_feedback", chapter)
        course.teacher("release_feedback", chapter)
    for chapter in FEEDBACK_TOO:
        course.student("unchanged", "fetch_feedback", chapter)
    for student in IN_CLASS:
        course.student(student.id, "fetch_feedback", CLASS)
    course.grades = course.base / "grades.csv"
    course.teacher("export", "--to", course.grades)
    return course


def feedback_page(course, student, chapter=CLASS):
    # A page named after the notebook the student handed in (renamed or not).
    pages = list((course.home(student) / chapter / "feedback").glob("*/*.html"))
    assert len(pages) == 1, (student, chapter, pages)
    return html.unescape(pages[0].read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Scores: what each student handed in.


@pytest.mark.notebooks
def test_the_class_is_thirty_and_every_messy_kind_is_in_it():
    assert len(CLASS_LIST) >= 30
    assert len({s.id for s in CLASS_LIST}) == len(CLASS_LIST)


@pytest.mark.notebooks
@pytest.mark.parametrize("student", IN_CLASS, ids=lambda s: s.id)
def test_every_score_is_what_the_student_handed_in(cycle, student):
    states = course_report.states(cycle.root, CLASS)
    state = states[student.id]
    if student.not_json:
        assert state.status == course_report.NOT_GRADED
        return
    with Gradebook(f"sqlite:///{cycle.root / 'gradebook.db'}", COURSE_ID) as gradebook:
        tests = gradebook.find_grade("ch07-ex2-tests", CLASS, CLASS, student.id)
        assert tests.score == (2 if student.right else 0), student.id
    if student.unmarked:
        assert state.status == course_report.MANUAL
    else:
        assert state.status == course_report.GRADED
        assert state.final == student.expected, state


@pytest.mark.notebooks
def test_the_released_notebooks_handed_in_unchanged_score_zero(cycle):
    with Gradebook(f"sqlite:///{cycle.root / 'gradebook.db'}", COURSE_ID) as gradebook:
        for chapter in CHAPTERS:
            who = "blank" if chapter == CLASS else "unchanged"
            submission = gradebook.find_submission(chapter, who)
            assert submission.score == 0, chapter
            assert not submission.needs_manual_grade, (
                chapter
            )  # unchanged answers: 0 at once
            if chapter not in ("01_introduction", "11_playground"):
                assert submission.max_score == 10, chapter  # 2 + 2 + 6 (see the guide)


@pytest.mark.notebooks
def test_the_report_says_which_student_and_why(cycle):
    lines = {line.split()[0]: line for line in cycle.report}
    assert set(lines) >= {s.id for s in IN_CLASS}
    for student in IN_CLASS:
        assert student.note in lines[student.id], lines[student.id]
    assert "not graded" in lines["garbled"]
    assert [s for s, line in lines.items() if "not graded" in line] == ["garbled"]


@pytest.mark.notebooks
def test_the_loop_was_stopped_and_the_notebook_graded_after_it(cycle):
    notebook = nbformat.read(
        cycle.root / "autograded" / "looping" / CLASS / f"{CLASS}.ipynb", as_version=4
    )
    stopped = [
        i
        for i, c in enumerate(notebook.cells)
        for o in c.get("outputs", [])
        if o.output_type == "error" and o.ename == "CellTimeoutError"
    ]
    assert len(stopped) == 1
    tests = cell(notebook, "ch07-ex2-tests")
    assert notebook.cells.index(tests) > stopped[0] and not failed(
        tests
    )  # graded after it


@pytest.mark.notebooks
def test_ten_megabytes_printed_stay_out_of_the_gradebook_and_feedback(cycle):
    graded = cycle.root / "autograded" / "printer" / CLASS / f"{CLASS}.ipynb"
    assert graded.stat().st_size < 1_000_000
    assert len(feedback_page(cycle, "printer")) < 1_500_000


@pytest.mark.notebooks
def test_validate_warns_the_student_who_changed_a_read_only_cell(cycle):
    said = cycle.validated["readonly"]
    assert "THE CONTENTS OF 2 TEST CELL(S) HAVE CHANGED" in said, said
    assert "my own tests: all fine" in said and "this exercise is too long" in said


# ---------------------------------------------------------------------------------------------
# The student edition's run: every chapter once, as released.


def printed(cell):
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream"
    )


def failed(cell):
    return any(o.output_type == "error" for o in cell.get("outputs", []))


@pytest.mark.notebooks
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_student_edition_runs_and_every_unanswered_check_says_so(cycle, chapter):
    """What a student sees running a released notebook in the reader's environment: nothing
    fails but the autograder's tests of the unanswered exercise, and every self-check says "not
    answered yet"."""
    who = "blank" if chapter == CLASS else "unchanged"
    notebook = nbformat.read(
        cycle.root / "autograded" / who / chapter / f"{chapter}.ipynb", as_version=4
    )
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            assert failed(cell), f"{chapter} cell {index}"
            continue
        assert not failed(cell), f"{chapter} cell {index}: {cell.source[:80]!r}"
        calls = cell.source.count("checks.check_")
        assert printed(cell).count("Not yet: not answered yet") == calls, (
            f"{chapter} {index}"
        )
        assert "Right: " not in printed(cell)


# ---------------------------------------------------------------------------------------------
# Feedback.

RAW_MYST = re.compile(r"\{(eq|eval|doc|glue)\}`|^:::|\$\$|\(eq-ch", re.M)


def prose(page):
    """A feedback page without its code and outputs (where $ and MyST may stand as they are)."""
    page = re.sub(r"<pre.*?</pre>", "", page, flags=re.S)
    return re.sub(r"<code.*?</code>", "", page, flags=re.S)


@pytest.mark.notebooks
@pytest.mark.parametrize("student", IN_CLASS[:-12], ids=lambda s: s.id)
def test_feedback_gives_points_per_exercise_and_the_self_checks_sentence(
    cycle, student
):
    if student.not_json:
        assert not (cycle.home(student.id) / CLASS / "feedback").exists()
        return
    page = feedback_page(cycle, student.id)
    for part in (
        "Exercise 7.1, your answer",
        "Exercise 7.2, the grader's tests",
        "Exercise 7.3, your answer",
    ):
        assert part in page
    assert (student.sentence or ("Right: " if student.right else "")) in page
    # None of the hidden tests: their code, their values, their traceback.
    assert "assert" not in prose(page) and "HIDDEN" not in page
    assert "my_mse(np.array" not in page
    assert "AssertionError" not in page
    if student.late:
        assert "1 day late" in page and f"{2 * 0.9:g} points count" in page


@pytest.mark.notebooks
@pytest.mark.parametrize("chapter", [CLASS, *FEEDBACK_TOO])
def test_feedback_shows_the_maths_and_no_myst_and_loads_nothing(cycle, chapter):
    page = feedback_page(cycle, "unchanged" if chapter != CLASS else "blank", chapter)
    text = prose(page)
    assert not RAW_MYST.search(text), RAW_MYST.search(text)
    assert not re.search(
        r"(?<![\\\w])\$[^$\s<][^$<]*\$", text
    )  # no formula left as TeX
    assert text.count("<math") >= 20
    loads = re.findall(
        r"""(?:src=|<link[^>]*href=)["']?((?:https?:)?//[^"' >]+)""", page
    )
    assert not loads  # nothing from another host


@pytest.mark.notebooks
def test_a_feedback_page_draws_its_maths_offline(cycle, browser, tmp_path):
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    path = tmp_path / "page.html"
    path.write_text(feedback_page(cycle, "full"), encoding="utf-8")
    page.goto(path.as_uri())
    sizes = page.evaluate(
        "Array.from(document.querySelectorAll('math')).map(m => m.getBoundingClientRect().width)"
    )
    page.close()
    assert len(sizes) > 20 and min(sizes) > 0
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


# ---------------------------------------------------------------------------------------------
# The export.


@pytest.mark.notebooks
def test_the_export_reads_back_as_the_gradebook_says(cycle):
    with cycle.grades.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, possible, students = rows[0], rows[1], rows[2:]
    assert header[:5] == course_export.IDENTITY and header[-1] == course_export.TOTAL
    chapters = header[5:-1]
    assert len(chapters) == len(CHAPTERS) - 1  # chapter 11 has no exercise, no points
    assert "Chapter 7: The MSE loss" in chapters
    assert possible[0] == course_export.POINTS_POSSIBLE
    assert possible[5 + chapters.index("Chapter 7: The MSE loss")] == "10"
    by_id = {row[2]: dict(zip(header, row)) for row in students}
    assert set(by_id) == {s.id for s in CLASS_LIST}
    for number, student in enumerate(CLASS_LIST, start=1000):
        row = by_id[student.id]
        assert row["Student"] == f"{student.last}, {student.first}"
        assert (
            row["ID"] == str(number)
            and row["SIS Login ID"] == f"{student.id}@example.edu"
        )
        marks = [row[c] for c in chapters]
        seven = row["Chapter 7: The MSE loss"]
        if student.id == "unchanged":
            assert set(marks) == {"0"} and row["Final Points"] == "0"
            continue
        others = [m for c, m in zip(chapters, marks) if c != "Chapter 7: The MSE loss"]
        assert set(others) == {"0"}  # nothing handed in: 0, graded
        if student.expected is None:  # not graded, or not marked yet: empty, never 0
            assert seven == "" and row["Final Points"] == ""
        else:
            assert float(seven) == student.expected, student.id
            assert float(row["Final Points"]) == student.expected


# ---------------------------------------------------------------------------------------------
# The guide and the students' README give the commands this test ran.


@pytest.mark.notebooks
def test_the_guide_and_the_readme_give_every_command_of_the_cycle(cycle):
    guide, readme = GUIDE.read_text(), README.read_text()
    student_commands = ("fetch_assignment", "validate", "submit", "fetch_feedback")
    ran = sorted(set(cycle.commands))
    for command in ran:
        text = readme if command.split()[1] in student_commands else guide
        assert command in text, (
            f"{command!r} is not in {'README' if text is readme else 'the guide'}"
        )
    assert {c.split()[1] for c in ran} >= {
        "release_assignment",
        "fetch_assignment",
        "submit",
        "collect",
        "autograde",
        "generate_feedback",
        "release_feedback",
        "fetch_feedback",
        "export",
        "validate",
    }


# ---------------------------------------------------------------------------------------------
# A rebuild keeps the course: last, it changes the release.


def snapshot(course):
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", COURSE_ID) as gradebook:
        grades = {
            (submission.student_id, grade.name): (grade.auto_score, grade.manual_score)
            for assignment in gradebook.assignments
            for submission in assignment.submissions
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
    files = {
        path.relative_to(course.root).as_posix(): path.stat().st_mtime_ns
        for folder in ("submitted", "autograded", "feedback")
        for path in (course.root / folder).rglob("*")
    }
    return grades, files


@pytest.mark.notebooks
def test_a_rebuild_with_an_erratum_keeps_every_submission_grade_and_feedback(
    cycle, tmp_path
):
    grades, files = snapshot(cycle)
    book = tmp_path / "book"
    shutil.copytree(BOOK, book, ignore=shutil.ignore_patterns("images", "*.md"))
    chapter = nbformat.read(book / f"{CLASS}.ipynb", as_version=4)
    chapter.cells[0].source += "\n\n*Erratum: the loss is a mean over the samples.*"
    nbformat.write(chapter, book / f"{CLASS}.ipynb")

    student_edition.build_course(book, cycle.root)  # what `make student` does, in place

    assert snapshot(cycle) == (grades, files)
    released = (cycle.root / "release" / CLASS / f"{CLASS}.ipynb").read_text()
    assert "Erratum" in released
    exported = cycle.grades.read_text()
    cycle.teacher("export", "--to", cycle.grades)
    assert cycle.grades.read_text() == exported

    # Graded cells that change under submissions: refused, and nothing written.
    chapter.cells.remove(cell(chapter, "ch07-ex2-tests"))
    nbformat.write(chapter, book / f"{CLASS}.ipynb")
    with pytest.raises(
        ValueError,
        match=rf"{CLASS} has \d+ submission\(s\).*removed: \['ch07-ex2-tests'\]",
    ):
        student_edition.build_course(book, cycle.root)
    assert "Erratum" in (cycle.root / "release" / CLASS / f"{CLASS}.ipynb").read_text()
    assert snapshot(cycle) == (grades, files)
