"""How a notebook stores the numbers its text quotes, so that JupyterLab shows them unexecuted.

The text of a chapter never types a number that the code computes: it writes {eval}`name`, where
`name` is a variable holding the number already formatted as the text shows it, e.g.
`ch9_deep_final = f"{deep_losses[-1]:.4f}"` in a cell before the paragraph. Two renderers fill it in:
- Jupyter Book executes the notebook cell by cell (`execute_notebooks: inline` in _config.yml) and
  puts in the value `name` has in the kernel when the page reaches that paragraph;
- JupyterLab with jupyterlab-myst shows, without a kernel, the value stored in that markdown cell's
  metadata `user_expressions` (what JupyterLab itself writes when you run a markdown cell):
  ``[{"expression": "name", "result": {"status": "ok", "data": {"text/plain": "'0.1234'"},
  "metadata": {}}}]``.
This module reads and writes that format; it executes nothing. tools/refresh_notebooks.py
(`make notebooks`) stores the values as it executes a chapter; tests/test_expressions.py checks
that every quoted name has one; nbval (tools/nbval_expressions.py) and the website's build
(tests/test_same_numbers.py) check that each equals what the code computes now.
"""

import re

# The inline role, as myst-nb reads it: a bare name (myst-nb's eval_name_regex).
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")
KEY = "user_expressions"


def expressions(source):
    """The names that a markdown ``source`` quotes with {eval}, in order, each once."""
    return list(dict.fromkeys(EVAL_ROLE.findall(source)))


def quoting_cells(notebook):
    """``{cell index: [names]}`` for every markdown cell that uses {eval}."""
    return {
        index: names
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and (names := expressions(cell.source))
    }


def stored(cell):
    """``{name: result}`` stored in a markdown cell's metadata (empty if none)."""
    return {
        entry["expression"]: entry.get("result", {})
        for entry in cell.get("metadata", {}).get(KEY, [])
    }


def shown(result):
    """What jupyterlab-myst shows for a stored result (a str repr loses its quotes), or None."""
    if result.get("status") != "ok":
        return None
    return result.get("data", {}).get("text/plain")


def unstored(notebook):
    """Every {eval} name without a stored value that jupyterlab-myst can show, one sentence each.
    Needs no kernel: this is what a reader who opens the notebook unexecuted would see as a key."""
    return [
        f"cell {index}: {name} has no stored value"
        for index, names in quoting_cells(notebook).items()
        for name in names
        if shown(stored(notebook.cells[index]).get(name, {})) is None
    ]


def as_metadata(results, names):
    """The ``user_expressions`` list JupyterLab writes, in the order the text quotes the names."""
    entries = []
    for name in names:
        result = results[name]
        if result.get("status") != "ok":
            raise ValueError(
                f"{name} cannot be evaluated here ({result.get('ename')}: "
                f"{result.get('evalue')}); define it in a code cell above the text"
            )
        entries.append(
            {
                "expression": name,
                "result": {
                    "status": "ok",
                    "data": dict(result.get("data", {})),
                    "metadata": dict(result.get("metadata", {})),
                },
            }
        )
    return entries
