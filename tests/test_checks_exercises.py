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
    loss_from_logits,
    not_yet,
    predicted_spreads,
    train,
)
from mlp_core import leaky_relu


def bent_output(weights, biases, X, alpha):
    """A forward pass with Leaky ReLU on the output layer too."""
    A = X
    for W, b in zip(weights, biases):
        A = leaky_relu(W @ A + b, alpha)
    return A


def spreads_with_mistake(mistake):
    return lambda *args: predicted_spreads(*args, mistake=mistake)


def loss_with_mistake(mistake):
    return lambda Z, Y: loss_from_logits(Z, Y, mistake=mistake)


def loss_through_an_import(Z, Y):
    import mlp_core as core

    return core.cross_entropy_loss(Y, core.softmax(Z))


def loss_in_place(Z, Y):
    Z -= Z.max(axis=0, keepdims=True)
    return loss_from_logits(Z, Y)


def exps(Z, shift):
    """``np.exp(Z - shift)`` without numpy's overflow warning (the slips below overflow)."""
    with np.errstate(all="ignore"):
        return np.exp(Z - shift)


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
    (checks.check_mixed_width_spreads, spreads_with_mistake("no layer 1"), "it starts at layer 2"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("no output"), "stops before the output layer"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("input"), "spread of the input X, which is not a layer"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("fan-out"), "the forward gain has the fan-in n_(l-1)"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("no leak"), "leave out what Leaky ReLU lets through"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("half"), "use 1/2 for what Leaky ReLU keeps"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("leak in layer 1"), "layer 1 gets Leaky ReLU's factor too"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("sigma"), "it uses sigma where the variance of a weight"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("variances"), "these are variances: take the square root"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("one He scale"), "the He scale of the first fan-in"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("variance of X"), "the variance of X about its mean"),
    (checks.check_mixed_width_spreads, spreads_with_mistake("no n_0"), "layer 1 leaves out n_0"),
    (checks.check_mixed_width_spreads, lambda *args: [s * 1.01 for s in predicted_spreads(*args)], "the spread of layer 1 is"),
    (checks.check_mixed_width_spreads, lambda *args: 1.0, "returns one number"),
    (checks.check_mixed_width_spreads, lambda *args: "spreads", "returns a str"),
    (checks.check_mixed_width_spreads, lambda *args: ["a", "b", "c"], "entry 1 is 'a', not a number"),
    (checks.check_mixed_width_spreads, lambda *args: [np.nan] * 5, "entry 1 is NaN"),
    (checks.check_mixed_width_spreads, lambda *args: [np.ones(2)] * 5, "entry 1 has 2 numbers"),
    # 14.2
    (checks.check_cross_entropy_from_logits, loss_through_an_import, "it calls mlp_core's softmax: write it yourself"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("no shift"), "plus 1000 it gives nan: np.exp overflows"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("one maximum"), "the largest entry of the whole array"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("log of softmax"), "e^-800, underflows to 0 before its logarithm"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("clamped"), "it gives 354.262, the loss of clamped probabilities"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("maximum not added back"), "forgets to add the largest entry back"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("per sample"), "it returns one loss per sample"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("sum"), "sums the losses over the samples"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("sign"), "it has the wrong sign"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("log10"), "logarithm to base 10"),
    (checks.check_cross_entropy_from_logits, loss_with_mistake("by row"), "sums the exponentials over each row"),
    (checks.check_cross_entropy_from_logits, lambda Z, Y: loss_from_logits(Z, Y) + 1e-3, "the loss differs from the log-sum-exp reference"),
    (checks.check_cross_entropy_from_logits, loss_in_place, "it changed its argument Z in place"),
    (checks.check_cross_entropy_from_logits, lambda Z, Y: loss_from_logits(Z, Y.T), "raised ValueError"),
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
    """A clamped loss is right wherever the probabilities are representable: only the confidently
    wrong column tells."""
    out = not_yet(
        checks.check_cross_entropy_from_logits, loss_with_mistake("clamped"), capsys
    )
    assert "for a confidently wrong column, z = (0, 800) with class 0 it gives" in out
