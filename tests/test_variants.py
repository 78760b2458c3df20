"""A term's own hidden tests (tools/variants.py) grade like the book's: the teacher's solution of
every coding exercise passes them, a known slip fails them, and the exercise's self-check still
names that slip. Their values are drawn from the seed: not the book's, not another term's.

No chapter is executed: each exercise's solution cell and hidden tests run here, with numpy,
mlp_core and checks, which is all they use. (The zip, which nbval runs, no longer carries the
hidden tests: this is where the book's own hidden tests are held to the teacher's solutions.)"""

import contextlib
import io
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import checks
import mlp_core
import student_edition
import variants

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = student_edition.HIDDEN


def exercises():
    """``[(grade_id, solution cell source, hidden block)]`` of every coding exercise."""
    found = []
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            if student_edition.BEGIN in cell.source and cell.cell_type == "code":
                tests = cells[index + 1]
                block = HIDDEN.search(tests.source).group(2)
                found.append(
                    (tests.metadata["nbgrader"]["grade_id"], cell.source, block)
                )
    return found


EXERCISES = exercises()
IDS = [grade_id for grade_id, _, _ in EXERCISES]

# One known slip per exercise, written where the answer goes, and what its self-check says.
SLIPS = {
    "ch02-ex2-tests": (
        "return parameter + learning_rate * gradient",
        "up the gradient",
    ),
    "ch03-ex2-tests": (
        "return [((b, a), (b, 1), (n_samples, b)) "
        "for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]",
        "Z (",
    ),
    "ch04-ex2-tests": ("return np.where(z > 0, 1.0, 0.0)", "plain ReLU"),
    "ch05-ex2-tests": (
        "return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))",
        "weights alone",
    ),
    "ch06-ex2-tests": (
        "A = X\n"
        "for W, b in zip(weights, biases):\n"
        "    A = mlp_core.leaky_relu(W @ A + b, alpha)\n"
        "return A",
        "differ",
    ),
    "ch07-ex2-tests": (
        "return float(np.sum((Y - Y_hat) ** 2) / Y.shape[1])",
        "twice the loss",
    ),
    "ch08-ex2-tests": (
        "network = mlp_core.NeuralNetwork([X.shape[0]] + [W.shape[0] for W in weights], "
        "alpha=alpha)\n"
        "network.weights, network.biases = weights, biases\n"
        "dW, dB = network.backward_pass(*network.forward_pass(X), Y)\n"
        "return [X.shape[1] * g for g in dW], dB",
        "NeuralNetwork",
    ),
    "ch09-ex2-tests": (
        "losses = []\n"
        "for _ in range(epochs):\n"
        "    acts, pre = network.forward_pass(X)\n"
        "    network.update(*network.backward_pass(acts, pre, Y), learning_rate)\n"
        "    losses.append(network.compute_loss(Y, network.predict(X)))\n"
        "return np.array(losses)",
        "after that epoch's update",
    ),
    "ch10-ex2-tests": ("return (f(x + eps) - f(x)) / eps", "one-sided"),
    "ch12-ex2-tests": ("return -upstream * a / b**2, upstream / b", "(grad_b, grad_a)"),
    "ch13-ex2-tests": (
        "variance = layer_sizes[0] * (mlp_core.he_scale(layer_sizes[0], alpha) "
        "if weight_scale == 'he' else weight_scale) ** 2 * np.mean(X**2)\n"
        "spreads = [float(np.sqrt(variance))]\n"
        "for l in range(2, len(layer_sizes)):\n"
        "    sigma = mlp_core.he_scale(layer_sizes[l - 1], alpha) if weight_scale == 'he' "
        "else weight_scale\n"
        "    variance *= layer_sizes[l] * sigma**2 * (1 + alpha**2) / 2\n"
        "    spreads.append(float(np.sqrt(variance)))\n"
        "return spreads",
        "fan-in",
    ),
    "ch14-ex2-tests": (
        "log_sum_exp = np.log(np.sum(np.exp(Z), axis=0, keepdims=True))\n"
        "return float(np.mean(np.sum(Y * (log_sum_exp - Z), axis=0)))",
        "overflows",
    ),
}


def with_answer(source, answer):
    """A solution cell with ``answer`` (indented as the solution) in place of its solution."""
    indent = re.search(r"^([ \t]*)### BEGIN SOLUTION", source, re.M).group(1)
    body = "\n".join(indent + line for line in answer.splitlines())
    return re.sub(
        r"^[ \t]*### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION\n",
        lambda _: body + "\n",
        source,
        flags=re.M | re.S,
    )


def run(*sources):
    """Run code cells one after the other in one namespace, as a kernel would; return what
    they printed."""
    namespace = {"np": np, "mlp_core": mlp_core, "checks": checks}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
        for source in sources:
            exec(compile(source, "<cell>", "exec"), namespace)
    return printed.getvalue()


def test_every_coding_exercise_has_a_variant_and_a_slip():
    assert sorted(IDS) == sorted(variants.VARIANTS) == sorted(SLIPS)
    assert len(IDS) >= 12


@pytest.mark.parametrize("grade_id, solution, block", EXERCISES, ids=IDS)
def test_the_teachers_solution_passes_the_books_and_every_terms_tests(
    grade_id, solution, block
):
    answer = solution.replace(student_edition.BEGIN, "").replace(
        student_edition.END, ""
    )
    check_line = block.splitlines()[0]
    assert (
        run(answer, block).count("Right: ") == 2
    )  # the cell's check, and the tests' own
    for seed in (2027, 2028):
        drawn = variants.hidden_tests(grade_id, check_line, seed)
        assert drawn.splitlines()[0] == check_line
        assert "Right: " in run(answer, drawn)


@pytest.mark.parametrize("grade_id, solution, block", EXERCISES, ids=IDS)
def test_a_terms_tests_catch_the_slip_the_self_check_names(grade_id, solution, block):
    slip, hint = SLIPS[grade_id]
    printed = run(with_answer(solution, slip))
    assert printed.startswith("Not yet: ") and hint in printed, printed
    drawn = variants.hidden_tests(grade_id, block.splitlines()[0], 2027)
    cases = drawn.split("\n", 1)[
        1
    ]  # without the self-check's assert: the drawn cases alone
    with pytest.raises((AssertionError, ValueError)):
        run(with_answer(solution, slip), cases)


@pytest.mark.parametrize("grade_id, solution, block", EXERCISES, ids=IDS)
def test_a_terms_values_are_its_own(grade_id, solution, block):
    check_line = block.splitlines()[0]
    ours, next_term = (
        variants.hidden_tests(grade_id, check_line, seed) for seed in (2027, 2028)
    )
    assert ours == variants.hidden_tests(grade_id, check_line, 2027)  # the seed decides
    assert ours != next_term
    drawn = re.findall(r"^_arguments = \((.*)\)$", ours, re.M)
    assert len(drawn) == variants.VARIANTS[grade_id].cases
    assert not any(arguments in block for arguments in drawn)  # not the book's cases


def test_the_released_variant_replaces_only_the_hidden_tests(tmp_path):
    chapter = nbformat.read(ROOT / "book" / "07_mse_loss.ipynb", as_version=4)
    book, term = (
        student_edition.source_notebook(chapter, variant) for variant in (None, 2027)
    )
    changed = [
        (a.source, b.source)
        for a, b in zip(book.cells, term.cells)
        if a.source != b.source
    ]
    assert len(book.cells) == len(term.cells) and len(changed) == 1
    before, after = changed[0]
    assert HIDDEN.sub("", before) == HIDDEN.sub("", after)
    assert "seed 2027" in after and "1.25" in before and "1.25" not in after
