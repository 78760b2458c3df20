"""NeuralNetwork.train: what it returns, its batches, the book's runs, and what it promises when a
run fails (the network put back, no numpy warning)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp_core import (
    SEED,
    X_TRAIN,
    Y_TRAIN,
    NeuralNetwork,
    TrainingDiverged,
    minibatches,
)

# ---------------------------------------------------------------------------------------------
# What train returns.


def test_each_epochs_loss_is_measured_before_its_update(tiny_network):
    losses = tiny_network.train(X_TRAIN, Y_TRAIN, epochs=2, learning_rate=0.1)
    assert losses.shape == (2,)
    # The tiny network's loss by hand (test_mlp_core_network.py): 1.542344 before any update.
    assert losses[0] == pytest.approx(1.542344, abs=1e-12)
    # After one step W1 = 1.132328, b1 = 0.3410053, W2 = 2.1701323, b2 = -0.3297333 (by hand in
    # test_mlp_core_network.py): z1 = [2.6056613, -0.7913227, 3.7379893], a1 = [2.6056613,
    # -0.0079132, 3.7379893], y_hat = [5.3248964, -0.3469061, 7.7821979], errors
    # [2.3248964, -1.3469061, 2.7821979], loss = (5.405143 + 1.814156 + 7.740625) / 6 = 2.493321.
    assert losses[1] == pytest.approx(2.493321, abs=1e-6)
    assert NeuralNetwork([1, 1]).train(X_TRAIN, Y_TRAIN, epochs=0).shape == (0,)


def test_every_full_batch_setting_is_the_same_run():
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
    for losses in runs[1:]:
        np.testing.assert_array_equal(losses, runs[0])


def test_minibatches_shuffle_each_epoch_and_cover_every_sample_once():
    rng = np.random.default_rng(0)
    first, second = minibatches(10, 4, rng), minibatches(10, 4, rng)
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(np.concatenate(first)) == list(range(10))
    assert sorted(np.concatenate(second)) == list(range(10))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    assert minibatches(10, None, rng) == [slice(None)] == minibatches(10, 10, rng)


def test_minibatch_training_is_one_train_call_per_batch_of_minibatches():
    # Chapter 14 rebuilds a run this way, batch by batch, and compares it with train's.
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((2, 10)), rng.standard_normal((1, 10))
    losses = NeuralNetwork([2, 5, 1], seed=2).train(
        X, Y, 4, 0.05, batch_size=3, seed=11
    )
    by_batch, shuffle = NeuralNetwork([2, 5, 1], seed=2), np.random.default_rng(11)
    expected = []
    for _ in range(4):
        batches = minibatches(10, 3, shuffle)
        expected.append(
            np.mean([by_batch.train(X[:, c], Y[:, c], 1, 0.05)[0] for c in batches])
        )
    np.testing.assert_array_equal(losses, expected)
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


# ---------------------------------------------------------------------------------------------
# The book's runs.


def test_both_runs_start_near_the_all_zero_loss():
    # Weights of 0.1 predict almost 0 everywhere: (3^2 + 1^2 + 5^2) / (2 * 3) = 35 / 6.
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


def test_a_softmax_network_learns_to_classify():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 8))
    Y = np.eye(3)[:, rng.integers(0, 3, size=8)]
    network = NeuralNetwork([3, 5, 3], seed=1, weight_scale=1.0, output="softmax")
    losses = network.train(X, Y, 300, learning_rate=0.5)
    assert losses[-1] < losses[0] / 4
    np.testing.assert_array_equal(network.predict(X).argmax(axis=0), Y.argmax(axis=0))


# ---------------------------------------------------------------------------------------------
# A run that fails: reported plainly, and undone.


def test_divergence_raises_plainly_without_numpy_warnings(unchanged):
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    still = unchanged(network)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error"
        )  # any RuntimeWarning (overflow, invalid value) fails
        with pytest.raises(TrainingDiverged) as raised:
            network.train(X_TRAIN, Y_TRAIN, epochs=100, learning_rate=5.0)
    diverged = raised.value
    assert f"epoch {diverged.epoch}" in str(diverged)
    assert "learning rate 5" in str(diverged)
    assert 0 < diverged.epoch < 100
    assert diverged.learning_rate == 5.0
    assert diverged.losses.shape == (diverged.epoch,)
    assert np.all(np.isfinite(diverged.losses))
    still()
    assert np.isfinite(
        network.train(X_TRAIN, Y_TRAIN, 5)
    ).all()  # still usable afterwards


def test_numpy_warnings_are_hidden_only_while_train_runs():
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    with pytest.raises(TrainingDiverged):
        network.train(X_TRAIN, Y_TRAIN, epochs=100, learning_rate=5.0)
    with pytest.warns(RuntimeWarning, match="overflow"):
        np.array([1e308]) * 10


class InPlaceUpdates(NeuralNetwork):
    """Updates that change the arrays in place instead of building new ones."""

    def update(self, dW, dB, learning_rate):
        for parameter, gradient in zip(self.weights + self.biases, dW + dB):
            parameter -= learning_rate * gradient


def test_divergence_restores_the_network_even_when_updates_work_in_place(unchanged):
    network = InPlaceUpdates([1, 4, 3, 1], seed=SEED)
    kept = network.weights[0]
    still = unchanged(network)
    with pytest.raises(TrainingDiverged):
        network.train(X_TRAIN, Y_TRAIN, epochs=100, learning_rate=5.0)
    still()
    assert not np.array_equal(
        kept, network.weights[0]
    )  # the old array was changed in place
    losses = network.train(X_TRAIN, Y_TRAIN, 100)
    np.testing.assert_array_equal(
        losses, NeuralNetwork([1, 4, 3, 1], seed=SEED).train(X_TRAIN, Y_TRAIN, 100)
    )


def test_minibatch_divergence_is_reported_and_undone(unchanged):
    network = NeuralNetwork([1, 4, 3, 1], seed=SEED)
    still = unchanged(network)
    with pytest.raises(TrainingDiverged):
        network.train(X_TRAIN, Y_TRAIN, 100, learning_rate=5.0, batch_size=1, seed=0)
    still()


class Interrupted(InPlaceUpdates):
    """Stops (as Ctrl-C does) in the middle of the third update, after changing the first layer."""

    def update(self, dW, dB, learning_rate):
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == 3:
            self.weights[0] -= learning_rate * dW[0]
            raise KeyboardInterrupt
        super().update(dW, dB, learning_rate)


def test_any_failure_in_train_puts_the_network_back(unchanged):
    network = Interrupted([1, 4, 3, 1], seed=SEED)
    still = unchanged(network)
    with pytest.raises(KeyboardInterrupt):
        network.train(X_TRAIN, Y_TRAIN, epochs=10)
    still()
