"""Strip the volatile metadata that Jupyter writes into notebooks, keeping every output.

Running a notebook stores things that change on every run without changing what the reader sees:
the widgets' state (megabytes of base64 pictures, rebuilt whenever the book is built), the time
each cell ran, the Python patch version of the kernel, whether a cell's output was scrolled or
collapsed. Committed, they bloat the repository and turn every re-run into a noisy diff. This tool
removes exactly those keys; cell sources, outputs, execution counts, tags and ``kernelspec`` (whose
``name`` stays ``python3``) are left as they are, so nbval still compares every output.

It also writes two things JupyterLab needs to show a chapter as the website does, so that opening
a notebook does not change it: the kernel's display name as JupyterLab writes it, and, from each
cell's Jupyter Book tags, JupyterLab's folding (``jupyter.source_hidden`` for ``hide-input`` and
``remove-input``, ``jupyter.outputs_hidden`` for ``hide-output`` and ``remove-output``, both for
``hide-cell`` and ``remove-cell``): code the website hides, solutions included, starts folded.

`make notebooks` (tools/refresh_notebooks.py) cleans every notebook it executes; this tool alone
is for a notebook JupyterLab saved. Usage, from the repository root:
    python tools/clean_notebooks.py book/*.ipynb          # clean in place
    python tools/clean_notebooks.py --check book/*.ipynb  # only report; exit 1 if any is dirty
(`make lint`, `make check` and `make test` run the second.)
"""

import argparse
import sys
from pathlib import Path

import nbformat

# Notebook metadata: key -> why it goes.
NOTEBOOK_KEYS = {
    "widgets": "stored widget state",
    "signature": "a trust signature",
}
# Keys under the notebook's language_info.
LANGUAGE_INFO_KEYS = {
    "version": "the kernel's Python version",
}
# The kernel's name as JupyterLab writes it when it starts the kernel.
KERNEL_DISPLAY_NAME = "Python 3 (ipykernel)"
# Jupyter Book tag -> the JupyterLab folding keys (under cell metadata "jupyter") it implies.
FOLDING = {
    "hide-input": ("source_hidden",),
    "remove-input": ("source_hidden",),
    "hide-output": ("outputs_hidden",),
    "remove-output": ("outputs_hidden",),
    "hide-cell": ("source_hidden", "outputs_hidden"),
    "remove-cell": ("source_hidden", "outputs_hidden"),
}
# Cell metadata.
CELL_KEYS = {
    "execution": "execution timestamps",
    "ExecuteTime": "execution timestamps",
    "collapsed": "editor view state",
    "scrolled": "editor view state",
}


def volatile_metadata(notebook):
    """What ``clean`` would remove from ``notebook``, one phrase per kind, e.g.
    ``"metadata.widgets (stored widget state)"`` or ``"cell metadata execution in 12 cells
    (execution timestamps)"``; an empty list for a clean notebook."""
    found = [
        f"metadata.{key} ({why})"
        for key, why in NOTEBOOK_KEYS.items()
        if key in notebook.metadata
    ]
    language_info = notebook.metadata.get("language_info", {})
    found += [
        f"metadata.language_info.{key} ({why})"
        for key, why in LANGUAGE_INFO_KEYS.items()
        if key in language_info
    ]
    for key, why in CELL_KEYS.items():
        count = sum(key in cell.get("metadata", {}) for cell in notebook.cells)
        if count:
            found.append(
                f"cell metadata {key} in {count} cell{'s' * (count > 1)} ({why})"
            )
    kernelspec = notebook.metadata.get("kernelspec", {})
    if kernelspec and kernelspec.get("display_name") != KERNEL_DISPLAY_NAME:
        found.append(
            f"metadata.kernelspec.display_name is not {KERNEL_DISPLAY_NAME!r} "
            "(JupyterLab would rewrite it on opening)"
        )
    unfolded = sum(
        folding(cell) != cell.get("metadata", {}).get("jupyter", {})
        for cell in notebook.cells
    )
    if unfolded:
        found.append(
            f"JupyterLab folding that does not match the tags in {unfolded} "
            f"cell{'s' * (unfolded > 1)} (jupyter.source_hidden / outputs_hidden)"
        )
    return found


def folding(cell):
    """The cell metadata ``jupyter`` that ``cell``'s tags call for: what JupyterLab folds."""
    keys = {
        key
        for tag in cell.get("metadata", {}).get("tags", [])
        for key in FOLDING.get(tag, ())
    }
    return {key: True for key in sorted(keys)}


def clean(notebook):
    """Remove the volatile metadata from ``notebook`` in place, and return it."""
    for key in NOTEBOOK_KEYS:
        notebook.metadata.pop(key, None)
    for key in LANGUAGE_INFO_KEYS:
        notebook.metadata.get("language_info", {}).pop(key, None)
    for cell in notebook.cells:
        for key in CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
        if folding(cell):
            cell.setdefault("metadata", {})["jupyter"] = folding(cell)
        else:
            cell.get("metadata", {}).pop("jupyter", None)
    if "kernelspec" in notebook.metadata:
        notebook.metadata.kernelspec["display_name"] = KERNEL_DISPLAY_NAME
    return notebook


def clean_file(path, check=False):
    """Clean the notebook at ``path`` (or, with ``check``, only look). Returns what was, or would
    be, removed. The file is rewritten only if something changes, in nbformat's own layout."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    found = volatile_metadata(notebook)
    if found and not check:
        path.write_text(nbformat.writes(clean(notebook)) + "\n", encoding="utf-8")
    return found


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the .ipynb files")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; list the notebooks with volatile metadata and exit 1 if any",
    )
    options = parser.parse_args(arguments)
    dirty = []
    for path in options.notebooks:
        found = clean_file(path, check=options.check)
        if found:
            dirty.append(str(path))
            verb = "has" if options.check else "cleaned:"
            print(f"{path}: {verb} {'; '.join(found)}")
    if options.check and dirty:
        print(
            f"{len(dirty)} notebook(s) with volatile metadata; clean them with:\n"
            f"  python tools/clean_notebooks.py {' '.join(dirty)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
