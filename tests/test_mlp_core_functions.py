"""mlp_core's functions of arrays: the constants, Leaky ReLU and its derivative, the MSE loss,
softmax, cross-entropy, the He scale and the relative error. Expected values are worked out by
hand, by the definitions in plain Python, or by finite differences; none is computed the way
mlp_core computes it."""

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlp_core
from mlp_core import (
    cross_entropy_loss,
    he_scale,
    leaky_relu,
    leaky_relu_derivative,
    mse_loss,
    relative_error,
    softmax,
)


def bits(x):
    """The 64 bits of a float: tells 0.0 from -0.0, unlike ==."""
    return struct.pack("<d", float(x))


def test_the_constants_and_data_the_chapters_print_from():
    # Every number the chapters print depends on these; nbval would notice a change only after
    # minutes of notebooks, this test in milliseconds.
    assert mlp_core.LEARNING_RATE == 0.1
    assert mlp_core.ALPHA == 0.01
    assert mlp_core.SEED == 4
    assert mlp_core.INIT_SCALE == 0.1
    for array, values in [
        (mlp_core.X_TRAIN, [[2, -1, 3]]),
        (mlp_core.Y_TRAIN, [[3, 1, 5]]),
    ]:
        assert array.dtype == np.float64
        np.testing.assert_array_equal(array, values)


# ---------------------------------------------------------------------------------------------
# Leaky ReLU.

finite_floats = st.floats(allow_nan=False, allow_infinity=False)
edge_floats = st.sampled_from(
    [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -1.7976931348623157e308]
)
slopes = st.one_of(st.sampled_from([0.0, 0.01, 1.0]), st.floats(0, 1))


def leaky_relu_by_definition(z, alpha):
    """Leaky ReLU as the book defines it, one Python float at a time."""
    return z if z > 0 else alpha * z


@settings(max_examples=2000, deadline=None)
@given(z=st.one_of(edge_floats, finite_floats), alpha=slopes)
def test_leaky_relu_is_its_definition_bit_for_bit(z, alpha):
    assert bits(leaky_relu(z, alpha)) == bits(leaky_relu_by_definition(z, alpha))


@settings(max_examples=300, deadline=None)
@given(
    z=st.lists(st.one_of(edge_floats, finite_floats), min_size=1, max_size=200),
    alpha=st.one_of(slopes, finite_floats),
)
def test_leaky_relu_of_an_array_is_its_definition_bit_for_bit_for_any_slope(z, alpha):
    # Arrays go through numpy's vectorised loops; slopes outside [0, 1] (negative, above 1) are
    # not used by the book, but keep the definition too.
    with np.errstate(over="ignore"):
        got = leaky_relu(np.array(z), alpha)
        want = [leaky_relu_by_definition(value, alpha) for value in z]
    assert [bits(value) for value in got] == [bits(value) for value in want]


def test_leaky_relu_by_hand():
    np.testing.assert_array_equal(
        leaky_relu(np.array([[-2.0, 0.0, 3.0]]), 0.05), [[-0.1, 0.0, 3.0]]
    )
    # alpha = 0 is ReLU, alpha = 1 the identity; a slope of 2 doubles the negative side.
    np.testing.assert_array_equal(leaky_relu([-4.0, 5.0], 0.0), [0.0, 5.0])
    np.testing.assert_array_equal(leaky_relu([-4.0, 5.0], 1.0), [-4.0, 5.0])
    np.testing.assert_array_equal(leaky_relu([-4.0, 5.0], 2.0), [-8.0, 5.0])
    one = leaky_relu(-3.0)
    assert np.ndim(one) == 0 and one == pytest.approx(-0.03, abs=1e-17)
    assert leaky_relu(np.array([1, -2])).dtype == np.float64  # integers in, floats out


@given(z=st.floats(-1e6, 1e6), alpha=slopes, scale=st.floats(0.001, 1000))
def test_leaky_relu_is_positively_homogeneous(z, alpha, scale):
    # f(s z) = s f(z) for s > 0: what makes a network's output scale with its last weights.
    assert leaky_relu(scale * z, alpha) == pytest.approx(scale * leaky_relu(z, alpha))


def test_leaky_relu_derivative_by_hand_and_alpha_at_the_kink():
    # The book's convention at z = 0 is alpha (the left side), never 1 and never 0.
    assert leaky_relu_derivative(0.0, 0.3) == 0.3
    assert leaky_relu_derivative(-0.0, 0.3) == 0.3
    np.testing.assert_array_equal(
        leaky_relu_derivative(np.array([[-2.0, 0.0, 1e-12]]), 0.05), [[0.05, 0.05, 1]]
    )


@settings(max_examples=200, deadline=None)
@given(
    z=st.floats(-100, 100).filter(lambda z: abs(z) > 1e-3),
    alpha=st.one_of(slopes, st.floats(-2, 3)),
)
def test_leaky_relu_derivative_is_the_slope_of_leaky_relu(z, alpha):
    h = 1e-4 * min(1.0, abs(z))  # never crosses the kink
    slope = (leaky_relu(z + h, alpha) - leaky_relu(z - h, alpha)) / (2 * h)
    assert leaky_relu_derivative(z, alpha) == pytest.approx(slope, rel=1e-6, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# The MSE loss.


def test_mse_loss_by_hand():
    # Predicting 0 everywhere on the book's data: (3^2 + 1^2 + 5^2) / (2 * 3) = 35 / 6.
    assert mse_loss(mlp_core.Y_TRAIN, np.zeros((1, 3))) == pytest.approx(35 / 6)
    # Two outputs, two samples: errors 1, -2, 0, 3; squares 1 + 4 + 0 + 9 = 14; 14 / (2 * 2) = 3.5.
    Y = np.array([[1.0, -2.0], [0.0, 3.0]])
    assert mse_loss(Y, np.zeros((2, 2))) == pytest.approx(3.5)


# Squares of differences below about 1e-154 underflow to 0 in float64, so "loss 0 only at the
# targets" holds for values that are 0 or not tiny (hypothesis found 1.7e-193).
not_tiny_floats = st.floats(-1e6, 1e6).filter(
    lambda value: value == 0 or abs(value) > 1e-100
)
matrix_pairs = st.tuples(st.integers(1, 4), st.integers(1, 6)).flatmap(
    lambda shape: st.tuples(*[arrays(np.float64, shape, elements=not_tiny_floats)] * 2)
)


@given(pair=matrix_pairs)
def test_mse_loss_is_non_negative_and_zero_only_at_the_targets(pair):
    Y, Y_hat = pair
    assert mse_loss(Y, Y_hat) >= 0
    assert mse_loss(Y, Y) == 0
    assert (mse_loss(Y, Y_hat) == 0) == np.array_equal(Y, Y_hat)


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
    # -(ln 0.5 + ln 0.8) / 2 = (0.693147 + 0.223144) / 2
    Y_hat = np.array([[0.5, 0.2], [0.5, 0.8]])
    assert cross_entropy_loss(Y, Y_hat) == pytest.approx(0.4581453659, abs=1e-10)
    # A probability of exactly 0 for the true class costs -ln(2.2250738585072014e-308) = 708.3964
    # (the smallest normal float64), not infinity: 354.1982 a sample over two samples.
    certain_and_wrong = cross_entropy_loss(Y, np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert certain_and_wrong == pytest.approx(354.1982, abs=1e-4)


def test_the_output_error_of_softmax_with_cross_entropy_is_y_hat_minus_y():
    # The shortcut backward_pass takes for a softmax output, against centred differences.
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


# ---------------------------------------------------------------------------------------------
# The He scale and the relative error.


def test_he_scale_by_hand():
    assert he_scale(8, alpha=0.0) == 0.5  # sqrt(2 / 8)
    assert (
        he_scale(1, alpha=1.0) == 1.0
    )  # sqrt(2 / (2 * 1)): a linear unit keeps scale 1
    assert he_scale(100, alpha=0.5) == pytest.approx(0.1264911064)  # sqrt(2 / 125)


def test_relative_error_by_hand():
    # |1 - 3| / 4, both 0 taken as 0, |-2 - 2| / 4
    np.testing.assert_allclose(
        relative_error([1.0, 0.0, -2.0], [3.0, 0.0, 2.0]), [0.5, 0.0, 1.0]
    )
