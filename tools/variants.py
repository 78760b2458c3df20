"""A term's own hidden tests: the graded cases of every coding exercise, drawn anew from a seed.

The book is public, and so are the autograder's tests in its chapters. For a graded course,
``make student VARIANT=2027`` releases every chapter with hidden tests of its own: for each coding
exercise, new arguments (other data, other sizes) drawn from the seed, and the right results
computed here, on the teacher's side, with ``mlp_core``. The released notebooks never see them
(nbgrader removes hidden tests), and a student who copied last term's values fails them. The
exercise's self-check (book/checks.py) stays the book's: it still runs first, and still names the
same slips.

``hidden_tests(grade_id, check_line, seed)`` writes the lines that go between ``### BEGIN HIDDEN
TESTS`` and ``### END HIDDEN TESTS``: the self-check's assert, then each drawn case. A record of
``VARIANTS`` says how one exercise's cases are drawn: ``draw(rng)`` gives the arguments,
``reference(*arguments)`` the right result, ``result`` the expression read after the call
(``_got``, the answer's return value, by default), ``compare`` how it is compared.

Usage:  python tools/variants.py SEED   (prints every exercise's hidden tests for that seed)
"""

import copy
import dataclasses
import sys
from collections.abc import Callable

import numpy as np

import mlp_core

# The same bounds as the self-checks' (book/checks.py): far below what any slip changes.
RTOL, ATOL = 1e-7, 1e-10


@dataclasses.dataclass(frozen=True)
class Code:
    """An argument that is code (a function for exercise 10.2): written as is, evaluated with numpy
    for the reference."""

    text: str

    def value(self):
        return eval(self.text, {"np": np})  # noqa: S307 (our own, drawn text)


def literal(value):
    """Python source that evaluates to ``value`` (arrays, networks, numbers, text, lists, Code), exactly:
    floats are written by repr, which reads back to the same bits."""
    if isinstance(value, Code):
        return value.text
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, mlp_core.NeuralNetwork):
        return (
            f"_network({list(value.layer_sizes)!r}, {value.alpha!r}, "
            f"{literal(value.weights)}, {literal(value.biases)})"
        )
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(item) for item in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (str, bool, int, float, np.integer, np.floating)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    raise TypeError(f"no literal for {type(value).__name__}")


# The hidden tests build networks with this helper (written once, where a case needs one).
NETWORK_HELPER = """\
def _network(layer_sizes, alpha, weights, biases):
    network = mlp_core.NeuralNetwork(layer_sizes, alpha=alpha)
    network.weights, network.biases = weights, biases
    return network
"""


def compared(expression, expected):
    """Assert lines comparing ``expression`` with ``expected`` entry by entry, within RTOL, ATOL."""
    if isinstance(expected, (list, tuple)):
        lines = [f"assert len({expression}) == {len(expected)}"]
        for index, item in enumerate(expected):
            lines += compared(f"{expression}[{index}]", item)
        return lines
    return [
        f"np.testing.assert_allclose({expression}, {literal(expected)}, "
        f"rtol={RTOL!r}, atol={ATOL!r})"
    ]


@dataclasses.dataclass(frozen=True)
class Variant:
    """How one coding exercise's graded cases are drawn (see the module's docstring)."""

    call: str  # the function the student writes
    draw: Callable  # rng -> the arguments, a tuple
    reference: Callable  # *arguments -> the right result, computed with mlp_core
    result: str = (
        "_got"  # what is compared, read after the call (_got: what it returned)
    )
    compare: str = "close"  # "close" (entry by entry) or "equal"
    cases: int = 2


# ---------------------------------------------------------------------------------------------
# How each exercise's arguments are drawn: other sizes, other data, every term.


def _normal(rng, shape, scale=1.0):
    """Normal draws rounded to two decimals, so that a hidden test reads easily."""
    return np.round(scale * rng.standard_normal(shape), 2)


def _sizes(rng, n_layers=(2, 5), largest=6):
    """Random layer sizes: between n_layers[0] and n_layers[1] entries, each 1 to ``largest``."""
    count = int(rng.integers(n_layers[0], n_layers[1] + 1))
    return [int(n) for n in rng.integers(1, largest + 1, count)]


def _network(rng, scale=1.0, weight_scale=0.1):
    """A network of random sizes and slope, its weights and biases of order ``scale``."""
    layer_sizes = _sizes(rng, (3, 4), 5)
    alpha = round(float(rng.uniform(0.01, 0.5)), 2)
    network = mlp_core.NeuralNetwork(
        layer_sizes, alpha=alpha, weight_scale=weight_scale
    )
    network.weights = [_normal(rng, W.shape, scale) for W in network.weights]
    network.biases = [_normal(rng, b.shape, 0.5) for b in network.biases]
    return network


def _data(rng, network, n_samples=None):
    n_samples = n_samples or int(rng.integers(2, 8))
    X = _normal(rng, (network.layer_sizes[0], n_samples))
    Y = _normal(rng, (network.layer_sizes[-1], n_samples))
    return X, Y


def _matrix(rng, low=1, high=5):
    return _normal(rng, tuple(int(n) for n in rng.integers(low, high, 2)))


def _z_with_zeros(rng):
    z = _matrix(rng)
    z.flat[rng.integers(0, z.size)] = 0.0  # the convention at 0 is part of the answer
    return z


def _shapes(layer_sizes, n_samples):
    network = mlp_core.NeuralNetwork(layer_sizes)
    _, zs = network.forward_pass(np.zeros((layer_sizes[0], n_samples)))
    return [
        (W.shape, b.shape, Z.shape)
        for W, b, Z in zip(network.weights, network.biases, zs)
    ]


def _trained(network, X, Y, epochs, learning_rate):
    network = copy.deepcopy(network)
    losses = network.train(X, Y, epochs, learning_rate)
    return [losses, network.weights]


def _predicted_spreads(layer_sizes, weight_scale, alpha, X):
    """The chapter's product of the gains: layer 1 from the data, n_0 sigma_1**2 mean(X**2), then
    each layer's gain n_(l-1) sigma_l**2 (1 + alpha**2) / 2 (sigma from mlp_core.he_scale for
    "he")."""
    sigmas = [
        mlp_core.he_scale(n, alpha) if weight_scale == "he" else weight_scale
        for n in layer_sizes[:-1]
    ]
    variance = layer_sizes[0] * sigmas[0] ** 2 * float(np.mean(X**2))
    spreads = [float(np.sqrt(variance))]
    for l in range(2, len(layer_sizes)):
        variance *= layer_sizes[l - 1] * sigmas[l - 1] ** 2 * (1 + alpha**2) / 2
        spreads.append(float(np.sqrt(variance)))
    return spreads


def _spread_arguments(rng):
    layer_sizes = _sizes(rng, (3, 6), 32)
    scale = "he" if rng.random() < 0.5 else round(float(rng.uniform(0.1, 0.6)), 2)
    alpha = round(float(rng.uniform(0.0, 0.5)), 2)
    X = np.round(_normal(rng, (layer_sizes[0], int(rng.integers(2, 9)))) + 0.5, 2)
    return (layer_sizes, scale, alpha, X)


def _cross_entropy(Z, Y):
    """The mean cross-entropy of softmax(Z) against one-hot Y, from the logits (log-sum-exp), exact
    where mlp_core's clamped probabilities are not."""
    m = Z.max(axis=0, keepdims=True)
    log_sum_exp = m + np.log(np.sum(np.exp(Z - m), axis=0, keepdims=True))
    return float(np.mean(np.sum(Y * (log_sum_exp - Z), axis=0)))


def _logits(rng):
    Z = 3 * _matrix(rng, 2, 8)
    Z[:, -1] += float(
        rng.choice([800.0, -800.0])
    )  # a column that overflows or underflows naively
    Y = np.eye(Z.shape[0])[:, rng.integers(0, Z.shape[0], Z.shape[1])]
    return (Z, Y)


def _function(rng):
    a, b = (round(float(v), 2) for v in rng.uniform(0.5, 2.0, 2))
    return Code(
        str(
            rng.choice(
                [
                    f"lambda x: {a} * x**3 - {b} * x",
                    f"lambda x: np.sin({a} * x) + {b}",
                    f"lambda x: np.exp({a} * x) - {b} * x**2",
                ]
            )
        )
    )


def _away_from_zero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * np.round(rng.uniform(0.5, 2.0, shape), 2)


def _div_pair(rng):
    shape = tuple(int(n) for n in rng.integers(1, 4, 2))
    return (_normal(rng, shape), _away_from_zero(rng, shape), _normal(rng, shape))


VARIANTS = {
    "ch02-ex2-tests": Variant(
        "my_gradient_step",
        lambda rng: (
            lambda shape: (
                _normal(rng, shape),
                _normal(rng, shape),
                float(rng.choice([0.5, 0.1, 0.02])),
            )
        )(tuple(int(n) for n in rng.integers(1, 5, 2))),
        lambda parameter, gradient, rate: parameter - rate * gradient,
    ),
    "ch03-ex2-tests": Variant(
        "my_layer_shapes",
        lambda rng: (_sizes(rng), int(rng.integers(1, 10))),
        _shapes,
        result="[tuple(tuple(int(n) for n in shape) for shape in layer) for layer in _got]",
        compare="equal",
    ),
    "ch04-ex2-tests": Variant(
        "my_leaky_relu_derivative",
        lambda rng: (_z_with_zeros(rng), round(float(rng.uniform(0.01, 0.5)), 2)),
        mlp_core.leaky_relu_derivative,
    ),
    "ch05-ex2-tests": Variant(
        "my_parameter_count",
        lambda rng: (_sizes(rng, largest=20),),
        lambda layer_sizes: mlp_core.NeuralNetwork(layer_sizes).n_parameters,
        compare="equal",
    ),
    "ch06-ex2-tests": Variant(
        "my_forward_pass",
        lambda rng: (lambda n: (n.weights, n.biases, _data(rng, n)[0], n.alpha))(
            _network(rng)
        ),
        lambda weights, biases, X, alpha: _network_of(weights, biases, alpha).predict(
            X
        ),
    ),
    "ch07-ex2-tests": Variant(
        "my_mse",
        lambda rng: (lambda shape: (_normal(rng, shape), _normal(rng, shape)))(
            tuple(int(n) for n in rng.integers(1, 6, 2))
        ),
        mlp_core.mse_loss,
    ),
    "ch08-ex2-tests": Variant(
        "my_backward_pass",
        lambda rng: (lambda n: (n.weights, n.biases, *_data(rng, n), n.alpha))(
            _network(rng)
        ),
        lambda weights, biases, X, Y, alpha: list(
            (lambda n: n.backward_pass(*n.forward_pass(X), Y))(
                _network_of(weights, biases, alpha)
            )
        ),
    ),
    "ch09-ex2-tests": Variant(
        "my_training_loop",
        lambda rng: (lambda n: (n, *_data(rng, n), int(rng.integers(2, 6)), 0.05))(
            _network(rng, scale=0.5)
        ),
        _trained,
        result="[_got, _arguments[0].weights]",
    ),
    "ch10-ex2-tests": Variant(
        "my_centred_difference",
        lambda rng: (
            _function(rng),
            round(float(rng.uniform(-1.5, 1.5)), 2),
            float(rng.choice([0.3, 1e-3])),
        ),
        lambda f, x, eps: (f(x + eps) - f(x - eps)) / (2 * eps),
    ),
    "ch12-ex2-tests": Variant(
        "my_div_backward",
        _div_pair,
        lambda a, b, upstream: [upstream / b, -upstream * a / b**2],
    ),
    "ch13-ex2-tests": Variant(
        "my_predicted_spreads", _spread_arguments, _predicted_spreads
    ),
    "ch14-ex2-tests": Variant("my_cross_entropy_from_logits", _logits, _cross_entropy),
}


def _network_of(weights, biases, alpha):
    """A network holding ``weights`` and ``biases`` (for a reference that takes them apart)."""
    network = mlp_core.NeuralNetwork(
        [weights[0].shape[1]] + [W.shape[0] for W in weights], alpha=alpha
    )
    network.weights, network.biases = weights, biases
    return network


def _evaluated(arguments):
    """The arguments as the answer receives them (Code evaluated), fresh copies."""
    return tuple(
        argument.value() if isinstance(argument, Code) else copy.deepcopy(argument)
        for argument in arguments
    )


def hidden_tests(grade_id, check_line, seed):
    """The lines between the hidden-test markers of exercise ``grade_id`` for the term ``seed``:
    ``check_line`` (the chapter's own assert of its self-check), then each drawn case.

    Raises KeyError, naming the exercises there are, for a grade id without a record.
    """
    if grade_id not in VARIANTS:
        raise KeyError(
            f"no variant for {grade_id}; tools/variants.py has {', '.join(VARIANTS)}"
        )
    variant = VARIANTS[grade_id]
    number = int(grade_id[2:4]) * 100 + int(grade_id.split("-ex")[1].split("-")[0])
    rng = np.random.default_rng([int(seed), number])
    lines = [check_line, f"# This term's own cases (seed {seed}, tools/variants.py)."]
    helper = False
    for _ in range(variant.cases):
        arguments = variant.draw(rng)
        expected = variant.reference(*_evaluated(arguments))
        source = literal(tuple(arguments))
        helper = helper or "_network(" in source
        lines += [
            f"_arguments = {source}",
            f"_got = {variant.call}(*_arguments)",
        ]
        if variant.result != "_got":
            lines.append(f"_got = {variant.result}")
        if variant.compare == "equal":
            lines.append(f"assert _got == {literal(expected)}")
        else:
            lines += compared("_got", expected)
    if helper:
        lines[2:2] = NETWORK_HELPER.splitlines()
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python tools/variants.py SEED")
    for grade_id in VARIANTS:
        print(f"# {grade_id}")
        print(hidden_tests(grade_id, "assert checks.check_...(...)", int(sys.argv[1])))
        print()
