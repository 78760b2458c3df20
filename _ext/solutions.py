"""One fold per exercise's solution on the website, labelled "Solution", without grading markers.

In the notebooks a solution is a markdown cell holding a dropdown admonition titled "Solution",
or a code cell tagged ``solution`` and ``hide-cell``, or both in turn; coding exercises mark their
solution code with nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines, which the
student edition needs (tools/student_edition.py) and JupyterLab shows. On the website Jupyter
Book would show three kinds of fold for them: the admonition's dropdown, myst-nb's "Show code cell
content", and the markers themselves. This Sphinx extension gives every solution one fold instead:

- each run of adjacent solution parts (a dropdown admonition whose title starts with "Solution",
  a code cell tagged ``solution``) becomes one ``<details class="bfs-solution">`` whose summary is
  the admonition's title ("Solution", or "Solution: ..."), holding the parts in their order;
- nbgrader's marker lines are removed from the code shown (the notebooks keep them).

Plain HTML, so the fold works without JavaScript and with the keyboard, and a screen reader names
it by the text it shows. Loaded by `sphinx: local_extensions` in _config.yml;
tests/test_site.py checks every page (`test_page[PAGE-solutions_fold_alike]`).
"""

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

SOLUTION_TAG = "tag_solution"
SOLUTION_TITLE = "Solution"
# nbgrader's marker lines, kept in the notebooks for the student edition.
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\n?", re.M)


class solution(nodes.General, nodes.Element):
    """One solution's fold; ``label`` is its summary."""


def is_solution_code(node):
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "cell_code"
        and SOLUTION_TAG in node["classes"]
    )


def solution_title(node):
    """The title of a solution's dropdown admonition, or None if ``node`` is not one."""
    if not isinstance(node, nodes.admonition) or "dropdown" not in node["classes"]:
        return None
    titles = [child for child in node.children if isinstance(child, nodes.title)]
    text = titles[0].astext().strip() if titles else ""
    return text if text.startswith(SOLUTION_TITLE) else None


def without_markers(code_cell):
    """Remove nbgrader's marker lines from the code a cell shows; show it unfolded (the
    solution's fold folds it)."""
    code_cell.attributes.pop("hide_mode", None)
    for block in code_cell.findall(nodes.literal_block):
        text = MARKER.sub("", block.astext())
        if text != block.astext():
            block.rawsource = text
            block.children = [nodes.Text(text)]


class FoldSolutions(SphinxTransform):
    """Each run of adjacent solution parts becomes one ``solution`` node."""

    default_priority = 500

    def apply(self):
        parents = {
            node.parent
            for node in self.document.findall(nodes.Element)
            if node.parent is not None
            and (is_solution_code(node) or solution_title(node) is not None)
        }
        for parent in parents:
            self.fold(parent)

    def fold(self, parent):
        children, run = [], []
        for child in [*parent.children, None]:
            if child is not None and (
                is_solution_code(child) or solution_title(child) is not None
            ):
                run.append(child)
                continue
            if run:
                children.append(self.folded(run))
                run = []
            if child is not None:
                children.append(child)
        parent.children = []
        parent.extend(children)

    def folded(self, parts):
        titles = [solution_title(part) for part in parts]
        fold = solution(label=next(filter(None, titles), SOLUTION_TITLE))
        fold.source, fold.line = parts[0].source, parts[0].line
        for part, title in zip(parts, titles):
            if title is None:
                without_markers(part)
                fold.append(part)
            else:
                fold.extend(
                    child
                    for child in part.children
                    if not isinstance(child, nodes.title)
                )
        return fold


def visit_solution_html(self, node):
    label = self.encode(node["label"])
    self.body.append(
        f'<details class="bfs-solution">\n<summary>{label}</summary>\n'
        '<div class="bfs-solution-body">\n'
    )


def depart_solution_html(self, node):
    self.body.append("</div>\n</details>\n")


def visit_solution_other(self, node):
    pass


def depart_solution_other(self, node):
    pass


def setup(app):
    other = (visit_solution_other, depart_solution_other)
    app.add_node(
        solution,
        html=(visit_solution_html, depart_solution_html),
        latex=other,
        text=other,
        man=other,
        texinfo=other,
    )
    app.add_transform(FoldSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
