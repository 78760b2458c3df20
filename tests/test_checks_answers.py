"""Every self-check answers a beginner's slip in one sentence, never with a traceback.

For each check: a function that returns None (a forgotten `return`), a list where an array is
expected, a wrong shape, NaN, a function that raises, an answer that only calls `mlp_core`, and
the specific hints the issue asks for (summed db, sign error, plain ReLU, ignored eps).
"""

import numpy as np
import pytest

import checks
import mlp_core
from answers import (
    backward,
    centred,
    derivative,
    div_backward,
    forward,
    gradient_step,
    layer_shapes,
    loss_from_logits,
    mse,
    not_yet,
    parameter_count,
    predicted_spreads,
    train,
    verdict,
)


def as_lists(value):
    """``value`` with every array turned into nested lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return type(value)(as_lists(v) for v in value)
    return value


def listed(value):
    """``value`` as nested lists; a single number becomes a list of one number."""
    value = as_lists(value)
    return value if isinstance(value, (list, tuple)) else [value]


def nan_like(value):
    """``value`` with every number NaN."""
    if isinstance(value, (list, tuple)):
        return type(value)(nan_like(v) for v in value)
    return np.asarray(value, dtype=float) * np.nan


def raising(*args):
    numbers = [1.0, 2.0]
    return numbers[len(args) + 5]


RAISING_LINE = raising.__code__.co_firstlineno + 2


# One row per check: its right answer, what a list answer gets (None: it passes), a wrong shape
# and what is said about it, and a NaN answer (None where the answer is a shape, not numbers).


CHECKS = {
    "2.2": dict(
        check=checks.check_gradient_step,
        right=gradient_step,
        lists="return a numpy array of shape (3, 2)",
        shape=(lambda p, g, lr: gradient_step(p, g, lr)[:, :1], "has shape (3, 1)"),
        nan=True,
    ),
    "3.2": dict(
        check=checks.check_layer_shapes,
        right=layer_shapes,
        lists=None,
        shape=(lambda s, n: layer_shapes(s, n)[:-1], "it lists 2 layers; expected 3"),
        nan=False,
    ),
    "4.2": dict(
        check=checks.check_leaky_relu_derivative,
        right=derivative,
        lists="return a numpy array of shape (2, 5)",
        shape=(lambda z, a: derivative(z, a).ravel(), "has shape (10,)"),
        nan=True,
    ),
    "5.2": dict(
        check=checks.check_parameter_count,
        right=parameter_count,
        lists="return one whole number",
        shape=(lambda s: [parameter_count(s)] * 2, "it returns a list"),
        nan=True,
    ),
    "6.2": dict(
        check=checks.check_forward_pass,
        right=forward,
        lists="return a numpy array of shape (1, 5)",
        shape=(lambda *args: forward(*args).T, "(transposed?)"),
        nan=True,
    ),
    "7.2": dict(
        check=checks.check_mse,
        right=mse,
        lists="return one number, a float",
        shape=(
            lambda Y, P: np.sum((Y - P) ** 2, axis=0) / (2 * Y.shape[1]),
            "it returns an array of shape (3,)",
        ),
        nan=True,
    ),
    "8.2": dict(
        check=checks.check_backward_pass,
        right=backward,
        lists="return a numpy array of shape (1, 1)",
        shape=(
            lambda *args: (backward(*args)[0], [b.ravel() for b in backward(*args)[1]]),
            "keepdims=True keeps the column",
        ),
        nan=True,
    ),
    "9.2": dict(
        check=checks.check_training_loop,
        right=train,
        lists="np.array turns a list into one",
        shape=(lambda *args: train(*args)[:-1], "has shape (5,); expected (6,)"),
        nan=True,
    ),
    "10.2": dict(
        check=checks.check_centred_difference,
        right=centred,
        lists="return one number",
        shape=(
            lambda f, x, e: np.array([centred(f, x, e)] * 2),
            "an array of shape (2,)",
        ),
        nan=True,
    ),
    "12.2": dict(
        check=checks.check_div_backward,
        right=div_backward,
        lists=None,
        shape=(
            lambda a, b, u: (div_backward(a, b, u)[0].T, div_backward(a, b, u)[1]),
            "grad_a has shape (3, 2)",
        ),
        nan=True,
    ),
    "13.2": dict(
        check=checks.check_mixed_width_spreads,
        right=predicted_spreads,
        lists=None,
        shape=(
            lambda *args: predicted_spreads(*args)[:1],
            "returns 1 spreads; expected 5",
        ),
        nan=True,
    ),
    "14.2": dict(
        check=checks.check_cross_entropy_from_logits,
        right=loss_from_logits,
        lists="return one number, the mean loss",
        shape=(
            lambda Z, Y: loss_from_logits(Z, Y, mistake="per sample"),
            "it returns one loss per sample; return their mean",
        ),
        nan=True,
    ),
}
NAMES = list(CHECKS)


@pytest.mark.parametrize("name", NAMES)
def test_the_right_answer_passes_in_one_sentence(name, capsys):
    passed, out = verdict(CHECKS[name]["check"], CHECKS[name]["right"], capsys)
    assert passed is True, out


@pytest.mark.parametrize("name", NAMES)
def test_a_missing_return_is_named(name, capsys):
    def no_return(*args):
        CHECKS[name]["right"](*args)  # computes the answer, and forgets to return it

    out = not_yet(CHECKS[name]["check"], no_return, capsys)
    assert "returns None" in out and "`return`" in out


@pytest.mark.parametrize("name", NAMES)
def test_a_list_passes_where_allowed_and_is_named_where_not(name, capsys):
    right, words = CHECKS[name]["right"], CHECKS[name]["lists"]
    passed, out = verdict(
        CHECKS[name]["check"], lambda *args: listed(right(*args)), capsys
    )
    if words is None:
        assert passed is True, out
    else:
        assert passed is False and words in out, out


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_shape_is_named(name, capsys):
    answer, words = CHECKS[name]["shape"]
    assert words in not_yet(CHECKS[name]["check"], answer, capsys)


@pytest.mark.parametrize("name", [name for name in NAMES if CHECKS[name]["nan"]])
def test_nan_is_named(name, capsys):
    right = CHECKS[name]["right"]
    out = not_yet(CHECKS[name]["check"], lambda *args: nan_like(right(*args)), capsys)
    assert "NaN" in out


@pytest.mark.parametrize("name", NAMES)
def test_an_exception_is_named_with_the_students_line(name, capsys):
    out = not_yet(CHECKS[name]["check"], raising, capsys)
    assert (
        f"your function raised IndexError on line {RAISING_LINE}: "
        "`return numbers[len(args) + 5]` — list index out of range" in out
    ), out


@pytest.mark.parametrize("name", NAMES)
def test_an_unanswered_exercise_says_so(name, capsys):
    def not_answered(*args):
        raise NotImplementedError("Exercise is not answered yet")

    out = not_yet(CHECKS[name]["check"], not_answered, capsys)
    assert out == "Not yet: " + checks._NOT_ANSWERED + "\n"


def test_an_error_inside_numpy_names_the_students_line(capsys):
    def forward_transposed(weights, biases, X, alpha):
        A = X
        for W, b in zip(weights, biases):
            A = mlp_core.leaky_relu(W @ A.T + b, alpha)
        return A

    out = not_yet(checks.check_forward_pass, forward_transposed, capsys)
    line = forward_transposed.__code__.co_firstlineno + 3
    assert (
        f"raised ValueError on line {line}: `A = mlp_core.leaky_relu(W @ A.T + b, alpha)` — matmul"
        in out
    )
    assert "is a matrix transposed?" in out


def test_an_error_in_a_helper_of_the_same_module_names_the_helpers_line(capsys):
    def helper(Z):
        return Z / Z.shape[5]

    out = not_yet(
        checks.check_cross_entropy_from_logits, lambda Z, Y: helper(Z), capsys
    )
    line = helper.__code__.co_firstlineno + 1
    assert f"raised IndexError on line {line} of helper: `return Z / Z.shape[5]`" in out


# ---------------------------------------------------------------------------------------------
# Answers that only call mlp_core, where the exercise asks to write the function.


def network_of(weights, biases, alpha):
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    network = mlp_core.NeuralNetwork(sizes, alpha=alpha)
    network.weights, network.biases = weights, biases
    return network


BORROWED = [
    (
        checks.check_leaky_relu_derivative,
        lambda z, alpha: mlp_core.leaky_relu_derivative(z, alpha),
        "it calls mlp_core's leaky_relu_derivative: write it yourself",
    ),
    (
        checks.check_leaky_relu_derivative,
        mlp_core.leaky_relu_derivative,
        "it calls mlp_core's leaky_relu_derivative: write it yourself",
    ),
    (
        checks.check_parameter_count,
        lambda sizes: mlp_core.NeuralNetwork(sizes).n_parameters,
        "it builds a NeuralNetwork: write it yourself",
    ),
    (
        checks.check_forward_pass,
        lambda W, b, X, alpha: network_of(W, b, alpha).predict(X),
        "it calls network.predict: write it yourself",
    ),
    (
        checks.check_forward_pass,
        lambda W, b, X, alpha: mlp_core.NeuralNetwork.forward_pass(
            network_of(W, b, alpha), X
        )[0][-1],
        "it builds a NeuralNetwork: write it yourself",
    ),
    (
        checks.check_mse,
        lambda Y, Y_hat: mlp_core.mse_loss(Y, Y_hat),
        "it calls mlp_core's mse_loss: write it yourself",
    ),
    (
        checks.check_backward_pass,
        lambda W, b, X, Y, alpha: network_of(W, b, alpha).backward_pass(
            *network_of(W, b, alpha).forward_pass(X), Y
        ),
        "write it yourself",
    ),
    (
        checks.check_training_loop,
        lambda network, X, Y, epochs, rate: network.train(X, Y, epochs, rate),
        "it calls network.train: write it yourself",
    ),
    (
        checks.check_training_loop,
        lambda network, X, Y, epochs, rate: mlp_core.NeuralNetwork.train(
            network, X, Y, epochs, rate
        ),
        "it calls network.train: write it yourself",
    ),
    (
        checks.check_cross_entropy_from_logits,
        lambda Z, Y: mlp_core.cross_entropy_loss(Y, mlp_core.softmax(Z)),
        "write it yourself, from the logits",
    ),
]


@pytest.mark.parametrize("check, answer, words", BORROWED)
def test_an_answer_that_only_calls_mlp_core_is_told_to_write_it(
    check, answer, words, capsys
):
    assert words in not_yet(check, answer, capsys)


def test_a_call_of_train_hidden_in_a_helper_is_still_found(capsys):
    def helper(network, X, Y, epochs, rate):
        return network.train(X, Y, epochs, rate)

    globals()["helper_that_trains"] = helper
    try:
        out = not_yet(
            checks.check_training_loop,
            lambda *args: helper_that_trains(*args),  # noqa: F821 (defined above)
            capsys,
        )
    finally:
        del globals()["helper_that_trains"]
    assert "it calls network.train: write the loop yourself" in out


def test_helpers_with_library_like_names_of_the_students_own_are_not_borrowing(capsys):
    globals()["predict"] = lambda weights, biases, X, alpha: forward(
        weights, biases, X, alpha
    )
    try:
        passed, out = verdict(
            checks.check_forward_pass,
            lambda W, b, X, alpha: predict(W, b, X, alpha),  # noqa: F821 (defined above)
            capsys,
        )
    finally:
        del globals()["predict"]
    assert passed is True, out


# ---------------------------------------------------------------------------------------------
# The specific hints of the issue.


def test_a_summed_db_is_named(capsys):
    def summed_db(weights, biases, X, Y, alpha):
        dW, dB = backward(weights, biases, X, Y, alpha)
        return dW, [X.shape[1] * b for b in dB]

    out = not_yet(checks.check_backward_pass, summed_db, capsys)
    assert "dB[0] is N = 5 times too large: it sums dZ over the samples" in out


def test_a_sign_error_in_the_backward_pass_is_named(capsys):
    def flipped(weights, biases, X, Y, alpha):
        dW, dB = backward(weights, biases, X, Y, alpha)
        return [-w for w in dW], [-b for b in dB]

    out = not_yet(checks.check_backward_pass, flipped, capsys)
    assert "every gradient has the wrong sign" in out and "Y_hat - Y" in out


@pytest.mark.parametrize(
    "relu",
    [
        lambda z, alpha: np.where(z > 0, 1.0, 0.0),
        lambda z, alpha: (z > 0).astype(float),
        lambda z, alpha: np.where(z >= 0, 1.0, 0.0),
    ],
)
def test_plain_relu_on_the_negative_side_is_named(relu, capsys):
    out = not_yet(checks.check_leaky_relu_derivative, relu, capsys)
    assert "derivative of plain ReLU" in out and "slope there is alpha" in out


def test_returning_leaky_relu_itself_is_named(capsys):
    def leaky_relu(z, alpha):  # the function, not its slope
        return np.where(z > 0, z, alpha * z)

    out = not_yet(checks.check_leaky_relu_derivative, leaky_relu, capsys)
    assert "returns Leaky ReLU itself" in out


@pytest.mark.parametrize("step", [1e-4, 1e-5, 1e-6])
def test_ignoring_eps_is_named(step, capsys):
    def fixed_step(f, x, eps):
        return (f(x + step) - f(x - step)) / (2 * step)

    out = not_yet(checks.check_centred_difference, fixed_step, capsys)
    assert "it ignores eps" in out


def test_reading_a_global_stays_one_sentence(capsys):
    globals()["X_data"] = np.zeros((1, 3))

    def reads_global(weights, biases, X, alpha):
        return forward(weights, biases, X_data, alpha)  # noqa: F821 (the mistake under test)

    try:
        out = not_yet(checks.check_forward_pass, reads_global, capsys)
    finally:
        del globals()["X_data"]
    assert "; also, it reads the global variable(s) X_data" in out


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda s, n: "shapes", "it returns a str"),
        (lambda s, n: [(4, 1)], "layer 1 is (4, 1)"),
        (lambda s, n: [((4, 1), (4, 1))] * 3, "layer 1 has 2 shapes; expected 3"),
    ],
)
def test_layer_shapes_that_are_not_triples(answer, words, capsys):
    assert words in not_yet(checks.check_layer_shapes, answer, capsys)


@pytest.mark.parametrize(
    "answer, words",
    [
        (
            lambda *args: backward(*args)[0],
            "it returns a list of 2 arrays; return the pair dW, dB",
        ),
        (
            lambda *args: (backward(*args)[0], None),
            "dB is None, so a `return` line may be missing",
        ),
        (lambda *args: (backward(*args)[0][:1], backward(*args)[1]), "1 arrays in dW"),
    ],
)
def test_backward_pass_that_returns_something_else(answer, words, capsys):
    assert words in not_yet(checks.check_backward_pass, answer, capsys)


def test_numbers_of_other_types_still_pass(capsys):
    assert verdict(
        checks.check_parameter_count, lambda s: float(parameter_count(s)), capsys
    )[0]
    assert verdict(
        checks.check_mse, lambda Y, P: np.float32(mse(Y, P)) * 0 + mse(Y, P), capsys
    )[0]
    assert verdict(checks.check_mse, lambda Y, P: np.array(mse(Y, P)), capsys)[0]
    assert verdict(
        checks.check_mixed_width_spreads,
        lambda *args: tuple(predicted_spreads(*args)),
        capsys,
    )[0]
    assert verdict(
        checks.check_mixed_width_spreads,
        lambda *args: np.array(predicted_spreads(*args)),
        capsys,
    )[0]
    assert verdict(
        checks.check_div_backward, lambda a, b, u: list(div_backward(a, b, u)), capsys
    )[0]
    assert verdict(
        checks.check_backward_pass,
        lambda *args: tuple(map(tuple, backward(*args))),
        capsys,
    )[0]


class Strange:
    """A result that numpy cannot read."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no numbers here")

    def __len__(self):
        raise RuntimeError("no length either")

    def __iter__(self):
        raise RuntimeError("no items either")


@pytest.mark.parametrize("name", NAMES)
def test_a_result_too_strange_to_compare_still_gets_one_sentence(name, capsys):
    out = not_yet(CHECKS[name]["check"], lambda *args: Strange(), capsys)
    assert "Strange" in out or "could not be checked" in out
