"""Keep, in each notebook the build executes, a record of what the build computed.

myst-nb executes every chapter cell by cell as it renders it (`execute_notebooks: inline`) and
writes the executed notebook to _build/jupyter_execute/. This extension adds to that copy's
metadata, under ``execution_record``:

- ``executed_cells``: how many cells, from the top, the build ran (myst-nb runs a cell only when
  it renders it or a later one, so cells after the last shown code cell never run);
- ``outputs``: ``{cell index: outputs}`` of every code cell it ran, as the kernel gave them, before
  the page merges a cell's printed streams into one box (``nb_merge_streams``), which rewrites the
  executed notebook's own outputs in place; PNG and JPEG pictures are left out (nbval does not
  compare them; it compares the figures' SVG, which is kept);
- ``expressions``: every ``{eval}`` the page filled in, as ``[after_cell, name, text]``:
  ``after_cell`` is the index of the last cell run when the value was read.

tests/test_same_numbers.py compares both with the committed notebooks, so the website's numbers
(computed with the build machine's own OpenBLAS kernel) are tested to equal the committed ones
without executing any chapter again. Loaded by `sphinx: local_extensions` in _config.yml.
"""

import copy

from myst_nb.core.execute.inline import NotebookClientInline

RECORD = "execution_record"
PICTURES = ("image/png", "image/jpeg")


def new_record(client):
    return client.notebook.metadata.setdefault(
        RECORD, {"expressions": [], "outputs": {}}
    )


def without_pictures(outputs):
    """A copy of ``outputs`` without their pictures' data."""
    kept = copy.deepcopy(outputs)
    for output in kept:
        for mime in PICTURES:
            output.get("data", {}).pop(mime, None)
    return kept


def record_outputs(code_cell_outputs):
    """Wrap myst-nb's ``code_cell_outputs`` (which runs every cell up to the one it renders) so
    that the outputs of each cell it runs are noted as they come from the kernel."""

    def recording_code_cell_outputs(self, cell_index):
        before = self._last_cell_executed
        result = code_cell_outputs(self, cell_index)
        cells = self.notebook.cells
        for index in range(before + 1, self._last_cell_executed + 1):
            if cells[index].cell_type == "code":
                outputs = without_pictures(cells[index].get("outputs", []))
                new_record(self)["outputs"][str(index)] = outputs
        return result

    return recording_code_cell_outputs


def record_expressions(eval_variable):
    """Wrap myst-nb's ``eval_variable`` so that each value it reads is noted in the record."""

    def recording_eval_variable(self, name):
        outputs = eval_variable(self, name)
        texts = [o.get("data", {}).get("text/plain") for o in outputs]
        text = next((t for t in texts if t is not None), None)
        new_record(self)["expressions"].append([self._last_cell_executed, name, text])
        return outputs

    return recording_eval_variable


def record_executed_cells(close_client):
    """Wrap myst-nb's ``close_client`` so that the record says how many cells were run."""

    def recording_close_client(self, *exc_info):
        executed = self._last_cell_executed + 1
        new_record(self)["executed_cells"] = executed
        return close_client(self, *exc_info)

    return recording_close_client


def setup(app):
    if getattr(NotebookClientInline, "records_execution", False):
        return {"parallel_read_safe": True, "parallel_write_safe": True}
    NotebookClientInline.records_execution = True
    NotebookClientInline.code_cell_outputs = record_outputs(
        NotebookClientInline.code_cell_outputs
    )
    NotebookClientInline.eval_variable = record_expressions(
        NotebookClientInline.eval_variable
    )
    NotebookClientInline.close_client = record_executed_cells(
        NotebookClientInline.close_client
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
