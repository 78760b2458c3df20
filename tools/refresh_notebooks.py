"""Refresh committed notebooks in one pass: execute each once and write its outputs, the numbers its
text quotes, and clean metadata.

A chapter is committed executed. One run of this tool, per notebook:
1. executes every code cell, top to bottom, in a kernel started in the notebook's folder, keeping
   the outputs, as `jupyter execute --inplace` does (the same nbclient call);
2. at each markdown cell that quotes values with {eval}, asks the kernel for them at that point and
   stores them in the cell's metadata, as JupyterLab does when it runs a markdown cell
   (tools/store_expressions.py describes the format; jupyterlab-myst shows them unexecuted), and
   removes values stored in a cell that no longer quotes any;
3. makes steady what differs from run to run without changing what a reader sees: the pieces a
   kernel sends one print in are joined (as nbval and the website join them), and each widget's
   model id is made from its place in the notebook (its state is not kept);
4. removes the volatile metadata the run added (tools/clean_notebooks.py): widget state, execution
   times, the kernel's version;
then writes the notebook, only if it changed. A cell that raises stops the run with its error,
unless it is tagged `raises-exception`; so does a quoted name that is not defined where it is quoted.

Usage, from the repository root (`make notebooks` runs it on every chapter):
    .venv/bin/python tools/refresh_notebooks.py book/*.ipynb
    .venv/bin/python tools/refresh_notebooks.py book/09_training.ipynb
The outputs are the machine's own; `make test` then checks them under two OpenBLAS kernels
(README, "The same numbers on every machine").
"""

import argparse
import sys
import uuid
from pathlib import Path

import nbformat
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient

import clean_notebooks
import store_expressions

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Any fixed namespace: a widget's model id is uuid5(WIDGETS, "cell C, widget W").
WIDGETS = uuid.UUID("6b1b2e8e-0f53-4f4e-9d7c-2a0c8a5f3e11")


def execute(notebook, folder, timeout=600, kernel_name="python3"):
    """Execute ``notebook`` in place, in a kernel started in ``folder``, storing each {eval} value
    its text quotes as the kernel has it when execution reaches that text. Returns ``notebook``.

    Raises ValueError, naming the cell, if a quoted name cannot be evaluated where it is quoted.
    """
    quoting = store_expressions.quoting_cells(notebook)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )

    async def store_values(cell, cell_index):
        """nbclient calls this before each cell; code cells are its own business."""
        if cell.cell_type != "markdown":
            return
        if cell_index not in quoting:
            cell.get("metadata", {}).pop(store_expressions.KEY, None)
            return
        names = quoting[cell_index]
        request = await ensure_async(
            client.kc.execute(
                "",
                silent=True,
                store_history=False,
                user_expressions={name: name for name in names},
            )
        )
        reply = await client.async_wait_for_reply(request)
        try:
            cell.metadata[store_expressions.KEY] = store_expressions.as_metadata(
                reply["content"][store_expressions.KEY], names
            )
        except ValueError as error:
            raise ValueError(f"cell {cell_index}: {error}") from None

    client.on_cell_start = store_values
    return client.execute()


def steady_outputs(notebook):
    """Join the consecutive pieces of one stream in each code cell's outputs, and name each widget
    view by its place (cell, then widget), in place; returns ``notebook``."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            if (
                output.output_type == "stream"
                and outputs
                and outputs[-1].output_type == "stream"
                and outputs[-1].name == output.name
            ):
                outputs[-1].text += output.text
            else:
                outputs.append(output)
        cell.outputs = outputs
        views = [
            o.data[WIDGET_VIEW] for o in outputs if WIDGET_VIEW in o.get("data", {})
        ]
        for number, view in enumerate(views):
            view["model_id"] = uuid.uuid5(WIDGETS, f"cell {index}, widget {number}").hex
    return notebook


def refresh_file(path, timeout=600):
    """Execute the notebook at ``path``, store its quoted values, clean it, and write it if it
    changed. Returns True when it changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(before, as_version=4)
    try:
        execute(notebook, path.parent.resolve(), timeout=timeout)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    after = nbformat.writes(clean_notebooks.clean(steady_outputs(notebook))) + "\n"
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
