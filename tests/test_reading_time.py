"""The teacher's lesson plans use the times tools/reading_time.py measures, and the tool measures
what it says: exercise kinds in the book's order, hidden code left out. (The guide's table of times
is written by `make sync`: tests/test_derived_files.py.)"""

import re
from pathlib import Path

import nbformat

import reading_time

GUIDE = Path(__file__).resolve().parent.parent / "book" / "teachers_guide.md"


def test_the_lesson_plan_uses_the_measured_times():
    """Each block of the 90-minute lesson lasts as long as the material it names, and the blocks
    add up to 90 minutes."""
    text = GUIDE.read_text()
    lesson = text.split("## A 90-minute lesson", 1)[1].split("\n## ", 1)[0]
    measured = {row["name"]: row for row in reading_time.table()}
    blocks = re.findall(r"^\| (\d+)-(\d+) \|.*\|(.*)\|$", lesson, re.M)
    assert blocks and blocks[0][0] == "0" and blocks[-1][1] == "90"
    for (start, end, material), (next_start, _, _) in zip(
        blocks, blocks[1:] + [("90",) * 3]
    ):
        assert end == next_start, f"the block {start}-{end} does not meet the next"
        named = re.search(
            r"\{doc\}`(\w+)`, (reading|quiz|a \w+ exercise) \((\d+) min\)", material
        )
        if not named:
            continue
        chapter, what, minutes = named.groups()
        expected = (
            measured[chapter]["reading"]
            if what == "reading"
            else measured[chapter]["quiz"]
            if what == "quiz"
            else reading_time.MINUTES_PER_EXERCISE[what.split()[1]]
        )
        assert int(minutes) == expected == int(end) - int(start), (start, end, material)


def test_exercises_come_conceptual_coding_exploration():
    rows = reading_time.table()
    assert [row["chapter"] for row in rows] == list(range(1, 15))
    for row in rows:
        if row["chapter"] == 1:
            assert row["exercises"] == ["conceptual", "exploration"]
        elif row["chapter"] == 11:
            assert row["exercises"] == []
        else:
            assert row["exercises"] == ["conceptual", "coding", "exploration"], row[
                "name"
            ]


def test_hidden_code_is_not_read(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(" ".join(["word"] * 300)),
        nbformat.v4.new_code_cell("shown = 1"),
        nbformat.v4.new_code_cell("hidden = 1", metadata={"tags": ["remove-input"]}),
        nbformat.v4.new_code_cell("folded = 1", metadata={"tags": ["hide-cell"]}),
        nbformat.v4.new_markdown_cell("### Exercise 99.1: why\n\nThink."),
        nbformat.v4.new_markdown_cell("### Exercise 99.2: code\n\nWrite it."),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"),
        nbformat.v4.new_markdown_cell("### Exercise 99.3: try\n\nTry it."),
    ]
    path = tmp_path / "99_planted.ipynb"
    nbformat.write(notebook, path)
    row = reading_time.measure(path)
    assert row["code_cells"] == 2  # the shown cell and the solution (not tagged)
    assert row["exercises"] == ["conceptual", "coding", "exploration"]
    assert (
        row["words"] == 300 + 4 + 5 + 5
    )  # the exercises' headings and texts count as prose
    # 314 words at 150 a minute, 2.09 minutes, and two cells at half a minute: 3.09, rounded up.
    assert row["reading"] == 4
    assert row["exercise_minutes"] == 10 + 20 + 15
