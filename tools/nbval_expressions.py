"""A pytest plugin for nbval: while it runs a notebook, check the numbers the text quotes.

nbval runs a notebook's code cells one by one and compares each cell's outputs with the committed
ones. The text's numbers are not outputs: they are `{eval}` values stored in the markdown cells'
metadata (tools/store_expressions.py). After each code cell, this plugin asks nbval's kernel for
the names quoted by the markdown cells that follow it, up to the next code cell, and fails that
code cell, naming each value, if one differs from the stored one. So the run that already compares
every output also compares every quoted number, with the kernel that run uses.

Load it with `pytest -p nbval_expressions --nbval ...` (the Makefile's test command does).
"""

import pytest
from nbval.plugin import IPyNbCell, NbCellError

import store_expressions

TIMEOUT = 60  # seconds for the kernel to evaluate a few names


def quotes_after(notebook, index):
    """``{cell index: [names]}`` of the markdown cells after code cell ``index``, up to the next
    code cell, that quote values with {eval}."""
    quoting = {}
    for later in range(index + 1, len(notebook.cells)):
        cell = notebook.cells[later]
        if cell.cell_type == "code":
            break
        if cell.cell_type == "markdown" and (
            names := store_expressions.expressions(cell.source)
        ):
            quoting[later] = names
    return quoting


def evaluate(kernel, names):
    """``{name: result}`` of each name, evaluated by nbval's running kernel as JupyterLab does
    (an empty execute request with user_expressions), its messages drained."""
    msg_id = kernel.kc.execute(
        "",
        silent=True,
        store_history=False,
        user_expressions={name: name for name in names},
    )
    while True:
        reply = kernel.get_message(stream="shell", timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    kernel.await_idle(msg_id, TIMEOUT)
    return reply["content"].get("user_expressions", {})


def differences(notebook, index, kernel):
    """What the kernel gives now for each quote after code cell ``index``, where it differs from
    the stored value: one sentence each."""
    found = []
    for later, names in quotes_after(notebook, index).items():
        stored = store_expressions.stored(notebook.cells[later])
        fresh = evaluate(kernel, names)
        for name in names:
            now = store_expressions.shown(fresh.get(name, {}))
            before = store_expressions.shown(stored.get(name, {}))
            if now is None:
                error = fresh.get(name, {}).get("ename", "no value")
                found.append(f"cell {later}: {name} cannot be evaluated here ({error})")
            elif now != before:
                found.append(
                    f"cell {later}: {{eval}}`{name}` is stored as {before}, "
                    f"this run gives {now}"
                )
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if isinstance(item, IPyNbCell) and item.parent.kernel is not None:
        notebook = item.parent.nb
        index = next(i for i, cell in enumerate(notebook.cells) if cell is item.cell)
        found = differences(notebook, index, item.parent.kernel)
        if found:
            raise NbCellError(
                item.cell_num,
                "The text's quoted values differ from this run\n" + "\n".join(found),
                item.cell.source,
            )
    return result
