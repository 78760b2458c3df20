"""Argument checks for mlp_core, kept apart so that mlp_core.py reads as the maths.

``checked`` wraps a public function of mlp_core. When it is called from outside, the function of
the same name here (``check_train`` for ``train``, ``check_init`` for ``__init__``) checks its
arguments and returns them as float64 arrays, or raises ``ValueError`` / ``TypeError`` with a
sentence that names the argument, says what was expected and what was given. Nothing is changed
before the checks pass, so a call that fails leaves the network as it was. Calls made from inside a
checked call (``train`` calling ``forward_pass``, ``gradient_check`` calling ``backward_pass``)
trust their arguments: everything is checked once, at the boundary.

Two promises need more than checks, and are kept here too, by the context managers in
``PROTECTIONS``:

- ``train`` puts the network's parameters back as they were when it raises (``TrainingDiverged``
  or anything else), whether updates build new arrays or change them in place; numpy's overflow
  warnings are silenced while it runs, since divergence is reported by ``TrainingDiverged``.
- ``numerical_gradients`` and ``gradient_check`` nudge float64 copies of the parameters, so that
  integer weights assigned by hand are not truncated and the caller's arrays are never touched.
"""

import contextlib
import contextvars
import functools
import inspect
import numbers

import numpy as np

_inside_checked_call = contextvars.ContextVar("inside_checked_call", default=False)


def checked(function):
    """Check ``function``'s arguments with ``check_<name>`` at the outermost call, then run it."""
    name = function.__name__.strip("_")
    check = globals()[f"check_{name}"]
    protect = PROTECTIONS.get(name, contextlib.nullcontext)
    signature = inspect.signature(function)

    @functools.wraps(function)
    def checked_function(*args, **kwargs):
        if _inside_checked_call.get():
            return function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = check(**bound.arguments)
        token = _inside_checked_call.set(True)
        try:
            with protect(arguments):
                return function(**arguments)
        finally:
            _inside_checked_call.reset(token)

    return checked_function


# ---------------------------------------------------------------------------------------------
# One check per public function: each returns the arguments, converted, as a dict.


def check_init(self, layer_sizes, alpha, seed, weight_scale, output):
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(
        layer_sizes, (list, tuple, np.ndarray)
    ):
        raise TypeError(
            f"layer_sizes must be a list of integers such as [1, 4, 3, 1]; got {layer_sizes!r}."
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            "layer_sizes must list at least two layers (input and output); "
            f"got {list(layer_sizes)!r}."
        )
    sizes = [
        count(f"layer_sizes[{i}]", n, minimum=1) for i, n in enumerate(layer_sizes)
    ]
    if seed is not None:
        seed = count("seed", seed, minimum=0)
    if weight_scale != "he":
        if isinstance(weight_scale, str):
            raise ValueError(
                f'weight_scale must be a positive number or "he"; got {weight_scale!r}.'
            )
        weight_scale = real("weight_scale", weight_scale, positive=True)
    if output not in OUTPUTS:
        raise ValueError(
            f"output must be one of {', '.join(map(repr, OUTPUTS))}; got {output!r}."
        )
    if output == "softmax" and sizes[-1] < 2:
        raise ValueError(
            "a softmax output needs at least two units, one per class; "
            f"got layer_sizes[-1] = {sizes[-1]}."
        )
    return dict(
        self=self,
        layer_sizes=sizes,
        alpha=real("alpha", alpha),
        seed=seed,
        weight_scale=weight_scale,
        output=output,
    )


def check_mse_loss(Y, Y_hat):
    Y = matrix("Y", Y, rows="output")
    return dict(Y=Y, Y_hat=matrix("Y_hat", Y_hat, *Y.shape, rows="output"))


def check_forward_pass(self, X):
    return dict(self=self, X=data(self, X))


def check_cross_entropy_loss(Y, Y_hat):
    Y = distributions("Y", matrix("Y", Y, rows="class"))
    Y_hat = distributions("Y_hat", matrix("Y_hat", Y_hat, *Y.shape, rows="class"))
    return dict(Y=Y, Y_hat=Y_hat)


check_predict = check_forward_pass


def check_compute_loss(self, Y, Y_hat):
    if self.output == "softmax":
        Y = matrix("Y", Y, n_rows=self.layer_sizes[-1], rows="class")
        return check_cross_entropy_loss(Y, Y_hat) | dict(self=self)
    Y = matrix("Y", Y, n_rows=self.layer_sizes[-1], rows="output")
    return dict(self=self, Y=Y, Y_hat=matrix("Y_hat", Y_hat, *Y.shape, rows="output"))


def check_backward_pass(self, activations, zs, Y):
    parameters(self)
    if not isinstance(activations, (list, tuple)) or not activations:
        raise TypeError("activations must be the list that forward_pass returned.")
    n_samples = matrix(
        "activations[0]",
        activations[0],
        n_rows=self.layer_sizes[0],
        rows="input feature",
    ).shape[1]
    shapes = [(n, n_samples) for n in self.layer_sizes]
    return dict(
        self=self,
        activations=like("activations", activations, shapes),
        zs=like("zs", zs, shapes[1:]),
        Y=matrix("Y", Y, self.layer_sizes[-1], n_samples, rows="output"),
    )


def check_update(self, dW, dB, learning_rate):
    parameters(self)
    learning_rate = real("learning_rate", learning_rate, positive=True)
    dW = like(
        "dW",
        dW,
        [W.shape for W in self.weights],
        columns="unit of the layer before",
    )
    dB = like("dB", dB, [b.shape for b in self.biases], layout=BIAS_LAYOUT)
    return dict(self=self, dW=dW, dB=dB, learning_rate=learning_rate)


def check_train(self, X, Y, epochs, learning_rate, batch_size, seed):
    X, Y = data(self, X, Y)
    return dict(
        self=self,
        X=X,
        Y=Y,
        epochs=count("epochs", epochs, minimum=0),
        learning_rate=real("learning_rate", learning_rate, positive=True),
        batch_size=None
        if batch_size is None
        else count("batch_size", batch_size, minimum=1),
        seed=None if seed is None else count("seed", seed, minimum=0),
    )


def check_numerical_gradients(network, X, Y, eps):
    X, Y = data(network, X, Y)
    return dict(network=network, X=X, Y=Y, eps=real("eps", eps, positive=True))


check_gradient_check = check_numerical_gradients


# ---------------------------------------------------------------------------------------------
# What the checks are made of.

BIAS_LAYOUT = "a column with one row per unit"
OUTPUTS = ("linear", "softmax")


def real(name, value, *, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number; got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be greater than 0; got {value!r}.")
    return float(value)


def count(name, value, *, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer; got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value!r}.")
    return int(value)


def matrix(
    name, value, n_rows=None, n_cols=None, rows="unit", columns="sample", layout=None
):
    """Return ``value`` as a finite float64 array of shape (n_rows, n_cols), or raise.

    ``rows`` and ``columns`` say what one row and one column stand for (or ``layout`` says it
    whole), for the messages.
    """
    layout = layout or f"one row per {rows} and one column per {columns}"
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers; got an array of dtype {array.dtype}."
        )
    if array.ndim != 2:
        if layout == BIAS_LAYOUT:
            hint = " A bias is a column: use .reshape(-1, 1)."
        elif columns == "sample":
            hint = " A single feature is a row: use .reshape(1, -1)."
        else:
            hint = ""
        raise ValueError(
            f"{name} must be 2-D, {layout}; got shape {array.shape}.{hint}"
        )
    if array.shape[1] < 1:
        raise ValueError(
            f"{name} must hold at least one {columns} (column); got shape {array.shape}."
        )
    if n_rows is not None and n_cols is not None and array.shape != (n_rows, n_cols):
        raise ValueError(
            f"{name} must have shape ({n_rows}, {n_cols}), {layout}; got shape {array.shape}."
        )
    if n_rows is not None and array.shape[0] != n_rows:
        raise ValueError(
            f"{name} must have {n_rows} row(s), one per {rows}; got shape {array.shape}."
        )
    if n_cols is not None and array.shape[1] != n_cols:
        raise ValueError(
            f"{name} must have {n_cols} column(s), one per {columns}; got shape {array.shape}."
        )
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} must hold only finite numbers; it contains NaN or infinity."
        )
    return array


def like(name, arrays, shapes, rows="unit", columns="sample", layout=None):
    """Return ``arrays`` as float64 arrays with exactly the given ``shapes``, or raise."""
    if not isinstance(arrays, (list, tuple)) or len(arrays) != len(shapes):
        raise TypeError(
            f"{name} must be a list of {len(shapes)} arrays, one per layer; "
            f"got {type(arrays).__name__}"
            + (f" of {len(arrays)}." if isinstance(arrays, (list, tuple)) else ".")
        )
    return [
        matrix(f"{name}[{i}]", array, *shape, rows=rows, columns=columns, layout=layout)
        for i, (array, shape) in enumerate(zip(arrays, shapes))
    ]


def parameters(network):
    """Raise if weights or biases assigned by hand lost the shapes the network was built with."""
    pairs = list(zip(network.layer_sizes[:-1], network.layer_sizes[1:]))
    like(
        "weights",
        network.weights,
        [(n_out, n_in) for n_in, n_out in pairs],
        columns="unit of the layer before",
    )
    like(
        "biases", network.biases, [(n_out, 1) for _, n_out in pairs], layout=BIAS_LAYOUT
    )


def distributions(name, array):
    """Raise unless every column of ``array`` is a probability distribution."""
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(
            f"{name} must hold probabilities, between 0 and 1; "
            f"got values from {array.min():g} to {array.max():g}."
        )
    sums = array.sum(axis=0)
    wrong = np.flatnonzero(np.abs(sums - 1) > 1e-6)
    if wrong.size:
        raise ValueError(
            f"each column of {name} must sum to 1, one probability per class; "
            f"column {wrong[0]} sums to {sums[wrong[0]]:g}."
        )
    return array


def data(network, X, Y=None):
    """Check the network's parameters, then ``X`` (and ``Y``) against its layer sizes."""
    parameters(network)
    X = matrix("X", X, n_rows=network.layer_sizes[0], rows="input feature")
    if Y is None:
        return X
    if network.output == "softmax":
        Y = matrix("Y", Y, network.layer_sizes[-1], X.shape[1], rows="class")
        return X, distributions("Y", Y)
    return X, matrix("Y", Y, network.layer_sizes[-1], X.shape[1], rows="output")


# ---------------------------------------------------------------------------------------------
# The two promises that need more than checks.


@contextlib.contextmanager
def restored_on_failure(arguments):
    """Put the network's parameters back if the call raises; silence numpy's overflow warnings."""
    network = arguments["self"]
    weights = [W.copy() for W in network.weights]
    biases = [b.copy() for b in network.biases]
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            yield
    except BaseException:
        network.weights, network.biases = weights, biases
        raise


@contextlib.contextmanager
def nudged_in_float_copies(arguments):
    """Give the network float64 copies of its parameters for the call; restore the originals."""
    network = arguments["network"]
    originals = network.weights, network.biases
    network.weights = [np.array(W, dtype=np.float64) for W in network.weights]
    network.biases = [np.array(b, dtype=np.float64) for b in network.biases]
    try:
        yield
    finally:
        network.weights, network.biases = originals


PROTECTIONS = {
    "train": restored_on_failure,
    "numerical_gradients": nudged_in_float_copies,
    "gradient_check": nudged_in_float_copies,
}
