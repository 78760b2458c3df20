"""Tests of what mlp_core gained for Part II: initial scales, minibatches, softmax with cross-entropy."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp_core import (
    INIT_SCALE,
    SEED,
    X_TRAIN,
    Y_TRAIN,
    NeuralNetwork,
    TrainingDiverged,
    cross_entropy_loss,
    gradient_check,
    he_scale,
    minibatches,
    softmax,
)


def snapshot(network):
    return copy.deepcopy((network.weights, network.biases))


def assert_unchanged(network, before):
    for got, kept in zip(network.weights + network.biases, before[0] + before[1]):
        np.testing.assert_array_equal(got, kept)


# ---------------------------------------------------------------------------------------------
# Initial scales.


def test_the_default_scale_keeps_the_books_weights_exactly():
    rng = np.random.default_rng(SEED)
    draws = [rng.standard_normal(shape) for shape in [(4, 1), (3, 4), (1, 3)]]
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    same = NeuralNetwork([1, 4, 3, 1], seed=SEED, weight_scale=INIT_SCALE)
    for W, W_same, draw in zip(network.weights, same.weights, draws):
        np.testing.assert_array_equal(W, draw * 0.1)
        np.testing.assert_array_equal(W_same, W)


def test_he_scale_by_hand():
    assert he_scale(8, alpha=0.0) == 0.5  # sqrt(2 / 8)
    assert (
        he_scale(1, alpha=1.0) == 1.0
    )  # sqrt(2 / (2 * 1)): a linear unit keeps scale 1
    assert he_scale(100, alpha=0.5) == pytest.approx(
        np.sqrt(2 / 125)
    )  # 1 + 0.25 = 1.25


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2])
def test_he_scales_the_same_draws_layer_by_layer(alpha):
    sizes = [784, 64, 32, 10]
    default = NeuralNetwork(sizes, alpha=alpha, seed=3)
    he = NeuralNetwork(sizes, alpha=alpha, seed=3, weight_scale="he")
    for i, (W_default, W_he) in enumerate(zip(default.weights, he.weights)):
        expected = W_default / INIT_SCALE * np.sqrt(2 / ((1 + alpha**2) * sizes[i]))
        np.testing.assert_allclose(W_he, expected, rtol=1e-13)
    # 784 x 64 draws pin the spread of the first layer's weights to about 1 %.
    assert he.weights[0].std() == pytest.approx(he_scale(784, alpha), rel=0.02)


def test_a_number_as_weight_scale_scales_every_layer():
    unit = NeuralNetwork([2, 5, 1], seed=7, weight_scale=1.0)
    default = NeuralNetwork([2, 5, 1], seed=7)
    for W_unit, W_default in zip(unit.weights, default.weights):
        np.testing.assert_allclose(W_unit * INIT_SCALE, W_default, rtol=1e-15)


@pytest.mark.parametrize(
    "weight_scale, error, words",
    [
        (0, ValueError, "weight_scale must be greater than 0"),
        (-0.1, ValueError, "weight_scale must be greater than 0"),
        (float("nan"), ValueError, "weight_scale must be finite"),
        ("xavier", ValueError, 'weight_scale must be a positive number or "he"'),
        (True, TypeError, "weight_scale must be a real number"),
    ],
)
def test_bad_weight_scale(weight_scale, error, words):
    with pytest.raises(error) as raised:
        NeuralNetwork([1, 4, 1], weight_scale=weight_scale)
    assert words in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Minibatches.


def train_by_hand(network, X, Y, epochs, learning_rate, batch_size=None, seed=None):
    """The loop of train() spelt out with the public methods, for comparison."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        batch_losses = []
        n_samples = X.shape[1]
        if batch_size is None or batch_size >= n_samples:
            batches = [np.arange(n_samples)]
        else:
            order = rng.permutation(n_samples)
            batches = np.array_split(order, range(batch_size, n_samples, batch_size))
        for columns in batches:
            activations, zs = network.forward_pass(X[:, columns])
            batch_losses.append(network.compute_loss(Y[:, columns], activations[-1]))
            dW, dB = network.backward_pass(activations, zs, Y[:, columns])
            network.update(dW, dB, learning_rate)
        losses.append(sum(batch_losses) / len(batch_losses))
    return np.array(losses)


def test_full_batch_is_bit_for_bit_the_loop_of_the_book():
    n_samples = X_TRAIN.shape[1]
    runs = [
        NeuralNetwork([1, 4, 3, 1], seed=SEED).train(
            X_TRAIN, Y_TRAIN, 50, 0.1, **kwargs
        )
        for kwargs in [
            {},
            {"batch_size": None},
            {"batch_size": n_samples},
            {"batch_size": 99},
        ]
    ]
    by_hand = train_by_hand(
        NeuralNetwork([1, 4, 3, 1], seed=SEED), X_TRAIN, Y_TRAIN, 50, 0.1
    )
    for losses in runs:
        np.testing.assert_array_equal(losses, by_hand)


def test_minibatches_shuffle_each_epoch_and_cover_every_sample_once():
    rng = np.random.default_rng(0)
    first, second = minibatches(10, 4, rng), minibatches(10, 4, rng)
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(np.concatenate(first)) == list(range(10))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    assert minibatches(10, None, rng) == [slice(None)] == minibatches(10, 10, rng)


def test_minibatch_training_follows_the_shuffled_batches():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((2, 10)), rng.standard_normal((1, 10))
    losses = NeuralNetwork([2, 5, 1], seed=2).train(
        X, Y, 4, 0.05, batch_size=3, seed=11
    )
    twin = NeuralNetwork([2, 5, 1], seed=2)
    expected = train_by_hand(twin, X, Y, 4, 0.05, batch_size=3, seed=11)
    np.testing.assert_allclose(losses, expected, rtol=1e-14)
    again = NeuralNetwork([2, 5, 1], seed=2).train(X, Y, 4, 0.05, batch_size=3, seed=11)
    np.testing.assert_array_equal(losses, again)
    other = NeuralNetwork([2, 5, 1], seed=2).train(X, Y, 4, 0.05, batch_size=3, seed=12)
    assert not np.array_equal(losses, other)


@settings(max_examples=25, deadline=None)
@given(
    n_batches=st.integers(1, 6), batch_size=st.integers(1, 5), seed=st.integers(0, 99)
)
def test_the_mean_of_equal_batch_gradients_is_the_full_gradient(
    n_batches, batch_size, seed
):
    # dW carries 1/N: batches of equal size give gradients on the same scale, and their mean
    # over a partition of the samples is the full-batch gradient.
    rng = np.random.default_rng(seed)
    n_samples = n_batches * batch_size
    X, Y = rng.standard_normal((3, n_samples)), rng.standard_normal((2, n_samples))
    network = NeuralNetwork([3, 4, 2], seed=seed, weight_scale=1.0)
    full = network.backward_pass(*network.forward_pass(X), Y)
    parts = [
        network.backward_pass(*network.forward_pass(X[:, cols]), Y[:, cols])
        for cols in minibatches(n_samples, batch_size, rng)
    ]
    for i in range(2):
        for l in range(2):
            mean = sum(part[i][l] for part in parts) / len(parts)
            np.testing.assert_allclose(mean, full[i][l], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an integer"),
        ({"batch_size": True}, TypeError, "batch_size must be an integer"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
    ],
)
def test_bad_batch_size_or_seed_leave_the_network_unchanged(kwargs, error, words):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    before = snapshot(network)
    with pytest.raises(error) as raised:
        network.train(X_TRAIN, Y_TRAIN, 5, **kwargs)
    assert words in str(raised.value)
    assert_unchanged(network, before)


def test_minibatch_divergence_is_reported_and_undone():
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    before = snapshot(network)
    with pytest.raises(TrainingDiverged):
        network.train(X_TRAIN, Y_TRAIN, 100, learning_rate=5.0, batch_size=1, seed=0)
    assert_unchanged(network, before)


# ---------------------------------------------------------------------------------------------
# Softmax and cross-entropy.


def test_softmax_by_hand_and_far_from_zero():
    # Column [0, ln 3]: exp gives [1, 3], so the probabilities are [1/4, 3/4].
    np.testing.assert_allclose(
        softmax(np.array([[0.0], [np.log(3)]])), [[0.25], [0.75]]
    )
    # Adding a constant to a column changes nothing, even one that would overflow exp.
    Z = np.array([[1.0, -2.0], [2.0, 0.5], [0.0, 0.0]])
    np.testing.assert_allclose(softmax(Z + 1000), softmax(Z), rtol=1e-12)
    np.testing.assert_allclose(softmax(Z).sum(axis=0), [1.0, 1.0])


def test_cross_entropy_by_hand():
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y_hat = np.array([[0.5, 0.2], [0.5, 0.8]])
    # -(ln 0.5 + ln 0.8) / 2
    assert cross_entropy_loss(Y, Y_hat) == pytest.approx(
        -(np.log(0.5) + np.log(0.8)) / 2
    )
    # A probability of exactly 0 for the true class costs about 708, not infinity.
    certain_and_wrong = cross_entropy_loss(Y, np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert np.isfinite(certain_and_wrong) and 350 < certain_and_wrong < 360  # 708 / 2


def test_the_output_error_of_softmax_with_cross_entropy_is_y_hat_minus_y():
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((4, 6))
    Y = np.eye(4)[:, rng.integers(0, 4, size=6)]
    eps = 1e-6
    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (
            cross_entropy_loss(Y, softmax(up)) - cross_entropy_loss(Y, softmax(down))
        ) / (2 * eps)
    np.testing.assert_allclose(numeric, (softmax(Z) - Y) / Z.shape[1], atol=1e-9)


def classification_case(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 8))
    Y = np.eye(3)[:, rng.integers(0, 3, size=8)]
    network = NeuralNetwork([3, 5, 3], seed=seed, weight_scale=1.0, output="softmax")
    return network, X, Y


def test_softmax_network_predicts_probabilities_and_passes_the_gradient_check():
    network, X, Y = classification_case()
    probabilities = network.predict(X)
    assert probabilities.shape == (3, 8) and np.all(probabilities > 0)
    np.testing.assert_allclose(probabilities.sum(axis=0), np.ones(8))
    assert network.compute_loss(Y, probabilities) == pytest.approx(
        -np.sum(Y * np.log(probabilities)) / 8
    )
    assert gradient_check(network, X, Y) < 1e-6


def test_softmax_network_learns():
    network, X, Y = classification_case(seed=1)
    losses = network.train(X, Y, 300, learning_rate=0.5)
    assert losses[-1] < losses[0] / 4
    assert np.array_equal(network.predict(X).argmax(axis=0), Y.argmax(axis=0))


@pytest.mark.parametrize(
    "make_Y, words",
    [
        (lambda Y: 2 * Y, "between 0 and 1"),
        (lambda Y: Y - 0.5, "between 0 and 1"),
        (lambda Y: Y / 2, "each column of Y must sum to 1"),
        (lambda Y: Y[:2], r"Y must have shape \(3, 8\)"),
    ],
)
def test_bad_targets_for_a_softmax_network(make_Y, words):
    network, X, Y = classification_case()
    before = snapshot(network)
    with pytest.raises(ValueError, match=words):
        network.train(X, make_Y(Y), 3)
    with pytest.raises(ValueError, match=words):
        gradient_check(network, X, make_Y(Y))
    assert_unchanged(network, before)


def test_bad_output_settings():
    with pytest.raises(ValueError, match="output must be one of 'linear', 'softmax'"):
        NeuralNetwork([2, 3], output="sigmoid")
    with pytest.raises(ValueError, match="at least two units, one per class"):
        NeuralNetwork([2, 1], output="softmax")
    with pytest.raises(ValueError, match="Y_hat must hold probabilities"):
        cross_entropy_loss(np.eye(2), np.array([[1.5, 0.0], [-0.5, 1.0]]))
