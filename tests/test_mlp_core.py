"""Tests of mlp_core: hand-computed values, finite differences, properties, the original's runs."""

import copy
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mlp_core
from mlp_core import (
    ALPHA,
    SEED,
    X_TRAIN,
    Y_TRAIN,
    NeuralNetwork,
    TrainingDiverged,
    gradient_check,
    leaky_relu,
    leaky_relu_derivative,
    mse_loss,
)

# ---------------------------------------------------------------------------------------------
# The constants and the data.


def test_constants_and_data_are_the_originals():
    assert mlp_core.LEARNING_RATE == 0.1
    assert ALPHA == 0.01
    assert X_TRAIN.dtype == np.float64 and X_TRAIN.shape == (1, 3)
    assert Y_TRAIN.dtype == np.float64 and Y_TRAIN.shape == (1, 3)
    np.testing.assert_array_equal(X_TRAIN, [[2, -1, 3]])
    np.testing.assert_array_equal(Y_TRAIN, [[3, 1, 5]])


# ---------------------------------------------------------------------------------------------
# A tiny network with chosen weights, every number worked out by hand.


def tiny_network():
    """[1, 1, 1] with W1 = 0.5, b1 = 0.1, W2 = 2, b2 = -0.5, alpha = 0.01."""
    network = NeuralNetwork([1, 1, 1], alpha=0.01, seed=0)
    network.weights = [np.array([[0.5]]), np.array([[2.0]])]
    network.biases = [np.array([[0.1]]), np.array([[-0.5]])]
    return network


def test_forward_pass_by_hand():
    activations, zs = tiny_network().forward_pass(X_TRAIN)
    # z1 = 0.5 * [2, -1, 3] + 0.1 = [1.1, -0.4, 1.6]
    np.testing.assert_allclose(zs[0], [[1.1, -0.4, 1.6]])
    # a1 = leaky_relu(z1): the negative entry is multiplied by 0.01 -> [1.1, -0.004, 1.6]
    np.testing.assert_allclose(activations[1], [[1.1, -0.004, 1.6]])
    # z2 = 2 * a1 - 0.5 = [1.7, -0.508, 2.7]; the output layer is linear, so y_hat = z2
    np.testing.assert_allclose(zs[1], [[1.7, -0.508, 2.7]])
    np.testing.assert_allclose(activations[2], [[1.7, -0.508, 2.7]])
    assert activations[0] is not None and np.array_equal(activations[0], X_TRAIN)


def test_loss_by_hand():
    network = tiny_network()
    y_hat = network.predict(X_TRAIN)
    # errors y_hat - y = [-1.3, -1.508, -2.3]; squares 1.69 + 2.274064 + 5.29 = 9.254064
    # loss = 9.254064 / (2 * 3) = 1.542344
    assert network.compute_loss(Y_TRAIN, y_hat) == pytest.approx(1.542344, abs=1e-12)
    assert mse_loss(Y_TRAIN, y_hat) == pytest.approx(1.542344, abs=1e-12)


def test_every_gradient_by_hand():
    network = tiny_network()
    activations, zs = network.forward_pass(X_TRAIN)
    dW, dB = network.backward_pass(activations, zs, Y_TRAIN)
    # Output layer: dZ2 = y_hat - y = [-1.3, -1.508, -2.3]
    # dW2 = dZ2 . a1^T / 3 = (-1.3*1.1 + -1.508*-0.004 + -2.3*1.6) / 3 = -5.103968 / 3
    assert dW[1][0, 0] == pytest.approx(-5.103968 / 3, abs=1e-12)
    # db2 = mean(dZ2) = -5.108 / 3
    assert dB[1][0, 0] == pytest.approx(-5.108 / 3, abs=1e-12)
    # Hidden layer: dA1 = W2^T dZ2 = [-2.6, -3.016, -4.6]; times leaky_relu'(z1) = [1, 0.01, 1]
    # dZ1 = [-2.6, -0.03016, -4.6]
    # dW1 = dZ1 . x^T / 3 = (-2.6*2 + -0.03016*-1 + -4.6*3) / 3 = -18.96984 / 3 = -6.32328
    assert dW[0][0, 0] == pytest.approx(-6.32328, abs=1e-12)
    # db1 = mean(dZ1) = -7.23016 / 3
    assert dB[0][0, 0] == pytest.approx(-7.23016 / 3, abs=1e-12)


def test_update_by_hand_and_backward_changes_nothing():
    network = tiny_network()
    before = copy.deepcopy((network.weights, network.biases))
    activations, zs = network.forward_pass(X_TRAIN)
    dW, dB = network.backward_pass(activations, zs, Y_TRAIN)
    for got, kept in zip(network.weights + network.biases, before[0] + before[1]):
        np.testing.assert_array_equal(got, kept)
    network.update(dW, dB, 0.1)
    # W1 = 0.5 - 0.1 * -6.32328 = 1.132328 ; b2 = -0.5 - 0.1 * (-5.108 / 3) = -0.32973...
    assert network.weights[0][0, 0] == pytest.approx(1.132328, abs=1e-12)
    assert network.biases[1][0, 0] == pytest.approx(-0.5 + 0.5108 / 3, abs=1e-12)


def test_train_losses_are_measured_before_each_update():
    network = tiny_network()
    losses = network.train(X_TRAIN, Y_TRAIN, epochs=2, learning_rate=0.1)
    assert losses.shape == (2,)
    assert losses[0] == pytest.approx(1.542344, abs=1e-12)
    assert losses[1] == pytest.approx(network_after_one_step_loss(), abs=1e-12)
    assert NeuralNetwork([1, 1]).train(X_TRAIN, Y_TRAIN, epochs=0).shape == (0,)


def network_after_one_step_loss():
    network = tiny_network()
    activations, zs = network.forward_pass(X_TRAIN)
    network.update(*network.backward_pass(activations, zs, Y_TRAIN), 0.1)
    return network.compute_loss(Y_TRAIN, network.predict(X_TRAIN))


# ---------------------------------------------------------------------------------------------
# Gradients against centred finite differences.


def random_smooth_case(layer_sizes, alpha, n_samples, seed):
    """A network with O(1) weights and data whose pre-activations all stay away from 0 (the kink)."""
    rng = np.random.default_rng(seed)
    for _ in range(100):
        network = NeuralNetwork(layer_sizes, alpha=alpha, seed=seed)
        network.weights = [rng.standard_normal(W.shape) for W in network.weights]
        network.biases = [rng.standard_normal(b.shape) for b in network.biases]
        X = rng.standard_normal((layer_sizes[0], n_samples))
        Y = rng.standard_normal((layer_sizes[-1], n_samples))
        _, zs = network.forward_pass(X)
        if min((np.abs(Z).min() for Z in zs[:-1]), default=np.inf) > 1e-2:
            return network, X, Y
    raise AssertionError("could not draw a case away from the kink")


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
def test_backprop_matches_finite_differences(layer_sizes, n_samples, alpha):
    network, X, Y = random_smooth_case(
        layer_sizes, alpha, n_samples, seed=len(layer_sizes) + n_samples
    )
    # Between kinks the loss is exactly quadratic in any one parameter, so centred differences carry
    # no truncation error and a step of 1e-4 only shrinks rounding error (which, with eps = 1e-6,
    # reaches 1e-6 relative on the tiny gradients of units that the leak scales by alpha = 0.01).
    assert gradient_check(network, X, Y, eps=1e-4) < 1e-7


def test_gradient_check_catches_a_wrong_gradient():
    network, X, Y = random_smooth_case([2, 4, 3, 1], 0.01, 5, seed=1)
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


def test_gradient_check_checks_an_overridden_backward_pass():
    network, X, Y = random_smooth_case([2, 4, 3, 1], 0.3, 5, seed=1)
    planted = ForgotTheLeakySlope(network.layer_sizes, alpha=network.alpha)
    planted.weights, planted.biases = network.weights, network.biases
    assert gradient_check(network, X, Y, eps=1e-4) < 1e-7
    assert gradient_check(planted, X, Y, eps=1e-4) > 0.01


def test_numerical_gradients_use_the_networks_own_forward_pass():
    network, X, Y = random_smooth_case([2, 3, 1], 0.1, 4, seed=2)
    doubled = copy.deepcopy(network)
    correct = doubled.forward_pass

    def forward_with_doubled_output(X):
        activations, zs = correct(X)
        return activations[:-1] + [2 * activations[-1]], zs

    doubled.forward_pass = forward_with_doubled_output
    dW, _ = mlp_core.numerical_gradients(network, X, Y)
    dW_doubled, _ = mlp_core.numerical_gradients(doubled, X, Y)
    assert not np.allclose(dW[-1], dW_doubled[-1])


def test_numerical_gradients_leave_the_network_unchanged():
    network, X, Y = random_smooth_case([2, 3, 1], 0.1, 4, seed=2)
    before = copy.deepcopy(network.weights + network.biases)
    mlp_core.numerical_gradients(network, X, Y)
    for got, kept in zip(network.weights + network.biases, before):
        np.testing.assert_array_equal(got, kept)


def test_numerical_gradients_of_integer_weights_are_not_truncated():
    network = tiny_network()
    network.weights = [np.array([[1]]), np.array([[2]])]  # integers, assigned by hand
    kept = network.weights[0]
    dW, _ = mlp_core.numerical_gradients(network, X_TRAIN, Y_TRAIN)
    activations, zs = network.forward_pass(X_TRAIN)
    np.testing.assert_allclose(
        dW[0], network.backward_pass(activations, zs, Y_TRAIN)[0][0], rtol=1e-6
    )
    assert network.weights[0] is kept and kept.dtype.kind == "i" and kept[0, 0] == 1


def test_relative_error():
    np.testing.assert_allclose(
        mlp_core.relative_error([1.0, 0.0, -2.0], [3.0, 0.0, 2.0]), [0.5, 0.0, 1.0]
    )


# ---------------------------------------------------------------------------------------------
# Properties.

layer_sizes_strategy = st.lists(st.integers(1, 6), min_size=2, max_size=5)
finite_floats = st.floats(-1e6, 1e6, allow_nan=False)
alphas = st.floats(0, 1)


@settings(max_examples=60, deadline=None)
@given(
    layer_sizes=layer_sizes_strategy,
    n_samples=st.integers(1, 8),
    seed=st.integers(0, 2**32),
)
def test_every_shape_follows_the_layer_sizes(layer_sizes, n_samples, seed):
    network = NeuralNetwork(layer_sizes, seed=seed)
    X = np.random.default_rng(seed).standard_normal((layer_sizes[0], n_samples))
    Y = np.zeros((layer_sizes[-1], n_samples))
    activations, zs = network.forward_pass(X)
    assert [A.shape for A in activations] == [(n, n_samples) for n in layer_sizes]
    assert [Z.shape for Z in zs] == [(n, n_samples) for n in layer_sizes[1:]]
    assert network.predict(X).shape == (layer_sizes[-1], n_samples)
    dW, dB = network.backward_pass(activations, zs, Y)
    assert [g.shape for g in dW] == [W.shape for W in network.weights]
    assert [g.shape for g in dB] == [b.shape for b in network.biases]
    assert [W.shape for W in network.weights] == list(
        zip(layer_sizes[1:], layer_sizes[:-1])
    )
    assert all(
        np.array_equal(b, np.zeros((n, 1)))
        for b, n in zip(network.biases, layer_sizes[1:])
    )
    assert network.n_parameters == sum(
        W.size + b.size for W, b in zip(network.weights, network.biases)
    )


@given(z=finite_floats, alpha=alphas, scale=st.floats(0.001, 1000))
def test_leaky_relu_identities(z, alpha, scale):
    f, df = leaky_relu(z, alpha), leaky_relu_derivative(z, alpha)
    assert f == (z if z > 0 else alpha * z)
    assert f == max(z, alpha * z)  # for 0 <= alpha <= 1
    assert f == pytest.approx(df * z)  # piecewise linear through the origin
    assert leaky_relu(scale * z, alpha) == pytest.approx(
        scale * f
    )  # positively homogeneous
    assert leaky_relu(z, 1.0) == z and leaky_relu(z, 0.0) == max(z, 0.0)


def test_leaky_relu_derivative_at_zero_is_alpha():
    assert leaky_relu_derivative(0.0, 0.3) == 0.3
    np.testing.assert_array_equal(
        leaky_relu_derivative(np.array([[-2.0, 0.0, 1e-12]]), 0.05), [[0.05, 0.05, 1]]
    )
    np.testing.assert_array_equal(
        leaky_relu(np.array([[-2.0, 0.0, 3.0]]), 0.05), [[-0.1, 0.0, 3.0]]
    )


# Squares of differences below about 1e-154 underflow to 0 in float64, so "loss 0 only at the targets"
# holds for values that are 0 or not tiny (hypothesis found 1.7e-193).
not_tiny_floats = finite_floats.filter(lambda value: value == 0 or abs(value) > 1e-100)
matrices = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda cols: st.tuples(
            st.lists(
                st.lists(not_tiny_floats, min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            ),
            st.lists(
                st.lists(not_tiny_floats, min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            ),
        )
    )
)


@given(pair=matrices)
def test_loss_is_non_negative_and_zero_only_at_the_targets(pair):
    Y, Y_hat = np.array(pair[0]), np.array(pair[1])
    assert mse_loss(Y, Y_hat) >= 0
    assert mse_loss(Y, Y) == 0
    assert (mse_loss(Y, Y_hat) == 0) == np.array_equal(Y, Y_hat)


@settings(max_examples=40, deadline=None)
@given(layer_sizes=layer_sizes_strategy, alpha=alphas, seed=st.integers(0, 2**16))
def test_a_small_step_never_raises_the_loss(layer_sizes, alpha, seed):
    network, X, Y = random_smooth_case(layer_sizes, alpha, 4, seed)
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    squared_norm = sum(float(np.sum(g**2)) for g in dW + dB)
    assume(squared_norm > 1e-12)
    before = network.compute_loss(Y, activations[-1])
    # A step this short moves every pre-activation by far less than its distance to the kink.
    network.update(dW, dB, 1e-6 / (1 + squared_norm))
    assert network.compute_loss(Y, network.predict(X)) < before


# ---------------------------------------------------------------------------------------------
# Reproducibility and the original notebook's two runs.


def test_same_seed_same_weights_and_losses():
    a, b = NeuralNetwork([1, 4, 3, 1], seed=7), NeuralNetwork([1, 4, 3, 1], seed=7)
    for W_a, W_b in zip(a.weights, b.weights):
        np.testing.assert_array_equal(W_a, W_b)
    np.testing.assert_array_equal(
        a.train(X_TRAIN, Y_TRAIN, 30), b.train(X_TRAIN, Y_TRAIN, 30)
    )
    c = NeuralNetwork([1, 4, 3, 1], seed=8)
    assert not np.array_equal(
        NeuralNetwork([1, 4, 3, 1], seed=7).weights[0], c.weights[0]
    )


def test_weights_are_scaled_standard_normal_draws_in_layer_order():
    rng = np.random.default_rng(11)
    expected = [rng.standard_normal((4, 1)) * 0.1, rng.standard_normal((3, 4)) * 0.1]
    network = NeuralNetwork([1, 4, 3], seed=11)
    for got, want in zip(network.weights, expected):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.float64


def test_both_runs_start_near_the_all_zero_loss():
    # Predicting 0 everywhere: (3^2 + 1^2 + 5^2) / (2 * 3) = 35 / 6
    assert mse_loss(Y_TRAIN, np.zeros((1, 3))) == pytest.approx(35 / 6)
    for sizes in ([1, 1, 1], [1, 4, 3, 1]):
        losses = NeuralNetwork(sizes, seed=SEED).train(
            X_TRAIN, Y_TRAIN, 100, learning_rate=0.1
        )
        assert losses[0] == pytest.approx(35 / 6, abs=0.05)


def test_the_deeper_network_fits_the_three_points():
    losses = NeuralNetwork([1, 4, 3, 1], seed=SEED).train(
        X_TRAIN, Y_TRAIN, 100, learning_rate=0.1
    )
    assert losses.shape == (100,)
    assert losses[-1] < 0.05
    assert np.all(np.diff(losses) < 0)


def test_one_hidden_unit_plateaus():
    network = NeuralNetwork([1, 1, 1], seed=SEED)
    losses = network.train(X_TRAIN, Y_TRAIN, 100, learning_rate=0.1)
    # It settles near 1/3: x = 2 and x = 3 sit on the flat (leaky) side of the one unit, so they get
    # almost the same prediction, about 4, with errors near -1 and +1: (1 + 1) / (2 * 3).
    assert losses[-1] == pytest.approx(1 / 3, abs=0.01)
    prediction = network.predict(X_TRAIN)
    assert abs(prediction[0, 0] - prediction[0, 2]) < 0.05
    # ... and stays there: a thousand more epochs gain almost nothing.
    assert network.train(X_TRAIN, Y_TRAIN, 1000)[-1] > 0.32


# ---------------------------------------------------------------------------------------------
# Bad input: a clear error, and the network unchanged.


def snapshot(network):
    return copy.deepcopy(
        (network.layer_sizes, network.alpha, network.weights, network.biases)
    )


def assert_unchanged(network, before):
    after = snapshot(network)
    assert after[:2] == before[:2]
    for got, kept in zip(after[2] + after[3], before[2] + before[3]):
        np.testing.assert_array_equal(got, kept)


@pytest.mark.parametrize(
    "layer_sizes, error, words",
    [
        ([1], ValueError, "at least two"),
        ([], ValueError, "at least two"),
        ([1, 0, 1], ValueError, "layer_sizes[1] must be at least 1"),
        ([1, -3], ValueError, "layer_sizes[1]"),
        ([1, 2.5, 1], TypeError, "layer_sizes[1] must be an integer"),
        ([1, True], TypeError, "layer_sizes[1]"),
        ("141", TypeError, "layer_sizes must be a list"),
        (3, TypeError, "layer_sizes must be a list"),
    ],
)
def test_bad_layer_sizes(layer_sizes, error, words):
    with pytest.raises(error) as raised:
        NeuralNetwork(layer_sizes)
    assert words in str(raised.value)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"alpha": float("nan")}, ValueError),
        ({"alpha": float("inf")}, ValueError),
        ({"alpha": "0.1"}, TypeError),
        ({"seed": -1}, ValueError),
        ({"seed": 1.5}, TypeError),
    ],
)
def test_bad_alpha_or_seed(kwargs, error):
    with pytest.raises(error, match="alpha|seed"):
        NeuralNetwork([1, 2, 1], **kwargs)


BAD_DATA = [
    (np.array([2.0, -1.0, 3.0]), Y_TRAIN, ValueError, "X must be 2-D"),
    (np.zeros((2, 3)), Y_TRAIN, ValueError, "X must have 1 row"),
    (np.zeros((1, 0)), np.zeros((1, 0)), ValueError, "at least one sample"),
    (np.array([[1.0, np.nan, 2.0]]), Y_TRAIN, ValueError, "X must hold only finite"),
    (np.array([[1.0, np.inf, 2.0]]), Y_TRAIN, ValueError, "X must hold only finite"),
    (
        np.array([["a", "b", "c"]]),
        Y_TRAIN,
        TypeError,
        "X must be an array of real numbers",
    ),
    (X_TRAIN, np.zeros((1, 2)), ValueError, "Y must have shape (1, 3)"),
    (X_TRAIN, np.zeros((2, 3)), ValueError, "Y must have shape (1, 3)"),
    (X_TRAIN, np.array([[1.0, 2.0, np.nan]]), ValueError, "Y must hold only finite"),
    (X_TRAIN, Y_TRAIN.ravel(), ValueError, "Y must be 2-D"),
]


@pytest.mark.parametrize("X, Y, error, words", BAD_DATA)
def test_bad_data_for_train(X, Y, error, words):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    before = snapshot(network)
    with pytest.raises(error) as raised:
        network.train(X, Y, epochs=5)
    assert words in str(raised.value)
    assert_unchanged(network, before)


@pytest.mark.parametrize(
    "X, Y, error, words", [case for case in BAD_DATA if "X" in case[3]]
)
def test_bad_data_for_forward_and_predict(X, Y, error, words):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    before = snapshot(network)
    for method in (network.forward_pass, network.predict):
        with pytest.raises(error, match=words):
            method(X)
    with pytest.raises(error, match=words):
        gradient_check(network, X, Y)
    assert_unchanged(network, before)


@pytest.mark.parametrize(
    "epochs, learning_rate, error, words",
    [
        (-1, 0.1, ValueError, "epochs must be at least 0"),
        (2.0, 0.1, TypeError, "epochs must be an integer"),
        (10, 0.0, ValueError, "learning_rate must be greater than 0"),
        (10, -0.1, ValueError, "learning_rate must be greater than 0"),
        (10, float("nan"), ValueError, "learning_rate must be finite"),
        (10, float("inf"), ValueError, "learning_rate must be finite"),
        (10, "0.1", TypeError, "learning_rate must be a real number"),
    ],
)
def test_bad_epochs_or_learning_rate(epochs, learning_rate, error, words):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    before = snapshot(network)
    with pytest.raises(error) as raised:
        network.train(X_TRAIN, Y_TRAIN, epochs, learning_rate)
    assert words in str(raised.value)
    assert_unchanged(network, before)


def test_bad_gradients_for_update_leave_every_layer_unchanged():
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    activations, zs = network.forward_pass(X_TRAIN)
    dW, dB = network.backward_pass(activations, zs, Y_TRAIN)
    before = snapshot(network)
    transposed = dW[:-1] + [dW[-1].T]
    cases = [
        ((transposed, dB, 0.1), ValueError, r"dW\[2\] must have shape \(1, 3\)"),
        ((dW[:-1], dB, 0.1), TypeError, "dW must be a list of 3 arrays"),
        (
            (dW, [b * np.nan for b in dB], 0.1),
            ValueError,
            r"dB\[0\] must hold only finite",
        ),
        ((dW, dB, 0), ValueError, "learning_rate must be greater than 0"),
    ]
    for args, error, words in cases:
        with pytest.raises(error, match=words):
            network.update(*args)
        assert_unchanged(network, before)


def test_bad_arguments_for_backward_pass_and_loss():
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    activations, zs = network.forward_pass(X_TRAIN)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 3\)"):
        network.backward_pass(activations, zs, Y_TRAIN[:, :2])
    with pytest.raises(TypeError, match="zs must be a list of 3 arrays"):
        network.backward_pass(activations, zs[:2], Y_TRAIN)
    with pytest.raises(ValueError, match=r"activations\[1\] must have shape \(4, 3\)"):
        network.backward_pass(
            [activations[0], activations[2]] + activations[2:], zs, Y_TRAIN
        )
    with pytest.raises(ValueError, match=r"Y_hat must have shape \(1, 3\)"):
        mse_loss(Y_TRAIN, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="Y_hat must hold only finite"):
        network.compute_loss(Y_TRAIN, np.array([[np.nan, 0, 0]]))
    with pytest.raises(ValueError, match="eps must be greater than 0"):
        gradient_check(network, X_TRAIN, Y_TRAIN, eps=0)


# ---------------------------------------------------------------------------------------------
# Divergence.


def test_divergence_raises_plainly_without_numpy_warnings():
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    before = snapshot(network)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error"
        )  # any RuntimeWarning (overflow, invalid value) fails the test
        with pytest.raises(TrainingDiverged) as raised:
            network.train(X_TRAIN, Y_TRAIN, epochs=100, learning_rate=5.0)
    diverged = raised.value
    assert f"epoch {diverged.epoch}" in str(diverged) and "learning rate 5" in str(
        diverged
    )
    assert 0 < diverged.epoch < 100
    assert diverged.learning_rate == 5.0
    assert diverged.losses.shape == (diverged.epoch,) and np.all(
        np.isfinite(diverged.losses)
    )
    assert_unchanged(network, before)
    assert np.isfinite(
        network.train(X_TRAIN, Y_TRAIN, 5)
    ).all()  # still usable afterwards


class InPlaceUpdates(NeuralNetwork):
    """Updates that change the arrays in place instead of building new ones."""

    def update(self, dW, dB, learning_rate):
        for parameter, gradient in zip(self.weights + self.biases, dW + dB):
            parameter -= learning_rate * gradient


def test_divergence_restores_the_network_even_when_updates_work_in_place():
    network = InPlaceUpdates([1, 4, 3, 1], seed=SEED)
    kept = network.weights[0]
    before = snapshot(network)
    with pytest.raises(TrainingDiverged):
        network.train(X_TRAIN, Y_TRAIN, epochs=100, learning_rate=5.0)
    assert_unchanged(network, before)
    assert not np.array_equal(
        kept, network.weights[0]
    )  # the old array was changed in place
    losses = network.train(X_TRAIN, Y_TRAIN, 100)
    np.testing.assert_array_equal(
        losses, NeuralNetwork([1, 4, 3, 1], seed=SEED).train(X_TRAIN, Y_TRAIN, 100)
    )


def test_a_flat_bias_gets_the_hint_for_a_column():
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    network.biases[0] = network.biases[0].ravel()
    with pytest.raises(ValueError, match=r"A bias is a column: use \.reshape\(-1, 1\)"):
        network.predict(X_TRAIN)
    with pytest.raises(
        ValueError, match=r"A single feature is a row: use \.reshape\(1, -1\)"
    ):
        NeuralNetwork([1, 4, 3, 1]).predict(X_TRAIN.ravel())


@pytest.mark.parametrize(
    "change, words",
    [
        (
            lambda n: setattr(n, "biases", [b.ravel() for b in n.biases]),
            r"biases\[0\] must be 2-D",
        ),
        (
            lambda n: n.weights.__setitem__(1, n.weights[1].T),
            r"weights\[1\] must have shape \(3, 4\)",
        ),
        (
            lambda n: n.biases.__setitem__(2, np.full((1, 1), np.nan)),
            r"biases\[2\] must hold only finite",
        ),
        (lambda n: n.weights.pop(), "weights must be a list of 3 arrays"),
    ],
)
def test_parameters_assigned_by_hand_are_checked(change, words):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    activations, zs = network.forward_pass(X_TRAIN)
    dW, dB = network.backward_pass(activations, zs, Y_TRAIN)
    change(network)
    for call in (
        lambda: network.forward_pass(X_TRAIN),
        lambda: network.predict(X_TRAIN),
        lambda: network.train(X_TRAIN, Y_TRAIN, 3),
        lambda: network.backward_pass(activations, zs, Y_TRAIN),
        lambda: network.update(dW, dB, 0.1),
        lambda: gradient_check(network, X_TRAIN, Y_TRAIN),
    ):
        with pytest.raises((ValueError, TypeError), match=words):
            call()


def test_messages_say_what_a_row_stands_for():
    network = NeuralNetwork([2, 3, 1])
    with pytest.raises(ValueError, match="X must have 2 row.s., one per input feature"):
        network.predict(np.zeros((1, 4)))
    with pytest.raises(
        ValueError, match=r"Y must have shape \(1, 4\), one row per output"
    ):
        network.train(np.zeros((2, 4)), np.zeros((4, 1)), 1)
    activations, zs = network.forward_pass(np.zeros((2, 4)))
    dW, dB = network.backward_pass(activations, zs, np.zeros((1, 4)))
    with pytest.raises(
        ValueError,
        match=r"dB\[0\] must be 2-D, a column with one row per unit",
    ):
        network.update(dW, [b.ravel() for b in dB], 0.1)
