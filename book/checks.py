"""Self-checks for the coding exercises of the chapters: each says whether your function is right.

``checks.check_mse(my_mse)`` runs your function on fresh cases, compares each result with a
reference (``mlp_core``, or centred differences) and prints one sentence, never a traceback: that it
is right, or what is wrong (the shape, the value in which case, a known slip and its hint, an
argument it changed, a global it reads, the exception it raised and on which line). It returns True
or False.

Each ``check_*`` at the end is an ``Exercise``: a record of what differs from one exercise to the
next. One runner, ``_judge``, runs them all alike. For each case it calls the answer and says if it
raised, called a network method it must not, changed an argument (each is copied before the call
and compared after) or returned None; it reads the result (``read``), compares it with the right
one within one tolerance (``_close``), and for a wrong one tries the known slips in order before
saying how far off it is. On its own, before any case, an answer that only calls the ``mlp_core``
function it should write is refused (``_refuse_borrowed``).

To add an exercise, add its record at the end, named as the chapter calls it::

    def _cube_cases():
        for x in (0.5, -2.0):
            yield Case(args=(np.array([[x]]),), label=f"x = {x}", want=np.array([[x**3]]), x=x)

    check_cube = Exercise(
        "15.2", ("z",), "z cubed, element-wise", "Your cube matches z**3", _cube_cases,
        slips=[(lambda got, case: _close(got, 3 * case.x**2), "for {label} it gives the slope.")],
    )

A ``Case`` holds the answer's ``args`` (or ``calls``, a list of them, for calls judged together:
the result is then a list), the ``label`` sentences name it by, the right result ``want`` (as
``read`` returns it) and the facts the slips need. ``read`` is ``_array()`` by default, or
``_number(what)``, ``_pair(...)`` or a function of its own (``finite=False`` leaves NaN to the
slips); a slip is ``(test, hint)``, the hint formatted with ``got`` and the case's fields, or a
function. The other fields are in ``Exercise``. tests/test_checks_runner.py runs this example end
to end; the new exercise's right answer and slips get their tests in tests/test_checks_exercises.py.
"""

import contextlib
import copy
import dataclasses
import dis
import functools
import linecache
import re
import traceback
import types
import warnings
from collections.abc import Callable, Sequence

import numpy as np

import mlp_core

_NOT_ANSWERED = "not answered yet: replace the NotImplementedError line with your code, run that cell, then this one."
_CHANGED = "it changed its argument {name} in place; leave {name} as it was and return a new result."
_NAN = "look for 0 / 0, inf - inf or a NaN in a variable your function starts from"

# One tolerance. The references are computed in float64, as right answers are: the two differ by
# rounding, far below these bounds, while every slip named here is off by far more.
RTOL, ATOL = 1e-7, 1e-10


def _close(got, want, rtol=RTOL, atol=ATOL):
    """Whether ``got`` equals ``want`` within the tolerance, lists and tuples entry by entry; shapes
    must agree (nothing is broadcast), except that a single number ``want`` is every entry's."""
    if isinstance(want, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(want)
            and all(_close(g, w, rtol, atol) for g, w in zip(got, want))
        )
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return (want.ndim == 0 or got.shape == want.shape) and np.allclose(
        got, want, rtol=rtol, atol=atol
    )


def _is(fact, close=_close):
    """A slip's test: the result equals the case's ``fact``, a wrong result computed beforehand."""
    return lambda got, case: close(got, getattr(case, fact))


# ---------------------------------------------------------------------------------------------
# The record and the runner.


class _Wrong(Exception):
    """What is wrong with an answer, in one sentence."""


class Case(types.SimpleNamespace):
    """One case: ``args`` (or ``calls``), ``label``, ``want``, and the facts its slips need."""


@dataclasses.dataclass(eq=False, repr=False)
class Exercise:
    """The self-check of one coding exercise: ``check(my_function)`` prints and returns a verdict."""

    number: str  # "4.2", as the chapter numbers the exercise
    arguments: tuple  # the names of the answer's arguments, in order
    returns: str  # what the answer returns, in words (for the docstring)
    right: str  # the verdict on a right answer, before " on every test case."
    cases: Callable  # () -> the cases, made anew on each run
    read: Callable = None  # (got, case) -> the result read; default _array()
    slips: Sequence = ()  # (test, hint) pairs, tried in order on a wrong result
    differs: Callable | str = None  # said if no slip fits; default: the largest gap
    close: Callable = _close  # the tolerance
    borrowed: tuple = None  # (how, mlp_core names, network methods) not to just call
    watch: tuple = ((), "")  # (network methods, hint): not to call, even from a helper
    may_change: tuple = ()  # the arguments it may change in place (a network it trains)
    changed: dict = None  # argument -> what is said if it changes; default _CHANGED
    about: str = ""  # more words for the docstring

    def __post_init__(self):
        self.read = self.read or _array()
        self.differs = self.differs or _values_differ
        self.changed = self.changed or {}
        call = f"``function({', '.join(self.arguments)})``"
        self.__doc__ = f"Exercise {self.number}: {call} -> {self.returns}.{self.about}"

    def __call__(self, function):
        return _judge(self, function)

    def __repr__(self):
        return f"<self-check of exercise {self.number}>"


def _judge(exercise, function):
    """Run ``function`` on every case of ``exercise``; print one sentence; return whether it passed."""
    try:
        if not callable(function):
            raise _Wrong(
                f"pass your function itself, e.g. check(my_function); got {type(function).__name__}."
            )
        if exercise.borrowed:
            _refuse_borrowed(function, *exercise.borrowed)
        for case in exercise.cases():
            got = exercise.read(_result(function, exercise, case), case)
            if not exercise.close(got, case.want):
                slips = (hint for test, hint in exercise.slips if test(got, case))
                hint = next(slips, exercise.differs)
                if callable(hint):
                    raise _Wrong(hint(got, case))
                raise _Wrong(hint.format(got=got, **vars(case)))
    except NotImplementedError:
        sentence = _NOT_ANSWERED
    except _Wrong as wrong:
        sentence, read = str(wrong), _globals_read(function)
        if read:
            sentence = (
                sentence.rstrip(".?")
                + f"; also, it reads the global variable(s) {', '.join(read)}: use its arguments instead."
            )
    except Exception as error:  # a result too strange to compare: still one sentence
        sentence = (
            f"its result could not be checked ({type(error).__name__}: {_one_line(error)}); "
            "return what the exercise asks for."
        )
    else:
        print(f"Right: {exercise.right} on every test case.")
        return True
    print(f"Not yet: {sentence}")
    return False


def _result(function, exercise, case):
    """What ``function`` returns for ``case`` (for a case of several ``calls``, the list of what it
    returns), or a sentence if it raises, calls a watched method, changes an argument it may not
    change, or returns None."""
    results = []
    for args in case.calls if hasattr(case, "calls") else [case.args]:
        kept = copy.deepcopy(args)
        methods, hint = exercise.watch
        with _watching(args, methods) as called:
            results.append(_call(function, *args))
        if called:
            raise _Wrong(hint.format(method=called[0]))
        for name, before, after in zip(exercise.arguments, kept, args):
            if name not in exercise.may_change and not _unchanged(before, after):
                raise _Wrong(exercise.changed.get(name, _CHANGED).format(name=name))
        if results[-1] is None:
            raise _Wrong(_returns_none(case.label))
    return results if hasattr(case, "calls") else results[0]


def _returns_none(label, part=None):
    """The sentence for a missing ``return``: of the whole result, or of one ``part`` of it."""
    if part is None:
        return f"for {label} it returns None, so a `return` line may be missing at the end of your function."
    return f"for {label}, {part} is None, so a `return` line may be missing in your function."


@contextlib.contextmanager
def _watching(args, methods):
    """Make each network among ``args`` note its calls of ``methods`` in a list (the ``as``)."""
    called = []
    networks = [arg for arg in args if isinstance(arg, mlp_core.NeuralNetwork)]

    def noted(network, name):
        def method(*args, **kwargs):
            called.append(name)
            return getattr(type(network), name)(network, *args, **kwargs)

        return method

    for network in networks:
        vars(network).update({name: noted(network, name) for name in methods})
    try:
        yield called
    finally:
        for network in networks:
            for name in methods:
                vars(network).pop(name, None)


def _unchanged(before, after):
    """Whether an argument after the call, ``after``, equals ``before``, its copy from before."""
    if isinstance(before, mlp_core.NeuralNetwork):
        before, after = vars(before), vars(after)
    if isinstance(before, dict):
        before, after = list(before.items()), list(after.items())
    if isinstance(before, (list, tuple)):
        return (
            type(after) is type(before)
            and len(after) == len(before)
            and all(map(_unchanged, before, after))
        )
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and np.array_equal(
            before, after, equal_nan=True
        )
    return callable(before) or (type(after) is type(before) and after == before)


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


# ---------------------------------------------------------------------------------------------
# Reading a result: the kinds an exercise accepts, and a sentence about any other.


def _as_array(got, want_shape, label, lists=False, finite=True, what="the result"):
    """``got`` as a float array of ``want_shape``, or a sentence about what is wrong with it.

    ``lists``: a list (or tuple) of numbers is accepted too; ``finite``: NaN and infinity are wrong
    (left to the slips otherwise); ``what``: the name of ``got`` in the sentence, e.g. "dW[0]".
    """
    want_shape = tuple(want_shape)
    if got is None:
        raise _Wrong(_returns_none(label, what))
    if isinstance(got, (list, tuple)) and not lists:
        raise _Wrong(
            f"for {label}, {what} is {_kind(got)}; return a numpy array of shape {want_shape} "
            "(np.array turns a list into one)."
        )
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(
            f"for {label}, {what} is {_kind(got)}, not an array of numbers; expected an array "
            f"of shape {want_shape}."
        ) from None
    if array.shape != want_shape:
        hint = ""
        if array.ndim == 0:
            hint = " (one number)"
        elif array.ndim == 2 and array.shape == want_shape[::-1]:
            hint = " (transposed?)"
        elif (
            len(want_shape) == 2
            and want_shape[1] == 1
            and array.shape == want_shape[:1]
        ):
            hint = " (a flat array: keepdims=True keeps the column)"
        raise _Wrong(
            f"for {label}, {what} has shape {array.shape}{hint}; expected {want_shape}."
        )
    return _finite(array, label, what) if finite else array


def _finite(array, label, what):
    """``array``, or a sentence if it holds NaN or infinity where the right result has numbers."""
    if np.isnan(array).any():
        raise _Wrong(
            f"for {label}, {what} contains NaN (not a number) where numbers are expected: {_NAN}."
        )
    if np.isinf(array).any():
        raise _Wrong(
            f"for {label}, {what} contains infinity where finite numbers are expected."
        )
    return array


def _array(lists=False, finite=True):
    """Read a result that is an array shaped like the case's ``want`` (see ``_as_array``)."""
    return lambda got, case: _as_array(
        got, np.shape(case.want), case.label, lists=lists, finite=finite
    )


def _as_number(got, label, what, finite=True):
    """``got`` as a float, or a sentence about what it is instead (a list, NaN, ...); ``finite``:
    NaN is wrong (left to the slips otherwise)."""
    if isinstance(got, (list, tuple, str, dict, set)) or np.size(got) != 1:
        raise _Wrong(f"for {label} it returns {_kind(got)}; return {what}.")
    try:
        number = float(np.asarray(got, dtype=float).ravel()[0])
    except (TypeError, ValueError):
        raise _Wrong(f"for {label} it returns {_kind(got)}; return {what}.") from None
    if finite and np.isnan(number):
        raise _Wrong(f"for {label} it returns NaN (not a number): {_NAN}.")
    return number


def _number(what, finite=True):
    """Read a result that is one number; ``what`` says which, e.g. "one whole number"."""
    return lambda got, case: _as_number(got, case.label, what, finite)


def _as_array_list(got, want, name, label):
    """``got`` as a list of float arrays shaped like those of ``want``, one per layer."""
    if got is None:
        raise _Wrong(_returns_none(label, name))
    if not isinstance(got, (list, tuple)):
        raise _Wrong(
            f"for {label}, {name} is {_kind(got)}; return a list with one array per layer."
        )
    if len(got) != len(want):
        raise _Wrong(
            f"for {label} it returns {len(got)} arrays in {name}; expected {len(want)}, one per layer."
        )
    return [
        _as_array(g, w.shape, label, what=f"{name}[{i}]")
        for i, (g, w) in enumerate(zip(got, want))
    ]


def _pair(names, hint, of_lists=False):
    """Read a pair whose parts are named ``names``: arrays (lists of numbers accepted), or with
    ``of_lists`` lists of arrays, one per layer; ``hint`` ends "return the pair ..."."""

    def read(got, case):
        if (
            not isinstance(got, (list, tuple))
            or len(got) != 2
            or (of_lists and any(isinstance(part, np.ndarray) for part in got))
        ):
            raise _Wrong(
                f"for {case.label} it returns {_kind(got, items=True)}; return the pair {hint}."
            )
        if of_lists:
            return [
                _as_array_list(*part, case.label) for part in zip(got, case.want, names)
            ]
        parts = zip(got, case.want, names)
        return [
            _as_array(g, np.shape(w), case.label, lists=True, what=n)
            for g, w, n in parts
        ]

    return read


def _gap(label, parts, close=_close, verb="differ from mlp_core's"):
    """The sentence for the first of ``parts``, triples (name, got, want), that is not close."""
    for name, got, want in parts:
        if not close(got, want):
            gap = np.max(np.abs(np.asarray(got, dtype=float) - want))
            return f"for {label}, {name} {verb} (largest gap {gap:.3g})."
    return f"for {label}, the result {verb}."


def _values_differ(got, case):
    _finite(got, case.label, "the result")
    return _gap(case.label, [("the values", got, case.want)])


def _first_wrong(got, want, close=_close):
    """``(index, got entry, want entry)`` of the first entry not close to ``want``'s, from 1."""
    return next(
        (i, g, w) for i, (g, w) in enumerate(zip(got, want), 1) if not close(g, w)
    )


def _layers(name, got, want):
    """``[(name[0], got[0], want[0]), ...]``: the layers of a list of arrays, named for ``_gap``."""
    return [(f"{name}[{i}]", g, w) for i, (g, w) in enumerate(zip(got, want))]


# ---------------------------------------------------------------------------------------------
# On its own: an answer that only calls what the exercise asks you to write.


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


# ---------------------------------------------------------------------------------------------
# Words for sentences: the student's line, the arguments, what a result is, the globals read.


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


def _kind(got, items=False):
    """What ``got`` is, in a few words: 'None', 'a str', 'an array of shape (2, 3)'; with
    ``items``, how many a list or tuple holds: 'a list of 2 arrays', 'a tuple of 3 items'."""
    if got is None:
        return "None"
    if isinstance(got, np.ndarray):
        return f"an array of shape {got.shape}"
    name = type(got).__name__
    kind = f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
    if items and isinstance(got, (list, tuple)):
        things = "arrays" if got and isinstance(got[0], np.ndarray) else "items"
        kind += f" of {len(got)} {things}"
    return kind


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


# ---------------------------------------------------------------------------------------------
# The table: one record per coding exercise, in the book's order, each after its cases. It is laid
# out by hand, one slip a line, and left alone by the formatter.
# fmt: off


def _random_networks(count=3):
    """Networks with random weights and biases, and data X, Y (exercises 6.2, 8.2, 9.2)."""
    for layer_sizes, alpha, seed in [([1, 1, 1], 0.01, 1), ([1, 4, 3, 1], 0.1, 2), ([3, 5, 2], 0.2, 3)][:count]:
        rng = np.random.default_rng(seed)
        network = mlp_core.NeuralNetwork(layer_sizes, alpha=alpha, seed=seed)
        network.biases = [rng.standard_normal(b.shape) * 0.5 for b in network.biases]
        network.weights = [rng.standard_normal(W.shape) for W in network.weights]
        X, Y = rng.standard_normal((layer_sizes[0], 5)), rng.standard_normal((layer_sizes[-1], 5))
        yield layer_sizes, network, X, Y


def _gradient_step_cases():
    rng = np.random.default_rng(20)
    for rate in (0.1, 0.003):
        parameter, gradient = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
        yield Case(args=(parameter, gradient, rate), label=f"learning rate {rate}",
                   want=parameter - rate * gradient, up=parameter + rate * gradient)


check_gradient_step = Exercise(
    "2.2", ("parameter", "gradient", "learning_rate"), "the parameter after one step",
    "Your gradient step matches mlp_core", _gradient_step_cases,
    slips=[(_is("up"), "it moves the parameter up the gradient; a descent step goes the other way.")],
    changed={"parameter": "it changed the parameter array it was given; return a new array instead."},
)


def _layer_shapes_cases():
    for layer_sizes, n_samples in (([1, 4, 3, 1], 3), ([2, 5, 1], 7), ([3, 2], 1)):
        network = mlp_core.NeuralNetwork(layer_sizes)
        _, zs = network.forward_pass(np.zeros((layer_sizes[0], n_samples)))
        yield Case(args=(list(layer_sizes), n_samples), label=f"layer sizes {layer_sizes} and {n_samples} samples",
                   want=[(W.shape, b.shape, Z.shape) for W, b, Z in zip(network.weights, network.biases, zs)],
                   layer_sizes=layer_sizes)


def _as_shapes(got, case):
    """``got`` as a list of triples of tuples, or a sentence about what it is instead."""
    if not isinstance(got, (list, tuple)):
        raise _Wrong(f"for {case.label} it returns {_kind(got)}; return a list with one triple of shapes per layer.")
    layers = []
    for index, layer in enumerate(got, start=1):
        try:
            layers.append(tuple(tuple(int(n) for n in shape) for shape in layer))
        except (TypeError, ValueError):
            raise _Wrong(f"for {case.label}, layer {index} is {layer!r}; each layer is a triple of shapes, "
                         "(W shape, b shape, Z shape), each shape a tuple such as (4, 1).") from None
        if len(layers[-1]) != 3:
            raise _Wrong(f"for {case.label}, layer {index} has {len(layers[-1])} shapes; expected 3: W, b and Z.")
    return layers


def _shapes_differ(got, case):
    if len(got) != len(case.want):
        return f"for layer sizes {case.layer_sizes} it lists {len(got)} layers; expected {len(case.want)}."
    index, got, want = _first_wrong(got, case.want)
    wrong = "; ".join(f"{n} {g} instead of {w}" for n, g, w in zip(("W", "b", "Z"), got, want) if g != w)
    return f"for {case.label}, layer {index} has {wrong}."


check_layer_shapes = Exercise(
    "3.2", ("layer_sizes", "n_samples"), "list of (W shape, b shape, Z shape) per layer",
    "Your table of shapes matches mlp_core", _layer_shapes_cases, read=_as_shapes, differs=_shapes_differ,
    about="\n\nLists in place of tuples are accepted: ``[[4, 1], [4, 1], [4, 3]]`` is a right layer.",
)


def _derivative_cases():
    z = np.array([[-3.0, -1e-9, 0.0, 1e-9, 2.5], [4.0, -0.5, 0.0, 0.1, -7.0]])
    for alpha in (0.01, 0.3):
        yield Case(args=(z, alpha), label=f"alpha = {alpha}", want=mlp_core.leaky_relu_derivative(z, alpha),
                   leaky_relu=mlp_core.leaky_relu(z, alpha), z=z, alpha=alpha)


check_leaky_relu_derivative = Exercise(
    "4.2", ("z", "alpha"), "the derivative of Leaky ReLU, element-wise",
    "Your Leaky ReLU derivative matches mlp_core", _derivative_cases,
    slips=[
        (lambda got, case: np.all(got[case.z < 0] == 0) and _close(got[case.z > 0], 1),
         "for {label} it gives 0 for negative z, the derivative of plain ReLU; Leaky ReLU's slope there is alpha."),
        (_is("leaky_relu"), "for {label} it returns Leaky ReLU itself; the exercise asks for its derivative, the slope: 1 or alpha."),
        (lambda got, case: np.any(got[case.z == 0] != case.alpha),
         lambda got, case: f"at z = 0 it gives {got[case.z == 0][0]:g}; the book's convention is alpha ({case.alpha}) there."),
    ],
    borrowed=("with np.where", ("leaky_relu_derivative",), ()),
)


def _parameter_count_cases():
    for layer_sizes in ([1, 4, 3, 1], [1, 1, 1], [3, 7, 2], [5, 1]):
        yield Case(args=(list(layer_sizes),), label=f"layer sizes {layer_sizes}", layer_sizes=layer_sizes,
                   want=mlp_core.NeuralNetwork(layer_sizes).n_parameters,
                   weights_alone=sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))


check_parameter_count = Exercise(
    "5.2", ("layer_sizes",), "the number of weights and biases",
    "Your parameter count matches mlp_core", _parameter_count_cases, read=_number("one whole number"),
    slips=[(_is("weights_alone"), "for {layer_sizes} it gives {got:g}, the number of weights alone; the biases count too.")],
    differs="for {layer_sizes} it gives {got:g}; expected {want}.",
    borrowed=("from layer_sizes alone, without building a network", ("NeuralNetwork",), ("n_parameters",)),
)


def _forward_pass_cases():
    for layer_sizes, network, X, _ in _random_networks():
        yield Case(args=(network.weights, network.biases, X, network.alpha),
                   label=f"layer sizes {layer_sizes} with {X.shape[1]} samples", want=network.predict(X))


check_forward_pass = Exercise(
    "6.2", ("weights", "biases", "X", "alpha"), "the network's output, (n_outputs, n_samples)",
    "Your forward pass matches mlp_core", _forward_pass_cases,
    borrowed=("one layer at a time, Z = W @ A + b", ("NeuralNetwork",), ("forward_pass", "predict")),
)


def _mse_cases():
    rng = np.random.default_rng(70)
    for shape in ((1, 3), (2, 5), (1, 1)):
        Y, Y_hat = rng.standard_normal(shape), rng.standard_normal(shape)
        loss, n = mlp_core.mse_loss(Y, Y_hat), shape[1]
        yield Case(args=(Y, Y_hat), label=f"arrays of shape {shape}", want=loss, twice=2 * loss, plain_sum=2 * n * loss,
                   # NaN where a slip would be the right loss itself (one sample; one row):
                   n_times=n * loss if n > 1 else np.nan, per_entry=loss * n / Y.size if shape[0] > 1 else np.nan)


check_mse = Exercise(
    "7.2", ("Y", "Y_hat"), "the loss 1/(2N) * sum((Y - Y_hat)**2), a float",
    "Your loss matches mlp_core", _mse_cases, read=_number("one number, a float"),
    slips=[
        (_is("twice"), "for {label}, it is twice the loss: the 1/2 is missing."),
        (_is("plain_sum"), "for {label}, it is the plain sum: divide by 2N."),
        (_is("n_times"), "for {label}, it is N times the loss: divide by the number of samples (columns)."),
        (_is("per_entry"), "for {label}, it divides by every entry; N is the number of samples (columns)."),
    ],
    differs="for {label} it gives {got:.6g}; expected {want:.6g}.",
    borrowed=("with np.sum and the number of samples", ("mse_loss", "NeuralNetwork"), ("compute_loss",)),
)


def _backward_pass_cases():
    for layer_sizes, network, X, Y in _random_networks():
        dW, dB = network.backward_pass(*network.forward_pass(X), Y)
        n = X.shape[1]
        yield Case(args=(network.weights, network.biases, X, Y, network.alpha), label=f"layer sizes {layer_sizes}",
                   want=[dW, dB], flipped=[[-g for g in dW], [-g for g in dB]], dW_summed=[n * g for g in dW], n=n)


def _summed_db(got, case):
    """The first layer whose db is N times too large (summed over the samples), or None."""
    return next((i for i, (g, w) in enumerate(zip(got[1], case.want[1])) if _close(g, case.n * w)), None)


_APPLIED = "it changed the weights or biases it was given: compute every gradient first, apply none."

check_backward_pass = Exercise(
    "8.2", ("weights", "biases", "X", "Y", "alpha"), "(dW, dB), lists shaped like weights, biases",
    "Your backward pass matches mlp_core", _backward_pass_cases,
    read=_pair(("dW", "dB"), "dW, dB (two lists of arrays)", of_lists=True),
    slips=[
        (_is("flipped"), "for {label}, every gradient has the wrong sign: the output error is dZ = Y_hat - Y, prediction "
                         "minus target; with Y - Y_hat the update W - learning_rate * dW would climb the loss."),
        (lambda got, case: _close(got[0], case.dW_summed), "for {label}, dW is N = {n} times too large: divide by the number of samples."),
        (lambda got, case: _summed_db(got, case) is not None,
         lambda got, case: f"for {case.label}, dB[{_summed_db(got, case)}] is N = {case.n} times too large: it sums dZ "
                           "over the samples; db is their mean (or divide the sum by N)."),
    ],
    differs=lambda got, case: _gap(case.label, _layers("dW", got[0], case.want[0]) + _layers("dB", got[1], case.want[1])),
    borrowed=("from your own forward pass and the four equations", ("NeuralNetwork",), ("backward_pass", "forward_pass")),
    changed={"weights": _APPLIED, "biases": _APPLIED},
)


def _training_loop_cases():
    for layer_sizes, network, X, Y in _random_networks(count=2):
        trained = copy.deepcopy(network)
        losses = trained.train(X, Y, 6, 0.05)
        yield Case(args=(network, X, Y, 6, 0.05), label=f"layer sizes {layer_sizes}, 6 epochs",
                   want=[losses, trained.weights], network=network)


def _losses_and_weights(got, case):
    """The losses the loop returns, and the weights it leaves in the network."""
    weights = zip(case.network.weights, case.want[1])
    return [_as_array(got, case.want[0].shape, case.label),
            [_as_array(W, w.shape, case.label, what="the weights after training") for W, w in weights]]


check_training_loop = Exercise(
    "9.2", ("network", "X", "Y", "epochs", "learning_rate"), "losses, shape (epochs,)",
    "Your training loop matches mlp_core", _training_loop_cases, read=_losses_and_weights,
    about="\n\nThe loop must be the student's own: a call of ``network.train`` is named.",
    slips=[(lambda got, case: _close(got[0][:-1], case.want[0][1:]),
            "each loss is measured after that epoch's update; measure it before, as mlp_core does.")],
    differs=lambda got, case: _gap(case.label, [("the values", got[0], case.want[0])]
                                   + [("the weights after training", g, w) for g, w in zip(got[1], case.want[1])]),
    borrowed=("with forward_pass, compute_loss, backward_pass and update", (), ("train",)),
    watch=(("train",), "it calls network.{method}: write the loop yourself, with forward_pass, compute_loss, "
                       "backward_pass and update."),
    may_change=("network",),
)


_STEPS = (0.5, 1e-4)  # a large and a small step, so that an answer ignoring eps shows


def _centred_difference_cases():
    for f, x in ((np.sin, 0.7), (np.exp, -1.2), (lambda t: t**3 - 2 * t, 1.5)):
        yield Case(calls=[(f, x, eps) for eps in _STEPS], label=f"x = {x}", x=x,
                   want=[(f(x + eps) - f(x - eps)) / (2 * eps) for eps in _STEPS],
                   one_sided=[(f(x + eps) - f(x)) / eps for eps in _STEPS])


def _steps_differ(got, case):
    step, g, w = _first_wrong(got, case.want)
    return f"at x = {case.x} and eps = {_STEPS[step - 1]} it gives {g:.6g}; expected about {w:.6g}."


check_centred_difference = Exercise(
    "10.2", ("f", "x", "eps"), "the centred estimate of f'(x) for a scalar function f",
    "Your centred difference matches mlp_core", _centred_difference_cases, differs=_steps_differ,
    about="\n\nEach case is tried with a large and a small step, so that an answer ignoring ``eps`` shows.",
    read=lambda got, case: [_as_number(g, f"x = {case.x} and eps = {eps}", "one number") for g, eps in zip(got, _STEPS)],
    slips=[
        (lambda got, case: any(map(_close, got, case.one_sided)),
         "at x = {x} it gives the one-sided difference; step both ways, by +eps and -eps."),
        (lambda got, case: any(_close(g, 2 * w) for g, w in zip(got, case.want)),
         "at x = {x} it is twice the derivative: divide by 2 eps."),
        (lambda got, case: got[0] == got[1], "at x = {x} it gives the same value for eps = 0.5 and eps = 0.0001: it "
                                             "ignores eps, so use the eps it is given, not a step of your own."),
    ],
)


# Exercise 12.2's reference is itself approximate: centred differences with a step of 1e-6 are off
# by rounding (about 1e-16 / 1e-6 = 1e-10) and by the step squared; so a looser bound.
_REFERENCE_STEP = 1e-6
_close_to_differences = functools.partial(_close, rtol=1e-6, atol=1e-8)


def _div_backward_cases(h=_REFERENCE_STEP):
    rng = np.random.default_rng(120)
    for shape in ((1, 1), (2, 3), (4, 2)):
        a = rng.standard_normal(shape)
        b = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)
        upstream = rng.standard_normal(shape)
        # Centred differences of sum(upstream * a / b) with step h, entry by entry (a term an entry).
        da = upstream * ((a + h) / b - (a - h) / b) / (2 * h)
        db = upstream * (a / (b + h) - a / (b - h)) / (2 * h)
        yield Case(args=(a, b, upstream), label=f"arrays of shape {shape}", want=[da, db], swapped=[db, da],
                   local=[da / upstream, db / upstream], db_signed=-db, db_once=db * b, db_no_a=db / a)


def _grad_b_is(fact):
    return lambda got, case: _close_to_differences(got[1], getattr(case, fact))


check_div_backward = Exercise(
    "12.2", ("a", "b", "upstream"), "(grad_a, grad_b), the backward rule of a / b",
    "Your gradients of a / b match the centred differences", _div_backward_cases,
    about="\n\nBoth gradients are compared with centred differences of ``sum(upstream * a / b)``.",
    read=_pair(("grad_a", "grad_b"), "(grad_a, grad_b)"), close=_close_to_differences,
    slips=[
        (_is("swapped", _close_to_differences), "it returns (grad_b, grad_a): the gradient with respect to a comes first."),
        (lambda got, case: any(map(_close_to_differences, got, case.local)),
         "for {label} it returns a local derivative alone: multiply it by upstream, the gradient arriving at the result "
         "(the chain rule)."),
        (_grad_b_is("db_signed"), "for {label}, grad_b has the wrong sign: for positive a and b, a / b falls as b grows."),
        (_grad_b_is("db_once"), "for {label}, grad_b divides by b once; the derivative of 1 / b has b squared below the line."),
        (_grad_b_is("db_no_a"), "for {label}, grad_b misses the factor a: a / b is a times 1 / b."),
    ],
    differs=lambda got, case: _gap(case.label, zip(("grad_a", "grad_b"), got, case.want), _close_to_differences,
                                   "differs from the centred differences"),
    changed=dict.fromkeys(("a", "b", "upstream"), "it changed an array it was given; compute new arrays instead."),
)


def _gain_spreads(layer_sizes, weight_scale, alpha, X, fan_out=False, kept=None, leaky_first=False,
                  power=2, one_he=False, first=lambda X: X.shape[0] * np.mean(X**2)):
    """The spreads eq-ch13-product predicts for layers 1..L; the keywords plant exercise 13.2's slips.
    ``first(X)`` is what multiplies sigma_1**2 in layer 1: n_0 times the data's mean square."""
    kept = (1 + alpha**2) / 2 if kept is None else kept
    fans = [layer_sizes[0]] * (len(layer_sizes) - 1) if one_he else layer_sizes[:-1]
    sigmas = [mlp_core.he_scale(n, alpha) if weight_scale == "he" else weight_scale for n in fans]
    variance = first(X) * sigmas[0] ** power * (kept if leaky_first else 1)
    variances = [variance]
    for l in range(2, len(layer_sizes)):
        variance = variance * layer_sizes[l if fan_out else l - 1] * sigmas[l - 1] ** power * kept
        variances.append(variance)
    return [float(np.sqrt(v)) for v in variances]


def _mixed_width_cases():
    rng = np.random.default_rng(132)
    for layer_sizes, scale, alpha, X in [
        ([1, 64, 8, 64, 8, 1], 0.25, 0.01, np.linspace(-3, 3, 40).reshape(1, -1)),
        ([3, 16, 4, 32, 2], "he", 0.2, rng.standard_normal((3, 7)) + 0.5),
        ([2, 5, 20, 5, 1], 0.3, 0.5, rng.standard_normal((2, 6)) + 1.0),
    ]:
        right = functools.partial(_gain_spreads, layer_sizes, scale, alpha, X)
        yield Case(
            args=(layer_sizes, scale, alpha, X), label=f"layer sizes {layer_sizes} and weight_scale={scale!r}",
            want=right(), input=float(np.sqrt(np.mean(X**2))), fan_out=right(fan_out=True), no_leak=right(kept=1.0),
            half=right(kept=0.5), leaky_first=right(leaky_first=True), sigma=right(power=1),
            variances=[s**2 for s in right()], one_he=right(one_he=True),
            data_variance=right(first=lambda X: X.shape[0] * np.var(X)), no_n0=right(first=lambda X: np.mean(X**2)),
            data_sum=right(first=lambda X: X.shape[0] * np.sum(X**2)),
        )


def _as_spread_list(got, case):
    """``got`` as a list of floats, one per layer, or a sentence about what it is instead."""
    if isinstance(got, (int, float, np.number)) or getattr(got, "ndim", None) == 0:
        raise _Wrong(f"for {case.label} it returns one number; return a list with one spread per layer.")
    if not isinstance(got, (list, tuple, np.ndarray)):
        raise _Wrong(f"for {case.label} it returns {_kind(got)}; return a list with one spread per layer.")
    spreads = []
    for l, value in enumerate(got, start=1):
        if np.size(value) != 1:
            raise _Wrong(f"for {case.label}, entry {l} has {np.size(value)} numbers; each spread is one number.")
        try:
            spreads.append(float(np.asarray(value, dtype=float).ravel()[0]))
        except (TypeError, ValueError):
            raise _Wrong(f"for {case.label}, entry {l} is {value!r}, not a number.") from None
        if np.isnan(spreads[-1]):
            raise _Wrong(f"for {case.label}, entry {l} is NaN (not a number): {_NAN}.")
    return spreads


def _predictions_differ(got, case):
    if len(got) != len(case.want):
        return f"for {case.label} it returns {len(got)} spreads; expected {len(case.want)}, one per layer of weights."
    l, g, w = _first_wrong(got, case.want)
    return f"for {case.label}, the spread of layer {l} is {g:.6g}; expected {w:.6g}."


check_mixed_width_spreads = Exercise(
    "13.2", ("layer_sizes", "weight_scale", "alpha", "X"), "list of L floats, the predicted spread of each layer's Z",
    "Your predicted spreads match the product of the gains", _mixed_width_cases, read=_as_spread_list,
    differs=_predictions_differ,
    about="\n\nThe reference is the chapter's product of the gains: layer 1 from the data, n_0 sigma_1**2 mean(X**2), "
          "then each layer's gain n_(l-1) sigma_l**2 (1 + alpha**2) / 2, with sigma_l = he_scale(n_(l-1), alpha) for "
          "\"he\".",
    slips=[
        (lambda got, case: _close(got, case.want[1:]),
         "for {label} it starts at layer 2: layer 1, whose input is the data, counts too."),
        (lambda got, case: _close(got, case.want[:-1]),
         "for {label} it stops before the output layer: its Z counts too."),
        (lambda got, case: len(got) == len(case.want) + 1 and _close(got[0], case.input),
         "for {label} its first entry is the spread of the input X, which is not a layer: start with Z of layer 1."),
        (_is("fan_out"), "for {label}, each gain uses the layer's own width n_l; a unit sums over its inputs, so the "
                         "forward gain has the fan-in n_(l-1)."),
        (_is("no_leak"), "for {label}, the gains leave out what Leaky ReLU lets through: multiply each by "
                         "(1 + alpha**2) / 2."),
        (_is("half"), "for {label}, the gains use 1/2 for what Leaky ReLU keeps; with the slope alpha it keeps "
                      "(1 + alpha**2) / 2."),
        (_is("leaky_first"), "for {label}, layer 1 gets Leaky ReLU's factor too; its input is the data itself: "
                             "n_0 sigma_1**2 mean(X**2)."),
        (_is("sigma"), "for {label}, it uses sigma where the variance of a weight, sigma**2, belongs."),
        (_is("variances"), "for {label}, these are variances: take the square root of each."),
        (_is("one_he"), "for {label}, every layer gets the He scale of the first fan-in; each layer's sigma is "
                        "mlp_core.he_scale of its own fan-in."),
        (_is("data_variance"), "for {label}, layer 1 uses the variance of X about its mean (np.var); the formula "
                               "needs the mean of the squared entries, np.mean(X**2)."),
        (_is("no_n0"), "for {label}, layer 1 leaves out n_0, the number of inputs each unit of layer 1 sums."),
        (_is("data_sum"), "for {label}, layer 1 sums the squares of X; average them, np.mean(X**2)."),
    ],
)


def _log_sum_exp(Z, axis=0):
    m = Z.max(axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(Z - m), axis=axis, keepdims=True))


def _logits_cases():
    rng = np.random.default_rng(142)
    moderate = 3 * rng.standard_normal((10, 5))
    for Z, classes, label, kind in [
        (moderate, rng.integers(0, 10, 5), "a (10, 5) array", "moderate"),
        (rng.standard_normal((3, 1)), [2], "a single sample, shape (3, 1)", "moderate"),
        (moderate + 1000, rng.integers(0, 10, 5), "the (10, 5) array plus 1000", "overflows"),
        (np.array([[1000.0, -1000.0], [990.0, -1010.0], [995.0, -990.0]]), [1, 2],
         "columns near +1000 and near -1000", "far apart"),
        (np.array([[0.0, 3.0], [800.0, 1.0]]), [0, 0], "a confidently wrong column, z = (0, 800) with class 0",
         "underflows"),
    ]:
        Y, n = np.eye(Z.shape[0])[:, classes], Z.shape[1]
        want = float(np.mean(np.sum(Y * (_log_sum_exp(Z) - Z), axis=0)))
        with np.errstate(all="ignore"):
            clamped = mlp_core.cross_entropy_loss(Y, mlp_core.softmax(Z))
            by_row = float(np.mean(np.sum(Y * (_log_sum_exp(Z, axis=1) - Z), axis=0)))
        yield Case(args=(Z, Y), label=label, want=want, kind=kind, n_samples=n, clamped=clamped, summed=n * want,
                   negative=-want, log10=want / np.log(10), no_max_back=want - float(np.mean(Z.max(axis=0))),
                   by_row=by_row)


def _as_loss(got, case):
    """``got`` as one float (infinity and NaN left to the slips), or a sentence about what it is."""
    if not isinstance(got, (str, dict, set)) and np.size(got) == case.n_samples > 1:
        raise _Wrong(f"for {case.label} it returns one loss per sample; return their mean, one number.")
    return _as_number(got, case.label, "one number, the mean loss", finite=False)


def _not_finite_for(kind):
    return lambda got, case: case.kind == kind and not np.isfinite(got)


def _not_a_number(got, case):
    return f"for {case.label} it gives {'NaN (not a number)' if np.isnan(got) else got}: {_NAN}."


check_cross_entropy_from_logits = Exercise(
    "14.2", ("Z", "Y"), "the mean cross-entropy of softmax(Z) against one-hot Y, a float, from the logits",
    "Your loss from the logits matches the log-sum-exp reference", _logits_cases, read=_as_loss,
    about="\n\nThe reference is the mean over the columns of m + log(sum(exp(z - m))) - z_c, m the column's "
          "largest entry and c its class.",
    slips=[
        (_not_finite_for("overflows"), "for {label} it gives {got}: np.exp overflows above about 709; subtract each "
                                       "column's largest entry m first and add it back, log sum e^z = m + log sum "
                                       "e^(z - m)."),
        (_not_finite_for("far apart"), "for {label} it gives {got}: it subtracts the largest entry of the whole "
                                       "array, so every exp of a column far below it underflows to 0; use each "
                                       "column's own largest entry, Z.max(axis=0, keepdims=True)."),
        (_not_finite_for("underflows"), "for {label} it gives {got}: the right class's probability, e^-800, "
                                        "underflows to 0 before its logarithm is taken; never form the probability, "
                                        "-log y_hat_c = m + log sum e^(z - m) - z_c."),
        (lambda got, case: not np.isfinite(got), _not_a_number),
        (_is("clamped"), "for {label} it gives {got:.6g}, the loss of clamped probabilities: the right class's "
                         "probability underflows to 0; compute -log y_hat_c from the logits, m + log sum e^(z - m) - z_c."),
        (_is("no_max_back"), "for {label} it forgets to add the largest entry back: log sum e^z = m + log sum e^(z - m)."),
        (_is("summed"), "for {label} it sums the losses over the samples; the loss is their mean."),
        (_is("negative"), "for {label} it has the wrong sign: -log y_hat_c = log sum e^z - z_c is never negative."),
        (_is("log10"), "for {label} it uses the logarithm to base 10; use the natural logarithm, np.log."),
        (_is("by_row"), "for {label} it sums the exponentials over each row, across the samples; a column is one "
                        "sample: sum over axis=0."),
    ],
    differs=lambda got, case: _gap(case.label, [("the loss", got, case.want)], verb="differs from the log-sum-exp reference"),
    borrowed=("from the logits, with np.exp, np.log and each column's largest entry", ("softmax", "cross_entropy_loss"), ()),
)
