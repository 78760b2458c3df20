"""mlp_core's argument checks (_mlp_checks.py): bad input raises ValueError or TypeError with a
sentence that names the argument, the network is left unchanged, and arguments are checked once,
where a call comes in."""

import numpy as np
import pytest

import _mlp_checks
from mlp_core import (
    SEED,
    X_TRAIN,
    Y_TRAIN,
    NeuralNetwork,
    cross_entropy_loss,
    gradient_check,
    mse_loss,
)

# ---------------------------------------------------------------------------------------------
# Building a network.


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"layer_sizes": [1]}, ValueError, "at least two"),
        ({"layer_sizes": []}, ValueError, "at least two"),
        ({"layer_sizes": [1, 0, 1]}, ValueError, "layer_sizes[1] must be at least 1"),
        ({"layer_sizes": [1, -3]}, ValueError, "layer_sizes[1] must be at least 1"),
        ({"layer_sizes": [1, 2.5, 1]}, TypeError, "layer_sizes[1] must be an integer"),
        ({"layer_sizes": [1, True]}, TypeError, "layer_sizes[1] must be an integer"),
        ({"layer_sizes": "141"}, TypeError, "layer_sizes must be a list"),
        ({"layer_sizes": 3}, TypeError, "layer_sizes must be a list"),
        ({"alpha": float("nan")}, ValueError, "alpha must be finite"),
        ({"alpha": float("inf")}, ValueError, "alpha must be finite"),
        ({"alpha": "0.1"}, TypeError, "alpha must be a real number"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"weight_scale": 0}, ValueError, "weight_scale must be greater than 0"),
        ({"weight_scale": -0.1}, ValueError, "weight_scale must be greater than 0"),
        ({"weight_scale": float("nan")}, ValueError, "weight_scale must be finite"),
        (
            {"weight_scale": "xavier"},
            ValueError,
            'weight_scale must be a positive number or "he"',
        ),
        ({"weight_scale": True}, TypeError, "weight_scale must be a real number"),
        (
            {"output": "sigmoid"},
            ValueError,
            "output must be one of 'linear', 'softmax'",
        ),
        (
            {"layer_sizes": [2, 1], "output": "softmax"},
            ValueError,
            "at least two units, one per class",
        ),
    ],
)
def test_bad_settings_for_a_network(kwargs, error, words):
    kwargs = {"layer_sizes": [1, 4, 1]} | kwargs
    with pytest.raises(error) as raised:
        NeuralNetwork(**kwargs)
    assert words in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Data.

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
def test_bad_data_for_train_and_the_gradient_check(X, Y, error, words, unchanged):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    still = unchanged(network)
    for call in (
        lambda: network.train(X, Y, epochs=5),
        lambda: gradient_check(network, X, Y),
    ):
        with pytest.raises(error) as raised:
            call()
        assert words in str(raised.value)
    still()


@pytest.mark.parametrize(
    "X, Y, error, words", [case for case in BAD_DATA if "X" in case[3]]
)
def test_bad_inputs_for_forward_pass_and_predict(X, Y, error, words, unchanged):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    still = unchanged(network)
    for method in (network.forward_pass, network.predict):
        with pytest.raises(error) as raised:
            method(X)
        assert words in str(raised.value)
    still()


def test_messages_say_what_a_row_stands_for_and_how_to_fix_a_flat_array():
    network = NeuralNetwork([2, 3, 1])
    with pytest.raises(ValueError, match="X must have 2 row.s., one per input feature"):
        network.predict(np.zeros((1, 4)))
    with pytest.raises(
        ValueError, match=r"Y must have shape \(1, 4\), one row per output"
    ):
        network.train(np.zeros((2, 4)), np.zeros((4, 1)), 1)
    with pytest.raises(
        ValueError, match=r"A single feature is a row: use \.reshape\(1, -1\)"
    ):
        NeuralNetwork([1, 4, 3, 1]).predict(X_TRAIN.ravel())


@pytest.mark.parametrize(
    "make_Y, words",
    [
        (lambda Y: 2 * Y, "Y must hold probabilities, between 0 and 1"),
        (lambda Y: Y - 0.5, "Y must hold probabilities, between 0 and 1"),
        (lambda Y: Y / 2, "each column of Y must sum to 1"),
        (lambda Y: Y[:2], r"Y must have shape \(3, 8\)"),
    ],
)
def test_bad_targets_for_a_softmax_network(make_Y, words, unchanged):
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 8)), np.eye(3)[:, rng.integers(0, 3, size=8)]
    network = NeuralNetwork([3, 5, 3], seed=0, output="softmax")
    still = unchanged(network)
    with pytest.raises(ValueError, match=words):
        network.train(X, make_Y(Y), 3)
    with pytest.raises(ValueError, match=words):
        gradient_check(network, X, make_Y(Y))
    still()


# ---------------------------------------------------------------------------------------------
# The rest of train's arguments.


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"epochs": -1}, ValueError, "epochs must be at least 0"),
        ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be greater than 0"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be greater than 0"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate must be finite"),
        ({"learning_rate": float("inf")}, ValueError, "learning_rate must be finite"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an integer"),
        ({"batch_size": True}, TypeError, "batch_size must be an integer"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
    ],
)
def test_bad_settings_for_train_leave_the_network_unchanged(
    kwargs, error, words, unchanged
):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    still = unchanged(network)
    with pytest.raises(error) as raised:
        network.train(X_TRAIN, Y_TRAIN, **({"epochs": 10} | kwargs))
    assert words in str(raised.value)
    still()


# ---------------------------------------------------------------------------------------------
# The passes, the update and the losses called by hand.


def test_bad_gradients_for_update_leave_every_layer_unchanged(unchanged):
    network = NeuralNetwork([1, 4, 3, 1], seed=1)
    activations, zs = network.forward_pass(X_TRAIN)
    dW, dB = network.backward_pass(activations, zs, Y_TRAIN)
    still = unchanged(network)
    cases = [
        (
            (dW[:-1] + [dW[-1].T], dB, 0.1),
            ValueError,
            r"dW\[2\] must have shape \(1, 3\)",
        ),
        ((dW[:-1], dB, 0.1), TypeError, "dW must be a list of 3 arrays"),
        (
            (dW, [b * np.nan for b in dB], 0.1),
            ValueError,
            r"dB\[0\] must hold only finite",
        ),
        (
            (dW, [b.ravel() for b in dB], 0.1),
            ValueError,
            r"dB\[0\] must be 2-D, a column with one row per unit",
        ),
        ((dW, dB, 0), ValueError, "learning_rate must be greater than 0"),
    ]
    for args, error, words in cases:
        with pytest.raises(error, match=words):
            network.update(*args)
        still()


def test_bad_arguments_for_backward_pass_the_losses_and_eps():
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
    with pytest.raises(
        TypeError, match="activations must be the list that forward_pass returned"
    ):
        network.backward_pass(activations[0], zs, Y_TRAIN)
    with pytest.raises(ValueError, match=r"Y_hat must have shape \(1, 3\)"):
        mse_loss(Y_TRAIN, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="Y_hat must hold only finite"):
        network.compute_loss(Y_TRAIN, np.array([[np.nan, 0, 0]]))
    with pytest.raises(ValueError, match="Y_hat must hold probabilities"):
        cross_entropy_loss(np.eye(2), np.array([[1.5, 0.0], [-0.5, 1.0]]))
    with pytest.raises(ValueError, match="eps must be greater than 0"):
        gradient_check(network, X_TRAIN, Y_TRAIN, eps=0)


# ---------------------------------------------------------------------------------------------
# Parameters assigned by hand.


@pytest.mark.parametrize(
    "change, words",
    [
        (
            lambda n: setattr(n, "biases", [b.ravel() for b in n.biases]),
            r"biases\[0\] must be 2-D",
        ),
        (
            lambda n: n.biases.__setitem__(0, n.biases[0].ravel()),
            r"A bias is a column: use \.reshape\(-1, 1\)",
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


# ---------------------------------------------------------------------------------------------
# Checked once, where the call comes in.


def test_arguments_are_checked_once_per_call_not_once_per_step(monkeypatch):
    # train's forward_pass, compute_loss, backward_pass and update trust what train checked:
    # the number of arrays checked does not grow with the epochs.
    checked = []
    as_matrix = _mlp_checks.as_matrix
    monkeypatch.setattr(
        _mlp_checks,
        "as_matrix",
        lambda name, *args, **kwargs: (
            checked.append(name) or as_matrix(name, *args, **kwargs)
        ),
    )
    counts = []
    for epochs in (1, 50):
        checked.clear()
        NeuralNetwork([1, 4, 3, 1], seed=SEED).train(X_TRAIN, Y_TRAIN, epochs)
        counts.append(len(checked))
    # X, Y, and the three weights and three biases.
    assert counts == [8, 8]
    checked.clear()
    NeuralNetwork([1, 4, 3, 1], seed=SEED).predict(X_TRAIN)
    assert len(checked) == 7  # the parameters and X


def test_checked_arguments_reach_the_maths_as_float64():
    # Integers and lists are accepted where arrays of floats are expected, and give the same
    # numbers: what the maths receives is the float64 array the check made.
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    activations, _ = network.forward_pass(X_TRAIN.astype(int).tolist())
    assert activations[0].dtype == np.float64
    np.testing.assert_array_equal(activations[0], X_TRAIN)
    as_floats = NeuralNetwork([1, 4, 3, 1], seed=SEED).train(X_TRAIN, Y_TRAIN, 20)
    as_ints = NeuralNetwork([1, 4, 3, 1], seed=SEED).train(
        X_TRAIN.astype(int), Y_TRAIN.astype(int).tolist(), 20
    )
    np.testing.assert_array_equal(as_floats, as_ints)
