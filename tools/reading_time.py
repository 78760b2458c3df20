"""Measure how long each chapter takes: reading, quiz and exercises, in minutes.

The teacher's guide (book/teachers_guide.md) states these numbers in a table between the markers
<!-- reading-time table --> and <!-- end reading-time table -->, written by `make sync` from
`guide_table()` (tools/derived_files.toml); `make check` fails while the table is stale, so the two
cannot drift. The guide's lesson plans quote these times by hand: tests/test_reading_time.py checks
them.

How a chapter is measured (the constants below):
- reading: the words of prose the website shows (tools/word_count.py: markdown outside code,
  maths, MyST syntax and folded solutions) at WORDS_PER_MINUTE, plus MINUTES_PER_CODE_CELL for
  each visible code cell (one whose code is shown unfolded: not tagged remove-input, remove-cell,
  hide-input, hide-cell or solution), to read it, run it and look at its output;
- quiz: MINUTES_PER_QUIZ_QUESTION for each question of the chapter's quiz (book/quiz.py);
- exercises: MINUTES_PER_EXERCISE of its kind for each exercise, reading the folded solution
  included. An exercise is `coding` if a code cell of it holds nbgrader's `### BEGIN SOLUTION`,
  an `exploration` if its text opens with "An exploration" or it is the third of its chapter (the
  book's order: conceptual, coding, exploration), and `conceptual` otherwise.
Maths is not counted separately: its time is the margin of the rounding to whole minutes (each
column of each chapter is rounded up).

Usage, from the repository root:
    .venv/bin/python tools/reading_time.py   # chapters 1-14: a table and the totals
"""

import math
import re
import sys
from pathlib import Path

import nbformat

import quiz
import word_count

ROOT = Path(__file__).resolve().parent.parent

# Technical prose, read attentively: about 150 words a minute.
WORDS_PER_MINUTE = 150
# Reading, running and looking at the output of one visible code cell.
MINUTES_PER_CODE_CELL = 0.5
# Answering one quiz question and reading its feedback.
MINUTES_PER_QUIZ_QUESTION = 1
# Doing one exercise, then reading its solution.
MINUTES_PER_EXERCISE = {"conceptual": 10, "coding": 20, "exploration": 15}

HIDDEN_CODE_TAGS = {
    "remove-input",
    "remove-cell",
    "hide-input",
    "hide-cell",
    "solution",
}
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+)\.(\d+)", re.M)


def visible_code_cells(notebook):
    """The number of code cells whose code the website shows unfolded."""
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        and not HIDDEN_CODE_TAGS & set(cell.get("metadata", {}).get("tags", []))
    )


def exercise_kinds(notebook):
    """The kind of each exercise of the notebook, in order (see the module's docstring)."""
    exercises = []  # [number within the chapter, its text, has a coding solution]
    for cell in notebook.cells:
        heading = (
            EXERCISE_HEADING.search(cell.source)
            if cell.cell_type == "markdown"
            else None
        )
        if heading:
            text = cell.source[heading.end() :].split("\n", 1)[-1].strip()
            exercises.append([int(heading.group(2)), text, False])
        elif cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            exercises.append(None)  # a new section ends the exercise before it
        elif exercises and exercises[-1] and "### BEGIN SOLUTION" in cell.source:
            exercises[-1][2] = True
    kinds = []
    for number, text, coding in filter(None, exercises):
        if coding:
            kinds.append("coding")
        elif text.startswith("An exploration") or number == 3:
            kinds.append("exploration")
        else:
            kinds.append("conceptual")
    return kinds


def measure(path):
    """A dict of one chapter: its words, visible code cells, quiz questions, exercise kinds, and
    the minutes of reading, quiz and exercises (each rounded up to a whole minute)."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    chapter = int(path.name[:2])
    words = word_count.notebook_words(path)
    cells = visible_code_cells(notebook)
    questions = len(quiz.load(chapter).questions) if chapter in quiz.chapters() else 0
    kinds = exercise_kinds(notebook)
    return {
        "chapter": chapter,
        "name": path.stem,
        "words": words,
        "code_cells": cells,
        "questions": questions,
        "exercises": kinds,
        "reading": math.ceil(words / WORDS_PER_MINUTE + cells * MINUTES_PER_CODE_CELL),
        "quiz": math.ceil(questions * MINUTES_PER_QUIZ_QUESTION),
        "exercise_minutes": sum(MINUTES_PER_EXERCISE[kind] for kind in kinds),
    }


def table(paths=None):
    """One measure() per chapter (1-14 by default)."""
    return [measure(path) for path in paths or word_count.chapters(last=14)]


def totals(rows):
    """The sums of the minute columns, and of all three."""
    sums = {
        key: sum(row[key] for row in rows)
        for key in ("reading", "quiz", "exercise_minutes")
    }
    sums["total"] = sum(sums.values())
    return sums


def markdown_rows(rows):
    """The guide's table, one line per chapter then the totals (Markdown)."""
    lines = [
        "| chapter | words | code cells | reading | quiz | exercises | total |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        each = " + ".join(str(MINUTES_PER_EXERCISE[kind]) for kind in row["exercises"])
        lines.append(
            f"| {{doc}}`{row['name']}` | {row['words']:,} | {row['code_cells']} "
            f"| {row['reading']} min | {row['quiz']} min "
            f"| {row['exercise_minutes']} min{f' ({each})' if each else ''} "
            f"| {row['reading'] + row['quiz'] + row['exercise_minutes']} min |"
        )
    sums = totals(rows)
    words = sum(row["words"] for row in rows)
    cells = sum(row["code_cells"] for row in rows)
    lines.append(
        f"| **all fourteen** | {words:,} | {cells} | {sums['reading']} min "
        f"| {sums['quiz']} min | {sums['exercise_minutes']} min | {sums['total']} min |"
    )
    return "\n".join(lines) + "\n"


def guide_table():
    """The teacher's guide's table of chapters 1-14 (`make sync` writes it there)."""
    return markdown_rows(table())


def main():
    rows = table()
    print(
        f"{'chapter':<26} {'words':>6} {'cells':>5} {'reading':>7} {'quiz':>4} "
        f"{'exercises':>9} {'total':>5}   (minutes)"
    )
    for row in rows:
        print(
            f"{row['name']:<26} {row['words']:6d} {row['code_cells']:5d} {row['reading']:7d} "
            f"{row['quiz']:4d} {row['exercise_minutes']:9d} "
            f"{row['reading'] + row['quiz'] + row['exercise_minutes']:5d}"
        )
    sums = totals(rows)
    print(
        f"{'total':<26} {sum(r['words'] for r in rows):6d} "
        f"{sum(r['code_cells'] for r in rows):5d} {sums['reading']:7d} {sums['quiz']:4d} "
        f"{sums['exercise_minutes']:9d} {sums['total']:5d}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
