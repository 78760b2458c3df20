"""Argument checks for mlp_core, kept apart so that mlp_core.py reads as the maths.

``@checked(check)`` above a public function of mlp_core names the check its arguments go
through. When the function is called from outside, ``check`` receives the arguments by name and
returns them, converted (arrays become float64), or raises ``ValueError`` / ``TypeError`` with a
sentence that names the argument, says what was expected and what was given. Nothing is changed
before the checks pass, so a call that fails leaves the network as it was. Calls made from inside
a checked call (``train`` calling ``forward_pass``, ``gradient_check`` calling ``backward_pass``)
trust their arguments: everything is checked once, at the boundary.
"""

import contextvars
import functools
import inspect
import numbers

import numpy as np

_inside_checked_call = contextvars.ContextVar("inside_checked_call", default=False)


def checked(check):
    """Decorator: run ``check`` on the function's arguments at the outermost call, then the function.

    ``check`` takes the function's parameters by name and returns them, converted, as a dict.
    """

    def decorate(function):
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
                return function(**arguments)
            finally:
                _inside_checked_call.reset(token)

        return checked_function

    return decorate


# ---------------------------------------------------------------------------------------------
# The checks, in the order of mlp_core. Each returns the arguments, converted, as a dict.


def check_mse_loss(Y, Y_hat):
    """``mse_loss``: two arrays of the same shape, one row per output."""
    Y = as_matrix("Y", Y, rows="output")
    return dict(Y=Y, Y_hat=as_matrix("Y_hat", Y_hat, *Y.shape, rows="output"))


def check_new_network(self, layer_sizes, alpha, seed, weight_scale, output):
    """``NeuralNetwork(...)``: at least two layer sizes of one unit or more, and the settings."""
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
        as_integer(f"layer_sizes[{i}]", n, minimum=1) for i, n in enumerate(layer_sizes)
    ]
    if seed is not None:
        seed = as_integer("seed", seed, minimum=0)
    if weight_scale != "he":
        if isinstance(weight_scale, str):
            raise ValueError(
                f'weight_scale must be a positive number or "he"; got {weight_scale!r}.'
            )
        weight_scale = as_real_number("weight_scale", weight_scale, positive=True)
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
        alpha=as_real_number("alpha", alpha),
        seed=seed,
        weight_scale=weight_scale,
        output=output,
    )


def check_inputs(self, X):
    """``forward_pass`` and ``predict``: the network's parameters, and X for its input layer."""
    return dict(self=self, X=as_inputs(self, X))


def check_compute_loss(self, Y, Y_hat):
    """``compute_loss``: targets and predictions for the network's output layer."""
    if self.output == "softmax":
        Y = as_matrix("Y", Y, n_rows=self.layer_sizes[-1], rows="class")
        return check_cross_entropy_loss(Y, Y_hat) | dict(self=self)
    Y = as_matrix("Y", Y, n_rows=self.layer_sizes[-1], rows="output")
    return dict(
        self=self, Y=Y, Y_hat=as_matrix("Y_hat", Y_hat, *Y.shape, rows="output")
    )


def check_backward_pass(self, activations, zs, Y):
    """``backward_pass``: what ``forward_pass`` returned, and targets for as many samples."""
    require_valid_parameters(self)
    if not isinstance(activations, (list, tuple)) or not activations:
        raise TypeError("activations must be the list that forward_pass returned.")
    n_samples = as_matrix(
        "activations[0]",
        activations[0],
        n_rows=self.layer_sizes[0],
        rows="input feature",
    ).shape[1]
    shapes = [(n, n_samples) for n in self.layer_sizes]
    return dict(
        self=self,
        activations=as_matrices("activations", activations, shapes),
        zs=as_matrices("zs", zs, shapes[1:]),
        Y=as_matrix("Y", Y, self.layer_sizes[-1], n_samples, rows="output"),
    )


def check_update(self, dW, dB, learning_rate):
    """``update``: gradients shaped like the parameters, and a positive learning rate."""
    require_valid_parameters(self)
    learning_rate = as_real_number("learning_rate", learning_rate, positive=True)
    dW = as_matrices(
        "dW",
        dW,
        [W.shape for W in self.weights],
        columns="unit of the layer before",
    )
    dB = as_matrices("dB", dB, [b.shape for b in self.biases], layout=BIAS_LAYOUT)
    return dict(self=self, dW=dW, dB=dB, learning_rate=learning_rate)


def check_train(self, X, Y, epochs, learning_rate, batch_size, seed):
    """``train``: data for the network, and the counts and rate of the run."""
    X, Y = as_inputs_and_targets(self, X, Y)
    return dict(
        self=self,
        X=X,
        Y=Y,
        epochs=as_integer("epochs", epochs, minimum=0),
        learning_rate=as_real_number("learning_rate", learning_rate, positive=True),
        batch_size=None
        if batch_size is None
        else as_integer("batch_size", batch_size, minimum=1),
        seed=None if seed is None else as_integer("seed", seed, minimum=0),
    )


def check_finite_differences(network, X, Y, eps):
    """``numerical_gradients`` and ``gradient_check``: data for the network, a positive step."""
    X, Y = as_inputs_and_targets(network, X, Y)
    return dict(
        network=network, X=X, Y=Y, eps=as_real_number("eps", eps, positive=True)
    )


def check_cross_entropy_loss(Y, Y_hat):
    """``cross_entropy_loss``: two arrays of the same shape whose columns are distributions."""
    Y = as_matrix("Y", Y, rows="class")
    require_distributions("Y", Y)
    Y_hat = as_matrix("Y_hat", Y_hat, *Y.shape, rows="class")
    require_distributions("Y_hat", Y_hat)
    return dict(Y=Y, Y_hat=Y_hat)


# ---------------------------------------------------------------------------------------------
# What the checks are made of: ``as_*`` return the value converted, ``require_*`` return None.

BIAS_LAYOUT = "a column with one row per unit"
OUTPUTS = ("linear", "softmax")


def as_real_number(name, value, *, positive=False):
    """``value`` as a finite float (greater than 0 if ``positive``), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number; got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be greater than 0; got {value!r}.")
    return float(value)


def as_integer(name, value, *, minimum):
    """``value`` as an int of at least ``minimum``, or raise (a bool or a float is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer; got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value!r}.")
    return int(value)


def as_matrix(
    name, value, n_rows=None, n_cols=None, rows="unit", columns="sample", layout=None
):
    """``value`` as a finite float64 array of shape (n_rows, n_cols), or raise.

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


def as_matrices(name, arrays, shapes, rows="unit", columns="sample", layout=None):
    """A list of one :func:`as_matrix` per layer, with exactly the given ``shapes``, or raise."""
    if not isinstance(arrays, (list, tuple)) or len(arrays) != len(shapes):
        raise TypeError(
            f"{name} must be a list of {len(shapes)} arrays, one per layer; "
            f"got {type(arrays).__name__}"
            + (f" of {len(arrays)}." if isinstance(arrays, (list, tuple)) else ".")
        )
    return [
        as_matrix(
            f"{name}[{i}]", array, *shape, rows=rows, columns=columns, layout=layout
        )
        for i, (array, shape) in enumerate(zip(arrays, shapes))
    ]


def require_valid_parameters(network):
    """Raise if weights or biases assigned by hand lost the shapes the network was built with,
    or hold a NaN or an infinity."""
    pairs = list(zip(network.layer_sizes[:-1], network.layer_sizes[1:]))
    as_matrices(
        "weights",
        network.weights,
        [(n_out, n_in) for n_in, n_out in pairs],
        columns="unit of the layer before",
    )
    as_matrices(
        "biases", network.biases, [(n_out, 1) for _, n_out in pairs], layout=BIAS_LAYOUT
    )


def require_distributions(name, array):
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


def as_inputs(network, X):
    """The network's parameters checked, then ``X`` as inputs for its first layer."""
    require_valid_parameters(network)
    return as_matrix("X", X, n_rows=network.layer_sizes[0], rows="input feature")


def as_inputs_and_targets(network, X, Y):
    """``X`` as by :func:`as_inputs`, and ``Y`` as targets for the same samples: one row per
    output, or for a softmax output one probability distribution per column."""
    X = as_inputs(network, X)
    if network.output == "softmax":
        Y = as_matrix("Y", Y, network.layer_sizes[-1], X.shape[1], rows="class")
        require_distributions("Y", Y)
        return X, Y
    return X, as_matrix("Y", Y, network.layer_sizes[-1], X.shape[1], rows="output")
