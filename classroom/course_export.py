"""Grades as a CSV a gradebook imports: one row per student, a column per chapter, and the total.

``nbgrader export --to grades.csv`` (nbgrader_config.py makes this its exporter) writes the layout
of Canvas's gradebook import, the example format (other gradebooks read the same CSV):

    Student,ID,SIS User ID,SIS Login ID,Section,Chapter 2: Constants,...,Final Points
        Points Possible,,,,,10,...,128
    "Lovelace, Ada",4711,ada,ada@example.edu,,9.5,...,101.5

- Student is "last, first"; ID is the LMS's own id (nbgrader's ``lms_user_id``), SIS User ID the
  nbgrader student id, SIS Login ID the email: all from the roster the teacher imported
  (``nbgrader db student import roster.csv``). Canvas matches a row by any of its ids.
- One column per chapter with points (a new column name makes Canvas create that assignment;
  rename a column to an existing assignment's "Name (id)" to fill that one instead), after a
  "Points Possible" row.
- A chapter's cell holds the points after the late policy (course_term.py): auto-graded and
  manually graded points together. It is **empty**, never 0, when the submission could not be
  graded or still awaits manual grading (Canvas leaves an empty cell's grade as it was); 0 means
  nothing was handed in. Each empty cell is logged with its reason (course_report.py).
- Final Points is the sum, empty while any chapter is empty. Canvas computes its own totals and
  ignores this read-only column on import.
"""

import csv
import re
from pathlib import Path

import nbformat
from nbgrader.plugins import ExportPlugin

import course_report

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = (
    "    Points Possible"  # Canvas's own spelling, leading spaces included
)
TOTAL = "Final Points"


def chapter_title(course, assignment):
    """'Chapter 7: The MSE loss' from the source notebook's first heading ('7. The MSE loss',
    its number dropped since the column names it), else the id."""
    path = Path(course) / "source" / assignment / f"{assignment}.ipynb"
    if path.exists():
        for cell in nbformat.read(path, as_version=4).cells:
            for line in cell.source.splitlines():
                if cell.cell_type == "markdown" and line.startswith("# "):
                    title = re.sub(r"^\d+\.\s+", "", line[2:].strip())
                    return f"Chapter {int(assignment[:2])}: {title}"
    return assignment


def _number(value):
    return "" if value is None else f"{value:g}"


def rows(gradebook, course):
    """The CSV's rows (lists of strings), header and Points Possible included, and the notes on
    every empty chapter cell."""
    assignments = sorted(
        (a for a in gradebook.assignments if a.max_score > 0), key=lambda a: a.name
    )
    states = {a.name: course_report.states(course, a.name) for a in assignments}
    header = IDENTITY + [chapter_title(course, a.name) for a in assignments] + [TOTAL]
    possible = [POINTS_POSSIBLE, "", "", "", ""] + [
        _number(a.max_score) for a in assignments
    ]
    possible.append(_number(sum(a.max_score for a in assignments)))
    table, notes = [header, possible], []
    students = sorted(
        gradebook.students, key=lambda s: (s.last_name or "", s.first_name or "", s.id)
    )
    for student in students:
        marks = []
        for assignment in assignments:
            state = states[assignment.name].get(student.id)
            final = state.final if state else 0.0
            if final is None:
                notes.append(
                    f"{student.id}, {assignment.name}: left empty, {state.status} "
                    f"({'; '.join(state.notes)})"
                )
            marks.append(final)
        total = None if None in marks else round(sum(marks), 2)
        name = ", ".join(
            part for part in (student.last_name, student.first_name) if part
        )
        table.append(
            [
                name or student.id,
                student.lms_user_id or "",
                student.id,
                student.email or "",
                "",
            ]
            + [_number(mark) for mark in marks]
            + [_number(total)]
        )
    return table, notes


class CanvasExport(ExportPlugin):
    """nbgrader's export plugin for the CSV above (``--to`` names the file; grades.csv)."""

    def export(self, gradebook):
        destination = Path(self.to or "grades.csv")
        coursedir = getattr(self.parent, "coursedir", None)
        table, notes = rows(gradebook, Path(coursedir.root if coursedir else "."))
        with destination.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table)
        for note in notes:
            self.log.warning(note)
        self.log.info("Wrote %d students' grades to %s", len(table) - 2, destination)
