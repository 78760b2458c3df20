"""After each autograde: every submission's state, and what the teacher should know about it.

    python -m course_report 07_mse_loss          (in the course's folder)

prints one line per student of the gradebook: graded (with the points and anything worth a look:
a note of course_tidy.py, a cell stopped by the time limit, an output cut, lateness), awaiting
manual grading (which answers), not submitted, or **not graded**, with the reason when it can be
told (a file that is not a notebook, no notebook of the released name, or where nbgrader's own log
says why). It exits 1 when a submission could not be graded, so a script notices.

``states(course, assignment)`` is the same judgement as data; course_export.py leaves a chapter's
cell empty, never 0, for a submission that is not graded or awaits manual grading.
"""

import dataclasses
import json
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

import course_term
import course_tidy

GRADED, MANUAL, NOT_GRADED, NOT_SUBMITTED = (
    "graded",
    "awaiting manual grading",
    "not graded",
    "not submitted",
)


@dataclasses.dataclass
class State:
    status: str  # one of GRADED, MANUAL, NOT_GRADED, NOT_SUBMITTED
    score: float = None  # points before any late penalty (graded submissions)
    max_score: float = None
    seconds_late: float = 0.0
    notes: list = dataclasses.field(default_factory=list)

    @property
    def final(self):
        """The points that count: the score times what the late policy keeps (course_term)."""
        if self.status != GRADED:
            return 0.0 if self.status == NOT_SUBMITTED else None
        return round(self.score * course_term.marks_kept(self.seconds_late), 2)


def _course_id(course):
    """The course id nbgrader_config.py sets (read without running nbgrader)."""
    text = (Path(course) / "nbgrader_config.py").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("c.CourseDirectory.course_id"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return ""


def _not_graded_reason(folder, notebooks):
    """Why a submission has no autograded notebook, as far as its files tell."""
    folder = Path(folder)
    reasons = []
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            found = sorted(p.name for p in folder.glob("*.ipynb")) or ["no notebook"]
            reasons.append(f"no {name}.ipynb was handed in (found: {', '.join(found)})")
            continue
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            reasons.append(f"{path.name} is not valid JSON ({error})")
            continue
        try:
            nbformat.read(path, as_version=4)
        except Exception as error:  # nbformat's own complaint, as a sentence
            reasons.append(f"{path.name} is not a valid notebook ({error})")
    return "; ".join(reasons) or (
        "nbgrader stopped on it: `nbgrader autograde ASSIGNMENT --student STUDENT --force` "
        "shows why"
    )


def _run_notes(path):
    """What the autograded notebook shows: cells stopped by the time limit, outputs cut."""
    notes = []
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error" and output.ename == "CellTimeoutError":
                notes.append(f"cell {index} was stopped by the time limit")
            if (
                output.output_type == "stream"
                and "more characters cut by the grader" in output.text
            ):
                notes.append(f"cell {index} printed too much: its output was cut")
    return notes


def states(course, assignment):
    """``{student: State}`` for every student of the gradebook (and anyone who handed in)."""
    course = Path(course)
    with Gradebook(
        f"sqlite:///{course / 'gradebook.db'}", _course_id(course)
    ) as gradebook:
        record = gradebook.find_assignment(assignment)
        notebooks = [notebook.name for notebook in record.notebooks]
        students = {student.id for student in gradebook.students}
        submitted_root = course / "submitted"
        if submitted_root.is_dir():
            students |= {
                path.parent.name for path in submitted_root.glob(f"*/{assignment}")
            }
        found = {}
        for student in sorted(students):
            submitted = submitted_root / student / assignment
            autograded = course / "autograded" / student / assignment
            notes = course_tidy.read_notes(course, assignment, student)
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            if not submitted.is_dir() and submission is None:
                found[student] = State(NOT_SUBMITTED, notes=notes)
                continue
            missing = [n for n in notebooks if not (autograded / f"{n}.ipynb").exists()]
            if missing or submission is None:
                reason = _not_graded_reason(submitted, missing or notebooks)
                found[student] = State(NOT_GRADED, notes=notes + [reason])
                continue
            for name in notebooks:
                notes += _run_notes(autograded / f"{name}.ipynb")
            late = submission.total_seconds_late
            if late > 0:
                notes.append(course_term.late_note(late))
            pending = [
                grade.name
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.needs_manual_grade
            ]
            if pending:
                notes.append(f"to mark: {', '.join(pending)}")
            found[student] = State(
                MANUAL if pending else GRADED,
                score=submission.score,
                max_score=submission.max_score,
                seconds_late=late,
                notes=notes,
            )
    return found


def report(course, assignment):
    """The report's lines, one per student."""
    lines = []
    for student, state in states(course, assignment).items():
        what = state.status
        if state.status == GRADED:
            what += f" {state.final:g} / {state.max_score:g}"
        detail = f": {'; '.join(state.notes)}" if state.notes else ""
        lines.append(f"{student:<16} {what}{detail}")
    return lines


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: python -m course_report ASSIGNMENT   (in the course's folder)")
    for line in report(Path.cwd(), argv[0]):
        print(line)
    return (
        1
        if any(s.status == NOT_GRADED for s in states(Path.cwd(), argv[0]).values())
        else 0
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
