"""The chapter quizzes (book/quiz.py, book/data/quizzes/): well formed, keyed to the chapters'
learning objectives, right by the book's conventions, and displayed the same on every run.

Every numeric answer, and every wrong number a question explains, is recomputed here with
mlp_core (COMPUTED); the facts behind the multiple-choice answers are measured chapter by chapter
(CLAIMS).
No kernel and no browser: tests/test_quiz_site.py answers a quiz in Chromium.
"""

import copy
import html.parser
import json
import re
from pathlib import Path

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

import digits
import mlp_core
import quiz

BOOK = Path(__file__).resolve().parent.parent / "book"
X, Y = mlp_core.X_TRAIN, mlp_core.Y_TRAIN
ETA, SEED = mlp_core.LEARNING_RATE, mlp_core.SEED

# The chapters that must have a quiz; a new chapter comes with its quiz file and the
# computations of its numeric answers (see book/data/quizzes/README.md).
CHAPTERS = list(range(2, 15))


def test_every_chapter_has_a_quiz():
    assert set(CHAPTERS) <= set(quiz.chapters())


def chapter_notebook(chapter):
    (path,) = BOOK.glob(f"{chapter:02d}_*.ipynb")
    return path


def opening(chapter):
    """The chapter's first markdown cell, with its line breaks made spaces."""
    cells = json.loads(chapter_notebook(chapter).read_text(encoding="utf-8"))["cells"]
    first = next(c for c in cells if c["cell_type"] == "markdown")
    return "".join(first["source"])


def learning_objectives(chapter):
    """The bullets under '## What you will learn' at the start of the chapter, as written (with
    single spaces), or [] if the chapter states its objectives in prose."""
    text = opening(chapter)
    if "## What you will learn" not in text:
        return []
    section = text.split("## What you will learn", 1)[1].split("\n#", 1)[0]
    bullets = re.findall(r"^- (.*(?:\n  .*)*)", section, re.M)
    return [" ".join(b.split()) for b in bullets]


# --- The shape of every quiz ---------------------------------------------------------------------


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_at_least_five_questions_of_both_kinds(chapter):
    questions = quiz.load(chapter).questions
    assert len(questions) >= 5
    assert {q.kind for q in questions} == {"choice", "number"}
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids)), f"question ids repeat: {ids}"


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_every_answer_has_feedback(chapter):
    for q in quiz.load(chapter).questions:
        assert q.text and q.explanation, q.id
        if q.kind == "choice":
            assert sum(o.correct for o in q.options) == 1, q.id
            assert all(o.why for o in q.options if not o.correct), q.id
        else:
            assert q.hint, q.id
            for mistake in q.mistakes:
                assert mistake.why, (q.id, mistake.value)
                assert abs(mistake.value - q.answer) > q.tolerance, (
                    q.id,
                    mistake.value,
                )


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_questions_are_keyed_to_the_chapters_learning_objectives(chapter):
    """The quiz's objectives are the chapter's "What you will learn" bullets, in order (or, in a
    chapter that names them in its opening prose, phrases of that prose, in order), and each is
    tested by at least one question."""
    quiz_ = quiz.load(chapter)
    starts = [o["starts"] for o in quiz_.objectives]
    bullets = learning_objectives(chapter)
    fix = f"check that the questions still fit, then update book/data/quizzes/ch{chapter:02d}.toml"
    if bullets:
        assert len(starts) == len(bullets), (
            f"{chapter_notebook(chapter).name} has {len(bullets)} learning objectives, the quiz "
            f"lists {len(starts)}: {fix}"
        )
        for number, (start, bullet) in enumerate(zip(starts, bullets), start=1):
            assert bullet.startswith(start), (
                f"objective {number} of the quiz starts {start!r}, the chapter's "
                f"{bullet[:60]!r}: {fix}"
            )
    else:
        prose = " ".join(opening(chapter).split())
        places = [prose.find(start) for start in starts]
        assert -1 not in places and places == sorted(places), (
            f"the objectives {starts} are not phrases of the opening of "
            f"{chapter_notebook(chapter).name}, in order: {fix}"
        )
    tested = {q.objective for q in quiz_.questions}
    assert tested == set(range(1, len(starts) + 1)), f"untested objectives: {tested}"


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_plain_text_without_tex(chapter):
    """No LaTeX: the quiz must read the same where MathJax does not run (JupyterLab's outputs),
    and the site's check flags TeX left as text."""
    q = quiz.load(chapter)
    texts = [o["label"] for o in q.objectives]
    for question in q.questions:
        texts += [question.text, question.explanation, question.hint, question.shown]
        texts += [o.text for o in question.options] + [o.why for o in question.options]
        texts += [m.why for m in question.mistakes]
    for text in texts:
        assert "$" not in text and "\\" not in text, text


def test_symbols_in_a_serif_italic_and_words_as_they_are():
    """A sans-serif l reads as a capital I: the quiz sets symbols as the chapters' maths is."""

    def shown(text):
        # <v> for each symbol, so that the expectation reads
        return re.sub(r"<var[^>]*>(.*?)</var>", r"<v>\1</v>", quiz._inline(text))

    assert shown("dA^{[l−1]} = W^{[l]ᵀ} dZ^{[l]}") == (
        "<v>dA</v><sup>[<v>l</v>−1]</sup> = <v>W</v><sup>[<v>l</v>]ᵀ</sup> "
        "<v>dZ</v><sup>[<v>l</v>]</sup>"
    )
    assert shown("A step with a = 3n, |a| and x = 2") == (
        "A step with <v>a</v> = 3<v>n</v>, |<v>a</v>| and <v>x</v> = 2"
    )
    assert shown("Var(z) = n_{in} σ², Σ_{j} C̄_{ij}") == (
        "Var(<v>z</v>) = <v>n</v><sub>in</sub> <v>σ</v>², "
        "Σ<sub><v>j</v></sub> <v>C̄</v><sub><v>i</v><v>j</v></sub>"
    )
    assert shown("`W @ A + b` in layer l") == "<code>W @ A + b</code> in layer <v>l</v>"
    assert 'style="font-family:Georgia' in quiz._inline("l")


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_explanations_read_without_stray_punctuation(chapter):
    """An option ending in a full stop is followed by its explanation, not by ".:"."""
    text = re.sub(r"<[^>]+>", "", quiz.html_of(chapter))
    assert not re.search(r"[.?!]:", text), re.search(r".{40}[.?!]:.{40}", text)[0]


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_the_right_option_is_not_always_in_the_same_place(chapter):
    places = [
        [o.correct for o in q.options].index(True)
        for q in quiz.load(chapter).questions
        if q.kind == "choice"
    ]
    assert len(set(places)) > 1 or len(places) < 3, places


# --- Every number recomputed with mlp_core --------------------------------------------------------


def network_of_chapter_6():
    network = mlp_core.NeuralNetwork([1, 1, 1], seed=SEED)
    network.weights = [np.array([[0.5]]), np.array([[2.0]])]
    network.biases = [np.array([[0.1]]), np.array([[-0.5]])]
    return network


def dead_relu_network():
    network = mlp_core.NeuralNetwork([1, 1, 1], alpha=0.0, seed=SEED)
    network.weights = [np.array([[0.5]]), np.array([[1.0]])]
    network.biases = [np.array([[-2.0]]), np.array([[0.0]])]
    return network


def gradients(network, X, Y):
    return network.backward_pass(*network.forward_pass(X), Y)


def one_weight_model_slope_at_zero():
    """L'(0) of y_hat = w x, from backward_pass of a [1, 1] network with w = 0, b = 0."""
    linear = mlp_core.NeuralNetwork([1, 1], seed=SEED)
    linear.weights, linear.biases = [np.zeros((1, 1))], [np.zeros((1, 1))]
    return gradients(linear, X, Y)[0][0][0, 0]


def ch2_one_step():
    slope = one_weight_model_slope_at_zero()
    return 0 - ETA * slope, [0 + ETA * slope, 0 - 1.0 * slope]


def ch2_largest_rate():
    curvature = np.mean(X**2)  # L''(w) of the one-weight model
    return 2 / curvature, [1 / curvature, ETA]


def ch2_two_samples():
    Y_two = Y[:, [0, 2]]
    zeros = np.zeros_like(Y_two)
    errors = float(np.sum(Y_two**2))
    return mlp_core.mse_loss(Y_two, zeros), [errors / 6, errors / 2, errors]


def ch3_z1_entry():
    W1 = np.array([[1.0], [-1.0], [0.5], [2.0]])
    b1 = np.array([[0.1], [0.2], [0.3], [0.4]])
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    network.weights[0], network.biases[0] = W1, b1
    Z1 = network.forward_pass(X)[1][0]
    return Z1[1, 0], [(W1 @ X)[1, 0], Z1[1, 1], Z1[0, 1]]


def ch3_dw2_size():
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    return dW[1].size, [zs[1].size, dW[1].size * X.shape[1], dB[1].size]


def ch4_f_of_minus_half():
    z = np.array(-0.5)
    return float(mlp_core.leaky_relu(z)), [
        float(mlp_core.leaky_relu(z, 0.0)),
        float(mlp_core.leaky_relu(z, 1.0)),
        -float(mlp_core.leaky_relu(z)),
        float(mlp_core.leaky_relu_derivative(z)),
    ]


def ch4_dead_relu_loss():
    network = dead_relu_network()
    start = network.compute_loss(Y, network.predict(X))
    network.train(X, Y, epochs=1000, learning_rate=ETA)
    final = network.compute_loss(Y, network.predict(X))
    return final, [0.0, start, 2 * final]


def ch5_count_2_3_2():
    network = mlp_core.NeuralNetwork([2, 3, 2], seed=SEED)
    weights = sum(W.size for W in network.weights)
    biases = sum(b.size for b in network.biases)
    return network.n_parameters, [weights, biases, 3 + 2 + 2]


def ch5_distinct_values():
    twins = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    twins.weights = [np.full(W.shape, 0.1) for W in twins.weights]
    twins.train(X, Y, epochs=20, learning_rate=ETA)
    values = np.concatenate([p.ravel() for p in twins.weights + twins.biases])
    return len(np.unique(values)), [twins.n_parameters, len(twins.weights)]


def ch6_predict_minus_2():
    network = network_of_chapter_6()
    x = np.array([[-2.0]])
    z1 = 0.5 * -2.0 + 0.1
    as_relu = 2.0 * 0.0 - 0.5
    no_bend = 2.0 * z1 - 0.5
    wrong_sign = 2.0 * (-mlp_core.ALPHA * z1) - 0.5
    return network.predict(x)[0, 0], [as_relu, no_bend, wrong_sign]


def ch6_kept_numbers():
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)

    def kept(n_samples):
        activations, zs = network.forward_pass(
            np.linspace(-1, 3, n_samples).reshape(1, -1)
        )
        return sum(A.size for A in activations), sum(Z.size for Z in zs)

    a5, z5 = kept(5)
    return a5 + z5, [sum(kept(3)), a5, z5]


def ch7_loss_2_1_4():
    Y_hat = np.array([[2.0, 1.0, 4.0]])
    squares = float(np.sum((Y - Y_hat) ** 2))
    return mlp_core.mse_loss(Y, Y_hat), [squares / 3, squares / 2, squares]


def ch7_loss_of_zeros():
    squares = float(np.sum(Y**2))
    return mlp_core.mse_loss(Y, np.zeros_like(Y)), [squares / 3, squares / 2, squares]


def ch7_dl_dyhat():
    network = network_of_chapter_6()
    error = (network.predict(X) - Y)[0, 0]
    N = Y.shape[1]
    # Check the formula against a centred difference of the loss itself.
    eps, Y_hat = 1e-6, network.predict(X)
    step = np.zeros_like(Y_hat)
    step[0, 0] = eps
    nudged = (
        mlp_core.mse_loss(Y, Y_hat + step) - mlp_core.mse_loss(Y, Y_hat - step)
    ) / (2 * eps)
    assert abs(nudged - error / N) < 1e-8
    return error / N, [error, -error / N, 2 * error / N]


def ch8_dl_dw1_one_sample():
    network = network_of_chapter_6()
    x, y = np.array([[3.0]]), np.array([[5.0]])
    dW, dB = gradients(network, x, y)
    z2_error = network.predict(x)[0, 0] - 5.0
    return dW[0][0, 0], [
        dB[0][0, 0],
        z2_error * 3.0,
        dW[1][0, 0],
        dW[0][0, 0] * mlp_core.ALPHA,  # the slope alpha where it is 1
    ]


def ch8_db1_worked():
    network = network_of_chapter_6()
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    dA1 = network.weights[1].T @ (activations[-1] - Y)
    np.testing.assert_allclose(dA1, [[-2.6, -3.016, -4.6]])
    np.testing.assert_allclose(zs[0], [[1.1, -0.4, 1.6]])
    dZ1 = dA1 * mlp_core.leaky_relu_derivative(zs[0])
    return dB[0][0, 0], [dA1.mean(), dZ1.sum(), dA1.sum()]


def ch9_plateau_loss():
    # x = -1 fitted, and one value for x = 2 and x = 3: the mean of their targets.
    plateau = np.array([[4.0, 1.0, 4.0]])
    squares = float(np.sum((Y - plateau) ** 2))
    mean = np.full_like(Y, Y.mean())
    return mlp_core.mse_loss(Y, plateau), [
        mlp_core.mse_loss(Y, mean),
        squares / 3,
        squares / 2,
    ]


def ch9_bias_limit():
    """2 / curvature of the loss along the output bias, measured by a second difference."""
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    without_bias = network.predict(X) - network.biases[-1]

    def loss(b):
        return mlp_core.mse_loss(Y, without_bias + b)

    h = 1e-3
    curvature = (loss(h) - 2 * loss(0.0) + loss(-h)) / h**2
    return 2 / curvature, [1 / curvature, ETA]


def ch10_centred_cube():
    def f(x):
        return x**3

    h = 0.1
    return (f(1 + h) - f(1 - h)) / (2 * h), [
        (f(1 + h) - f(1)) / h,
        3.0,
        (f(1 + h) - f(1 - h)) / h,
    ]


def ch10_three_times():
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    dW, dB = gradients(network, X, Y)
    right = np.concatenate([g.ravel() for g in dW + dB])
    wrong = 3 * right
    r = mlp_core.relative_error(wrong, right)
    assert np.allclose(r[right != 0], r[right != 0][0])
    n = right[right != 0][0]
    a = wrong[right != 0][0]
    return r[right != 0][0], [abs(a - n) / abs(n), abs(a - n) / abs(a), a / n]


def ch11_factor_05():
    rate = 0.5
    curvature = np.mean(X**2)
    return 1 - curvature * rate, [-(1 - curvature * rate), curvature * rate]


def network_of_chapter_12():
    """The [1, 2, 1] network of chapter 12's figure."""
    network = mlp_core.NeuralNetwork([1, 2, 1], seed=SEED)
    network.weights = [np.array([[0.5], [-0.25]]), np.array([[2.0, -1.0]])]
    network.biases = [np.array([[0.1], [1.0]]), np.array([[-0.5]])]
    return network


def ch12_two_paths_target_1():
    network = network_of_chapter_12()
    x, y = np.array([[2.0]]), np.array([[1.0]])
    activations, zs = network.forward_pass(x)
    dZ2 = activations[-1] - y
    dZ1 = (network.weights[1].T @ dZ2) * mlp_core.leaky_relu_derivative(zs[0])
    paths = network.weights[0][:, 0] * dZ1[:, 0]  # one term per hidden unit
    dA0 = (network.weights[0].T @ dZ1)[0, 0]
    assert np.isclose(dA0, paths.sum())

    def loss(x_value):
        return 0.5 * ((network.predict(np.array([[x_value]])) - y)[0, 0]) ** 2

    h = 1e-6
    assert abs((loss(2 + h) - loss(2 - h)) / (2 * h) - dA0) < 1e-8
    return dA0, [paths[0], paths[1], paths[0] - paths[1], loss(2.0)]


def ch12_matmul_backward_count():
    """The engine's matmul rule: C_bar @ A.T for W, W.T @ C_bar for A; m k n each."""

    def multiplications(P, Q):
        return P.shape[0] * P.shape[1] * Q.shape[1]

    network = mlp_core.NeuralNetwork([5, 64, 32, 1], seed=SEED)
    X_100 = np.random.default_rng(SEED).standard_normal((5, 100))
    W2, A1 = network.weights[1], network.forward_pass(X_100)[0][1]
    assert W2.shape == (32, 64) and A1.shape == (64, 100)
    C_bar = np.ones((32, 100))
    forward = multiplications(W2, A1)
    backward = multiplications(C_bar, A1.T) + multiplications(W2.T, C_bar)
    return backward, [forward, forward + backward, backward // A1.shape[1]]


def leaky_keeps(alpha=mlp_core.ALPHA):
    """The fraction of the mean square of a symmetric z that Leaky ReLU lets through."""
    half = np.random.default_rng(13).standard_normal(1000)
    z = np.concatenate([half, -half])
    return np.mean(mlp_core.leaky_relu(z, alpha) ** 2) / np.mean(z**2)


def ch13_gain_fan_in_64():
    n_in, sigma = 64, 0.1
    gain = n_in * sigma**2 * leaky_keeps()
    # The He scale is the sigma with gain 1, so gain = (sigma / he_scale)**2.
    assert np.isclose(gain, (sigma / mlp_core.he_scale(n_in)) ** 2)
    return gain, [n_in * sigma**2, n_in * sigma * leaky_keeps(), np.sqrt(gain)]


def ch13_backward_gain_widening():
    fan_in, fan_out = 32, 128
    sigma = mlp_core.he_scale(fan_in)
    forward = fan_in * sigma**2 * leaky_keeps()
    backward = fan_out * sigma**2 * leaky_keeps()
    return backward, [forward, fan_in / fan_out, np.sqrt(backward)]


def ch13_he_scale_784():
    sigma = mlp_core.he_scale(784)
    assert np.isclose(784 * sigma**2 * leaky_keeps(), 1.0)
    return sigma, [
        mlp_core.he_scale(100),
        sigma**2,
        mlp_core.he_scale(784, alpha=1.0),
    ]


def ch14_cross_entropy_1_2_3():
    Y_hat = mlp_core.softmax(np.array([[1.0], [2.0], [3.0]]))
    one_hot = np.eye(3)[:, [2]]
    return mlp_core.cross_entropy_loss(one_hot, Y_hat), [
        Y_hat[2, 0],
        -np.log10(Y_hat[2, 0]),
        mlp_core.cross_entropy_loss(np.eye(3)[:, [0]], Y_hat),
    ]


def ch14_dz_wrong_class():
    """Row 0 of the output error, from backward_pass: with one sample, db of the output is dZ."""
    network = mlp_core.NeuralNetwork([1, 3], seed=SEED, output="softmax")
    network.weights, network.biases = (
        [np.zeros((3, 1))],
        [np.array([[1.0], [2.0], [3.0]])],
    )
    x, one_hot = np.array([[0.0]]), np.eye(3)[:, [2]]
    activations, zs = network.forward_pass(x)
    dZ = network.backward_pass(activations, zs, one_hot)[1][0]
    y_hat = activations[-1][0, 0]
    return dZ[0, 0], [0.0, y_hat - 1, y_hat * (1 - y_hat), -dZ[0, 0]]


class CountingUpdates(mlp_core.NeuralNetwork):
    """A network that counts the updates `train` makes."""

    updates = 0

    def update(self, dW, dB, learning_rate):
        self.updates += 1
        super().update(dW, dB, learning_rate)


def ch14_steps_in_30_epochs():
    n_train, batch, epochs = 1078, 64, 30
    rng = np.random.default_rng(SEED)
    network = CountingUpdates([2, 3, 2], seed=SEED)
    network.train(
        rng.standard_normal((2, n_train)),
        rng.standard_normal((2, n_train)),
        epochs,
        ETA,
        batch_size=batch,
        seed=SEED,
    )
    per_epoch = len(mlp_core.minibatches(n_train, batch, rng))
    assert network.updates == epochs * per_epoch == epochs * -(-n_train // batch)
    return network.updates, [
        epochs * (n_train // batch),
        epochs * n_train / batch,
        per_epoch,
        epochs,
    ]


def chapter_14_sigma2():
    """sigma^2 of the per-sample gradients of chapter 14's start, on its training set."""
    images, labels = digits.load_digits()
    order = np.random.default_rng(SEED).permutation(labels.size)
    train = order[: int(0.6 * labels.size)]
    X_train, Y_train = images[:, train], np.eye(10)[:, labels[train]]
    start = mlp_core.NeuralNetwork(
        [64, 32, 10], seed=SEED, weight_scale="he", output="softmax"
    )

    def flat_gradient(X, Y):
        dW, dB = start.backward_pass(*start.forward_pass(X), Y)
        return np.concatenate([g.ravel() for g in dW + dB])

    full = flat_gradient(X_train, Y_train)
    per_sample = np.array(
        [flat_gradient(X_train[:, [i]], Y_train[:, [i]]) for i in range(train.size)]
    )
    return float(np.mean(np.sum((per_sample - full) ** 2, axis=1))), train.size


def ch14_noise_b_32():
    sigma2, N = chapter_14_sigma2()
    assert N == 1078 and round(sigma2, 4) == 25.3241
    sigma2, B = 25.3241, 32  # as the question gives it
    return sigma2 / B * (N - B) / (N - 1), [sigma2 / B, sigma2 / np.sqrt(B), sigma2]


# (chapter, question id): a function returning the answer, and the wrong numbers of the
# question's `mistakes` in the same order.
COMPUTED = {
    (2, "one-step"): ch2_one_step,
    (2, "largest-rate"): ch2_largest_rate,
    (2, "two-samples"): ch2_two_samples,
    (3, "z1-entry"): ch3_z1_entry,
    (3, "dw2-size"): ch3_dw2_size,
    (4, "f-of-minus-half"): ch4_f_of_minus_half,
    (4, "dead-relu-loss"): ch4_dead_relu_loss,
    (5, "count-2-3-2"): ch5_count_2_3_2,
    (5, "distinct-values"): ch5_distinct_values,
    (6, "predict-minus-2"): ch6_predict_minus_2,
    (6, "kept-numbers"): ch6_kept_numbers,
    (7, "loss-2-1-4"): ch7_loss_2_1_4,
    (7, "loss-of-zeros"): ch7_loss_of_zeros,
    (7, "dl-dyhat"): ch7_dl_dyhat,
    (8, "dl-dw1-one-sample"): ch8_dl_dw1_one_sample,
    (8, "db1-worked"): ch8_db1_worked,
    (9, "plateau-loss"): ch9_plateau_loss,
    (9, "bias-limit"): ch9_bias_limit,
    (10, "centred-cube"): ch10_centred_cube,
    (10, "three-times"): ch10_three_times,
    (11, "factor-05"): ch11_factor_05,
    (12, "two-paths-target-1"): ch12_two_paths_target_1,
    (12, "matmul-backward-count"): ch12_matmul_backward_count,
    (13, "gain-fan-in-64"): ch13_gain_fan_in_64,
    (13, "backward-gain-widening"): ch13_backward_gain_widening,
    (13, "he-scale-784"): ch13_he_scale_784,
    (14, "cross-entropy-1-2-3"): ch14_cross_entropy_1_2_3,
    (14, "dz-wrong-class"): ch14_dz_wrong_class,
    (14, "steps-in-30-epochs"): ch14_steps_in_30_epochs,
    (14, "noise-b-32"): ch14_noise_b_32,
}

NUMERIC = [
    (chapter, q.id)
    for chapter in quiz.chapters()
    for q in quiz.load(chapter).questions
    if q.kind == "number"
]


@pytest.mark.parametrize(("chapter", "question_id"), NUMERIC)
def test_numeric_answers_recomputed_with_mlp_core(chapter, question_id):
    """The stored answer, and each wrong number the question explains, equal a computation with
    mlp_core to a tenth of the question's tolerance."""
    assert (chapter, question_id) in COMPUTED, (
        f"no computation for the answer of chapter {chapter}'s question {question_id!r}: add one "
        "to COMPUTED in tests/test_quiz.py"
    )
    (question,) = [q for q in quiz.load(chapter).questions if q.id == question_id]
    answer, mistakes = COMPUTED[chapter, question_id]()
    close = question.tolerance / 10
    assert abs(question.answer - answer) <= close, (question.answer, answer)
    assert len(mistakes) == len(question.mistakes)
    for stored, computed in zip(question.mistakes, mistakes):
        assert abs(stored.value - computed) <= close, (
            stored.value,
            computed,
            stored.why,
        )


def test_every_computation_belongs_to_a_question():
    assert set(COMPUTED) == set(NUMERIC)


# --- The facts behind the multiple-choice answers -----------------------------------------------


def final_loss(
    layer_sizes, seed=SEED, learning_rate=ETA, alpha=mlp_core.ALPHA, epochs=100
):
    network = mlp_core.NeuralNetwork(layer_sizes, alpha=alpha, seed=seed)
    return network.train(X, Y, epochs=epochs, learning_rate=learning_rate)[-1]


def forgetful_backward(network):
    """Backpropagation without the Leaky ReLU derivative: chapter 10's planted bug."""
    activations, zs = network.forward_pass(X)
    dW, dB = [None] * 3, [None] * 3
    dZ = activations[-1] - Y
    for l in range(3, 0, -1):
        dW[l - 1] = dZ @ activations[l - 1].T / X.shape[1]
        dB[l - 1] = dZ.mean(axis=1, keepdims=True)
        dZ = network.weights[l - 1].T @ dZ
    return dW, dB


def claims_of_chapter_2():
    # Ch. 2: eta = 0.45 multiplies the distance by -1.1; eta = 3/14 lands in one step.
    assert np.isclose(1 - np.mean(X**2) * 0.45, -1.1)
    assert np.isclose(1 - np.mean(X**2) * 3 / 14, 0)
    # Ch. 2 and 5: the same seed gives the same run to the last bit; another seed does not.
    assert (
        final_loss([1, 4, 3, 1])
        == final_loss([1, 4, 3, 1])
        != final_loss([1, 4, 3, 1], 5)
    )


def claims_of_chapter_3():
    # Ch. 3: a flat bias errs in layer 1 (4 units, 3 samples), runs wrong in layer 2.
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    activations, zs = network.forward_pass(X)
    with pytest.raises(ValueError):
        _ = network.weights[0] @ X + np.ones(4)
    b2 = np.array([[1.0], [2.0], [3.0]])
    wrong = network.weights[1] @ activations[1] + b2.ravel()
    right = network.weights[1] @ activations[1] + b2
    assert wrong.shape == right.shape == (3, 3) and not np.allclose(wrong, right)


def claims_of_chapter_4():
    # Ch. 4: only the output bias of the dead ReLU network gets a gradient, -3; f'(0) = alpha.
    dW, dB = gradients(dead_relu_network(), X, Y)
    assert dW[0][0, 0] == dB[0][0, 0] == dW[1][0, 0] == 0 and dB[1][0, 0] == -3
    assert mlp_core.leaky_relu_derivative(0.0) == mlp_core.ALPHA


def claims_of_chapter_5():
    # Ch. 5: scale 0.001 learns only the mean in 100 epochs; scale 10 diverges.
    for scale, expect_diverged in ((0.001, False), (10.0, True)):
        start = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
        start.weights = [W * scale / mlp_core.INIT_SCALE for W in start.weights]
        try:
            loss = start.train(X, Y, epochs=100, learning_rate=ETA)[-1]
            assert not expect_diverged and abs(loss - 4 / 3) < 0.01
        except mlp_core.TrainingDiverged:
            assert expect_diverged


def claims_of_chapter_6():
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    activations, zs = network.forward_pass(X)
    # Ch. 6: activations[0] is X, and zs has one entry per layer.
    assert np.array_equal(activations[0], X) and len(zs) == len(network.weights)


def claims_of_chapter_7():
    # Ch. 7: both runs start within 0.02 of 35/6; the frozen hidden layer's best loss is > 0.05.
    for sizes in ([1, 4, 3, 1], [1, 1, 1]):
        assert abs(final_loss(sizes, epochs=1) - 35 / 6) < 0.02
    A1 = network_of_chapter_6().forward_pass(X)[0][1][0]
    (w2, b2_best), *_ = np.linalg.lstsq(
        np.column_stack([A1, np.ones(3)]), Y[0], rcond=None
    )
    assert mlp_core.mse_loss(Y, (w2 * A1 + b2_best).reshape(1, -1)) > 0.05


def claims_of_chapter_9():
    # Ch. 9: losses[0] is the untrained loss; [1, 1, 1] stalls near 1/3; eta = 0.3 ends at the
    # mean with every Z2 negative; most [1, 4, 3, 1] seeds fit, some do not.
    untrained = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    assert final_loss([1, 4, 3, 1], epochs=1) == untrained.compute_loss(
        Y, untrained.predict(X)
    )
    assert abs(final_loss([1, 1, 1]) - 1 / 3) < 0.01
    overshot = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    assert abs(overshot.train(X, Y, epochs=100, learning_rate=0.3)[-1] - 4 / 3) < 0.01
    assert np.all(overshot.forward_pass(X)[1][1] < 0)
    deep = [final_loss([1, 4, 3, 1], seed) for seed in range(20)]
    small = [final_loss([1, 1, 1], seed) for seed in range(20)]
    assert sum(loss < 0.05 for loss in deep) > 10
    assert any(abs(loss - 4 / 3) < 0.01 for loss in deep)
    for ending in (lambda loss: loss < 0.05, lambda loss: abs(loss - 1 / 3) < 0.01):
        assert any(ending(loss) for loss in small)
    assert any(abs(loss - 4 / 3) < 0.01 for loss in small)


def claims_of_chapter_10():
    # Ch. 10: the default check is between 1e-7 and 1e-4; a pre-activation 3e-7 from 0 fails it
    # falsely and shifted data passes; forgetting f' spares only the output layer.
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=SEED)
    assert 1e-7 < mlp_core.gradient_check(network, X, Y) < 1e-4
    assert mlp_core.gradient_check(network, X, Y, eps=1e-4) < 1e-6
    kinked = copy.deepcopy(network)
    kinked.biases[0][2, 0] = -kinked.weights[0][2, 0] * 2.0 + 3e-7
    assert mlp_core.gradient_check(kinked, X, Y) > 1e-2
    assert mlp_core.gradient_check(kinked, X + 0.01, Y) < 1e-4
    num_dW, num_dB = mlp_core.numerical_gradients(network, X, Y)
    bug_dW, bug_dB = forgetful_backward(network)
    for l in range(3):
        r = max(
            mlp_core.relative_error(bug_dW[l], num_dW[l]).max(),
            mlp_core.relative_error(bug_dB[l], num_dB[l]).max(),
        )
        assert (r < 1e-4) if l == 2 else (r > 0.5)


def claims_of_chapter_11():
    # Ch. 11: eta = 0.001 crawls; the largest rates end at the mean; alpha = 0 fits at 0.1 and
    # alpha = 0.5 ends worse than 0.01.
    assert final_loss([1, 4, 3, 1], learning_rate=0.001) > 4
    for rate in (0.32, 1.0):
        assert abs(final_loss([1, 4, 3, 1], learning_rate=rate) - 4 / 3) < 0.01
    assert final_loss([1, 4, 3, 1], alpha=0.0) < 0.05
    assert final_loss([1, 4, 3, 1], alpha=0.5) > final_loss([1, 4, 3, 1])


def claims_of_chapter_12():
    # Ch. 12: C = A B sends back C_bar B^T to A and A^T C_bar to B (centred differences of
    # sum(C * R)); a hidden pre-activation's error sums over the units it feeds.
    rng = np.random.default_rng(SEED)
    A, B, R = (rng.standard_normal(shape) for shape in ((3, 2), (2, 4), (3, 4)))
    h = 1e-6
    for which, expected in ((A, R @ B.T), (B, A.T @ R)):
        numeric = np.zeros_like(which)
        for index in np.ndindex(which.shape):
            which[index] += h
            rise = np.sum((A @ B) * R)
            which[index] -= 2 * h
            fall = np.sum((A @ B) * R)
            which[index] += h
            numeric[index] = (rise - fall) / (2 * h)
        np.testing.assert_allclose(numeric, expected, atol=1e-8)


def claims_of_chapter_13():
    # Ch. 13: ten hidden layers of 16 at the book's scale: every layer's gradient is hundreds of
    # thousands of times smaller than He's or more, and learning rates of 0.1 and 0.3 still end at
    # the best constant's loss.
    X_sine = np.linspace(-3, 3, 40).reshape(1, -1)
    Y_sine = np.sin(X_sine)
    sizes = [1] + [16] * 10 + [1]
    norms = {}
    for scale in (0.1, "he"):
        deep = mlp_core.NeuralNetwork(sizes, seed=SEED, weight_scale=scale)
        dW, _ = gradients(deep, X_sine, Y_sine)
        norms[scale] = np.array([np.linalg.norm(g) for g in dW])
    assert np.all(norms["he"] / norms[0.1] > 1e5)
    assert np.all((1e-7 / 2 < norms[0.1]) & (norms[0.1] < 3e-7))
    constant = mlp_core.mse_loss(Y_sine, np.full_like(Y_sine, Y_sine.mean()))
    moved = {}
    for rate in (0.1, 0.3):
        stuck = mlp_core.NeuralNetwork(sizes, seed=SEED, weight_scale=0.1)
        start = [W.copy() for W in stuck.weights]
        final = stuck.train(X_sine, Y_sine, 2000, rate)[-1]
        assert abs(final / constant - 1) < 1e-3
        moved[rate] = max(
            np.linalg.norm(W - W0) / np.linalg.norm(W0)
            for W, W0 in zip(stuck.weights, start)
        )
    # ... and its weights move no further than at 0.1, by less than about 5e-4 of their size.
    assert moved[0.3] <= moved[0.1] < 6e-4


def claims_of_chapter_14():
    # Ch. 14: softmax ignores a shift of a column, survives huge entries with each column's own
    # maximum, and one maximum for the whole array can leave a column at 0/0.
    Z = np.array([[1.0, -1000.0], [2.0, -1001.0], [3.0, -1002.0]])
    np.testing.assert_allclose(
        mlp_core.softmax(Z + 1000)[:, 0], mlp_core.softmax(Z)[:, 0]
    )
    with np.errstate(under="ignore", invalid="ignore"):
        shifted = np.exp(Z - Z.max())
        one_constant = shifted / shifted.sum(axis=0, keepdims=True)
    assert np.all(np.isnan(one_constant[:, 1])) and np.all(
        np.isfinite(mlp_core.softmax(Z))
    )


# The facts each chapter's multiple-choice answers rest on, measured with mlp_core and numpy: one
# function per chapter (chapter 8's choices rest on its derivation alone).
CLAIMS = {
    2: claims_of_chapter_2,
    3: claims_of_chapter_3,
    4: claims_of_chapter_4,
    5: claims_of_chapter_5,
    6: claims_of_chapter_6,
    7: claims_of_chapter_7,
    9: claims_of_chapter_9,
    10: claims_of_chapter_10,
    11: claims_of_chapter_11,
    12: claims_of_chapter_12,
    13: claims_of_chapter_13,
    14: claims_of_chapter_14,
}


@pytest.mark.parametrize("chapter", sorted(CLAIMS))
def test_the_facts_behind_the_choices(chapter):
    CLAIMS[chapter]()


# --- The output ---------------------------------------------------------------------------------


def quiz_fieldset(text, chapter, number):
    """The HTML of one question of a quiz's HTML."""
    start = text.index(
        f'<fieldset data-quiz-question id="quiz-ch{chapter:02d}-q{number}"'
    )
    return text[start : text.index("</fieldset>", start) + len("</fieldset>")]


class Elements(html.parser.HTMLParser):
    """Start tags with their attributes, and whether every element is closed."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "wbr"}

    def __init__(self):
        super().__init__()
        self.tags, self.open = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()


@pytest.mark.parametrize("chapter", quiz.chapters())
def test_html_is_one_fieldset_per_question_with_stable_ids(chapter):
    text = quiz.html_of(chapter)
    assert text == quiz.html_of(chapter)
    parser = Elements()
    parser.feed(text)
    assert parser.open == []
    questions = quiz.load(chapter).questions
    fieldsets = [attrs for tag, attrs in parser.tags if tag == "fieldset"]
    assert len(fieldsets) == len(questions)
    assert all("data-quiz-question" in attrs for attrs in fieldsets)
    assert [f["id"] for f in fieldsets] == [
        f"quiz-ch{chapter:02d}-q{n}" for n in range(1, len(questions) + 1)
    ]
    ids = [attrs["id"] for _, attrs in parser.tags if "id" in attrs]
    assert len(ids) == len(set(ids))
    legends = [tag for tag, _ in parser.tags if tag == "legend"]
    assert len(legends) == len(questions)
    live = [a for t, a in parser.tags if a.get("aria-live") == "polite"]
    assert len(live) == len(questions)
    # Every option's explanation is on the page, where the script finds it.
    for number, q in enumerate(questions, start=1):
        fieldset = Elements()
        fieldset.feed(quiz_fieldset(text, chapter, number))
        whys = {a["data-why"] for _, a in fieldset.tags if "data-why" in a}
        if q.kind == "choice":
            assert whys == set(quiz.LETTERS[: len(q.options)]), q.id
        else:
            assert whys == {"right", "other"}, q.id
    labels = {a["for"] for t, a in parser.tags if t == "label" and "for" in a}
    fields = {
        a["id"] for t, a in parser.tags if t == "input" and a.get("type") == "text"
    }
    assert fields == labels


def test_output_has_a_short_stable_text():
    """nbval compares text/plain (and text/html) strictly: both are the same on every run."""
    data, _ = DisplayFormatter().format(quiz.QuizOutput(4))
    assert (
        data["text/plain"]
        == f"Quiz: chapter 4, {len(quiz.load(4).questions)} questions"
    )
    assert data["text/html"] == quiz.html_of(4)


def test_stored_quiz_outputs_are_current():
    """A chapter that shows a quiz stores its output; after the quiz file changes, the chapter must
    be refreshed (nbval would fail on the stale HTML too, with a longer message)."""
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            match = re.search(r"quiz\.show\((\d+)\)", source)
            if cell["cell_type"] != "code" or not match:
                continue
            stored = [
                "".join(o["data"]["text/html"])
                for o in cell.get("outputs", [])
                if "text/html" in o.get("data", {})
            ]
            assert stored == [quiz.html_of(int(match.group(1)))], (
                f"{path.name}: the stored quiz output is not what quiz.show gives now: "
                f"make notebooks NOTEBOOKS=book/{path.name}"
            )


def test_answer_key_lists_every_answer():
    for chapter in quiz.chapters():
        key = quiz.answer_key(chapter)
        questions = quiz.load(chapter).questions
        assert key.count("**Right.**") == sum(q.kind == "choice" for q in questions)
        for number, q in enumerate(questions, start=1):
            assert f"\n{number}. " in "\n" + key
            if q.kind == "number":
                assert f"**Answer: {q.shown}**" in key
        assert "$" not in key


def test_answer_key_markdown():
    key = quiz.answer_key(3)
    assert key.startswith("**Chapter 3, Data and shapes**")
    assert "W{sup}`[2]`" in key  # superscripts become MyST roles
    assert "`mlp_core.X_TRAIN`" in key  # code stays code


def test_the_answer_key_page_follows_the_guide_in_the_book():
    """The page `make sync` writes from answer_key (book/quiz_answer_key.md) is in the book."""
    toc = (BOOK.parent / "_toc.yml").read_text()
    assert "file: book/teachers_guide\n      - file: book/quiz_answer_key" in toc


# --- Errors at the boundary ---------------------------------------------------------------------


def test_a_chapter_without_quiz_is_named():
    with pytest.raises(
        ValueError, match=r"no quiz for chapter 99.*chapters with a quiz: \[2,"
    ):
        quiz.load(99)
    with pytest.raises(TypeError, match="chapter must be an int"):
        quiz.load("4")


def test_a_wrong_option_without_why_is_refused(tmp_path, monkeypatch):
    text = (quiz.QUIZ_DIR / "ch04.toml").read_text(encoding="utf-8")
    planted = text.replace(
        "why = '''1 is the slope on the positive side, for z > 0.'''", ""
    )
    assert planted != text
    (tmp_path / "ch04.toml").write_text(planted, encoding="utf-8")
    monkeypatch.setattr(quiz, "QUIZ_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"ch04.toml: question 2 .*needs a `why`"):
        quiz.load(4)
