"""The exercises' self-checks accept right answers and name what is wrong with the common wrong ones."""

import numpy as np
import pytest

import checks
import mlp_core
from mlp_core import leaky_relu, leaky_relu_derivative

# ---------------------------------------------------------------------------------------------
# Right answers, written independently of the checks.


def gradient_step(parameter, gradient, learning_rate):
    return parameter - learning_rate * gradient


def layer_shapes(layer_sizes, n_samples):
    pairs = zip(layer_sizes[:-1], layer_sizes[1:])
    return [((n_out, n_in), (n_out, 1), (n_out, n_samples)) for n_in, n_out in pairs]


def derivative(z, alpha):
    return np.where(z > 0, 1.0, alpha)


def parameter_count(layer_sizes):
    return sum(
        n_out * (n_in + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


def forward(weights, biases, X, alpha):
    A = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        Z = W @ A + b
        A = Z if i == len(weights) - 1 else leaky_relu(Z, alpha)
    return A


def mse(Y, Y_hat):
    return float(np.sum((Y - Y_hat) ** 2) / (2 * Y.shape[1]))


def backward(weights, biases, X, Y, alpha, fused=False, divide=True, learning_rate=0.5):
    activations, zs, A = [X], [], X
    for i, (W, b) in enumerate(zip(weights, biases)):
        Z = W @ A + b
        A = Z if i == len(weights) - 1 else leaky_relu(Z, alpha)
        zs.append(Z)
        activations.append(A)
    n = X.shape[1] if divide else 1
    dW, dB = [None] * len(weights), [None] * len(weights)
    dZ = activations[-1] - Y
    for i in reversed(range(len(weights))):
        dW[i] = dZ @ activations[i].T / n
        dB[i] = dZ.sum(axis=1, keepdims=True) / n
        if fused:  # applies the step before sending the error back: the classic mistake
            weights[i] -= learning_rate * dW[i]
        if i > 0:
            dZ = (weights[i].T @ dZ) * leaky_relu_derivative(zs[i - 1], alpha)
    return dW, dB


def train(network, X, Y, epochs, learning_rate, after=False):
    losses = []
    for _ in range(epochs):
        activations, zs = network.forward_pass(X)
        gradients = network.backward_pass(activations, zs, Y)
        if after:
            network.update(*gradients, learning_rate)
            losses.append(network.compute_loss(Y, network.predict(X)))
        else:
            losses.append(network.compute_loss(Y, activations[-1]))
            network.update(*gradients, learning_rate)
    return np.array(losses)


def centred(f, x, eps):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


RIGHT = [
    (checks.check_gradient_step, gradient_step),
    (checks.check_layer_shapes, layer_shapes),
    (checks.check_leaky_relu_derivative, derivative),
    (checks.check_parameter_count, parameter_count),
    (checks.check_forward_pass, forward),
    (checks.check_mse, mse),
    (checks.check_backward_pass, backward),
    (checks.check_training_loop, train),
    (checks.check_centred_difference, centred),
]


@pytest.mark.parametrize("check, answer", RIGHT)
def test_a_right_answer_passes(check, answer, capsys):
    assert check(answer) is True
    said = capsys.readouterr().out
    assert said.startswith("Right: ") and said.count("\n") == 1


def not_answered(*args):
    raise NotImplementedError("Exercise is not answered yet")


@pytest.mark.parametrize("check", [check for check, _ in RIGHT])
def test_an_unanswered_exercise_says_so_without_crashing(check, capsys):
    assert check(not_answered) is False
    assert "not answered yet" in capsys.readouterr().out


def test_passing_something_else_than_a_function(capsys):
    assert checks.check_mse(3.0) is False
    assert "pass your function itself" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# The common wrong answers, each named.


def wrong(check, answer, capsys):
    assert check(answer) is False
    said = capsys.readouterr().out
    assert said.startswith("Not yet: ")
    return said


def test_gradient_step_wrong_answers(capsys):
    assert "up the gradient" in wrong(
        checks.check_gradient_step, lambda p, g, lr: p + lr * g, capsys
    )

    def in_place(p, g, lr):
        p -= lr * g
        return p

    assert "changed the parameter array" in wrong(
        checks.check_gradient_step, in_place, capsys
    )


def test_layer_shapes_transposed_weight(capsys):
    def transposed(layer_sizes, n_samples):
        return [
            ((a, b), (b, 1), (b, n_samples))
            for a, b in zip(layer_sizes[:-1], layer_sizes[1:])
        ]

    said = wrong(checks.check_layer_shapes, transposed, capsys)
    assert "layer 1 has W (1, 4) instead of (4, 1)" in said


def test_derivative_at_zero_taken_as_zero(capsys):
    said = wrong(
        checks.check_leaky_relu_derivative,
        lambda z, alpha: np.where(z >= 0, 1.0, alpha),
        capsys,
    )
    assert "at z = 0 it gives 1" in said
    said = wrong(
        checks.check_leaky_relu_derivative,
        lambda z, alpha: np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0)),
        capsys,
    )
    assert "at z = 0 it gives 0" in said and "convention is alpha" in said


def test_parameter_count_without_biases(capsys):
    said = wrong(
        checks.check_parameter_count,
        lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])),
        capsys,
    )
    assert "the biases count too" in said


def test_forward_pass_transposed_matrix(capsys):
    def transposed(weights, biases, X, alpha):
        return forward([W.T for W in weights], biases, X, alpha)

    said = wrong(checks.check_forward_pass, transposed, capsys)
    assert "raised ValueError" in said and "is a matrix transposed?" in said


def test_forward_pass_activation_on_the_output(capsys):
    def bent_output(weights, biases, X, alpha):
        A = X
        for W, b in zip(weights, biases):
            A = leaky_relu(W @ A + b, alpha)
        return A

    assert "values differ from mlp_core's" in wrong(
        checks.check_forward_pass, bent_output, capsys
    )


def test_forward_pass_reading_a_global(capsys):
    checks_globals = globals()
    checks_globals["X_data"] = np.zeros((1, 3))

    def reads_global(weights, biases, X, alpha):
        return forward(weights, biases, X_data, alpha)  # noqa: F821 (the mistake under test)

    said = wrong(checks.check_forward_pass, reads_global, capsys)
    assert "reads the global variable(s) X_data" in said
    del checks_globals["X_data"]


def test_loss_without_the_half_or_the_n(capsys):
    assert "the 1/2 is missing" in wrong(
        checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2) / Y.shape[1]), capsys
    )
    assert "plain sum" in wrong(
        checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2)), capsys
    )
    said = wrong(checks.check_mse, lambda Y, P: float(np.sum((Y - P) ** 2) / 2), capsys)
    assert "divide by the number of samples" in said


def test_backward_pass_missing_one_over_n(capsys):
    said = wrong(
        checks.check_backward_pass, lambda *args: backward(*args, divide=False), capsys
    )
    assert "N = 5 times too large" in said


def test_backward_pass_applying_the_gradient_before_computing_the_next(capsys):
    said = wrong(
        checks.check_backward_pass, lambda *args: backward(*args, fused=True), capsys
    )
    assert "compute every gradient first" in said


def test_training_loop_measuring_after_the_update(capsys):
    said = wrong(
        checks.check_training_loop, lambda *args: train(*args, after=True), capsys
    )
    assert "measure it before" in said


def test_centred_difference_wrong_answers(capsys):
    assert "one-sided" in wrong(
        checks.check_centred_difference, lambda f, x, e: (f(x + e) - f(x)) / e, capsys
    )
    assert "divide by 2 eps" in wrong(
        checks.check_centred_difference,
        lambda f, x, e: (f(x + e) - f(x - e)) / e,
        capsys,
    )


def test_checks_print_the_same_sentence_every_run(capsys):
    checks.check_forward_pass(forward)
    first = capsys.readouterr().out
    checks.check_forward_pass(forward)
    assert (
        capsys.readouterr().out
        == first
        == "Right: Your forward pass matches mlp_core on every test case.\n"
    )
    assert mlp_core.ALPHA == 0.01
