"""A multi-layer perceptron from scratch in numpy: all the maths of the book, in one place.

Every array is laid out features x samples: each column is one sample. Layer l computes
``Z = W @ A_prev + b`` (``b`` broadcast across the columns) and, if it is hidden,
``A = leaky_relu(Z)``; the output layer is linear. The module reads in the book's order: Part I
chapter by chapter (the constants, the data, Leaky ReLU, the loss, the network from its
initialisation to its training, gradient checking), then what Part II adds (the He scale, softmax
with cross-entropy, minibatches). Every chapter imports what it computes from here.

A function marked ``@checked(check_...)`` has its arguments checked by that function of
``_mlp_checks.py``, once, when it is called from outside: a wrong shape, a NaN or a non-positive
learning rate raises ``ValueError`` or ``TypeError`` with a sentence saying what was expected, and
the network is left unchanged. Inside, the maths trusts its data.
"""

import numpy as np

from _mlp_checks import (
    check_backward_pass,
    check_compute_loss,
    check_cross_entropy_loss,
    check_finite_differences,
    check_inputs,
    check_mse_loss,
    check_new_network,
    check_train,
    check_update,
    checked,
)

# ---------------------------------------------------------------------------------------------
# Chapter 2: the constants.

LEARNING_RATE = 0.1
"""Step size of gradient descent used throughout the book."""

ALPHA = 0.01
"""Slope of Leaky ReLU for z <= 0."""

SEED = 4
"""The seed the book uses for its reproducible runs."""

INIT_SCALE = 0.1
"""Initial weights are standard-normal draws times this factor."""

# ---------------------------------------------------------------------------------------------
# Chapter 3: the data.

X_TRAIN = np.array([[2.0, -1.0, 3.0]])
"""The book's three inputs, shape (1, 3): one feature, three samples."""

Y_TRAIN = np.array([[3.0, 1.0, 5.0]])
"""The three targets, shape (1, 3): one output, three samples."""


# ---------------------------------------------------------------------------------------------
# Chapter 4: Leaky ReLU.


def leaky_relu(z, alpha=ALPHA):
    """Leaky ReLU, element-wise: ``z`` where z > 0, else ``alpha * z``.

    For a slope alpha <= 1 (the book's are between 0 and 1) that is the larger of ``z`` and
    ``alpha * z``: where z > 0 the line ``alpha * z`` lies below ``z``, where z < 0 above it.
    A slope above 1 puts the line on the other side, so the smaller of the two is taken. Either
    way the result is the definition above, bit for bit, for every finite z (0 and -0 included).

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
    if alpha <= 1:
        return np.maximum(z, alpha * z)
    return np.minimum(z, alpha * z)


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
    return 1.0 * (z > 0) + alpha * (z <= 0)  # 1 where z > 0, alpha where z <= 0


# ---------------------------------------------------------------------------------------------
# Chapter 7: the loss. Chapter 9: the error train raises when the loss stops being finite.
# Both come before the network of chapters 5 to 9, which uses them.


@checked(check_mse_loss)
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
    n_samples = Y.shape[1]
    return float(np.sum((Y - Y_hat) ** 2) / (2 * n_samples))


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
        self.losses = np.array(losses)
        super().__init__(
            f"Training diverged at epoch {epoch}: the loss is no longer finite. "
            f"With learning rate {learning_rate:g} the steps grew instead of settling: try a "
            "smaller learning rate (or, for a deep network, smaller initial weights). The "
            "network was left as it was before train() was called."
        )


# ---------------------------------------------------------------------------------------------
# Chapters 5 to 9: the network. Its initialisation (5), forward pass (6), loss (7), backward
# pass (8), update and training (9).


class NeuralNetwork:
    """A fully connected network: Leaky ReLU hidden layers, a linear or softmax output layer.

    The book numbers layers from 1 to L; in code, layer l's parameters are ``weights[l - 1]``
    and ``biases[l - 1]``, its pre-activation is ``zs[l - 1]`` and its output ``activations[l]``.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first and output last, e.g. ``[1, 4, 3, 1]``.
    alpha : float
        Leaky ReLU slope for z <= 0.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same weights.
    weight_scale : float > 0, or "he"
        Initial weights are standard-normal draws times this factor. ``"he"`` scales layer l's
        draws by ``he_scale(layer_sizes[l - 1], alpha)`` instead; the draws themselves are the
        same for a seed.
    output : "linear" or "softmax"
        The output layer: linear with the MSE loss (regression), or softmax with the
        cross-entropy loss (classification, one row per class).

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l - 1]`` has shape (layer_sizes[l], layer_sizes[l - 1]): standard-normal draws
        times ``weight_scale`` (by default ``INIT_SCALE``).
    biases : list of ndarray
        ``biases[l - 1]`` has shape (layer_sizes[l], 1): zeros.
    """

    @checked(check_new_network)
    def __init__(
        self,
        layer_sizes,
        alpha=ALPHA,
        seed=None,
        weight_scale=INIT_SCALE,
        output="linear",
    ):
        self.layer_sizes = list(layer_sizes)
        self.alpha = alpha
        self.weight_scale = weight_scale
        self.output = output
        rng = np.random.default_rng(seed)
        pairs = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))
        self.weights = [
            rng.standard_normal((n_out, n_in))
            * (he_scale(n_in, alpha) if weight_scale == "he" else weight_scale)
            for n_in, n_out in pairs
        ]
        self.biases = [np.zeros((n_out, 1)) for _, n_out in pairs]

    def __repr__(self):
        extra = "" if self.output == "linear" else f", output={self.output!r}"
        return f"NeuralNetwork(layer_sizes={self.layer_sizes}, alpha={self.alpha:g}{extra})"

    @property
    def n_parameters(self):
        """Number of weights and biases together."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    @checked(check_inputs)
    def forward_pass(self, X):
        """Run ``X`` through every layer, keeping what backpropagation needs.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)

        Returns
        -------
        activations : list of ndarray
            ``activations[0]`` is X; ``activations[l]`` has shape (layer_sizes[l], n_samples).
            The last one is the prediction.
        zs : list of ndarray
            Pre-activations; ``zs[l - 1]`` has shape (layer_sizes[l], n_samples).
        """
        L = len(self.weights)
        activations, zs = [X], []
        for l in range(1, L + 1):
            Z = self.weights[l - 1] @ activations[l - 1] + self.biases[l - 1]
            zs.append(Z)
            if l < L:
                activations.append(leaky_relu(Z, self.alpha))
            elif self.output == "softmax":
                activations.append(softmax(Z))
            else:
                activations.append(Z)  # a linear output layer
        return activations, zs

    @checked(check_inputs)
    def predict(self, X):
        """The output layer's values for ``X``.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)

        Returns
        -------
        ndarray of shape (layer_sizes[-1], n_samples)
            For a softmax output, the probability of each class (row) for each sample.
        """
        activations, _ = self.forward_pass(X)
        return activations[-1]

    @checked(check_compute_loss)
    def compute_loss(self, Y, Y_hat):
        """The loss of predictions ``Y_hat`` against targets ``Y``.

        :func:`mse_loss` for a linear output, :func:`cross_entropy_loss` for a softmax output.

        Parameters
        ----------
        Y, Y_hat : ndarray of shape (layer_sizes[-1], n_samples)

        Returns
        -------
        float
        """
        if self.output == "softmax":
            return cross_entropy_loss(Y, Y_hat)
        return mse_loss(Y, Y_hat)

    @checked(check_backward_pass)
    def backward_pass(self, activations, zs, Y):
        """Gradients of the loss with respect to every weight and bias. Changes no parameter.

        Parameters
        ----------
        activations, zs : lists of ndarray
            As returned by :meth:`forward_pass`.
        Y : ndarray of shape (layer_sizes[-1], n_samples)

        Returns
        -------
        dW : list of ndarray, ``dW[l - 1]`` shaped like ``weights[l - 1]``
        dB : list of ndarray, ``dB[l - 1]`` shaped like ``biases[l - 1]``
        """
        n_samples = Y.shape[1]
        L = len(self.weights)
        dW, dB = [None] * L, [None] * L
        dZ = activations[L] - Y  # linear + MSE, or softmax + cross-entropy (ch. 14)
        for l in range(L, 0, -1):
            dW[l - 1] = dZ @ activations[l - 1].T / n_samples
            dB[l - 1] = dZ.sum(axis=1, keepdims=True) / n_samples
            if l > 1:
                dA_prev = self.weights[l - 1].T @ dZ
                dZ = dA_prev * leaky_relu_derivative(zs[l - 2], self.alpha)
        return dW, dB

    @checked(check_update)
    def update(self, dW, dB, learning_rate):
        """One gradient-descent step on every layer: ``W -= learning_rate * dW``, ``b -= learning_rate * dB``.

        Parameters
        ----------
        dW, dB : lists of ndarray shaped like ``weights`` and ``biases``
        learning_rate : float, > 0
        """
        self.weights = [W - learning_rate * g for W, g in zip(self.weights, dW)]
        self.biases = [b - learning_rate * g for b, g in zip(self.biases, dB)]

    @checked(check_train)
    def train(
        self,
        X,
        Y,
        epochs,
        learning_rate=LEARNING_RATE,
        batch_size=None,
        seed=None,
    ):
        """Gradient descent: for each batch a forward pass, the loss, a backward pass, an update.

        Parameters
        ----------
        X : ndarray of shape (layer_sizes[0], n_samples)
        Y : ndarray of shape (layer_sizes[-1], n_samples)
        epochs : int, >= 0
        learning_rate : float, > 0
        batch_size : int >= 1, or None
            None (or ``n_samples`` or more): full-batch gradient descent, one update per epoch
            on all the samples in order. Smaller: minibatch stochastic gradient descent; each
            epoch shuffles the samples and takes one update per batch of ``batch_size`` columns
            (the last batch may be smaller).
        seed : int or None
            Seed of the shuffling; the same seed gives the same batches.

        Returns
        -------
        losses : ndarray of shape (epochs,)
            The loss of each epoch: the mean of the losses of its batches, each measured before
            that batch's update. With one batch, the loss before the epoch's update.

        Raises
        ------
        TrainingDiverged
            As soon as the loss stops being finite. The network is then put back as it was
            before the call, and numpy's overflow warnings are not shown.
        """
        rng = np.random.default_rng(seed)
        losses = np.empty(epochs)
        # Copies to put back if the run fails (an update may change the arrays in place).
        weights = [W.copy() for W in self.weights]
        biases = [b.copy() for b in self.biases]
        try:
            # A diverging run overflows; TrainingDiverged reports it, so numpy need not warn.
            with np.errstate(over="ignore", invalid="ignore"):
                for epoch in range(epochs):
                    batch_losses = []
                    for columns in minibatches(X.shape[1], batch_size, rng):
                        X_batch, Y_batch = X[:, columns], Y[:, columns]
                        activations, zs = self.forward_pass(X_batch)
                        batch_losses.append(self.compute_loss(Y_batch, activations[-1]))
                        if not np.isfinite(batch_losses[-1]):
                            raise TrainingDiverged(epoch, learning_rate, losses[:epoch])
                        dW, dB = self.backward_pass(activations, zs, Y_batch)
                        self.update(dW, dB, learning_rate)
                    losses[epoch] = np.mean(batch_losses)
        except BaseException:  # TrainingDiverged, or anything else: undo the run
            self.weights, self.biases = weights, biases
            raise
        return losses


# ---------------------------------------------------------------------------------------------
# Chapter 10: checking gradients numerically.


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


@checked(check_finite_differences)
def numerical_gradients(network, X, Y, eps=1e-6):
    """Gradients by centred differences, ``(L(p + eps) - L(p - eps)) / (2 eps)``, one parameter at a time.

    The loss is computed with the network's own ``predict`` and ``compute_loss``. The parameters
    are nudged in float64 copies, so the network is left unchanged.

    Parameters
    ----------
    network : NeuralNetwork
    X : ndarray of shape (layer_sizes[0], n_samples)
    Y : ndarray of shape (layer_sizes[-1], n_samples)
    eps : float, > 0

    Returns
    -------
    dW, dB : lists of ndarray shaped like ``network.weights`` and ``network.biases``
    """
    # Nudge float64 copies, so that integer weights are not truncated and the caller's arrays
    # are never touched; the network gets its own arrays back at the end, whatever happens.
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
                loss_plus = network.compute_loss(Y, network.predict(X))
                parameter[index] = original - eps
                loss_minus = network.compute_loss(Y, network.predict(X))
                parameter[index] = original
                gradient[index] = (loss_plus - loss_minus) / (2 * eps)
            gradients.append(gradient)
    finally:
        network.weights, network.biases = originals
    L = len(network.weights)
    return gradients[:L], gradients[L:]


@checked(check_finite_differences)
def gradient_check(network, X, Y, eps=1e-6):
    """The largest relative error between the network's backward pass and centred differences.

    Both sides use the network's own public methods (``forward_pass``, ``backward_pass``,
    ``predict``, ``compute_loss``), so a subclass or an instance that overrides one is checked.

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
        alpha). With a linear output and the MSE loss, the loss is exactly quadratic in one
        parameter between kinks, so a larger ``eps`` such as 1e-4 then shows the agreement
        (chapter 10). With softmax and cross-entropy it is not quadratic, and tiny entries
        can still lift the largest error; compare the gradients as a whole too (chapter 14).
    """
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    numeric_dW, numeric_dB = numerical_gradients(network, X, Y, eps)
    errors = [
        relative_error(analytic, numeric).max()
        for analytic, numeric in zip(dW + dB, numeric_dW + numeric_dB)
    ]
    return float(max(errors))


# ---------------------------------------------------------------------------------------------
# Part II. Chapter 13: the He scale. Chapter 14: softmax with cross-entropy, minibatches.


def he_scale(n_in, alpha=ALPHA):
    """The He scale for Leaky ReLU, ``sqrt(2 / ((1 + alpha**2) * n_in))`` (chapter 13).

    Initial weights of this standard deviation keep the spread of the signal about the same
    from one layer to the next.

    Parameters
    ----------
    n_in : int
        Number of inputs of the layer (units of the layer before).
    alpha : float

    Returns
    -------
    float
    """
    return float(np.sqrt(2 / ((1 + alpha**2) * n_in)))


def softmax(Z):
    """Softmax over each column: ``exp(Z) / sum(exp(Z))``, one probability per row (class).

    Subtracting each column's largest entry first changes nothing mathematically and keeps
    ``exp`` from overflowing.

    Parameters
    ----------
    Z : ndarray of shape (n_classes, n_samples)

    Returns
    -------
    ndarray of shape (n_classes, n_samples)
        Non-negative; every column sums to 1.
    """
    exp_Z = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp_Z / exp_Z.sum(axis=0, keepdims=True)


@checked(check_cross_entropy_loss)
def cross_entropy_loss(Y, Y_hat):
    """Mean cross-entropy: ``-1/N * sum(Y * log(Y_hat))``, N = number of samples.

    A predicted probability of exactly 0 is taken as the smallest positive normal float64 (about
    2e-308), so the loss stays finite: about 708 for that sample instead of infinity.

    Parameters
    ----------
    Y : ndarray of shape (n_classes, n_samples)
        Targets: one probability distribution per column, usually one-hot.
    Y_hat : ndarray of shape (n_classes, n_samples)
        Predicted probabilities, as returned by :func:`softmax`.

    Returns
    -------
    float
    """
    n_samples = Y.shape[1]
    log_Y_hat = np.log(np.maximum(Y_hat, np.finfo(np.float64).tiny))
    return float(-np.sum(Y * log_Y_hat) / n_samples)


def minibatches(n_samples, batch_size, rng):
    """The columns of each minibatch of one epoch.

    Parameters
    ----------
    n_samples : int
    batch_size : int or None
        None, or at least ``n_samples``, gives one batch of every column in order.
    rng : numpy.random.Generator
        Shuffles the columns afresh for each epoch when there is more than one batch.

    Returns
    -------
    list of slice or ndarray of int
        Index the columns of X and Y with each, ``X[:, columns]``.
    """
    if batch_size is None or batch_size >= n_samples:
        return [slice(None)]
    order = rng.permutation(n_samples)
    return [
        order[start : start + batch_size] for start in range(0, n_samples, batch_size)
    ]
