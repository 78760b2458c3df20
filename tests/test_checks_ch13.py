"""Exercise 13.2's self-check accepts a right answer and names what is wrong with the common wrong ones."""

import numpy as np
import pytest

import checks
from mlp_core import ALPHA, leaky_relu


def spreads(network, X, *, mistake=None):
    """The root mean square of each layer's Z, written independently of the check.

    ``mistake`` plants one of the typical errors of Exercise 13.2.
    """
    A, result = X, []
    L = len(network.weights)
    alpha = ALPHA if mistake == "default slope" else network.alpha
    if mistake == "input":
        result.append(float(np.sqrt(np.mean(X**2))))
    for l, (W, b) in enumerate(zip(network.weights, network.biases), start=1):
        Z = W @ A + (0 if mistake == "no bias" else b)
        A = leaky_relu(Z, alpha) if l < L else Z
        measured = A if mistake == "activations" else Z
        if mistake == "std":
            result.append(float(Z.std()))
        elif mistake == "mean square":
            result.append(float(np.mean(Z**2)))
        elif mistake == "sum":
            result.append(float(np.sqrt(np.sum(Z**2))))
        elif mistake == "axis 0":
            result.append(np.sqrt(np.mean(Z**2, axis=0)))
        elif mistake == "axis 1":
            result.append(np.sqrt(np.mean(Z**2, axis=1)))
        else:
            result.append(float(np.sqrt(np.mean(measured**2))))
    return result[:-1] if mistake == "no output" else result


def not_answered(network, X):
    raise NotImplementedError("Exercise 13.2 is not answered yet")


def said(answer, capsys):
    passed = checks.check_layer_spreads(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out
    return passed, out


def test_a_right_answer_passes(capsys):
    passed, out = said(spreads, capsys)
    assert passed is True
    assert out == "Right: Your list of spreads matches mlp_core on every test case.\n"


def test_an_unanswered_exercise_says_so(capsys):
    passed, out = said(not_answered, capsys)
    assert passed is False and "not answered yet" in out


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("no output", "stops before the output layer"),
        ("input", "spread of the input X, which is not a layer"),
        ("std", "subtracts each layer's mean (np.std)"),
        ("mean square", "these are mean squares: take the square root"),
        ("sum", "it sums the squares"),
        ("activations", "hidden layers' activations A = f(Z)"),
        ("default slope", "use network.alpha"),
        ("no bias", "leaves out the biases"),
        ("axis 0", "axis=0 averages over the units only"),
        ("axis 1", "axis=1 averages over the samples only"),
    ],
)
def test_each_typical_mistake_gets_its_hint(mistake, words, capsys):
    passed, out = said(lambda network, X: spreads(network, X, mistake=mistake), capsys)
    assert passed is False and out.startswith("Not yet: ")
    assert words in out


def test_calling_forward_pass_or_predict_is_named(capsys):
    def borrowed(network, X):
        _, zs = network.forward_pass(X)
        return [float(np.sqrt(np.mean(Z**2))) for Z in zs]

    passed, out = said(borrowed, capsys)
    assert passed is False and "it calls network.forward_pass" in out

    def predicted(network, X):
        network.predict(X)
        return spreads(network, X)

    passed, out = said(predicted, capsys)
    assert passed is False and "it calls network.predict" in out


def test_a_transposed_product_is_named_without_a_traceback(capsys):
    def transposed(network, X):
        A, result = X, []
        for W, b in zip(network.weights, network.biases):
            Z = W.T @ A + b
            result.append(float(np.sqrt(np.mean(Z**2))))
            A = leaky_relu(Z, network.alpha)
        return result

    passed, out = said(transposed, capsys)
    assert passed is False and "is a matrix transposed?" in out


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda network, X: None, "returns None"),
        (lambda network, X: 1.0, "returns one number"),
        (lambda network, X: [1.0, 2.0], "returns 2 spreads; expected 3"),
        (lambda network, X: spreads(network, X)[::-1], "the spread of layer 1 is"),
    ],
)
def test_wrong_shapes_and_values(answer, words, capsys):
    passed, out = said(answer, capsys)
    assert passed is False and words in out


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda network, X: np.float64(1.0), "returns one number"),
        (lambda network, X: np.array(2.0), "returns one number"),
        (lambda network, X: "spreads", "returns str"),
        (lambda network, X: (s for s in spreads(network, X)), "returns generator"),
        (lambda network, X: ["a", "b", "c"], "entry 1 is 'a', not a number"),
    ],
)
def test_answers_that_are_not_lists_of_numbers(answer, words, capsys):
    passed, out = said(answer, capsys)
    assert passed is False and words in out
