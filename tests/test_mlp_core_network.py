"""NeuralNetwork's construction and its three passes: the initial weights, the forward pass, the
backward pass and the update, by hand on a tiny network, and the shapes on any network."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp_core import INIT_SCALE, SEED, X_TRAIN, Y_TRAIN, NeuralNetwork, he_scale

# ---------------------------------------------------------------------------------------------
# The initial weights.


def test_weights_are_scaled_standard_normal_draws_in_layer_order():
    # The book's numbers start here: seed 4's draws, layer by layer, times the weight scale.
    rng = np.random.default_rng(SEED)
    draws = [rng.standard_normal(shape) for shape in [(4, 1), (3, 4), (1, 3)]]
    for kwargs, scale in [
        ({}, 0.1),
        ({"weight_scale": INIT_SCALE}, 0.1),
        ({"weight_scale": 2.5}, 2.5),
    ]:
        network = NeuralNetwork([1, 4, 3, 1], seed=SEED, **kwargs)
        for W, draw in zip(network.weights, draws):
            assert W.dtype == np.float64
            np.testing.assert_array_equal(W, draw * scale)
        for b, n in zip(network.biases, [4, 3, 1]):
            np.testing.assert_array_equal(b, np.zeros((n, 1)))


def test_the_same_seed_gives_the_same_network_and_another_seed_another():
    same = NeuralNetwork([1, 4, 3, 1], seed=7), NeuralNetwork([1, 4, 3, 1], seed=7)
    for W_a, W_b in zip(same[0].weights, same[1].weights):
        np.testing.assert_array_equal(W_a, W_b)
    other = NeuralNetwork([1, 4, 3, 1], seed=8)
    assert not np.array_equal(same[0].weights[0], other.weights[0])


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2])
def test_he_scales_each_layers_draws_by_its_fan_in(alpha):
    sizes = [784, 64, 32, 10]
    default = NeuralNetwork(sizes, alpha=alpha, seed=3)
    he = NeuralNetwork(sizes, alpha=alpha, seed=3, weight_scale="he")
    for W_default, W_he, n_in in zip(default.weights, he.weights, sizes):
        # The same draws: one ratio per layer, the He scale of its fan-in over 0.1.
        np.testing.assert_allclose(
            W_he / W_default, he_scale(n_in, alpha) / 0.1, rtol=1e-13
        )
    # 784 x 64 draws pin the spread of the first layer's weights to about 1 %.
    assert he.weights[0].std() == pytest.approx(he_scale(784, alpha), rel=0.02)


def test_he_keeps_the_signal_through_twelve_layers_where_the_default_shrinks_it():
    # What the He scale is for (chapter 13): the mean square of the pre-activations stays about
    # the same from layer to layer. With the default 0.1 on 100 units each layer keeps
    # 100 * 0.1^2 * (1 + 0.01^2) / 2 = 0.5 of it, so twelve layers keep about 0.5^11 = 0.0005.
    X = np.random.default_rng(0).standard_normal((100, 500))
    sizes = [100] * 13
    spreads = {}
    for scale in ("he", 0.1):
        _, zs = NeuralNetwork(sizes, seed=1, weight_scale=scale).forward_pass(X)
        spreads[scale] = np.mean(zs[-1] ** 2) / np.mean(zs[0] ** 2)
    assert 0.5 < spreads["he"] < 2
    assert spreads[0.1] == pytest.approx(0.5**11, rel=0.5)


def test_n_parameters_by_hand():
    assert (
        NeuralNetwork([1, 4, 3, 1]).n_parameters == 27
    )  # (4 + 4) + (12 + 3) + (3 + 1)
    # 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    assert NeuralNetwork([784, 256, 128, 10]).n_parameters == 235_146


def test_repr_names_the_layers_and_the_slope():
    assert (
        repr(NeuralNetwork([1, 4, 3, 1]))
        == "NeuralNetwork(layer_sizes=[1, 4, 3, 1], alpha=0.01)"
    )
    assert repr(NeuralNetwork([2, 3], alpha=0.2, output="softmax")) == (
        "NeuralNetwork(layer_sizes=[2, 3], alpha=0.2, output='softmax')"
    )


# ---------------------------------------------------------------------------------------------
# The passes by hand, on the tiny network of conftest.py: W1 = 0.5, b1 = 0.1, W2 = 2, b2 = -0.5.


def test_forward_pass_by_hand(tiny_network):
    activations, zs = tiny_network.forward_pass(X_TRAIN)
    # z1 = 0.5 * [2, -1, 3] + 0.1 = [1.1, -0.4, 1.6]
    np.testing.assert_allclose(zs[0], [[1.1, -0.4, 1.6]])
    # a1 = leaky_relu(z1): the negative entry is multiplied by 0.01 -> [1.1, -0.004, 1.6]
    np.testing.assert_allclose(activations[1], [[1.1, -0.004, 1.6]])
    # z2 = 2 * a1 - 0.5 = [1.7, -0.508, 2.7]; the output layer is linear, so y_hat = z2
    np.testing.assert_allclose(zs[1], [[1.7, -0.508, 2.7]])
    np.testing.assert_allclose(activations[2], [[1.7, -0.508, 2.7]])
    np.testing.assert_array_equal(activations[0], X_TRAIN)
    np.testing.assert_array_equal(tiny_network.predict(X_TRAIN), activations[2])


def test_loss_by_hand(tiny_network):
    # errors y_hat - y = [-1.3, -1.508, -2.3]; squares 1.69 + 2.274064 + 5.29 = 9.254064
    # loss = 9.254064 / (2 * 3) = 1.542344
    y_hat = tiny_network.predict(X_TRAIN)
    assert tiny_network.compute_loss(Y_TRAIN, y_hat) == pytest.approx(
        1.542344, abs=1e-12
    )


def test_every_gradient_by_hand(tiny_network):
    activations, zs = tiny_network.forward_pass(X_TRAIN)
    dW, dB = tiny_network.backward_pass(activations, zs, Y_TRAIN)
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


def test_backward_pass_changes_nothing_and_update_steps_by_hand(
    tiny_network, unchanged
):
    still = unchanged(tiny_network)
    activations, zs = tiny_network.forward_pass(X_TRAIN)
    dW, dB = tiny_network.backward_pass(activations, zs, Y_TRAIN)
    still()
    tiny_network.update(dW, dB, 0.1)
    # W1 = 0.5 - 0.1 * -6.32328 = 1.132328; b1 = 0.1 - 0.1 * -7.23016 / 3 = 0.341005333...
    # W2 = 2 - 0.1 * -5.103968 / 3 = 2.170132266...; b2 = -0.5 - 0.1 * -5.108 / 3 = -0.329733...
    assert tiny_network.weights[0][0, 0] == pytest.approx(1.132328, abs=1e-12)
    assert tiny_network.biases[0][0, 0] == pytest.approx(0.3410053333333, abs=1e-12)
    assert tiny_network.weights[1][0, 0] == pytest.approx(2.1701322666667, abs=1e-12)
    assert tiny_network.biases[1][0, 0] == pytest.approx(-0.3297333333333, abs=1e-12)


def test_a_softmax_network_predicts_probabilities_and_its_loss_is_cross_entropy():
    network = NeuralNetwork([2, 3], output="softmax", seed=0)
    network.weights = [np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])]
    X = np.array(
        [[0.0, np.log(2)], [0.0, 0.0]]
    )  # the second column gives Z = [ln 2, 0, 0]
    probabilities = network.predict(X)
    # exp(Z) = [1, 1, 1] and [2, 1, 1]: probabilities [1/3, 1/3, 1/3] and [1/2, 1/4, 1/4]
    np.testing.assert_allclose(
        probabilities, [[1 / 3, 0.5], [1 / 3, 0.25], [1 / 3, 0.25]]
    )
    # Targets classes 0 and 1: -(ln 1/3 + ln 1/4) / 2 = (1.0986123 + 1.3862944) / 2
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    assert network.compute_loss(Y, probabilities) == pytest.approx(1.2424533, abs=1e-7)


# ---------------------------------------------------------------------------------------------
# Shapes, on any network.


@settings(max_examples=60, deadline=None)
@given(
    layer_sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    n_samples=st.integers(1, 8),
    seed=st.integers(0, 2**32),
)
def test_every_shape_follows_the_layer_sizes(layer_sizes, n_samples, seed):
    network = NeuralNetwork(layer_sizes, seed=seed)
    X = np.random.default_rng(seed).standard_normal((layer_sizes[0], n_samples))
    Y = np.zeros((layer_sizes[-1], n_samples))
    assert [W.shape for W in network.weights] == list(
        zip(layer_sizes[1:], layer_sizes[:-1])
    )
    assert [b.shape for b in network.biases] == [(n, 1) for n in layer_sizes[1:]]
    activations, zs = network.forward_pass(X)
    assert [A.shape for A in activations] == [(n, n_samples) for n in layer_sizes]
    assert [Z.shape for Z in zs] == [(n, n_samples) for n in layer_sizes[1:]]
    assert network.predict(X).shape == (layer_sizes[-1], n_samples)
    dW, dB = network.backward_pass(activations, zs, Y)
    assert [g.shape for g in dW] == [W.shape for W in network.weights]
    assert [g.shape for g in dB] == [b.shape for b in network.biases]
