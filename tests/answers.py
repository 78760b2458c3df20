"""What the self-check tests hand to book/checks.py: a right answer to every coding exercise, written
independently of the checks (a keyword plants a known slip where a test needs one), and ``verdict``,
which runs a check and holds it to its promise of one printed sentence.

Not a test file: tests/test_checks_*.py import it.
"""

import re

import numpy as np

from mlp_core import leaky_relu, leaky_relu_derivative


def verdict(check, answer, capsys):
    """Run ``check(answer)``; return (passed, what it printed), after checking the printed form:
    one line, one sentence, no traceback, "Right: " exactly when it passed."""
    passed = check(answer)
    out, err = capsys.readouterr()
    assert err == "", err
    assert out.count("\n") == 1 and out.endswith((".\n", "?\n")), out
    assert "Traceback" not in out and 'File "' not in out, out
    assert out.startswith("Right: " if passed else "Not yet: "), out
    sentence = re.sub(
        r"`[^`]*`", "CODE", out
    )  # code quoted from the student may hold anything
    assert not re.search(r"[.?!] [A-Z]", sentence.split(" — ")[0]), (
        f"two sentences: {out}"
    )
    return passed, out


def not_yet(check, answer, capsys):
    """What ``check`` says of ``answer``, which must not pass."""
    passed, out = verdict(check, answer, capsys)
    assert passed is False, out
    return out


# ---------------------------------------------------------------------------------------------
# Right answers, one per coding exercise, in the book's order.


def gradient_step(parameter, gradient, learning_rate):  # 2.2
    return parameter - learning_rate * gradient


def layer_shapes(layer_sizes, n_samples):  # 3.2
    pairs = zip(layer_sizes[:-1], layer_sizes[1:])
    return [((n_out, n_in), (n_out, 1), (n_out, n_samples)) for n_in, n_out in pairs]


def derivative(z, alpha):  # 4.2
    return np.where(z > 0, 1.0, alpha)


def parameter_count(layer_sizes):  # 5.2
    return sum(
        n_out * (n_in + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


def forward(weights, biases, X, alpha):  # 6.2
    A = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        Z = W @ A + b
        A = Z if i == len(weights) - 1 else leaky_relu(Z, alpha)
    return A


def mse(Y, Y_hat):  # 7.2
    return float(np.sum((Y - Y_hat) ** 2) / (2 * Y.shape[1]))


def backward(
    weights, biases, X, Y, alpha, fused=False, divide=True, learning_rate=0.5
):  # 8.2
    """``fused``: apply each step before sending the error back (the classic mistake);
    ``divide=False``: forget the 1/N."""
    activations, zs, A = [X], [], X
    for i, (W, b) in enumerate(zip(weights, biases)):
        Z = W @ A + b
        A = Z if i == len(weights) - 1 else leaky_relu(Z, alpha)
        zs.append(Z)
        activations.append(A)
    n = X.shape[1] if divide else 1
    dW, dB = [None] * len(weights), [None] * len(weights)
    dZ = activations[-1] - Y
    for i in reversed(range(len(weights))):
        dW[i] = dZ @ activations[i].T / n
        dB[i] = dZ.sum(axis=1, keepdims=True) / n
        if fused:
            weights[i] -= learning_rate * dW[i]
        if i > 0:
            dZ = (weights[i].T @ dZ) * leaky_relu_derivative(zs[i - 1], alpha)
    return dW, dB


def train(network, X, Y, epochs, learning_rate, after=False):  # 9.2
    """``after``: measure each loss after the epoch's update instead of before."""
    losses = []
    for _ in range(epochs):
        activations, zs = network.forward_pass(X)
        gradients = network.backward_pass(activations, zs, Y)
        if after:
            network.update(*gradients, learning_rate)
            losses.append(network.compute_loss(Y, network.predict(X)))
        else:
            losses.append(network.compute_loss(Y, activations[-1]))
            network.update(*gradients, learning_rate)
    return np.array(losses)


def centred(f, x, eps):  # 10.2
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def div_backward(a, b, upstream):  # 12.2
    return upstream / b, -upstream * a / b**2


def predicted_spreads(layer_sizes, weight_scale, alpha, X, *, mistake=None):  # 13.2
    """The spread of each layer's Z by the product of the gains; ``mistake`` plants a typical error."""
    fans_in = layer_sizes[:-1]
    if weight_scale == "he":
        fans = [fans_in[0]] * len(fans_in) if mistake == "one He scale" else fans_in
        sigmas = [np.sqrt(2 / ((1 + alpha**2) * n)) for n in fans]
    else:
        sigmas = [weight_scale] * len(fans_in)
    kept = {"no leak": 1.0, "half": 0.5}.get(mistake, (1 + alpha**2) / 2)
    power = 1 if mistake == "sigma" else 2
    mean_square = np.var(X) if mistake == "variance of X" else np.mean(X**2)
    n_0 = 1 if mistake == "no n_0" else layer_sizes[0]
    variance = (
        n_0
        * sigmas[0] ** power
        * mean_square
        * (kept if mistake == "leak in layer 1" else 1)
    )
    variances = [variance]
    for l in range(2, len(layer_sizes)):
        fan = layer_sizes[l] if mistake == "fan-out" else layer_sizes[l - 1]
        variance = variance * fan * sigmas[l - 1] ** power * kept
        variances.append(variance)
    if mistake == "variances":
        return variances
    spreads = [float(np.sqrt(v)) for v in variances]
    if mistake == "no layer 1":
        return spreads[1:]
    if mistake == "no output":
        return spreads[:-1]
    if mistake == "input":
        return [float(np.sqrt(np.mean(X**2)))] + spreads
    return spreads


def loss_from_logits(Z, Y, *, mistake=None):  # 14.2
    """The mean cross-entropy of softmax(Z) against Y, by log-sum-exp; ``mistake`` plants an error."""
    with np.errstate(all="ignore"):
        if mistake in ("no shift", "log of softmax", "clamped"):
            exps = np.exp(Z) if mistake == "no shift" else np.exp(Z - Z.max(axis=0))
            if mistake == "no shift":
                return float(
                    np.mean(np.sum(Y * (np.log(exps.sum(axis=0)) - Z), axis=0))
                )
            P = exps / exps.sum(axis=0)
            if mistake == "clamped":
                P = np.maximum(P, np.finfo(float).tiny)
            return float(-np.mean(np.sum(Y * np.log(P), axis=0)))
        axis = 1 if mistake == "by row" else 0
        m = Z.max() if mistake == "one maximum" else Z.max(axis=axis, keepdims=True)
        log_sum_exp = np.log(np.sum(np.exp(Z - m), axis=axis, keepdims=True))
        if mistake != "maximum not added back":
            log_sum_exp = log_sum_exp + m
        per_sample = np.sum(Y * (log_sum_exp - Z), axis=0)
    if mistake == "per sample":
        return per_sample
    if mistake == "sum":
        return float(per_sample.sum())
    if mistake == "sign":
        return -float(per_sample.mean())
    if mistake == "log10":
        return float(per_sample.mean() / np.log(10))
    return float(per_sample.mean())
