"""Self-checks for the coding exercises of the chapters: each says whether your function is right.

Each check runs your function on fresh cases, compares the result with ``mlp_core``, and prints one
sentence: that it is right, or what is wrong (the shape, the value in which case, a global it
reads), without giving the solution away. It also returns True or False.
"""

import copy
import types
import warnings

import numpy as np

import mlp_core

_NOT_ANSWERED = "not answered yet: replace the NotImplementedError line with your code, run that cell, then this one."


class _Wrong(Exception):
    """What is wrong with an answer, in one sentence."""


def _say(passed, sentence):
    print(("Right: " if passed else "Not yet: ") + sentence)
    return passed


def _globals_read(function):
    """Names of the data-like global variables (arrays, lists, numbers, networks) ``function`` reads."""
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(
            const for const in code.co_consts if isinstance(const, types.CodeType)
        )
    data_types = (np.ndarray, list, tuple, int, float, mlp_core.NeuralNetwork)
    return sorted(
        name
        for name in names
        if isinstance(function.__globals__.get(name), data_types)
        and not isinstance(function.__globals__[name], bool)
    )


def _call(function, *args):
    try:
        return function(*args)
    except NotImplementedError:
        raise
    except Exception as error:  # a student's error: name it, don't show a traceback
        hint = (
            " Check each product's shapes: is a matrix transposed?"
            if "matmul" in str(error)
            else ""
        )
        raise _Wrong(
            f"calling it with {_describe(args)} raised {type(error).__name__}: {error}.{hint}"
        ) from None


def _describe(args):
    parts = []
    for arg in args:
        if isinstance(arg, np.ndarray):
            parts.append(f"an array of shape {arg.shape}")
        elif isinstance(arg, list) and arg and isinstance(arg[0], np.ndarray):
            parts.append(f"a list of {len(arg)} arrays")
        elif callable(arg):
            parts.append("a function")
        else:
            parts.append(repr(arg))
    return ", ".join(parts)


def _run(check, function, what):
    """Run ``check(function)``; turn its outcome into one printed sentence."""
    if not callable(function):
        return _say(
            False,
            f"pass your function itself, e.g. check(my_function); got {type(function).__name__}.",
        )
    try:
        check(function)
    except NotImplementedError:
        return _say(False, _NOT_ANSWERED)
    except _Wrong as wrong:
        sentence = str(wrong)
        read = _globals_read(function)
        if read:
            sentence += f" It reads the global variable(s) {', '.join(read)}: use its arguments instead."
        return _say(False, sentence)
    return _say(True, f"{what} matches mlp_core on every test case.")


def _expect_array(got, want, case):
    got = np.asarray(got, dtype=float)
    if got.shape != want.shape:
        hint = (
            " (transposed?)" if got.shape == want.shape[::-1] and got.ndim == 2 else ""
        )
        raise _Wrong(
            f"for {case}, the result has shape {got.shape}{hint}; expected {want.shape}."
        )
    if not np.allclose(got, want, rtol=1e-7, atol=1e-10):
        raise _Wrong(
            f"for {case}, the values differ from mlp_core's (largest gap {np.max(np.abs(got - want)):.3g})."
        )


def _random_network(layer_sizes, alpha, seed):
    rng = np.random.default_rng(seed)
    network = mlp_core.NeuralNetwork(layer_sizes, alpha=alpha, seed=seed)
    network.biases = [rng.standard_normal(b.shape) * 0.5 for b in network.biases]
    network.weights = [rng.standard_normal(W.shape) for W in network.weights]
    X = rng.standard_normal((layer_sizes[0], 5))
    Y = rng.standard_normal((layer_sizes[-1], 5))
    return network, X, Y


CASES = [([1, 1, 1], 0.01, 1), ([1, 4, 3, 1], 0.1, 2), ([3, 5, 2], 0.2, 3)]


# ---------------------------------------------------------------------------------------------
# One check per coding exercise.


def check_gradient_step(function):
    """Exercise 2.2: ``function(parameter, gradient, learning_rate)`` -> the parameter after one step."""

    def check(function):
        rng = np.random.default_rng(20)
        for learning_rate in (0.1, 0.003):
            parameter, gradient = (
                rng.standard_normal((3, 2)),
                rng.standard_normal((3, 2)),
            )
            kept = parameter.copy()
            got = _call(function, parameter, gradient, learning_rate)
            if not np.array_equal(parameter, kept):
                raise _Wrong(
                    "it changed the parameter array it was given; return a new array instead."
                )
            want = parameter - learning_rate * gradient
            if np.allclose(got, parameter + learning_rate * gradient):
                raise _Wrong(
                    "it moves the parameter up the gradient; a descent step goes the other way."
                )
            _expect_array(got, want, f"learning rate {learning_rate}")

    return _run(check, function, "Your gradient step")


def check_layer_shapes(function):
    """Exercise 3.2: ``function(layer_sizes, n_samples)`` -> list of (W shape, b shape, Z shape) per layer."""

    def check(function):
        for layer_sizes, n_samples in (([1, 4, 3, 1], 3), ([2, 5, 1], 7), ([3, 2], 1)):
            network = mlp_core.NeuralNetwork(layer_sizes)
            X = np.zeros((layer_sizes[0], n_samples))
            _, zs = network.forward_pass(X)
            want = [
                (tuple(W.shape), tuple(b.shape), tuple(Z.shape))
                for W, b, Z in zip(network.weights, network.biases, zs)
            ]
            got = [
                tuple(tuple(shape) for shape in layer)
                for layer in _call(function, layer_sizes, n_samples)
            ]
            if len(got) != len(want):
                raise _Wrong(
                    f"for layer sizes {layer_sizes} it lists {len(got)} layers; expected {len(want)}."
                )
            for index, (got_layer, want_layer) in enumerate(zip(got, want), start=1):
                if got_layer != want_layer:
                    names = ("W", "b", "Z")
                    wrong = [
                        f"{n} {g} instead of {w}"
                        for n, g, w in zip(names, got_layer, want_layer)
                        if g != w
                    ]
                    raise _Wrong(
                        f"for layer sizes {layer_sizes} and {n_samples} samples, layer {index} has {'; '.join(wrong)}."
                    )

    return _run(check, function, "Your table of shapes")


def check_leaky_relu_derivative(function):
    """Exercise 4.2: ``function(z, alpha)`` -> the derivative of Leaky ReLU, element-wise."""

    def check(function):
        for alpha in (0.01, 0.3):
            at_zero = np.asarray(_call(function, np.zeros((1, 1)), alpha), dtype=float)
            if at_zero.shape == (1, 1) and at_zero[0, 0] != alpha:
                raise _Wrong(
                    f"at z = 0 it gives {at_zero[0, 0]:g}; the book's convention is alpha ({alpha}) there."
                )
            z = np.array([[-3.0, -1e-9, 0.0, 1e-9, 2.5], [4.0, -0.5, 0.0, 0.1, -7.0]])
            _expect_array(
                _call(function, z, alpha),
                mlp_core.leaky_relu_derivative(z, alpha),
                f"alpha = {alpha}",
            )

    return _run(check, function, "Your Leaky ReLU derivative")


def check_parameter_count(function):
    """Exercise 5.2: ``function(layer_sizes)`` -> the number of weights and biases."""

    def check(function):
        for layer_sizes in ([1, 4, 3, 1], [1, 1, 1], [3, 7, 2], [5, 1]):
            want = mlp_core.NeuralNetwork(layer_sizes).n_parameters
            got = _call(function, list(layer_sizes))
            weights_only = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
            if got == weights_only:
                raise _Wrong(
                    f"for {layer_sizes} it gives {got}, the number of weights alone; the biases count too."
                )
            if got != want:
                raise _Wrong(f"for {layer_sizes} it gives {got}; expected {want}.")

    return _run(check, function, "Your parameter count")


def check_forward_pass(function):
    """Exercise 6.2: ``function(weights, biases, X, alpha)`` -> the network's output, (n_outputs, n_samples)."""

    def check(function):
        for layer_sizes, alpha, seed in CASES:
            network, X, _ = _random_network(layer_sizes, alpha, seed)
            want = network.predict(X)
            got = _call(
                function,
                copy.deepcopy(network.weights),
                copy.deepcopy(network.biases),
                X,
                alpha,
            )
            _expect_array(
                got, want, f"layer sizes {layer_sizes} with {X.shape[1]} samples"
            )

    return _run(check, function, "Your forward pass")


def check_mse(function):
    """Exercise 7.2: ``function(Y, Y_hat)`` -> the loss 1/(2N) * sum((Y - Y_hat)**2), a float."""

    def check(function):
        rng = np.random.default_rng(70)
        for shape in ((1, 3), (2, 5), (1, 1)):
            Y, Y_hat = rng.standard_normal(shape), rng.standard_normal(shape)
            want = mlp_core.mse_loss(Y, Y_hat)
            got = float(_call(function, Y, Y_hat))
            n = shape[1]
            hints = {
                2 * want: "it is twice the loss: the 1/2 is missing",
                2 * n * want: "it is the plain sum: divide by 2N",
            }
            if n > 1:
                hints[n * want] = (
                    "it is N times the loss: divide by the number of samples (columns)"
                )
            if shape[0] > 1:
                hints[want * n / Y.size] = (
                    "it divides by every entry; N is the number of samples (columns)"
                )
            for value, hint in hints.items():
                if np.isclose(got, value) and not np.isclose(got, want):
                    raise _Wrong(f"for arrays of shape {shape}, {hint}.")
            if not np.isclose(got, want):
                raise _Wrong(
                    f"for arrays of shape {shape} it gives {got:.6g}; expected {want:.6g}."
                )

    return _run(check, function, "Your loss")


def check_backward_pass(function):
    """Exercise 8.2: ``function(weights, biases, X, Y, alpha)`` -> (dW, dB), lists shaped like weights, biases."""

    def check(function):
        for layer_sizes, alpha, seed in CASES:
            network, X, Y = _random_network(layer_sizes, alpha, seed)
            weights, biases = (
                copy.deepcopy(network.weights),
                copy.deepcopy(network.biases),
            )
            dW, dB = network.backward_pass(*network.forward_pass(X), Y)
            got_dW, got_dB = _call(function, weights, biases, X, Y, alpha)
            if len(got_dW) != len(dW) or len(got_dB) != len(dB):
                raise _Wrong(
                    f"for layer sizes {layer_sizes} it returns {len(got_dW)} weight gradients; expected {len(dW)}."
                )
            if any(
                not np.array_equal(a, b)
                for a, b in zip(weights + biases, network.weights + network.biases)
            ):
                raise _Wrong(
                    "it changed the weights or biases it was given: compute every gradient first, apply none."
                )
            n = X.shape[1]
            if len(got_dW) == len(dW) and all(
                np.shape(g) == w.shape for g, w in zip(got_dW, dW)
            ):
                if all(np.allclose(g, n * w) for g, w in zip(got_dW, dW)) and n > 1:
                    raise _Wrong(
                        f"for layer sizes {layer_sizes}, dW is N = {n} times too large: divide by the number of samples."
                    )
            for index, (got, want) in enumerate(zip(got_dW, dW)):
                _expect_array(got, want, f"layer sizes {layer_sizes}, dW[{index}]")
            for index, (got, want) in enumerate(zip(got_dB, dB)):
                _expect_array(got, want, f"layer sizes {layer_sizes}, dB[{index}]")

    return _run(check, function, "Your backward pass")


def check_training_loop(function):
    """Exercise 9.2: ``function(network, X, Y, epochs, learning_rate)`` -> losses, shape (epochs,)."""

    def check(function):
        for layer_sizes, alpha, seed in CASES[:2]:
            network, X, Y = _random_network(layer_sizes, alpha, seed)
            twin = copy.deepcopy(network)
            want = twin.train(X, Y, 6, 0.05)
            got = np.asarray(_call(function, network, X, Y, 6, 0.05), dtype=float)
            if got.shape == want.shape and np.allclose(got[:-1], want[1:]):
                raise _Wrong(
                    "each loss is measured after that epoch's update; measure it before, as mlp_core does."
                )
            _expect_array(got, want, f"layer sizes {layer_sizes}, 6 epochs")
            for W_got, W_want in zip(network.weights, twin.weights):
                _expect_array(W_got, W_want, "the weights after training")

    return _run(check, function, "Your training loop")


def check_centred_difference(function):
    """Exercise 10.2: ``function(f, x, eps)`` -> the centred estimate of f'(x) for a scalar function f."""

    def check(function):
        cases = [(np.sin, 0.7), (np.exp, -1.2), (lambda t: t**3 - 2 * t, 1.5)]
        for f, x in cases:
            eps = 1e-4
            want = (f(x + eps) - f(x - eps)) / (2 * eps)
            got = float(_call(function, f, x, eps))
            if np.isclose(got, (f(x + eps) - f(x)) / eps, rtol=1e-9) and not np.isclose(
                got, want, rtol=1e-9
            ):
                raise _Wrong(
                    f"at x = {x} it gives the one-sided difference; step both ways, by +eps and -eps."
                )
            if np.isclose(got, want * 2, rtol=1e-9):
                raise _Wrong(f"at x = {x} it is twice the derivative: divide by 2 eps.")
            if not np.isclose(got, want, rtol=1e-9):
                raise _Wrong(
                    f"at x = {x} it gives {got:.6g}; expected about {want:.6g}."
                )

    return _run(check, function, "Your centred difference")


# ---------------------------------------------------------------------------------------------
# Chapter 12: backpropagation on a graph. Its reference is centred differences, not mlp_core.


def _run_against_differences(check, function, what):
    """``_run`` for a check whose reference is centred differences rather than mlp_core."""
    if not callable(function):
        return _run(check, function, what)  # says: pass the function itself
    try:
        check(function)
    except NotImplementedError:
        return _say(False, _NOT_ANSWERED)
    except _Wrong as wrong:
        read = _globals_read(function)
        extra = (
            f" It reads the global variable(s) {', '.join(read)}: use its arguments instead."
            if read
            else ""
        )
        return _say(False, f"{wrong}{extra}")
    return _say(True, f"{what} match the centred differences on every test case.")


def _centred_gradients(f, arrays, eps=1e-6):
    """Centred differences of the number ``f(*arrays)`` with respect to every entry of each array."""
    gradients = []
    for which, array in enumerate(arrays):
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus, minus = [a.copy() for a in arrays], [a.copy() for a in arrays]
            plus[which][index] += eps
            minus[which][index] -= eps
            gradient[index] = (f(*plus) - f(*minus)) / (2 * eps)
        gradients.append(gradient)
    return gradients


def check_div_backward(function):
    """Exercise 12.2: ``function(a, b, upstream)`` -> (grad_a, grad_b), the backward rule of a / b.

    Both gradients are compared with centred differences of ``sum(upstream * a / b)``.
    """

    def close(got, want):
        return np.allclose(got, want, rtol=1e-6, atol=1e-8)

    def check(function):
        rng = np.random.default_rng(120)
        for shape in ((1, 1), (2, 3), (4, 2)):
            a = rng.standard_normal(shape)
            b = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)
            upstream = rng.standard_normal(shape)
            given = (a.copy(), b.copy(), upstream.copy())
            case = f"arrays of shape {shape}"
            got = _call(function, a, b, upstream)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                what = (
                    f"an array of shape {got.shape}"
                    if isinstance(got, np.ndarray)
                    else type(got).__name__
                )
                raise _Wrong(
                    f"for {case} it returns {what}; return the pair (grad_a, grad_b)."
                )
            if any(not np.array_equal(x, y) for x, y in zip((a, b, upstream), given)):
                raise _Wrong(
                    "it changed an array it was given; compute new arrays instead."
                )
            grad_a, grad_b = (np.asarray(g, dtype=float) for g in got)
            for name, grad in (("grad_a", grad_a), ("grad_b", grad_b)):
                if grad.shape != shape:
                    raise _Wrong(
                        f"for {case}, {name} has shape {grad.shape}; expected {shape}, "
                        "one derivative per entry."
                    )
            want_a, want_b = _centred_gradients(
                lambda a, b, upstream=upstream: float(np.sum(upstream * a / b)), [a, b]
            )
            if close(grad_a, want_b) and close(grad_b, want_a):
                raise _Wrong(
                    "it returns (grad_b, grad_a): the gradient with respect to a comes first."
                )
            if close(grad_a, want_a / upstream) or close(grad_b, want_b / upstream):
                raise _Wrong(
                    f"for {case} it returns a local derivative alone: multiply it by "
                    "upstream, the gradient arriving at the result (the chain rule)."
                )
            if not close(grad_a, want_a):
                raise _Wrong(
                    f"for {case}, grad_a differs from the centred differences (largest "
                    f"gap {np.max(np.abs(grad_a - want_a)):.3g})."
                )
            if close(grad_b, -want_b):
                raise _Wrong(
                    f"for {case}, grad_b has the wrong sign: for positive a and b, "
                    "a / b falls as b grows."
                )
            if close(grad_b, want_b * b):
                raise _Wrong(
                    f"for {case}, grad_b divides by b once; the derivative of 1 / b "
                    "has b squared below the line."
                )
            if close(grad_b * a, want_b):
                raise _Wrong(
                    f"for {case}, grad_b misses the factor a: a / b is a times 1 / b."
                )
            if not close(grad_b, want_b):
                raise _Wrong(
                    f"for {case}, grad_b differs from the centred differences (largest "
                    f"gap {np.max(np.abs(grad_b - want_b)):.3g})."
                )

    return _run_against_differences(check, function, "Your gradients of a / b")


# ---------------------------------------------------------------------------------------------
# Chapter 13: deeper networks.


def _spreads(arrays):
    """The root mean square of each array's entries, as a list of floats."""
    return [float(np.sqrt(np.mean(np.square(A)))) for A in arrays]


def _watched(network):
    """A copy of ``network`` that notes every call of forward_pass or predict in ``calls``."""
    copied, calls = copy.deepcopy(network), []

    def forward_pass(X, name="forward_pass"):
        calls.append(name)
        return mlp_core.NeuralNetwork.forward_pass(copied, X)

    copied.forward_pass = forward_pass
    copied.predict = lambda X: forward_pass(X, name="predict")[0][-1]
    return copied, calls


def _spread_mistakes(network, X):
    """The typical wrong lists of spreads for ``network`` on ``X``, each with its hint."""
    activations, zs = network.forward_pass(X)
    hidden_A = _spreads(activations[1:-1])
    default_slope, no_bias = copy.deepcopy(network), copy.deepcopy(network)
    default_slope.alpha = mlp_core.ALPHA
    no_bias.biases = [np.zeros_like(b) for b in no_bias.biases]
    bent = mlp_core.leaky_relu(zs[-1], network.alpha)
    return [
        (
            [float(Z.std()) for Z in zs],
            "it subtracts each layer's mean (np.std); measure the spread about 0, "
            "the square root of the mean of Z**2.",
        ),
        (
            [float(np.mean(Z**2)) for Z in zs],
            "these are mean squares: take the square root.",
        ),
        (
            [float(np.sqrt(np.sum(Z**2))) for Z in zs],
            "it sums the squares; average them over all the entries of Z (np.mean).",
        ),
        (
            hidden_A + _spreads(zs[-1:]),
            "it measures the hidden layers' activations A = f(Z); the spreads asked for are "
            "of the pre-activations Z.",
        ),
        (
            hidden_A + _spreads([bent]),
            "it measures the activations A = f(Z); the spreads asked for are of the "
            "pre-activations Z.",
        ),
        (
            _spreads(default_slope.forward_pass(X)[1]),
            "it uses Leaky ReLU's default slope; use network.alpha.",
        ),
        (
            _spreads(no_bias.forward_pass(X)[1]),
            "it leaves out the biases: Z = W @ A + b.",
        ),
    ]


def _as_spreads(got, case, n_samples, layer_sizes):
    """``got`` as a list of floats, or a sentence about what it is instead."""
    if isinstance(got, (int, float, np.number)) or getattr(got, "ndim", None) == 0:
        raise _Wrong(
            f"for {case} it returns one number; return a list with one spread per layer."
        )
    if not isinstance(got, (list, tuple, np.ndarray)):
        raise _Wrong(
            f"for {case} it returns {'None' if got is None else type(got).__name__}; "
            "return a list with one spread per layer."
        )
    spreads = []
    for l, value in enumerate(got, start=1):
        size = np.size(value)
        if size != 1:
            over = ""
            if size == n_samples:
                over = " (a spread per sample: axis=0 averages over the units only)"
            elif l < len(layer_sizes) and size == layer_sizes[l]:
                over = " (a spread per unit: axis=1 averages over the samples only)"
            raise _Wrong(
                f"for {case}, entry {l} has {size} numbers{over}; each spread is one number, "
                "over every entry of Z, units and samples together."
            )
        try:
            spreads.append(float(np.asarray(value, dtype=float).ravel()[0]))
        except (TypeError, ValueError):
            raise _Wrong(f"for {case}, entry {l} is {value!r}, not a number.") from None
    return spreads


def check_layer_spreads(function):
    """Exercise 13.2: ``function(network, X)`` -> list of L floats, the spread of each layer's Z.

    The spread is the root mean square of all entries of ``zs[l - 1]``. The answer must follow the
    signal itself: a call of ``network.forward_pass`` or ``network.predict`` is named.
    """

    def close(a, b):
        return np.allclose(a, b, rtol=1e-7, atol=1e-12)

    def check(function):
        cases = [([1, 16, 16, 1], 0.01), ([3, 8, 5, 2], 0.2), ([2, 6, 6, 6, 1], 0.5)]
        for seed, (layer_sizes, alpha) in enumerate(cases, start=131):
            rng = np.random.default_rng(seed)
            network = mlp_core.NeuralNetwork(
                layer_sizes, alpha=alpha, seed=seed, weight_scale="he"
            )
            network.biases = [
                rng.standard_normal(b.shape) * 0.5 for b in network.biases
            ]
            X = rng.standard_normal((layer_sizes[0], 7))
            want = _spreads(network.forward_pass(X)[1])
            L, case = len(want), f"layer sizes {layer_sizes}"
            given, calls = _watched(network)
            got = _call(function, given, X.copy())
            if calls:
                raise _Wrong(
                    f"it calls network.{calls[0]}; follow the signal yourself, "
                    "Z = W @ A + b, one layer at a time."
                )
            got = _as_spreads(got, case, X.shape[1], layer_sizes)
            if len(got) == L - 1 and close(got, want[:-1]):
                raise _Wrong(
                    f"for {case} it stops before the output layer: that layer has no Leaky "
                    "ReLU, but its Z counts too."
                )
            if len(got) == L + 1 and np.isclose(got[0], _spreads([X])[0]):
                raise _Wrong(
                    f"for {case} its first entry is the spread of the input X, which is not "
                    "a layer: start with Z of layer 1."
                )
            if len(got) != L:
                raise _Wrong(
                    f"for {case} it returns {len(got)} spreads; expected {L}, one per layer "
                    "of weights."
                )
            if close(got, want):
                continue
            for values, hint in _spread_mistakes(network, X):
                if close(got, values):
                    raise _Wrong(f"for {case}, {hint}")
            l = next(l for l in range(1, L + 1) if not close(got[l - 1], want[l - 1]))
            raise _Wrong(
                f"for {case}, the spread of layer {l} is {got[l - 1]:.6g}; "
                f"expected {want[l - 1]:.6g}."
            )

    return _run(check, function, "Your list of spreads")


# ---------------------------------------------------------------------------------------------
# Chapter 14: real data, minibatches and classification.


def _calls_library(function, name):
    """Whether ``function``'s code calls ``mlp_core.<name>`` (as ``mlp_core.name`` or imported)."""
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(
            const for const in code.co_consts if isinstance(const, types.CodeType)
        )
    library = getattr(mlp_core, name)
    found = [function.__globals__.get(n) for n in names]
    via_module = name in names and (
        "mlp_core" in names or any(value is mlp_core for value in found)
    )
    return via_module or any(value is library for value in found)


def check_softmax(function):
    """Exercise 14.2: ``function(Z)`` -> softmax over each column of Z, shape (n_classes, n_samples)."""

    def attempt(Z):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(_call(function, Z), dtype=float)

    def check(function):
        if _calls_library(function, "softmax"):
            raise _Wrong(
                "it calls mlp_core's softmax: write it yourself, with np.exp and a sum over "
                "each column."
            )
        rng = np.random.default_rng(140)
        moderate = 3 * rng.standard_normal((4, 6))
        huge = np.array([[1000.0, -1000.0], [990.0, -1010.0], [995.0, -990.0]])
        cases = [
            (moderate, "a (4, 6) array"),
            (rng.standard_normal((5, 5)), "a square (5, 5) array"),
            (moderate + 1000, "the (4, 6) array plus 1000"),
            (huge, "columns near +1000 and near -1000"),
            (rng.standard_normal((3, 1)), "a single sample, shape (3, 1)"),
        ]
        for Z, case in cases:
            kept = Z.copy()
            got = attempt(Z)
            if not np.array_equal(Z, kept):
                raise _Wrong(
                    "it changed the array Z it was given; compute new arrays instead "
                    "(Z - c makes one)."
                )
            want = mlp_core.softmax(Z)
            if got.shape == want.shape:
                with np.errstate(all="ignore"):
                    whole = np.exp(Z - Z.max())
                    whole = whole / whole.sum(axis=0, keepdims=True)
                    by_row = np.exp(Z - Z.max(axis=1, keepdims=True))
                    by_row = by_row / by_row.sum(axis=0, keepdims=True)
                if not np.all(np.isfinite(got)):
                    if np.array_equal(np.isfinite(got), np.isfinite(whole)):
                        raise _Wrong(
                            f"for {case} it gives nan: it subtracts the largest entry of the "
                            "whole array, so every exp of a column far below it underflows to "
                            "0. Subtract each column's own largest entry."
                        )
                    raise _Wrong(
                        f"for {case} it gives inf or nan: np.exp overflows. Subtract each "
                        "column's largest entry first; softmax does not change."
                    )
                if Z.shape[1] > 1 and np.allclose(got.sum(), 1):
                    raise _Wrong(
                        f"for {case} it divides by the sum of the whole array; each column "
                        "(one sample) must sum to 1."
                    )
                rows_sum, columns_sum = got.sum(axis=1), got.sum(axis=0)
                if np.allclose(rows_sum, 1) and not np.allclose(columns_sum, 1):
                    raise _Wrong(
                        f"for {case} each row sums to 1 instead of each column: a column is "
                        "one sample, so sum over axis=0."
                    )
                if np.allclose(got, by_row) and not np.allclose(got, want):
                    raise _Wrong(
                        f"for {case} the values are wrong: it subtracts each row's largest "
                        "entry, but the constant must be the same within a column, "
                        "Z.max(axis=0, keepdims=True)."
                    )
            _expect_array(got, want, case)

    return _run(check, function, "Your softmax")
