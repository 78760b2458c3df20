"""A multi-layer perceptron from scratch in numpy: all the maths of the book, in one place.

Every array is laid out features x samples: each column is one sample. A layer computes
``Z = W @ A + b`` (``b`` broadcast across the columns) and, if it is hidden, ``A = leaky_relu(Z)``;
the output layer is linear. Every chapter imports what it computes from here.
"""

import numbers

import numpy as np

LEARNING_RATE = 0.1
"""Step size of gradient descent used throughout the book."""

ALPHA = 0.01
"""Slope of Leaky ReLU for z <= 0."""

SEED = 4
"""The seed the book uses for its reproducible runs."""

X_TRAIN = np.array([[2.0, -1.0, 3.0]])
"""The three inputs of the original notebook, shape (1, 3): one feature, three samples."""

Y_TRAIN = np.array([[3.0, 1.0, 5.0]])
"""The three targets, shape (1, 3): one output, three samples."""

INIT_SCALE = 0.1
"""Initial weights are standard-normal draws times this factor."""


class TrainingDiverged(RuntimeError):
    """Training stopped because the loss stopped being finite.

    Attributes
    ----------
    epoch : int
        The (0-based) epoch whose loss was not finite.
    learning_rate : float
        The learning rate of the run.
    losses : ndarray of shape (epoch,)
        The finite losses of the epochs before it.
    """

    def __init__(self, epoch, learning_rate, losses):
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.losses = losses
        super().__init__(
            f"Training diverged at epoch {epoch}: the loss is no longer finite. "
            f"The learning rate {learning_rate:g} is too large for this network and data; "
            "try a smaller one. The network was left as it was before train() was called."
        )


# ---------------------------------------------------------------------------------------------
# Checks at the public boundary: each raises with a sentence naming the argument.


def _check_real(name, value, *, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number; got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be greater than 0; got {value!r}.")
    return float(value)


def _check_count(name, value, *, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer; got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value!r}.")
    return int(value)


def _check_matrix(
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
        hint = (
            " A single feature is a row: use .reshape(1, -1)."
            if columns == "sample"
            else ""
        )
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


def _check_like(name, arrays, shapes, rows="unit", columns="sample", layout=None):
    """Return ``arrays`` as float64 arrays with exactly the given ``shapes``, or raise."""
    if not isinstance(arrays, (list, tuple)) or len(arrays) != len(shapes):
        raise TypeError(
            f"{name} must be a list of {len(shapes)} arrays, one per layer; "
            f"got {type(arrays).__name__}"
            + (f" of {len(arrays)}." if isinstance(arrays, (list, tuple)) else ".")
        )
    return [
        _check_matrix(
            f"{name}[{i}]", array, *shape, rows=rows, columns=columns, layout=layout
        )
        for i, (array, shape) in enumerate(zip(arrays, shapes))
    ]


# ---------------------------------------------------------------------------------------------
# The activation and the loss.


def leaky_relu(z, alpha=ALPHA):
    """Leaky ReLU, element-wise: ``z`` where z > 0, else ``alpha * z``.

    Parameters
    ----------
    z : float or ndarray of any shape
    alpha : float
        Slope for z <= 0.

    Returns
    -------
    ndarray of the same shape as ``z``, float64.
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=ALPHA):
    """Derivative of Leaky ReLU, element-wise: 1 where z > 0, else ``alpha`` (z = 0 included).

    Parameters
    ----------
    z : float or ndarray of any shape
    alpha : float

    Returns
    -------
    ndarray of the same shape as ``z``, float64.
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, alpha)


def _mse(Y, Y_hat):
    return float(np.sum((Y - Y_hat) ** 2) / (2 * Y.shape[1]))


def mse_loss(Y, Y_hat):
    """Mean squared error with a half: ``1/(2N) * sum((Y - Y_hat)**2)``, N = number of samples.

    Parameters
    ----------
    Y : ndarray of shape (n_outputs, n_samples)
        Targets.
    Y_hat : ndarray of shape (n_outputs, n_samples)
        Predictions.

    Returns
    -------
    float
    """
    Y = _check_matrix("Y", Y, rows="output")
    Y_hat = _check_matrix("Y_hat", Y_hat, *Y.shape, rows="output")
    return _mse(Y, Y_hat)


# ---------------------------------------------------------------------------------------------
# The network.


class NeuralNetwork:
    """A fully connected network: Leaky ReLU hidden layers, a linear output layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first and output last, e.g. ``[1, 4, 3, 1]``.
    alpha : float
        Leaky ReLU slope for z <= 0.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same weights.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[i]`` has shape (layer_sizes[i+1], layer_sizes[i]): standard-normal draws times 0.1.
    biases : list of ndarray
        ``biases[i]`` has shape (layer_sizes[i+1], 1): zeros.
    """

    def __init__(self, layer_sizes, alpha=ALPHA, seed=None):
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(
            layer_sizes, (list, tuple, np.ndarray)
        ):
            raise TypeError(
                f"layer_sizes must be a list of integers such as [1, 4, 3, 1]; got {layer_sizes!r}."
            )
        if len(layer_sizes) < 2:
            raise ValueError(
                f"layer_sizes must list at least two layers (input and output); got {list(layer_sizes)!r}."
            )
        sizes = [
            _check_count(f"layer_sizes[{i}]", n, minimum=1)
            for i, n in enumerate(layer_sizes)
        ]
        if seed is not None:
            seed = _check_count("seed", seed, minimum=0)
        self.layer_sizes = sizes
        self.alpha = _check_real("alpha", alpha)
        rng = np.random.default_rng(seed)
        self.weights = [
            rng.standard_normal((n_out, n_in)) * INIT_SCALE
            for n_in, n_out in self._layer_pairs()
        ]
        self.biases = [np.zeros((n_out, 1)) for _, n_out in self._layer_pairs()]

    def __repr__(self):
        return f"NeuralNetwork(layer_sizes={self.layer_sizes}, alpha={self.alpha:g})"

    def _layer_pairs(self):
        return list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    @property
    def n_parameters(self):
        """Number of weights and biases together."""
        return sum(n_out * (n_in + 1) for n_in, n_out in self._layer_pairs())

    def _check_parameters(self):
        """Raise if weights or biases assigned by hand lost the shapes the network was built with."""
        pairs = self._layer_pairs()
        _check_like(
            "weights",
            self.weights,
            [(n_out, n_in) for n_in, n_out in pairs],
            columns="unit of the layer before",
        )
        _check_like(
            "biases",
            self.biases,
            [(n_out, 1) for _, n_out in pairs],
            layout="a column with one row per unit",
        )

    def _check_data(self, X, Y=None):
        self._check_parameters()
        X = _check_matrix("X", X, n_rows=self.layer_sizes[0], rows="input feature")
        if Y is None:
            return X
        return X, _check_matrix("Y", Y, self.layer_sizes[-1], X.shape[1], rows="output")

    # -- forward ------------------------------------------------------------------------------

    def _forward(self, X):
        activations, zs = [X], []
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = W @ activations[-1] + b
            zs.append(Z)
            activations.append(Z if i == last else leaky_relu(Z, self.alpha))
        return activations, zs

    def forward_pass(self, X):
        """Run ``X`` through every layer, keeping what backpropagation needs.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)

        Returns
        -------
        activations : list of ndarray
            ``activations[0]`` is X; ``activations[i]`` has shape (layer_sizes[i], n_samples).
            The last one is the prediction.
        zs : list of ndarray
            Pre-activations; ``zs[i]`` has shape (layer_sizes[i+1], n_samples).
        """
        return self._forward(self._check_data(X))

    def predict(self, X):
        """The output layer's values for ``X``.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)

        Returns
        -------
        ndarray of shape (layer_sizes[-1], n_samples)
        """
        return self._forward(self._check_data(X))[0][-1]

    def compute_loss(self, Y, Y_hat):
        """The MSE loss of predictions ``Y_hat`` against targets ``Y`` (see :func:`mse_loss`).

        Parameters
        ----------
        Y, Y_hat : ndarray of shape (layer_sizes[-1], n_samples)

        Returns
        -------
        float
        """
        Y = _check_matrix("Y", Y, n_rows=self.layer_sizes[-1], rows="output")
        return mse_loss(Y, Y_hat)

    # -- backward -----------------------------------------------------------------------------

    def _backward(self, activations, zs, Y):
        n_samples = Y.shape[1]
        dW, dB = [None] * len(self.weights), [None] * len(self.biases)
        dZ = activations[-1] - Y  # the output layer is linear
        for i in reversed(range(len(self.weights))):
            dW[i] = dZ @ activations[i].T / n_samples
            dB[i] = np.mean(dZ, axis=1, keepdims=True)
            if i > 0:
                dA_prev = self.weights[i].T @ dZ
                dZ = dA_prev * leaky_relu_derivative(zs[i - 1], self.alpha)
        return dW, dB

    def backward_pass(self, activations, zs, Y):
        """Gradients of the loss with respect to every weight and bias. Changes no parameter.

        Parameters
        ----------
        activations, zs : lists of ndarray
            As returned by :meth:`forward_pass`.
        Y : ndarray of shape (layer_sizes[-1], n_samples)

        Returns
        -------
        dW : list of ndarray, ``dW[i]`` shaped like ``weights[i]``
        dB : list of ndarray, ``dB[i]`` shaped like ``biases[i]``
        """
        self._check_parameters()
        if not isinstance(activations, (list, tuple)) or not activations:
            raise TypeError("activations must be the list that forward_pass returned.")
        n_samples = _check_matrix(
            "activations[0]",
            activations[0],
            n_rows=self.layer_sizes[0],
            rows="input feature",
        ).shape[1]
        shapes = [(n, n_samples) for n in self.layer_sizes]
        activations = _check_like("activations", activations, shapes)
        zs = _check_like("zs", zs, shapes[1:])
        Y = _check_matrix("Y", Y, self.layer_sizes[-1], n_samples, rows="output")
        return self._backward(activations, zs, Y)

    # -- update and training ------------------------------------------------------------------

    def _update(self, dW, dB, learning_rate):
        self.weights = [W - learning_rate * g for W, g in zip(self.weights, dW)]
        self.biases = [b - learning_rate * g for b, g in zip(self.biases, dB)]

    def update(self, dW, dB, learning_rate):
        """One gradient-descent step on every layer: ``W -= learning_rate * dW``, ``b -= learning_rate * dB``.

        Parameters
        ----------
        dW, dB : lists of ndarray shaped like ``weights`` and ``biases``
        learning_rate : float, > 0
        """
        self._check_parameters()
        learning_rate = _check_real("learning_rate", learning_rate, positive=True)
        dW = _check_like(
            "dW",
            dW,
            [W.shape for W in self.weights],
            columns="unit of the layer before",
        )
        dB = _check_like(
            "dB",
            dB,
            [b.shape for b in self.biases],
            layout="a column with one row per unit",
        )
        self._update(dW, dB, learning_rate)

    def train(self, X, Y, epochs, learning_rate=LEARNING_RATE):
        """Full-batch gradient descent: each epoch a forward pass, the loss, a backward pass, an update.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)
        Y : ndarray of shape (layer_sizes[-1], n_samples)
        epochs : int, >= 0
        learning_rate : float, > 0

        Returns
        -------
        losses : ndarray of shape (epochs,)
            The loss of each epoch, measured before that epoch's update.

        Raises
        ------
        TrainingDiverged
            As soon as the loss stops being finite; the network is then left as it was.
        """
        X, Y = self._check_data(X, Y)
        epochs = _check_count("epochs", epochs, minimum=0)
        learning_rate = _check_real("learning_rate", learning_rate, positive=True)
        start = (self.weights, self.biases)
        losses = np.empty(epochs)
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                activations, zs = self._forward(X)
                losses[epoch] = _mse(Y, activations[-1])
                if not np.isfinite(losses[epoch]):
                    self.weights, self.biases = start
                    raise TrainingDiverged(epoch, learning_rate, losses[:epoch].copy())
                self._update(*self._backward(activations, zs, Y), learning_rate)
        return losses


# ---------------------------------------------------------------------------------------------
# Checking gradients numerically.


def relative_error(a, b):
    """Element-wise ``|a - b| / (|a| + |b|)``, taken as 0 where both are 0.

    Parameters
    ----------
    a, b : ndarray of the same shape

    Returns
    -------
    ndarray of that shape
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.abs(a) + np.abs(b)
    return np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)


def numerical_gradients(network, X, Y, eps=1e-6):
    """Gradients by centred differences, ``(L(p + eps) - L(p - eps)) / (2 eps)``, one parameter at a time.

    Parameters
    ----------
    network : NeuralNetwork
        Left unchanged.
    X : ndarray of shape (layer_sizes[0], n_samples)
    Y : ndarray of shape (layer_sizes[-1], n_samples)
    eps : float, > 0

    Returns
    -------
    dW, dB : lists of ndarray shaped like ``network.weights`` and ``network.biases``
    """
    X, Y = network._check_data(X, Y)
    eps = _check_real("eps", eps, positive=True)
    return _numerical_gradients(network, X, Y, eps)


def _numerical_gradients(network, X, Y, eps):
    # Perturb float64 copies, so that integer weights assigned by hand are not truncated and the
    # caller's arrays are never touched; the originals are put back whatever happens.
    originals = network.weights, network.biases
    network.weights = [np.array(W, dtype=np.float64) for W in network.weights]
    network.biases = [np.array(b, dtype=np.float64) for b in network.biases]
    try:
        gradients = []
        for parameter in network.weights + network.biases:
            gradient = np.zeros_like(parameter)
            for index in np.ndindex(parameter.shape):
                original = parameter[index]
                parameter[index] = original + eps
                loss_plus = _mse(Y, network._forward(X)[0][-1])
                parameter[index] = original - eps
                loss_minus = _mse(Y, network._forward(X)[0][-1])
                parameter[index] = original
                gradient[index] = (loss_plus - loss_minus) / (2 * eps)
            gradients.append(gradient)
    finally:
        network.weights, network.biases = originals
    n_layers = len(network.weights)
    return gradients[:n_layers], gradients[n_layers:]


def gradient_check(network, X, Y, eps=1e-6):
    """The largest relative error between backpropagation's gradients and centred differences.

    Parameters
    ----------
    network : NeuralNetwork
        Left unchanged.
    X : ndarray of shape (layer_sizes[0], n_samples)
    Y : ndarray of shape (layer_sizes[-1], n_samples)
    eps : float, > 0

    Returns
    -------
    float
        About 1e-7 or below means backpropagation agrees with the numbers in float64. Rounding
        alone can lift it towards 1e-5 when some gradient entries are tiny (units scaled by
        alpha); the loss is exactly quadratic in one parameter between kinks, so a larger
        ``eps`` such as 1e-4 then shows the agreement (chapter 10).
    """
    X, Y = network._check_data(X, Y)
    eps = _check_real("eps", eps, positive=True)
    activations, zs = network._forward(X)
    backprop = network._backward(activations, zs, Y)
    numeric = _numerical_gradients(network, X, Y, eps)
    errors = [
        relative_error(a, n).max()
        for a_list, n_list in zip(backprop, numeric)
        for a, n in zip(a_list, n_list)
    ]
    return float(max(errors))
