"""Self-checks for the coding exercises of the chapters: each says whether your function is right.

Each check runs your function on fresh cases, compares the result with ``mlp_core``, and prints one
sentence: that it is right, or what is wrong (the shape, the value in which case, a global it
reads, the exception it raised and on which line), without giving the solution away. It never
shows a traceback. It also returns True or False.
"""

import copy
import dis
import linecache
import re
import traceback
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


def _codes(function):
    """The code objects of ``function`` and of the functions defined inside it."""
    code = getattr(function, "__code__", None)
    codes, found = ([code] if code is not None else []), []
    while codes:
        code = codes.pop()
        found.append(code)
        codes.extend(
            const for const in code.co_consts if isinstance(const, types.CodeType)
        )
    return found


def _globals_read(function):
    """Names of the data-like global variables (arrays, lists, numbers, networks) ``function`` reads."""
    names = {name for code in _codes(function) for name in code.co_names}
    variables = getattr(function, "__globals__", {})
    data_types = (np.ndarray, list, tuple, int, float, mlp_core.NeuralNetwork)
    return sorted(
        name
        for name in names
        if isinstance(variables.get(name), data_types)
        and not isinstance(variables[name], bool)
    )


def _calls_library(function, name):
    """Whether ``function``'s code calls ``mlp_core.<name>`` (as ``mlp_core.name`` or imported)."""
    library = getattr(mlp_core, name)
    if function is library:
        return True
    names = {n for code in _codes(function) for n in code.co_names}
    found = [getattr(function, "__globals__", {}).get(n) for n in names]
    via_module = name in names and (
        "mlp_core" in names or any(value is mlp_core for value in found)
    )
    return via_module or any(value is library for value in found)


def _borrowed(function, library=(), methods=()):
    """What ``function`` borrows that the exercise asks you to write: a phrase, or None.

    ``library`` names functions or classes of ``mlp_core`` (``NeuralNetwork`` included);
    ``methods`` names methods of a network (``forward_pass``), found as ``anything.method``.
    """
    for name in library:
        if _calls_library(function, name):
            if name == "NeuralNetwork":
                return "it builds a NeuralNetwork"
            return f"it calls mlp_core's {name}"
    for code in _codes(function):
        attributes = {
            instruction.argval
            for instruction in dis.get_instructions(code)
            if instruction.opname in ("LOAD_ATTR", "LOAD_METHOD")
        }
        for name in methods:
            if name in attributes:
                return f"it calls network.{name}"
    return None


def _refuse_borrowed(function, how, library=(), methods=()):
    """Say "write it yourself" if ``function`` only calls what the exercise asks for."""
    borrowed = _borrowed(function, library, methods)
    if borrowed:
        raise _Wrong(f"{borrowed}: write it yourself, {how}.")


def _student_line(error, function):
    """' on line N: `code`' for the last line of the student's code in the traceback, or ''."""
    codes = _codes(function)
    files = {code.co_filename for code in codes}
    where = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        if (
            frame.f_code in codes
            or frame.f_code.co_filename in files
            or frame.f_globals is getattr(function, "__globals__", None)
        ):
            where = frame, line
    if where is None:
        return ""
    frame, line = where
    text = linecache.getline(frame.f_code.co_filename, line, frame.f_globals).strip()
    name = frame.f_code.co_name
    if frame.f_code is not getattr(function, "__code__", None) and not name.startswith(
        "<"
    ):
        line = f"{line} of {name}"  # a helper of the student's, or a function inside theirs
    return f" on line {line}: `{text}`" if text else f" on line {line}"


def _one_line(text, limit=300):
    """``text`` on one line, without a final full stop, at most ``limit`` characters."""
    text = re.sub(r"\s+", " ", str(text)).strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _call(function, *args):
    """``function(*args)``; if it raises, a sentence naming the exception and the student's line."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args)
    except NotImplementedError:
        raise
    except Exception as error:  # a student's error: name it, don't show a traceback
        message = _one_line(error)
        hint = (
            "; check each product's shapes: is a matrix transposed?"
            if "matmul" in message
            else "."
        )
        raise _Wrong(
            f"your function raised {type(error).__name__}{_student_line(error, function)}"
            f"{' — ' + message if message else ''} (called with {_describe(args)}){hint}"
        ) from None


def _describe(args):
    parts = []
    for arg in args:
        if isinstance(arg, np.ndarray):
            parts.append(f"an array of shape {arg.shape}")
        elif isinstance(arg, list) and arg and isinstance(arg[0], np.ndarray):
            parts.append(f"a list of {len(arg)} arrays")
        elif isinstance(arg, mlp_core.NeuralNetwork):
            parts.append(f"a network with layer sizes {list(arg.layer_sizes)}")
        elif callable(arg):
            parts.append("a function")
        else:
            parts.append(repr(arg))
    return ", ".join(parts)


def _run(check, function, what, reference="mlp_core"):
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
            sentence = (
                sentence.rstrip(".?")
                + f"; also, it reads the global variable(s) {', '.join(read)}: use its arguments instead."
            )
        return _say(False, sentence)
    except Exception as error:  # a result too strange to compare: still one sentence
        return _say(
            False,
            f"its result could not be checked ({type(error).__name__}: {_one_line(error)}); "
            "return what the exercise asks for.",
        )
    if reference == "mlp_core":
        return _say(True, f"{what} matches mlp_core on every test case.")
    return _say(True, f"{what} match {reference} on every test case.")


def _kind(got):
    """What ``got`` is, in a few words: 'None', 'a list', 'a str', 'an array of shape (2, 3)'."""
    if got is None:
        return "None"
    if isinstance(got, np.ndarray):
        return f"an array of shape {got.shape}"
    name = type(got).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _returns_none(got, case):
    if got is None:
        raise _Wrong(
            f"for {case} it returns None, so a `return` line may be missing at the end of your function."
        )


def _as_array(got, want_shape, case, lists=False, finite=True, what="the result"):
    """``got`` as a float array of ``want_shape``, or a sentence about what is wrong with it.

    ``lists``: whether the exercise allows a list (or tuple) of numbers instead of an array.
    ``finite``: whether NaN or infinity is wrong here (it always is where mlp_core gives numbers).
    ``what``: the name of ``got`` in the sentence, e.g. "dW[0]".
    """
    want_shape = tuple(want_shape)
    if what == "the result":
        _returns_none(got, case)
    if got is None:
        raise _Wrong(
            f"for {case}, {what} is None, so a `return` line may be missing in your function."
        )
    if isinstance(got, (list, tuple)) and not lists:
        raise _Wrong(
            f"for {case}, {what} is {_kind(got)}; return a numpy array of shape {want_shape} "
            "(np.array turns a list into one)."
        )
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(
            f"for {case}, {what} is {_kind(got)}, not an array of numbers; expected an array "
            f"of shape {want_shape}."
        ) from None
    if (
        not isinstance(got, (np.ndarray, list, tuple))
        and array.ndim == 0
        and want_shape
    ):
        raise _Wrong(
            f"for {case}, {what} is one number; expected an array of shape {want_shape}."
        )
    if array.shape != want_shape:
        hint = ""
        if array.ndim == 2 and array.shape == want_shape[::-1]:
            hint = " (transposed?)"
        elif (
            len(want_shape) == 2
            and want_shape[1] == 1
            and array.shape == want_shape[:1]
        ):
            hint = " (a flat array: keepdims=True keeps the column)"
        raise _Wrong(
            f"for {case}, {what} has shape {array.shape}{hint}; expected {want_shape}."
        )
    if finite and np.isnan(array).any():
        raise _Wrong(
            f"for {case}, {what} contains NaN (not a number) where mlp_core gives numbers: "
            "look for 0 / 0, inf - inf or a NaN in a variable your function starts from."
        )
    if finite and np.isinf(array).any():
        raise _Wrong(
            f"for {case}, {what} contains infinity where mlp_core gives finite numbers."
        )
    return array


def _expect_array(got, want, case, lists=False, what="the result"):
    """Raise ``_Wrong`` unless ``got`` is an array (or allowed list) equal to ``want``."""
    got = _as_array(got, want.shape, case, lists=lists, what=what)
    if not np.allclose(got, want, rtol=1e-7, atol=1e-10):
        raise _Wrong(
            f"for {case}, {what if what != 'the result' else 'the values'} differ from mlp_core's (largest gap {np.max(np.abs(got - want)):.3g})."
        )
    return got


def _as_number(got, case, what="one number"):
    """``got`` as a float, or a sentence about what it is instead (None, a list, NaN, ...)."""
    _returns_none(got, case)
    if isinstance(got, (list, tuple, str, dict, set)) or np.size(got) != 1:
        raise _Wrong(f"for {case} it returns {_kind(got)}; return {what}.")
    try:
        number = float(np.asarray(got, dtype=float).ravel()[0])
    except (TypeError, ValueError):
        raise _Wrong(f"for {case} it returns {_kind(got)}; return {what}.") from None
    if np.isnan(number):
        raise _Wrong(
            f"for {case} it returns NaN (not a number): look for 0 / 0, inf - inf or a NaN in a "
            "variable your function starts from."
        )
    return number


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
            case = f"learning rate {learning_rate}"
            got = _call(function, parameter, gradient, learning_rate)
            if not np.array_equal(parameter, kept):
                raise _Wrong(
                    "it changed the parameter array it was given; return a new array instead."
                )
            got = _as_array(got, parameter.shape, case)
            want = parameter - learning_rate * gradient
            if np.allclose(got, parameter + learning_rate * gradient):
                raise _Wrong(
                    "it moves the parameter up the gradient; a descent step goes the other way."
                )
            _expect_array(got, want, case)

    return _run(check, function, "Your gradient step")


def _as_shapes(got, case):
    """``got`` as a list of triples of tuples, or a sentence about what it is instead."""
    _returns_none(got, case)
    if not isinstance(got, (list, tuple)):
        raise _Wrong(
            f"for {case} it returns {_kind(got)}; return a list with one triple of shapes per layer."
        )
    layers = []
    for index, layer in enumerate(got, start=1):
        try:
            triple = tuple(tuple(int(n) for n in shape) for shape in layer)
        except (TypeError, ValueError):
            raise _Wrong(
                f"for {case}, layer {index} is {layer!r}; each layer is a triple of shapes, "
                "(W shape, b shape, Z shape), each shape a tuple such as (4, 1)."
            ) from None
        if len(triple) != 3:
            raise _Wrong(
                f"for {case}, layer {index} has {len(triple)} shapes; expected 3: W, b and Z."
            )
        layers.append(triple)
    return layers


def check_layer_shapes(function):
    """Exercise 3.2: ``function(layer_sizes, n_samples)`` -> list of (W shape, b shape, Z shape) per layer.

    Lists in place of tuples are accepted: ``[[4, 1], [4, 1], [4, 3]]`` is a right layer.
    """

    def check(function):
        for layer_sizes, n_samples in (([1, 4, 3, 1], 3), ([2, 5, 1], 7), ([3, 2], 1)):
            network = mlp_core.NeuralNetwork(layer_sizes)
            X = np.zeros((layer_sizes[0], n_samples))
            _, zs = network.forward_pass(X)
            want = [
                (tuple(W.shape), tuple(b.shape), tuple(Z.shape))
                for W, b, Z in zip(network.weights, network.biases, zs)
            ]
            case = f"layer sizes {layer_sizes} and {n_samples} samples"
            got = _as_shapes(_call(function, list(layer_sizes), n_samples), case)
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
        _refuse_borrowed(function, "with np.where", library=("leaky_relu_derivative",))
        for alpha in (0.01, 0.3):
            z = np.array([[-3.0, -1e-9, 0.0, 1e-9, 2.5], [4.0, -0.5, 0.0, 0.1, -7.0]])
            case = f"alpha = {alpha}"
            got = _as_array(_call(function, z.copy(), alpha), z.shape, case)
            negative = z < 0
            if np.all(got[negative] == 0) and np.allclose(got[z > 0], 1):
                raise _Wrong(
                    f"for {case} it gives 0 for negative z, the derivative of plain ReLU; "
                    "Leaky ReLU's slope there is alpha."
                )
            if np.allclose(got, mlp_core.leaky_relu(z, alpha)):
                raise _Wrong(
                    f"for {case} it returns Leaky ReLU itself; the exercise asks for its "
                    "derivative, the slope: 1 or alpha."
                )
            at_zero = _as_array(_call(function, np.zeros((1, 1)), alpha), (1, 1), case)
            if at_zero[0, 0] != alpha:
                raise _Wrong(
                    f"at z = 0 it gives {at_zero[0, 0]:g}; the book's convention is alpha ({alpha}) there."
                )
            _expect_array(got, mlp_core.leaky_relu_derivative(z, alpha), case)

    return _run(check, function, "Your Leaky ReLU derivative")


def check_parameter_count(function):
    """Exercise 5.2: ``function(layer_sizes)`` -> the number of weights and biases."""

    def check(function):
        _refuse_borrowed(
            function,
            "from layer_sizes alone, without building a network",
            library=("NeuralNetwork",),
            methods=("n_parameters",),
        )
        for layer_sizes in ([1, 4, 3, 1], [1, 1, 1], [3, 7, 2], [5, 1]):
            want = mlp_core.NeuralNetwork(layer_sizes).n_parameters
            case = f"layer sizes {layer_sizes}"
            got = _as_number(
                _call(function, list(layer_sizes)), case, "one whole number"
            )
            weights_only = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
            if got == weights_only:
                raise _Wrong(
                    f"for {layer_sizes} it gives {got:g}, the number of weights alone; the biases count too."
                )
            if got != want:
                raise _Wrong(f"for {layer_sizes} it gives {got:g}; expected {want}.")

    return _run(check, function, "Your parameter count")


def check_forward_pass(function):
    """Exercise 6.2: ``function(weights, biases, X, alpha)`` -> the network's output, (n_outputs, n_samples)."""

    def check(function):
        _refuse_borrowed(
            function,
            "one layer at a time, Z = W @ A + b",
            library=("NeuralNetwork",),
            methods=("forward_pass", "predict"),
        )
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
        _refuse_borrowed(
            function,
            "with np.sum and the number of samples",
            library=("mse_loss", "NeuralNetwork"),
            methods=("compute_loss",),
        )
        rng = np.random.default_rng(70)
        for shape in ((1, 3), (2, 5), (1, 1)):
            Y, Y_hat = rng.standard_normal(shape), rng.standard_normal(shape)
            want = mlp_core.mse_loss(Y, Y_hat)
            case = f"arrays of shape {shape}"
            got = _as_number(_call(function, Y, Y_hat), case, "one number, a float")
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


def _as_gradients(got, want, name, case):
    """``got`` as a list of float arrays shaped like ``want``, or a sentence about it."""
    if got is None:
        raise _Wrong(
            f"for {case}, {name} is None, so a `return` line may be missing in your function."
        )
    if not isinstance(got, (list, tuple)):
        raise _Wrong(
            f"for {case}, {name} is {_kind(got)}; return a list with one array per layer."
        )
    if len(got) != len(want):
        raise _Wrong(
            f"for {case} it returns {len(got)} arrays in {name}; expected {len(want)}, one per layer."
        )
    return [
        _as_array(g, w.shape, case, what=f"{name}[{index}]")
        for index, (g, w) in enumerate(zip(got, want))
    ]


def check_backward_pass(function):
    """Exercise 8.2: ``function(weights, biases, X, Y, alpha)`` -> (dW, dB), lists shaped like weights, biases."""

    def check(function):
        _refuse_borrowed(
            function,
            "from your own forward pass and the four equations",
            library=("NeuralNetwork",),
            methods=("backward_pass", "forward_pass"),
        )
        for layer_sizes, alpha, seed in CASES:
            network, X, Y = _random_network(layer_sizes, alpha, seed)
            weights, biases = (
                copy.deepcopy(network.weights),
                copy.deepcopy(network.biases),
            )
            dW, dB = network.backward_pass(*network.forward_pass(X), Y)
            case = f"layer sizes {layer_sizes}"
            got = _call(function, weights, biases, X, Y, alpha)
            _returns_none(got, case)
            if (
                not isinstance(got, (list, tuple))
                or len(got) != 2
                or any(isinstance(g, np.ndarray) for g in got)
            ):
                what = _kind(got)
                if isinstance(got, (list, tuple)):
                    what += f" of {len(got)} {'arrays' if got and isinstance(got[0], np.ndarray) else 'items'}"
                raise _Wrong(
                    f"for {case} it returns {what}; return the pair dW, dB "
                    "(two lists of arrays)."
                )
            if any(
                not np.array_equal(a, b)
                for a, b in zip(weights + biases, network.weights + network.biases)
            ):
                raise _Wrong(
                    "it changed the weights or biases it was given: compute every gradient first, apply none."
                )
            got_dW = _as_gradients(got[0], dW, "dW", case)
            got_dB = _as_gradients(got[1], dB, "dB", case)
            n = X.shape[1]

            def all_close(got, want, factor=1):
                return all(np.allclose(g, factor * w) for g, w in zip(got, want))

            if all_close(got_dW + got_dB, dW + dB, -1):
                raise _Wrong(
                    f"for {case}, every gradient has the wrong sign: the output error is "
                    "dZ = Y_hat - Y, prediction minus target; with Y - Y_hat the update "
                    "W - learning_rate * dW would climb the loss."
                )
            if all_close(got_dW, dW, n):
                raise _Wrong(
                    f"for {case}, dW is N = {n} times too large: divide by the number of samples."
                )
            for index, (g, w) in enumerate(zip(got_dB, dB)):
                if np.allclose(g, n * w) and not np.allclose(g, w):
                    raise _Wrong(
                        f"for {case}, dB[{index}] is N = {n} times too large: it sums dZ over "
                        "the samples; db is their mean (or divide the sum by N)."
                    )
            for index, (g, w) in enumerate(zip(got_dW, dW)):
                _expect_array(g, w, case, what=f"dW[{index}]")
            for index, (g, w) in enumerate(zip(got_dB, dB)):
                _expect_array(g, w, case, what=f"dB[{index}]")

    return _run(check, function, "Your backward pass")


def check_training_loop(function):
    """Exercise 9.2: ``function(network, X, Y, epochs, learning_rate)`` -> losses, shape (epochs,).

    The loop must be the student's own: a call of ``network.train`` is named.
    """

    def check(function):
        _refuse_borrowed(
            function,
            "with forward_pass, compute_loss, backward_pass and update",
            methods=("train",),
        )
        for layer_sizes, alpha, seed in CASES[:2]:
            network, X, Y = _random_network(layer_sizes, alpha, seed)
            twin = copy.deepcopy(network)
            want = twin.train(X, Y, 6, 0.05)
            calls = []

            def train(*args, given=network, calls=calls, **kwargs):
                calls.append("train")
                return mlp_core.NeuralNetwork.train(given, *args, **kwargs)

            network.train = train
            got = _call(function, network, X, Y, 6, 0.05)
            if calls:
                raise _Wrong(
                    "it calls network.train: write the loop yourself, with forward_pass, "
                    "compute_loss, backward_pass and update."
                )
            case = f"layer sizes {layer_sizes}, 6 epochs"
            got = _as_array(got, want.shape, case)
            if np.allclose(got[:-1], want[1:]):
                raise _Wrong(
                    "each loss is measured after that epoch's update; measure it before, as mlp_core does."
                )
            _expect_array(got, want, case)
            for W_got, W_want in zip(network.weights, twin.weights):
                _expect_array(W_got, W_want, case, what="the weights after training")

    return _run(check, function, "Your training loop")


def check_centred_difference(function):
    """Exercise 10.2: ``function(f, x, eps)`` -> the centred estimate of f'(x) for a scalar function f.

    Each case is tried with a large and a small step, so that an answer ignoring ``eps`` shows.
    """

    def check(function):
        cases = [(np.sin, 0.7), (np.exp, -1.2), (lambda t: t**3 - 2 * t, 1.5)]
        for f, x in cases:
            gots = []
            for eps in (0.5, 1e-4):
                want = (f(x + eps) - f(x - eps)) / (2 * eps)
                case = f"x = {x} and eps = {eps}"
                got = _as_number(_call(function, f, x, eps), case, "one number")
                if np.isclose(
                    got, (f(x + eps) - f(x)) / eps, rtol=1e-9
                ) and not np.isclose(got, want, rtol=1e-9):
                    raise _Wrong(
                        f"at x = {x} it gives the one-sided difference; step both ways, by +eps and -eps."
                    )
                if np.isclose(got, want * 2, rtol=1e-9):
                    raise _Wrong(
                        f"at x = {x} it is twice the derivative: divide by 2 eps."
                    )
                gots.append(got)
            if gots[0] == gots[1]:
                raise _Wrong(
                    f"at x = {x} it gives the same value for eps = 0.5 and eps = 0.0001: it "
                    "ignores eps, so use the eps it is given, not a step of your own."
                )
            for got, eps in zip(gots, (0.5, 1e-4)):
                want = (f(x + eps) - f(x - eps)) / (2 * eps)
                if not np.isclose(got, want, rtol=1e-9):
                    raise _Wrong(
                        f"at x = {x} and eps = {eps} it gives {got:.6g}; expected about {want:.6g}."
                    )

    return _run(check, function, "Your centred difference")


# ---------------------------------------------------------------------------------------------
# Chapter 12: backpropagation on a graph. Its reference is centred differences, not mlp_core.


def _run_against_differences(check, function, what):
    """``_run`` for a check whose reference is centred differences rather than mlp_core."""
    return _run(check, function, what, reference="the centred differences")


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
            _returns_none(got, case)
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
            grads = []
            for name, grad in zip(("grad_a", "grad_b"), got):
                _returns_none(grad, f"{case}, {name}")
                try:
                    grad = np.asarray(grad, dtype=float)
                except (TypeError, ValueError):
                    raise _Wrong(
                        f"for {case}, {name} is {_kind(grad)}, not an array of numbers."
                    ) from None
                if grad.shape != shape:
                    raise _Wrong(
                        f"for {case}, {name} has shape {grad.shape}; expected {shape}, "
                        "one derivative per entry."
                    )
                if not np.all(np.isfinite(grad)):
                    raise _Wrong(
                        f"for {case}, {name} contains NaN or infinity where the centred "
                        "differences give numbers."
                    )
                grads.append(grad)
            grad_a, grad_b = grads
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
    _returns_none(got, case)
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
        if np.isnan(spreads[-1]):
            raise _Wrong(
                f"for {case}, entry {l} is NaN (not a number); a spread is the square root "
                "of a mean of squares, never NaN."
            )
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


def check_softmax(function):
    """Exercise 14.2: ``function(Z)`` -> softmax over each column of Z, shape (n_classes, n_samples)."""

    def check(function):
        _refuse_borrowed(
            function, "with np.exp and a sum over each column", library=("softmax",)
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
            got = _call(function, Z)
            if not np.array_equal(Z, kept):
                raise _Wrong(
                    "it changed the array Z it was given; compute new arrays instead "
                    "(Z - c makes one)."
                )
            want = mlp_core.softmax(Z)
            got = _as_array(got, want.shape, case, finite=False)
            with np.errstate(all="ignore"):
                whole = np.exp(Z - Z.max())
                whole = whole / whole.sum(axis=0, keepdims=True)
                by_row = np.exp(Z - Z.max(axis=1, keepdims=True))
                by_row = by_row / by_row.sum(axis=0, keepdims=True)
            if not np.all(np.isfinite(got)) and np.abs(Z).max() > 700:
                if np.array_equal(np.isfinite(got), np.isfinite(whole)):
                    raise _Wrong(
                        f"for {case} it gives NaN: it subtracts the largest entry of the "
                        "whole array, so every exp of a column far below it underflows to "
                        "0; subtract each column's own largest entry."
                    )
                raise _Wrong(
                    f"for {case} it gives infinity or NaN because np.exp overflows: "
                    "subtract each column's largest entry first, which does not change "
                    "softmax."
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
