"""The same numbers on every machine: the website's build computes what the notebooks hold.

OpenBLAS picks a kernel for the processor it runs on (Haswell, SkylakeX, Zen, ...), and kernels
round matrix products differently, so a number a chapter prints could depend on the reader's
machine. `make test` executes every chapter under two kernels and compares both with the committed
notebooks:

- nbval runs the chapters as a reader would (from the zip, in a new environment) under OpenBLAS's
  generic kernel, `OPENBLAS_CORETYPE=Prescott` (no FMA, no AVX), with one thread: it compares every
  output strictly, and tools/nbval_expressions.py every {eval} value (tools/reader_environment.py);
- the website's build runs them with the machine's own kernel and its default threads: the tests
  here compare what it computed (the executed notebooks in _build/jupyter_execute/ and the record
  _ext/execution_record.py keeps in them) with the committed outputs and {eval} values, without
  executing anything again.

Marked `notebooks`: the fixture builds the book if it is missing or out of date.
"""

import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

import store_expressions

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
# What nbval does not compare: keys of an output, and MIME types of its data.
NOT_COMPARED = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
}


def sanitize_patterns(path=SANITIZE):
    """The (regex, replacement) pairs of an nbval sanitize file."""
    text = path.read_text()
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.M)


def merged_streams(outputs):
    """``outputs`` with consecutive pieces of one stream joined, as a kernel may send a print in
    several messages."""
    merged = []
    for output in outputs:
        if (
            output["output_type"] == "stream"
            and merged
            and merged[-1]["output_type"] == "stream"
            and merged[-1]["name"] == output["name"]
        ):
            text = "".join(merged[-1]["text"]) + "".join(output["text"])
            merged[-1] = {**merged[-1], "text": text}
        else:
            merged.append(output)
    return merged


def comparable(outputs, patterns=()):
    """A code cell's outputs as nbval compares them: ``{key: [values]}`` with streams by name,
    each MIME type of the data on its own, the keys nbval skips left out, and the sanitize
    patterns applied."""

    def clean(value):
        for regex, replacement in patterns:
            value = re.sub(regex, replacement, value)
        return value

    flat = defaultdict(list)
    for output in merged_streams(outputs):
        if output["output_type"] == "stream":
            flat["stream", output["name"]].append(clean("".join(output["text"])))
            continue
        for key, value in output.items():
            if key == "data":
                for mime, data in value.items():
                    if mime not in NOT_COMPARED:
                        flat[mime].append(clean("".join(data)))
            elif key not in NOT_COMPARED:
                flat[key].append(clean(str(value)))
    return dict(flat)


def output_differences(committed, built, patterns=()):
    """One sentence per code cell whose outputs, as the build's record of ``built`` keeps them,
    differ from ``committed``; cells tagged nbval-ignore-output are left out, as nbval leaves
    them, and pictures, which nbval does not compare."""
    record = built.metadata.get("execution_record", {})
    found = []
    for index, outputs in sorted(
        record.get("outputs", {}).items(), key=lambda i: int(i[0])
    ):
        cell = committed.cells[int(index)]
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        expected = comparable(cell.outputs, patterns)
        got = comparable(nbformat.from_dict(outputs), patterns)
        if got != expected:
            found.append(f"cell {index}: the build gave {got}, committed {expected}")
    return found


def last_code_cell_before(notebook, index):
    code = [i for i in range(index) if notebook.cells[i].cell_type == "code"]
    return code[-1] if code else -1


def expression_differences(committed, built):
    """One sentence per {eval} value of ``committed`` that the build read differently, or did not
    read at the point of its text."""
    record = built.metadata.get("execution_record", {})
    read = {(after, name): text for after, name, text in record.get("expressions", [])}
    found = []
    for index, names in store_expressions.quoting_cells(committed).items():
        stored = store_expressions.stored(committed.cells[index])
        after = last_code_cell_before(committed, index)
        for name in names:
            before = store_expressions.shown(stored.get(name, {}))
            if (after, name) not in read:
                found.append(f"cell {index}: the build did not read {name} there")
            elif read[after, name] != before:
                found.append(
                    f"cell {index}: {{eval}}`{name}` is stored as {before}, "
                    f"the build read {read[after, name]}"
                )
    return found


# --- The book's chapters ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def executed_dir(built_site):
    return Path(built_site).parent / "jupyter_execute" / "book"


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_the_build_printed_the_committed_outputs(path, executed_dir):
    committed, built = read(path), read(executed_dir / path.name)
    record = built.metadata["execution_record"]
    ran = [
        str(index)
        for index in range(record["executed_cells"])
        if committed.cells[index].cell_type == "code"
    ]
    assert ran and sorted(record["outputs"], key=int) == ran
    assert output_differences(committed, built, sanitize_patterns()) == []


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_the_build_quoted_the_stored_values(path, executed_dir):
    assert expression_differences(read(path), read(executed_dir / path.name)) == []


# --- Planted: the comparisons can fail ----------------------------------------------------------


def small_pair():
    """A committed notebook and the build's copy of it, equal."""
    cells = [
        nbformat.v4.new_code_cell('loss = f"{0.4879:.4f}"\nprint("final loss", loss)'),
        nbformat.v4.new_markdown_cell("The loss ends at {eval}`loss`."),
        nbformat.v4.new_code_cell("object()"),
    ]
    cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="final loss 0.4879\n")
    ]
    cells[1].metadata["user_expressions"] = [
        {
            "expression": "loss",
            "result": {"status": "ok", "data": {"text/plain": "'0.4879'"}},
        }
    ]
    cells[2].outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": "<object object at 0x7f00aa>"},
            execution_count=1,
        )
    ]
    committed = nbformat.v4.new_notebook(cells=cells)
    built = nbformat.from_dict(committed)
    ran = nbformat.from_dict({0: cells[0].outputs, 2: cells[2].outputs})
    ran[2][0]["data"]["text/plain"] = "<object object at 0x7f11bb>"
    built.metadata["execution_record"] = {
        "executed_cells": 3,
        "expressions": [[0, "loss", "'0.4879'"]],
        "outputs": {str(index): outputs for index, outputs in ran.items()},
    }
    return committed, built


def test_equal_runs_pass_with_addresses_sanitized():
    committed, built = small_pair()
    assert output_differences(committed, built, sanitize_patterns()) == []
    assert expression_differences(committed, built) == []


def test_a_printed_number_that_differs_is_found():
    committed, built = small_pair()
    built.metadata["execution_record"]["outputs"]["0"][0]["text"] = (
        "final loss 0.4883\n"
    )
    assert output_differences(committed, built, sanitize_patterns()) == [
        "cell 0: the build gave {('stream', 'stdout'): ['final loss 0.4883\\n']}, "
        "committed {('stream', 'stdout'): ['final loss 0.4879\\n']}"
    ]


def test_a_stream_split_in_pieces_is_one_output():
    committed, built = small_pair()
    built.metadata["execution_record"]["outputs"]["0"] = [
        nbformat.v4.new_output("stream", name="stdout", text="final loss "),
        nbformat.v4.new_output("stream", name="stdout", text="0.4879\n"),
    ]
    assert output_differences(committed, built, sanitize_patterns()) == []


def test_a_cell_the_build_did_not_run_is_not_compared():
    committed, built = small_pair()
    del built.metadata["execution_record"]["outputs"]["2"]
    committed.cells[2].outputs = []
    assert output_differences(committed, built) == []


def test_a_quoted_value_that_differs_or_was_not_read_is_found():
    committed, built = small_pair()
    built.metadata["execution_record"]["expressions"] = [[0, "loss", "'0.4883'"]]
    assert expression_differences(committed, built) == [
        "cell 1: {eval}`loss` is stored as '0.4879', the build read '0.4883'"
    ]
    built.metadata["execution_record"]["expressions"] = []
    assert expression_differences(committed, built) == [
        "cell 1: the build did not read loss there"
    ]
