"""Refresh committed notebooks in one pass: execute each once and write its outputs, the numbers its
text quotes, and clean metadata.

A chapter is committed executed. One run of this tool, per notebook:
1. executes every code cell, top to bottom, in a kernel started in the notebook's folder, keeping
   the outputs (as `jupyter execute --inplace` would);
2. at each markdown cell that quotes values with {eval}, asks the kernel for them at that point and
   stores them in the cell's metadata, as JupyterLab does when it runs a markdown cell
   (tools/store_expressions.py describes the format; jupyterlab-myst shows them unexecuted);
3. removes the volatile metadata the run added (tools/clean_notebooks.py): widget state, execution
   times, the kernel's version;
then writes the notebook, only if it changed. A cell that raises stops the run with its error,
unless it is tagged `raises-exception`.

Usage, from the repository root (`make notebooks` runs it on every chapter):
    python tools/refresh_notebooks.py book/*.ipynb
    python tools/refresh_notebooks.py book/09_training.ipynb
The outputs are the machine's own; `make test` then checks them under two OpenBLAS kernels
(README, "The same numbers on every machine").
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import clean_notebooks
import store_expressions


def execute(notebook, folder, timeout=600, kernel_name="python3"):
    """Execute ``notebook`` in place, in a kernel started in ``folder``, storing each {eval} value
    its text quotes as the kernel has it when execution reaches that text. Returns ``notebook``.

    Raises ValueError, naming the cell, if a quoted name cannot be evaluated where it is quoted.
    """
    to_quote = store_expressions.quoting_cells(notebook)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )
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
                results = reply["content"][store_expressions.KEY]
                try:
                    cell.metadata[store_expressions.KEY] = (
                        store_expressions.as_metadata(results, to_quote[index])
                    )
                except ValueError as error:
                    raise ValueError(f"cell {index}: {error}") from None
            else:
                cell.get("metadata", {}).pop(store_expressions.KEY, None)
    return notebook


def refresh_file(path, timeout=600):
    """Execute the notebook at ``path``, store its quoted values, clean it, and write it if it
    changed. Returns True when it changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(before, as_version=4)
    execute(notebook, path.parent.resolve(), timeout=timeout)
    after = nbformat.writes(clean_notebooks.clean(notebook)) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the .ipynb files")
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds per cell (default 600)"
    )
    options = parser.parse_args(arguments)
    for path in options.notebooks:
        changed = refresh_file(path, options.timeout)
        print(f"{path}: {'refreshed' if changed else 'unchanged'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
