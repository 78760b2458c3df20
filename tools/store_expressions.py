"""Store in each notebook the numbers its text quotes, so that JupyterLab shows them unexecuted.

The text of a chapter never types a number that the code computes: it writes {eval}`name`, where
`name` is a variable holding the number already formatted as the text shows it, e.g.
`ch9_deep_final = f"{deep_losses[-1]:.4f}"` in a cell before the paragraph. Two renderers fill it in:
- Jupyter Book executes the notebook cell by cell (`execute_notebooks: inline` in _config.yml) and
  puts in the value `name` has in the kernel when the page reaches that paragraph;
- JupyterLab with jupyterlab-myst shows, without a kernel, the value stored in that markdown cell's
  metadata `user_expressions` (what JupyterLab itself writes when you run a markdown cell):
  ``[{"expression": "name", "result": {"status": "ok", "data": {"text/plain": "'0.1234'"},
  "metadata": {}}}]``.
This tool writes that metadata as the build computes it: it executes the notebook top to bottom
and, at each markdown cell that uses {eval}, asks the kernel for those names at that point. With
`--check` it writes nothing and fails, naming each one, if a stored value differs from a fresh run or
is missing, so the text a reader sees in JupyterLab cannot disagree with the code
(tests/test_expressions.py runs the check).

Usage, from the repository root:
    python tools/store_expressions.py book/*.ipynb          # execute, store the values
    python tools/store_expressions.py --check book/*.ipynb  # execute, compare; exit 1 if any differ
Only the `user_expressions` of markdown cells change: outputs are left as they are (refresh them
with `jupyter execute --inplace`). A notebook without {eval} is not executed.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

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


def fresh_values(notebook, folder, timeout=300, kernel_name="python3"):
    """Execute a copy of ``notebook`` in ``folder``, top to bottom, and return
    ``{cell index: {name: result}}`` for its markdown cells that use {eval}, each name evaluated
    by the kernel when execution reaches that cell. A cell that raises stops it (CellExecutionError),
    as it stops the build."""
    to_quote = quoting_cells(notebook)
    if not to_quote:
        return {}
    notebook = copy.deepcopy(notebook)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(folder)}},
    )
    values = {}
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
            elif index in to_quote:
                request = client.kc.execute(
                    "",
                    silent=True,
                    store_history=False,
                    user_expressions={name: name for name in to_quote[index]},
                )
                reply = client.wait_for_reply(request)
                if reply is None:
                    raise TimeoutError(f"cell {index}: the kernel did not answer")
                values[index] = reply["content"][KEY]
    return values


def problems(notebook, values):
    """What differs between the values stored in ``notebook`` and ``values`` (a fresh run), one
    sentence each; an empty list when every stored value is the fresh one."""
    found = []
    for index, cell in enumerate(notebook.cells):
        fresh, kept = values.get(index, {}), stored(cell)
        where = f"cell {index}"
        for name in fresh:
            now = shown(fresh[name])
            if now is None:
                error = fresh[name]
                found.append(
                    f"{where}: {name} cannot be evaluated there "
                    f"({error.get('ename')}: {error.get('evalue')})"
                )
            elif name not in kept:
                found.append(
                    f"{where}: {name} has no stored value (a fresh run gives {now})"
                )
            elif shown(kept[name]) != now:
                found.append(
                    f"{where}: {name} is stored as {shown(kept[name])}, a fresh run gives {now}"
                )
        for name in kept.keys() - fresh.keys():
            found.append(f"{where}: {name} is stored but the text no longer quotes it")
    return found


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


def store_file(path, timeout=300):
    """Execute the notebook at ``path`` and store its {eval} values. Returns the problems found
    before storing (what was stale or missing); the file is rewritten only if something changes."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    values = fresh_values(notebook, path.parent.resolve(), timeout=timeout)
    found = problems(notebook, values)
    if not found:
        return found
    to_quote = quoting_cells(notebook)
    for index, cell in enumerate(notebook.cells):
        if index in to_quote:
            try:
                cell.metadata[KEY] = as_metadata(values[index], to_quote[index])
            except ValueError as error:
                raise ValueError(f"{path}: cell {index}: {error}") from None
        else:
            cell.get("metadata", {}).pop(KEY, None)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    return found


def check_file(path, timeout=300):
    """Execute the notebook at ``path`` and return what differs from its stored values (an empty
    list when none does); nothing is written."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    return problems(notebook, fresh_values(notebook, path.parent.resolve(), timeout))


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the .ipynb files")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list every stored value that a fresh run does not reproduce, exit 1",
    )
    parser.add_argument(
        "--timeout", type=int, default=300, help="seconds per cell (default 300)"
    )
    options = parser.parse_args(arguments)
    stale = []
    for path in options.notebooks:
        if options.check:
            found = check_file(path, options.timeout)
            stale += [f"{path}: {problem}" for problem in found]
        else:
            found = store_file(path, options.timeout)
            if found:
                print(
                    f"{path}: stored {len(found)} value(s) that were stale or missing"
                )
    if stale:
        print("\n".join(stale))
        print(
            f"{len(stale)} quoted value(s) differ from a fresh run; store them with:\n"
            "  python tools/store_expressions.py "
            + " ".join(str(path) for path in options.notebooks),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
