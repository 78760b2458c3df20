"""Each exercise's known slips get their own hint: one row per slip, the wrong answer written as a
student would (most from a right answer of tests/answers.py with the slip planted).

The slips every exercise shares (None, a list, a wrong shape, NaN, an exception, an unanswered
exercise, an answer that only calls mlp_core) are in tests/test_checks_answers.py; what the runner
does for every record, in tests/test_checks_runner.py.
"""

import numpy as np
import pytest

import checks
import mlp_core
from answers import (
    backward,
    forward,
    not_yet,
    softmax,
    spreads,
    train,
)
from mlp_core import leaky_relu
from mlp_core import softmax as library_softmax


def bent_output(weights, biases, X, alpha):
    """A forward pass with Leaky ReLU on the output layer too."""
    A = X
    for W, b in zip(weights, biases):
        A = leaky_relu(W @ A + b, alpha)
    return A


def transposed_spreads(network, X):
    A, result = X, []
    for W, b in zip(network.weights, network.biases):
        Z = W.T @ A + b
        result.append(float(np.sqrt(np.mean(Z**2))))
        A = leaky_relu(Z, network.alpha)
    return result


def spreads_through_forward_pass(network, X):
    _, zs = network.forward_pass(X)
    return [float(np.sqrt(np.mean(Z**2))) for Z in zs]


def spreads_after_predict(network, X):
    network.predict(X)
    return spreads(network, X)


def softmax_in_place(Z):
    Z -= Z.max(axis=0, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=0, keepdims=True)
    return Z


def softmax_through_an_import(Z):
    import mlp_core as core

    return core.softmax(Z)


def exps(Z, shift):
    """``np.exp(Z - shift)`` without numpy's overflow warning (the slips below overflow)."""
    with np.errstate(all="ignore"):
        return np.exp(Z - shift)


def mistaken_spreads(mistake):
    return lambda network, X: spreads(network, X, mistake=mistake)


SLIPS = [
    # 2.2
    (checks.check_gradient_step, lambda p, g, lr: p + lr * g, "up the gradient"),
    (checks.check_gradient_step, lambda p, g, lr: p.__isub__(lr * g), "changed the parameter array"),
    # 3.2
    (checks.check_layer_shapes, lambda s, n: [((a, b), (b, 1), (b, n)) for a, b in zip(s[:-1], s[1:])], "layer 1 has W (1, 4) instead of (4, 1)"),
    (checks.check_layer_shapes, lambda s, n: "shapes", "it returns a str"),
    (checks.check_layer_shapes, lambda s, n: [(4, 1)], "layer 1 is (4, 1)"),
    (checks.check_layer_shapes, lambda s, n: [((4, 1), (4, 1))] * 3, "layer 1 has 2 shapes; expected 3"),
    # 4.2
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.where(z > 0, 1.0, 0.0), "derivative of plain ReLU"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: (z > 0).astype(float), "slope there is alpha"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.where(z >= 0, 1.0, 0.0), "derivative of plain ReLU"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.where(z > 0, z, alpha * z), "returns Leaky ReLU itself"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.where(z >= 0, 1.0, alpha), "at z = 0 it gives 1;"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0)), "at z = 0 it gives 0; the book's convention is alpha"),
    (checks.check_leaky_relu_derivative, lambda z, alpha: np.copyto(z, np.where(z > 0, 1.0, alpha)) or z, "it changed its argument z in place"),
    # 5.2
    (checks.check_parameter_count, lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "the biases count too"),
    (checks.check_parameter_count, lambda s: 27, "for [1, 1, 1] it gives 27; expected 4"),
    # 6.2
    (checks.check_forward_pass, lambda W, b, X, alpha: forward([w.T for w in W], b, X, alpha), "is a matrix transposed?"),
    (checks.check_forward_pass, bent_output, "values differ from mlp_core's"),
    # 7.2
    (checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2) / Y.shape[1]), "the 1/2 is missing"),
    (checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2)), "plain sum"),
    (checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2) / 2), "divide by the number of samples"),
    (checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2) / (2 * Y.size)), "it divides by every entry"),
    # 8.2
    (checks.check_backward_pass, lambda *args: backward(*args, divide=False), "N = 5 times too large"),
    (checks.check_backward_pass, lambda *args: backward(*args, fused=True), "compute every gradient first"),
    # 9.2
    (checks.check_training_loop, lambda *args: train(*args, after=True), "measure it before"),
    (checks.check_training_loop, lambda network, X, Y, epochs, rate: np.zeros(epochs) + mlp_core.mse_loss(Y, network.predict(X)), "values differ"),
    # 10.2
    (checks.check_centred_difference, lambda f, x, e: (f(x + e) - f(x)) / e, "one-sided"),
    (checks.check_centred_difference, lambda f, x, e: (f(x + e) - f(x - e)) / e, "divide by 2 eps"),
    (checks.check_centred_difference, lambda f, x, e: (f(x + e) - f(x - e)) / 0.02, "at x = 0.7 and eps = 0.5 it gives"),
    # 12.2
    (checks.check_div_backward, lambda a, b, u: (-u * a / b**2, u / b), "returns (grad_b, grad_a)"),
    (checks.check_div_backward, lambda a, b, u: (1 / b, -a / b**2), "multiply it by upstream"),
    (checks.check_div_backward, lambda a, b, u: (u / b, u * a / b**2), "grad_b has the wrong sign"),
    (checks.check_div_backward, lambda a, b, u: (u / b, -u * a / b), "divides by b once"),
    (checks.check_div_backward, lambda a, b, u: (u / b, -u / b**2), "misses the factor a"),
    (checks.check_div_backward, lambda a, b, u: (u * b, -u * a / b**2), "grad_a differs"),
    (checks.check_div_backward, lambda a, b, u: (u / b, -u * a / b**3), "grad_b differs"),
    (checks.check_div_backward, lambda a, b, u: u / b, "return the pair (grad_a, grad_b)"),
    (checks.check_div_backward, lambda a, b, u: (u / b, np.sum(-u * a / b**2)), "grad_b has shape ()"),
    (checks.check_div_backward, lambda a, b, u: ((u / b).T, -u * a / b**2), "grad_a has shape (3, 2)"),
    (checks.check_div_backward, lambda a, b, u: (u / b, -u * a.item() / b**2), "raised ValueError"),
    (checks.check_div_backward, lambda a, b, u: (np.divide(u, b, out=u), -u * a / b)[:2], "changed an array it was given"),
    # 13.2
    (checks.check_layer_spreads, mistaken_spreads("no output"), "stops before the output layer"),
    (checks.check_layer_spreads, mistaken_spreads("input"), "spread of the input X, which is not a layer"),
    (checks.check_layer_spreads, mistaken_spreads("std"), "subtracts each layer's mean (np.std)"),
    (checks.check_layer_spreads, mistaken_spreads("mean square"), "these are mean squares: take the square root"),
    (checks.check_layer_spreads, mistaken_spreads("sum"), "it sums the squares"),
    (checks.check_layer_spreads, mistaken_spreads("activations"), "hidden layers' activations A = f(Z)"),
    (checks.check_layer_spreads, mistaken_spreads("default slope"), "use network.alpha"),
    (checks.check_layer_spreads, mistaken_spreads("no bias"), "leaves out the biases"),
    (checks.check_layer_spreads, mistaken_spreads("axis 0"), "axis=0 averages over the units only"),
    (checks.check_layer_spreads, mistaken_spreads("axis 1"), "axis=1 averages over the samples only"),
    (checks.check_layer_spreads, spreads_through_forward_pass, "it calls network.forward_pass"),
    (checks.check_layer_spreads, spreads_after_predict, "it calls network.predict"),
    (checks.check_layer_spreads, transposed_spreads, "is a matrix transposed?"),
    (checks.check_layer_spreads, lambda network, X: 1.0, "returns one number"),
    (checks.check_layer_spreads, lambda network, X: np.float64(1.0), "returns one number"),
    (checks.check_layer_spreads, lambda network, X: np.array(2.0), "returns one number"),
    (checks.check_layer_spreads, lambda network, X: [1.0, 2.0], "returns 2 spreads; expected 3"),
    (checks.check_layer_spreads, lambda network, X: spreads(network, X)[::-1], "the spread of layer 1 is"),
    (checks.check_layer_spreads, lambda network, X: "spreads", "returns str"),
    (checks.check_layer_spreads, lambda network, X: (s for s in spreads(network, X)), "returns generator"),
    (checks.check_layer_spreads, lambda network, X: ["a", "b", "c"], "entry 1 is 'a', not a number"),
    (checks.check_layer_spreads, lambda network, X: [np.nan, 1.0, 1.0], "entry 1 is NaN"),
    # 14.2
    (checks.check_softmax, softmax_through_an_import, "it calls mlp_core's softmax: write it yourself"),
    (checks.check_softmax, lambda Z: library_softmax(Z), "it calls mlp_core's softmax: write it yourself"),
    (checks.check_softmax, lambda Z: exps(Z, 0) / exps(Z, 0).sum(axis=0, keepdims=True), "plus 1000 it gives infinity or NaN because np.exp overflows"),
    (checks.check_softmax, lambda Z: exps(Z, Z.max()) / exps(Z, Z.max()).sum(axis=0, keepdims=True), "largest entry of the whole array"),
    (checks.check_softmax, lambda Z: exps(Z, Z.max(axis=1, keepdims=True)) / exps(Z, Z.max(axis=1, keepdims=True)).sum(axis=0), "each row's largest entry"),
    (checks.check_softmax, lambda Z: softmax(Z.T).T, "each row sums to 1 instead of each column"),
    (checks.check_softmax, lambda Z: np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(), "sum of the whole array"),
    (checks.check_softmax, softmax_in_place, "changed the array Z"),
    (checks.check_softmax, lambda Z: softmax(Z).T, "(transposed?)"),
    (checks.check_softmax, lambda Z: exps(Z, Z.max(axis=0)) / exps(Z, 0).sum(axis=1), "raised ValueError"),
]  # fmt: skip


@pytest.mark.parametrize(
    "check, answer, words",
    SLIPS,
    ids=[f"{check.number}-{index}" for index, (check, _, _) in enumerate(SLIPS)],
)
def test_each_known_slip_gets_its_hint(check, answer, words, capsys):
    assert words in not_yet(check, answer, capsys)


def test_a_global_read_is_named_after_the_hint(capsys):
    globals()["scale"] = 2.0

    def reads_global(a, b, upstream):
        return upstream / b * scale, -upstream * a / b**2  # noqa: F821 (the mistake under test)

    try:
        out = not_yet(checks.check_div_backward, reads_global, capsys)
    finally:
        del globals()["scale"]
    assert (
        "grad_a differs" in out
        and "; also, it reads the global variable(s) scale" in out
    )


def test_a_slip_on_one_case_only_is_named_with_that_case(capsys):

    def by_row_on_squares(Z):
        shift = (
            Z.max(axis=1, keepdims=True) if Z.shape[0] == Z.shape[1] else Z.max(axis=0)
        )
        return exps(Z, shift) / exps(Z, shift).sum(axis=0)

    assert "square (5, 5) array" in not_yet(
        checks.check_softmax, by_row_on_squares, capsys
    )
