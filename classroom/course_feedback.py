"""Feedback a student can read offline: points per exercise, the self-check's sentence for a failed
test, the maths rendered, no MyST syntax, and none of the hidden tests.

``nbgrader generate_feedback`` runs ``ForStudents`` (nbgrader_config.py adds it after nbgrader's
GetGrades) on each autograded notebook, then renders it with the template in feedback_template/:

- a graded test cell shows one line in place of its code, "Exercise 7.2: the grader's tests
  (hidden)", and in place of its output the sentence the exercise's self-check printed ("Right:
  ..." or "Not yet: ..."), or what stopped it ("NameError: name 'my_mse' is not defined", the time
  limit), or that one of the grader's own cases failed: never the hidden asserts or a traceback;
- each markdown cell (and each Markdown output) is rendered here, to HTML: MyST's roles and directives become what the
  website shows (``{eq}`` the equation's number, ``{eval}`` the value stored in the cell, an
  admonition a quoted box, a link to another chapter its title), and every formula becomes MathML,
  which browsers draw themselves: the page loads no script at all, so it works offline;
- the page lists each exercise's points, and the late policy's effect (course_term.py).
"""

import html
import re

import latex2mathml.converter
from nbconvert.preprocessors import Preprocessor
from nbgrader.api import Gradebook, MissingEntry
from traitlets import Bool

import course_term

EXERCISE = re.compile(r"^###\s+(Exercise\s+\d+\.\d+)", re.M)
GRADE_ID = re.compile(r"^ch(\d+)-ex(\d+)-")
SENTENCE = re.compile(r"^(Right|Not yet): .*$", re.M)
# Roles and directives of MyST the chapters use (tests/test_classroom.py checks that no other
# survives in a feedback page).
ROLE = re.compile(r"\{(eq|eval|doc)\}`([^`]+)`")
DIRECTIVE = re.compile(
    r"^(:{3,})\{(admonition|note|tip|important|warning)\}[ \t]*(.*)\n(.*?)^\1[ \t]*$",
    re.M | re.S,
)
OPTION = re.compile(r"^:\w[\w-]*:.*\n", re.M)
CHAPTER_LINK = re.compile(r"\[([^\]]+)\]\((?:\./)?\d\d_\w+\.ipynb(?:#[^)]*)?\)")
MATH = re.compile(
    r"(?P<fence>^```.*?^```)"
    r"|(?P<code>`[^`\n]+`)"
    r"|\$\$(?P<display>.+?)\$\$(?:[ \t]*\((?P<label>[^)\s]+)\))?"
    r"|(?<![\\$])\$(?P<inline>(?:[^$\n]|\n(?![ \t]*\n))+?)\$",  # within one paragraph
    re.M | re.S,
)


def mathml(latex, display=False):
    """A formula as MathML (latex2mathml): the browser draws it, no script needed."""
    return latex2mathml.converter.convert(
        latex.strip(), display="block" if display else "inline"
    )


def stored_values(cell):
    """``{name: text}`` of the {eval} values stored in a markdown cell's metadata."""
    values = {}
    for entry in cell.metadata.get("user_expressions", []):
        text = entry.get("result", {}).get("data", {}).get("text/plain", "")
        values[entry.get("expression")] = text.strip("'\"")
    return values


def equation_numbers(notebook):
    """``{label: n}``: the labelled display equations of a notebook, numbered in order."""
    labels = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            labels += re.findall(r"\$\$.+?\$\$[ \t]*\(([^)\s]+)\)", cell.source, re.S)
    return {label: n for n, label in enumerate(dict.fromkeys(labels), start=1)}


def render_markdown(source, numbers, values, markdown):
    """One markdown cell of a chapter as HTML (``markdown``: a mistune renderer)."""

    def role(match):
        kind, target = match.groups()
        if kind == "eq":
            return f'<a href="#{html.escape(target)}">({numbers.get(target, "?")})</a>'
        if kind == "eval":
            return html.escape(values.get(target, target))
        return target.replace("_", " ")

    def directive(match):
        _, kind, title, body = match.groups()
        title = title.strip() or kind.capitalize()
        body = OPTION.sub("", body).strip()
        quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        return f"> **{title}**\n>\n{quoted}\n"

    text = ROLE.sub(role, source)
    while DIRECTIVE.search(text):
        text = DIRECTIVE.sub(directive, text)
    text = CHAPTER_LINK.sub(r"\1", text)
    formulas = []

    def protect(match):
        if match.group("fence") or match.group("code"):
            return match.group(0)
        display = match.group("display") is not None
        latex = match.group("display") if display else match.group("inline")
        rendered = mathml(latex, display)
        if display:
            label = match.group("label")
            number = (
                f' <span class="eq-number">({numbers[label]})</span>' if label else ""
            )
            anchor = f' id="{html.escape(label)}"' if label else ""
            rendered = f'<span class="display-math"{anchor}>{rendered}{number}</span>'
        formulas.append(rendered)
        return f"@@FORMULA{len(formulas) - 1}@@"

    text = MATH.sub(protect, text)
    rendered = markdown(text)
    return re.sub(r"@@FORMULA(\d+)@@", lambda m: formulas[int(m.group(1))], rendered)


def test_summary(cell):
    """What a student reads in place of a graded test cell's output: one line each."""
    lines = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            lines += [match.group(0) for match in SENTENCE.finditer(output.text)]
    for output in cell.get("outputs", []):
        if output.output_type != "error":
            continue
        if output.ename == "CellTimeoutError":
            lines.append("The grader's tests did not finish in time, and were stopped.")
        elif output.ename == "AssertionError":
            if not any(line.startswith("Not yet") for line in lines):
                lines.append("One of the grader's own cases failed.")
        else:
            lines.append(f"{output.ename}: {output.evalue}".strip())
    return lines


class ForStudents(Preprocessor):
    """Feedback without hidden tests or MyST, with MathML and each exercise named (see above)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        import mistune

        markdown = mistune.create_markdown(
            escape=False, plugins=["table", "strikethrough"]
        )
        numbers = equation_numbers(nb)
        exercise = None
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                heading = EXERCISE.search(cell.source)
                exercise = heading.group(1) if heading else exercise
                cell.metadata["feedback_html"] = render_markdown(
                    cell.source, numbers, stored_values(cell), markdown
                )
            for output in cell.get("outputs", []):
                # A table printed as Markdown (display(Markdown(...))): rendered the same way.
                if "text/markdown" in output.get("data", {}):
                    source = output.data.pop("text/markdown")
                    output.data["text/html"] = render_markdown(
                        source, numbers, {}, markdown
                    )
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade"):
                continue
            part = "your answer" if meta.get("solution") else "the grader's tests"
            named = GRADE_ID.match(
                meta.get("grade_id", "")
            )  # ch07-ex2-tests: Exercise 7.2
            if named:  # by its id: a cell a student moved is still its exercise's
                exercise = f"Exercise {int(named.group(1))}.{named.group(2)}"
            cell.metadata["feedback"] = {"exercise": exercise or "", "part": part}
            if cell.cell_type == "code" and not meta.get("solution"):
                cell.metadata["feedback"]["summary"] = test_summary(cell)
                cell.source = f"# {exercise}: the grader's tests (hidden)"
                cell.outputs = [
                    {"output_type": "stream", "name": "stdout", "text": line + "\n"}
                    for line in cell.metadata["feedback"]["summary"]
                ]
        self.add_late_note(resources)
        return nb, resources

    def add_late_note(self, resources):
        nbgrader = resources["nbgrader"]
        try:
            with Gradebook(nbgrader["db_url"]) as gradebook:
                late = gradebook.find_submission(
                    nbgrader["assignment"], nbgrader["student"]
                ).total_seconds_late
        except MissingEntry:
            late = 0
        nbgrader["late_note"] = course_term.late_note(late)
        nbgrader["counted"] = round(
            nbgrader.get("score", 0) * course_term.marks_kept(late), 2
        )
