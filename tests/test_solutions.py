"""One "Solution" fold per exercise on the website, without nbgrader's markers (_ext/solutions.py).

The transform on a page built by hand, as myst-nb renders an exercise: a dropdown admonition
titled "Solution" (a markdown cell) next to a code cell tagged `solution` and `hide-cell`. The
browser tests check every built page (`test_page[PAGE-solutions_fold_alike]`).
"""

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

import solutions

CODE = """import checks


def my_loss(Y, Y_hat):
    ### BEGIN SOLUTION
    return ((Y - Y_hat) ** 2).mean() / 2
    ### END SOLUTION


passed = checks.check_loss(my_loss)
"""


def dropdown(title, text):
    admonition = nodes.admonition(classes=["dropdown"])
    admonition += nodes.title(text=title)
    admonition += nodes.paragraph(text=text)
    return admonition


def solution_code(code=CODE):
    cell = nodes.container(
        nb_element="cell_code", classes=["cell", "tag_solution", "tag_hide-cell"]
    )
    cell["hide_mode"] = "all"
    source = nodes.container(nb_element="cell_code_source", classes=["cell_input"])
    source += nodes.literal_block(code, code)
    cell += source
    return cell


def page(*children):
    document = new_document("chapter", get_default_settings(Parser))
    section = nodes.section()
    section.extend(children)
    document += section
    solutions.FoldSolutions(document).apply()
    return section


def test_adjacent_parts_of_a_solution_become_one_labelled_fold():
    section = page(
        nodes.paragraph(text="Exercise 7.3: the task."),
        dropdown("Solution", "Why it is so."),
        solution_code(),
        nodes.paragraph(text="Exercise 7.4: the next task."),
        solution_code("print(1)\n"),
    )
    folds = [child for child in section if isinstance(child, solutions.solution)]
    assert [fold["label"] for fold in folds] == ["Solution", "Solution"]
    first = folds[0]
    assert (
        isinstance(first[0], nodes.paragraph) and first[0].astext() == "Why it is so."
    )
    assert not any(isinstance(child, nodes.admonition) for child in section.findall())
    code = first[1]
    assert "hide_mode" not in code.attributes  # myst-nb does not fold it a second time
    assert section[0].astext() == "Exercise 7.3: the task."
    assert section[2].astext() == "Exercise 7.4: the next task."


def test_the_code_shown_has_no_grading_markers():
    fold = page(solution_code())[0]
    block = next(fold.findall(nodes.literal_block))
    assert "###" not in block.astext() and "###" not in block.rawsource
    assert "    return ((Y - Y_hat) ** 2).mean() / 2\n" in block.astext()
    assert block.astext().count("\n") == CODE.count("\n") - 2


def test_a_titled_solution_keeps_its_title_and_other_dropdowns_stay():
    section = page(
        dropdown("Solution: does division keep the bound?", "Yes."),
        dropdown("A note", "Not a solution."),
    )
    assert section[0]["label"] == "Solution: does division keep the bound?"
    assert isinstance(section[1], nodes.admonition)
