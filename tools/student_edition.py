"""Release the book as an nbgrader course: one assignment a chapter, in a folder no build deletes.

``make student`` (this tool) writes the course nbgrader grades from, by default in course/ at the
repository's root (ignored by git; ``COURSE=path`` elsewhere), and the student edition, every
released chapter in one folder, in _build/student/:

- course/nbgrader_config.py and the course's plugins, copied from classroom/ (what each is for:
  classroom/nbgrader_config.py);
- course/source/CHAPTER/: the chapter (e.g. 07_mse_loss/07_mse_loss.ipynb) with what it imports
  (mlp_core.py, the helpers of book/, data/), prepared for nbgrader as below;
- course/release/CHAPTER/: the student's version, written by ``nbgrader generate_assignment``,
  which also records the chapter's graded cells in course/gradebook.db.

Everything else in the course is nbgrader's and the teacher's (submitted/, autograded/,
feedback/, the gradebook's students and grades): a rebuild (an erratum fixed mid-term) rewrites
only source/ and release/. A chapter that already has submissions is rebuilt only if its graded
cells are the same (nbgrader cannot regrade against new ones): otherwise nothing is written, and the
error says which cells changed.

How a chapter is prepared (the chapters carry nbgrader's cell metadata; see the teacher's guide):
- in each coding exercise the answer is between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
  nbgrader replaces it by a stub that raises NotImplementedError (the self-check then says "not
  answered yet"), and removes the autograder's tests between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` from the student's version; the task is read-only;
- each conceptual question and exploration gets an answer cell right after its question: a
  manually graded markdown cell, with the points of its rubric in the teacher's guide
  (``rubrics``), and the book's worked solution between the solution markers as the model answer
  the teacher sees; the worked solutions themselves are removed, and an exploration's code becomes
  a comment for the student's own;
- with ``variant=SEED`` (``make student VARIANT=2027``) every coding exercise's hidden tests are
  drawn anew from the seed (tools/variants.py), so a term's graded cases are not the book's.

The student edition's requirements.txt gives lower bounds only (it installs into an existing
JupyterHub without downgrading anything, nbgrader's student extension included), and
constraints.txt the exact versions the book is tested with (the zip's, and nbgrader's):
``pip install -r requirements.txt -c constraints.txt`` on a laptop.

Usage, from the repository root:
    python tools/student_edition.py [--course DIR] [--variant SEED] [--term-start YYYY-MM-DD
                                     [--plan NAME]] [BOOK_DIR [OUT_DIR]]
(defaults: course/, book, _build/student; `make student` runs this).
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

import dependencies
import nbgrader_commands
import notebook_bundle
import reading_time
import variants

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "classroom"
DEFAULT_COURSE = ROOT / "course"
GUIDE = ROOT / "book" / "teachers_guide.md"
STUDENT_README = CLASSROOM / "README_students.md"
# What the course root holds from classroom/: nbgrader's configuration and the plugins it loads.
COURSE_FILES = [
    "nbgrader_config.py",
    "course_term.py",
    "course_tidy.py",
    "course_feedback.py",
    "course_export.py",
    "course_report.py",
    "confined_kernel.py",
    "feedback_template",
]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN = re.compile(r"(### BEGIN HIDDEN TESTS\n)(.*?)(\n### END HIDDEN TESTS)", re.S)
FOLDERS = ["data", "images", "js"]
# The rubric of the teacher's guide that marks each kind of exercise answered in words.
RUBRIC_OF = {"conceptual": "Questions", "exploration": "Explorations"}


def assignment_id(path):
    """The nbgrader assignment of a chapter: its file name without .ipynb, e.g. 07_mse_loss."""
    return Path(path).stem


def rubrics(guide=GUIDE):
    """``{name: (points, [criterion, ...])}`` of the guide's rubrics: each a line ``**Name** (out
    of N):`` followed by a table whose rows start with a criterion."""
    found = {}
    text = Path(guide).read_text(encoding="utf-8")
    for name, points, table in re.findall(
        r"^\*\*(\w[\w ]*)\*\* \(out of (\d+)\):\s*\n\n((?:\|.*\n)+)", text, re.M
    ):
        rows = table.strip().splitlines()[2:]  # after the header and |---| lines
        criteria = [row.strip("|").split("|")[0].strip() for row in rows]
        found[name] = (int(points), criteria)
    return found


def exercise_heading(cell):
    """The match of a "### Exercise N.k" heading in a markdown cell, or None."""
    if cell.cell_type != "markdown":
        return None
    return reading_time.EXERCISE_HEADING.search(cell.source)


def exercises(notebook):
    """``[(index of the heading cell, "7.1", kind, [indices of the exercise's cells])]``, in the
    chapter's order; kinds as tools/reading_time.py tells them (conceptual, coding, exploration)."""
    starts = [i for i, cell in enumerate(notebook.cells) if exercise_heading(cell)]
    kinds = reading_time.exercise_kinds(notebook)
    found = []
    for start, kind, end in zip(starts, kinds, starts[1:] + [len(notebook.cells)]):
        match = exercise_heading(notebook.cells[start])
        number = f"{match.group(1)}.{match.group(2)}"
        cells = list(range(start + 1, end))
        section = next(
            (i for i in cells if notebook.cells[i].source.lstrip().startswith("## ")),
            None,
        )
        if section is not None:
            cells = [i for i in cells if i < section]
        found.append((start, number, kind, cells))
    return found


def worked_solution(cells):
    """The text of an exercise's worked solution (its markdown cells tagged ``solution``), without
    the folding admonition around it."""
    parts = []
    for cell in cells:
        if cell.cell_type == "markdown" and "solution" in cell.metadata.get("tags", []):
            text = re.sub(r"^:::\{admonition\}.*\n(?::\w+:.*\n)*", "", cell.source)
            parts.append(re.sub(r"\n:::\s*$", "", text).strip())
    return "\n\n".join(parts)


def answer_cell(number, kind, model_answer, marking):
    """The manually graded answer cell of exercise ``number``: what it is marked on, then the model
    answer between the solution markers (nbgrader shows the student "YOUR ANSWER HERE" there)."""
    rubric = RUBRIC_OF[kind]
    points, criteria = marking[rubric]
    what = (
        "your answer"
        if kind == "conceptual"
        else "your prediction, runs and explanation"
    )
    marked = f"{points} points"
    if len(criteria) > 1:
        each = points // len(criteria)
        marked += f": {', '.join(criteria[:-1])} and {criteria[-1]}, {each} each"
    source = (
        f"**Exercise {number}, {what}** ({marked}; the teacher's guide has the rubric).\n\n"
        f"{BEGIN}\n{model_answer or '(See the book.)'}\n{END}"
    )
    chapter, exercise = (int(part) for part in number.split("."))
    return nbformat.v4.new_markdown_cell(
        source,
        metadata={
            "nbgrader": {
                "grade": True,
                "solution": True,
                "locked": False,
                "points": points,
                "grade_id": f"ch{chapter:02d}-ex{exercise}-answer",
                "schema_version": 3,
            }
        },
    )


def source_notebook(notebook, variant=None, marking=None):
    """The chapter as nbgrader's source: answer cells added, worked solutions removed, the
    explorations' code replaced by a comment, solution cells unfolded, and with ``variant`` the
    hidden tests drawn from that seed."""
    marking = marking or rubrics()
    found = exercises(notebook)
    answers = {
        start: answer_cell(
            number,
            kind,
            worked_solution([notebook.cells[i] for i in cells]),
            marking,
        )
        for start, number, kind, cells in found
        if kind in RUBRIC_OF
    }
    names = {
        i: f"Exercise {number}" for start, number, _, cells in found for i in cells
    }
    prepared = []
    for index, cell in enumerate(notebook.cells):
        cell = nbformat.from_dict(cell)
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            if cell.cell_type == "markdown":
                continue
            if not cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = f"# {names.get(index, 'This exercise')}: YOUR CODE HERE"
            cell.metadata["tags"] = [
                t for t in tags if t not in ("solution", "hide-cell")
            ]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
            cell.metadata.pop("jupyter", None)
            cell.outputs, cell.execution_count = [], None
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if variant is not None and HIDDEN.search(cell.source):
            cell.source = HIDDEN.sub(
                lambda m, g=grade_id: (
                    m.group(1)
                    + variants.hidden_tests(g, m.group(2).splitlines()[0], variant)
                    + m.group(3)
                ),
                cell.source,
            )
        prepared.append(cell)
        if index in answers:
            prepared.append(answers[index])
    result = nbformat.from_dict(notebook)
    result.cells = prepared
    return result


def graded_cell_ids(notebook):
    """The grade ids of the cells nbgrader records for a notebook (graded, answer or read-only)."""
    return {
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if any(
            cell.metadata.get("nbgrader", {}).get(key)
            for key in ("grade", "solution", "locked")
        )
    }


def refuse_changed_graded_cells(course, prepared):
    """Raise ValueError, before anything is written, if a chapter with submissions would change
    its graded cells (``prepared``: {assignment: source notebook})."""
    database = Path(course) / "gradebook.db"
    if not database.exists():
        return
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for assignment, notebook in prepared.items():
            try:
                recorded = gradebook.find_notebook(assignment, assignment)
            except MissingEntry:
                continue
            if not recorded.submissions:
                continue
            old = {cell.name for cell in recorded.source_cells}
            new = graded_cell_ids(notebook)
            if old != new:
                problems.append(
                    f"{assignment} has {len(recorded.submissions)} submission(s) and its graded "
                    f"cells would change (added: {sorted(new - old) or 'none'}; removed: "
                    f"{sorted(old - new) or 'none'})"
                )
    if problems:
        raise ValueError(
            "not rebuilt, nothing written: "
            + "; ".join(problems)
            + ". nbgrader grades submissions against the cells they were released with: keep "
            "those cells, or release the change as a new assignment."
        )


def chapter_modules(book_dir):
    """The modules a chapter imports, as the zip ships them: mlp_core's, then the helpers of
    ``book_dir`` (with the .css and .js files they read)."""
    at_root = [ROOT / module for module in notebook_bundle.root_modules(ROOT)]
    return at_root + notebook_bundle.helper_files(book_dir)


def install_course_files(course):
    """Copy nbgrader's configuration and the course's plugins from classroom/ into ``course``."""
    for name in COURSE_FILES:
        source, target = CLASSROOM / name, Path(course) / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)


def build_course(
    book_dir, course, notebooks=None, variant=None, term_start=None, plan=None
):
    """Build or rebuild the course in ``course`` from the chapters of ``book_dir`` (all, or the
    file names in ``notebooks``), in place: release each chapter as its own assignment and return
    ``{assignment: its released folder}``. With ``term_start`` (a date), each assignment gets the
    due date of ``plan`` (classroom/course_term.py)."""
    book_dir, course = Path(book_dir), Path(course)
    paths = sorted(book_dir.glob("[0-9][0-9]_*.ipynb"))
    if notebooks is not None:
        paths = [path for path in paths if path.name in notebooks]
    if not paths:
        raise FileNotFoundError(
            f"no chapter (NN_name.ipynb) in {book_dir.resolve()}"
            + (f" among {sorted(notebooks)}" if notebooks is not None else "")
        )
    marking = rubrics()
    prepared = {
        assignment_id(path): source_notebook(
            nbformat.read(path, as_version=4), variant, marking
        )
        for path in paths
    }
    refuse_changed_graded_cells(course, prepared)
    course.mkdir(parents=True, exist_ok=True)
    install_course_files(course)
    helpers = chapter_modules(book_dir)
    released = {}
    for assignment, notebook in prepared.items():
        source = course / "source" / assignment
        if source.exists():
            shutil.rmtree(source)
        source.mkdir(parents=True)
        nbformat.write(notebook, source / f"{assignment}.ipynb")
        for helper in helpers:
            shutil.copy(helper, source / helper.name)
        for folder in FOLDERS:
            if (book_dir / folder).is_dir():
                shutil.copytree(book_dir / folder, source / folder)
        nbgrader_commands.run(
            ["generate_assignment", assignment, "--force"], cwd=course
        )
        released[assignment] = course / "release" / assignment
    if term_start is not None:
        import course_term

        for assignment, due in course_term.due_dates(term_start, plan).items():
            if assignment in released:
                nbgrader_commands.run(
                    ["db", "assignment", "add", assignment, f"--duedate={due}"],
                    cwd=course,
                )
    return released


# What a student installs: what a reader does (the zip's), and nbgrader's student extension.
STUDENT = (*dependencies.READER, "student")


def at_least(name, version):
    """A requirement line that keeps any newer version already installed (a hub's own)."""
    return f"{name}>={version}"


def student_constraints():
    """constraints.txt: the exact versions the book is tested with: the zip's packages (the
    tests' one reader environment is made from them) and nbgrader."""
    return dependencies.requirements_text(STUDENT)


def student_requirements():
    """requirements.txt: the same packages, each at least its tested version and never capped,
    so that it installs into an existing JupyterHub without downgrading it."""
    return (
        "# What the chapters need, and nbgrader for fetching, validating and submitting them:\n"
        "# at least the versions the book is tested with, never capped, so that a hub keeps its\n"
        "# own newer ones. For exactly the tested versions, add -c constraints.txt.\n"
        + "".join(at_least(*package) + "\n" for package in dependencies.pinned(STUDENT))
    )


def write_student_edition(
    book_dir, out_dir, course=None, notebooks=None, variant=None, **term
):
    """Build the course (``course``, default course/) and write the student edition, every released
    chapter with its helpers in one folder, to ``out_dir``; return the paths of its notebooks."""
    out_dir = Path(out_dir)
    released = build_course(
        book_dir, course or DEFAULT_COURSE, notebooks, variant, **term
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for folder in released.values():
        shutil.copytree(folder, out_dir, dirs_exist_ok=True)
    (out_dir / "requirements.txt").write_text(student_requirements())
    (out_dir / "constraints.txt").write_text(student_constraints())
    shutil.copy(STUDENT_README, out_dir / "README.md")
    return sorted(out_dir.glob("*.ipynb"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", nargs="?", default="book")
    parser.add_argument("out", nargs="?", default="_build/student")
    parser.add_argument("--course", default=str(DEFAULT_COURSE))
    parser.add_argument("--variant", type=int, default=None)
    parser.add_argument("--term-start", default=None)
    parser.add_argument("--plan", default=None)
    options = parser.parse_args(argv)
    term = {}
    if options.term_start:
        term = {"term_start": options.term_start, "plan": options.plan}
    for path in write_student_edition(
        options.book, options.out, options.course, variant=options.variant, **term
    ):
        print(f"wrote {path}")
    print(f"the course, to grade from: {Path(options.course).resolve()}")


if __name__ == "__main__":
    sys.exit(main())
