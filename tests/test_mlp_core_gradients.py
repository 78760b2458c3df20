"""The gradients: backward_pass against centred differences on many networks, the gradient check
catching planted bugs, and numerical_gradients leaving the network alone."""

import copy

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mlp_core
from mlp_core import (
    X_TRAIN,
    Y_TRAIN,
    NeuralNetwork,
    gradient_check,
    numerical_gradients,
)


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2, 1.0])
@pytest.mark.parametrize(
    "layer_sizes, n_samples",
    [
        ([1, 1, 1], 3),
        ([1, 4, 3, 1], 3),
        ([3, 5, 2], 7),
        ([2, 6, 6, 4, 3], 5),
        ([4, 1], 2),
    ],
)
def test_backprop_matches_finite_differences(
    layer_sizes, n_samples, alpha, smooth_case
):
    network, X, Y = smooth_case(
        layer_sizes, alpha, n_samples, seed=len(layer_sizes) + n_samples
    )
    # Between kinks the loss is exactly quadratic in any one parameter, so centred differences carry
    # no truncation error and a step of 1e-4 only shrinks rounding error (which, with eps = 1e-6,
    # reaches 1e-6 relative on the tiny gradients of units that the leak scales by alpha = 0.01).
    assert gradient_check(network, X, Y, eps=1e-4) < 1e-7


def test_a_softmax_network_passes_the_gradient_check():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 8))
    Y = np.eye(3)[:, rng.integers(0, 3, size=8)]
    network = NeuralNetwork([3, 5, 3], seed=0, weight_scale=1.0, output="softmax")
    assert gradient_check(network, X, Y) < 1e-6


@settings(max_examples=40, deadline=None)
@given(
    layer_sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    alpha=st.floats(0, 1),
    seed=st.integers(0, 2**16),
)
def test_a_small_step_against_the_gradient_lowers_the_loss(
    layer_sizes, alpha, seed, smooth_case
):
    network, X, Y = smooth_case(layer_sizes, alpha, 4, seed)
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    squared_norm = sum(float(np.sum(g**2)) for g in dW + dB)
    assume(squared_norm > 1e-12)
    before = network.compute_loss(Y, activations[-1])
    # A step this short moves every pre-activation by far less than its distance to the kink.
    network.update(dW, dB, 1e-6 / (1 + squared_norm))
    assert network.compute_loss(Y, network.predict(X)) < before


# ---------------------------------------------------------------------------------------------
# The check catches what it should.


def test_gradient_check_catches_a_wrong_gradient(smooth_case):
    network, X, Y = smooth_case([2, 4, 3, 1], 0.01, 5, seed=1)
    correct = network.backward_pass

    def forgot_the_division_by_n(activations, zs, Y):
        dW, dB = correct(activations, zs, Y)
        return [g * Y.shape[1] for g in dW], dB

    network.backward_pass = forgot_the_division_by_n  # a bug planted in one instance
    assert gradient_check(network, X, Y) > 0.1


class ForgotTheLeakySlope(NeuralNetwork):
    """A subclass whose backward pass treats every hidden unit as linear (slope 1 everywhere)."""

    def backward_pass(self, activations, zs, Y):
        alpha, self.alpha = self.alpha, 1.0
        try:
            return super().backward_pass(activations, zs, Y)
        finally:
            self.alpha = alpha


def test_gradient_check_checks_an_overridden_backward_pass(smooth_case):
    network, X, Y = smooth_case([2, 4, 3, 1], 0.3, 5, seed=1)
    planted = ForgotTheLeakySlope(network.layer_sizes, alpha=network.alpha)
    planted.weights, planted.biases = network.weights, network.biases
    assert gradient_check(network, X, Y, eps=1e-4) < 1e-7
    assert gradient_check(planted, X, Y, eps=1e-4) > 0.01


def test_numerical_gradients_use_the_networks_own_forward_pass(smooth_case):
    # With the output doubled the loss is sum((2 y_hat - y)^2) / 2N, whose derivative for the
    # output bias is 2 * mean(2 y_hat - y); mlp_core's own forward pass would give mean(y_hat - y).
    network, X, Y = smooth_case([2, 3, 1], 0.1, 4, seed=2)
    doubled = copy.deepcopy(network)
    correct = doubled.forward_pass

    def forward_with_doubled_output(X):
        activations, zs = correct(X)
        return activations[:-1] + [2 * activations[-1]], zs

    doubled.forward_pass = forward_with_doubled_output
    _, dB = numerical_gradients(doubled, X, Y)
    y_hat = network.predict(X)
    assert dB[-1][0, 0] == pytest.approx(2 * np.mean(2 * y_hat - Y), rel=1e-6)


# ---------------------------------------------------------------------------------------------
# numerical_gradients leaves the network alone.


def test_numerical_gradients_leave_the_network_and_its_arrays_unchanged(
    smooth_case, unchanged
):
    network, X, Y = smooth_case([2, 3, 1], 0.1, 4, seed=2)
    arrays = network.weights + network.biases
    still = unchanged(network)
    numerical_gradients(network, X, Y)
    still()
    assert all(
        got is kept for got, kept in zip(network.weights + network.biases, arrays)
    )


def test_numerical_gradients_of_integer_weights_are_not_truncated(tiny_network):
    tiny_network.weights = [
        np.array([[1]]),
        np.array([[2]]),
    ]  # integers, assigned by hand
    kept = tiny_network.weights[0]
    dW, _ = numerical_gradients(tiny_network, X_TRAIN, Y_TRAIN)
    # W1 = 1, b1 = 0.1, W2 = 2, b2 = -0.5: z1 = [2.1, -0.9, 3.1], a1 = [2.1, -0.009, 3.1],
    # y_hat = [3.7, -0.518, 5.7], errors [0.7, -1.518, 0.7], dZ1 = 2 * errors * [1, 0.01, 1]
    # = [1.4, -0.03036, 1.4], dW1 = (1.4 * 2 + -0.03036 * -1 + 1.4 * 3) / 3 = 7.03036 / 3
    assert dW[0][0, 0] == pytest.approx(7.03036 / 3, rel=1e-8)
    assert tiny_network.weights[0] is kept
    assert kept.dtype.kind == "i" and kept[0, 0] == 1


class FailsOnTheFifthLoss(NeuralNetwork):
    def compute_loss(self, Y, Y_hat):
        self.losses = getattr(self, "losses", 0) + 1
        if self.losses == 5:
            raise RuntimeError("planted failure")
        return super().compute_loss(Y, Y_hat)


def test_numerical_gradients_give_the_arrays_back_when_the_loss_fails(unchanged):
    network = FailsOnTheFifthLoss([1, 3, 1], seed=0)
    arrays = network.weights + network.biases
    still = unchanged(network)
    with pytest.raises(RuntimeError, match="planted failure"):
        mlp_core.numerical_gradients(network, X_TRAIN, Y_TRAIN)
    still()
    assert all(
        got is kept for got, kept in zip(network.weights + network.biases, arrays)
    )
