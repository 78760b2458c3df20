"""The course's plugins (classroom/), on their own and without running a chapter: the feedback's
MyST and maths on every chapter, what a failed test says, the term's dates and late policy (and the
guide's tables of them are `make sync`'s: tests/test_derived_files.py), a renamed or broken notebook at collect, the confined kernel's spec."""

import json
import re
from pathlib import Path

import mistune
import nbformat
import pytest

import confined_kernel
import course_export
import course_feedback
import course_term
import course_tidy

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
MARKDOWN = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def without_code(html):
    html = re.sub(r"<pre.*?</pre>", "", html, flags=re.S)
    return re.sub(r"<code.*?</code>", "", html, flags=re.S)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_feedback_renders_every_chapters_myst_and_maths(path):
    notebook = nbformat.read(path, as_version=4)
    numbers = course_feedback.equation_numbers(notebook)
    formulas = rendered = 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        html = course_feedback.render_markdown(
            cell.source, numbers, course_feedback.stored_values(cell), MARKDOWN
        )
        text = without_code(html)
        assert not re.search(r"\{(eq|eval|doc)\}`|^:::|\$", text, re.M), text[:500]
        source = re.sub(r"```.*?```|`[^`\n]+`", "", cell.source, flags=re.S)
        formulas += len(re.findall(r"\$\$.+?\$\$", source, re.S))
        formulas += len(
            re.findall(
                r"(?<![\\$])\$(?:[^$\n]|\n(?![ \t]*\n))+?\$",
                re.sub(r"\$\$.+?\$\$", "", source, flags=re.S),
            )
        )
        rendered += html.count("<math")
        for name, value in course_feedback.stored_values(cell).items():
            assert f"{{eval}}`{name}`" not in html and value in html
    assert rendered == formulas
    assert formulas > 0 or path.stem == "11_playground"  # the playground has no maths


def test_an_equation_reference_is_its_number():
    notebook = nbformat.read(ROOT / "book" / "07_mse_loss.ipynb", as_version=4)
    numbers = course_feedback.equation_numbers(notebook)
    html = course_feedback.render_markdown(
        "The loss {eq}`eq-ch7-mse`.", numbers, {}, MARKDOWN
    )
    assert f'<a href="#eq-ch7-mse">({numbers["eq-ch7-mse"]})</a>' in html


def output(**fields):
    return nbformat.from_dict(fields)


@pytest.mark.parametrize(
    "outputs, said",
    [
        (
            [
                output(
                    output_type="stream",
                    name="stdout",
                    text="Not yet: it is twice the loss.\n",
                ),
                output(
                    output_type="error",
                    ename="AssertionError",
                    evalue="",
                    traceback=["x"],
                ),
            ],
            ["Not yet: it is twice the loss."],
        ),
        (
            [
                output(
                    output_type="stream", name="stdout", text="Right: it matches.\n"
                ),
                output(
                    output_type="error",
                    ename="AssertionError",
                    evalue="",
                    traceback=["x"],
                ),
            ],
            ["Right: it matches.", "One of the grader's own cases failed."],
        ),
        (
            [
                output(
                    output_type="error",
                    ename="NameError",
                    evalue="name 'f' is not defined",
                    traceback=[],
                )
            ],
            ["NameError: name 'f' is not defined"],
        ),
        (
            [
                output(
                    output_type="error",
                    ename="CellTimeoutError",
                    evalue="",
                    traceback=[],
                )
            ],
            ["The grader's tests did not finish in time, and were stopped."],
        ),
    ],
)
def test_a_failed_test_says_one_sentence_and_no_hidden_assert(outputs, said):
    cell = nbformat.v4.new_code_cell("assert my_f(2) == 4", outputs=outputs)
    assert course_feedback.test_summary(cell) == said


def test_each_plan_is_due_on_sundays_and_holds_every_chapter_once():
    chapters = {path.stem for path in CHAPTERS}
    for plan in course_term.PLANS:
        due = course_term.due_dates("2027-01-11", plan)
        part_one = {c for c in chapters if int(c[:2]) <= 11}
        assert set(due) == (chapters if plan == "with Part II" else part_one)
        assert due["01_introduction"] == "2027-01-17 23:59:00"  # the Sunday of week 1
        assert len(course_term.PLANS[plan]) == 12
    with pytest.raises(ValueError, match="Monday"):
        course_term.due_dates("2027-01-12")
    with pytest.raises(ValueError, match="no plan"):
        course_term.due_dates("2027-01-11", "Part III")


@pytest.mark.parametrize(
    "late, kept",
    [
        (0, 1.0),
        (1, 0.9),
        (86400, 0.9),
        (86401, 0.8),
        (5 * 86400, 0.5),
        (5 * 86400 + 1, 0.0),
    ],
)
def test_the_late_policy(late, kept):
    assert course_term.marks_kept(late) == kept


def test_collect_gives_a_renamed_notebook_its_name_and_names_a_broken_one(tmp_path):
    renamed, broken = tmp_path / "renamed", tmp_path / "broken"
    renamed.mkdir(), broken.mkdir()
    (renamed / "07_mse_loss (1).ipynb").write_text(json.dumps({"cells": []}))
    (broken / "07_mse_loss.ipynb").write_text('{"cells": [')
    assert course_tidy.tidy_folder(renamed, ["07_mse_loss"]) == [
        "renamed 07_mse_loss (1).ipynb to 07_mse_loss.ipynb"
    ]
    assert (renamed / "07_mse_loss.ipynb").exists()
    notes = course_tidy.tidy_folder(broken, ["07_mse_loss"])
    assert len(notes) == 1 and "not valid JSON" in notes[0]


def test_the_confined_kernel_runs_as_the_account_it_names(tmp_path):
    folder = confined_kernel.install(tmp_path, "nbgrader-grader", "/opt/hub/bin/python")
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][-1] == "{connection_file}"
    assert spec["argv"][2:6] == [
        "--user",
        "nbgrader-grader",
        "--python",
        "/opt/hub/bin/python",
    ]


@pytest.mark.parametrize("heading", ["# 7. The MSE loss", "# The MSE loss"])
def test_a_chapter_column_is_named_once_by_its_number(tmp_path, heading):
    """The website numbers every chapter's title; the export's column already names the number."""
    source = tmp_path / "source" / "07_mse_loss"
    source.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(heading)])
    nbformat.write(notebook, source / "07_mse_loss.ipynb")
    assert (
        course_export.chapter_title(tmp_path, "07_mse_loss")
        == "Chapter 7: The MSE loss"
    )
    assert course_export.chapter_title(tmp_path, "08_none") == "08_none"
