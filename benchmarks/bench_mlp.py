"""How fast does mlp_core train? Prints milliseconds per epoch; asserts nothing.

For three networks it times ``NeuralNetwork.train`` (full-batch gradient descent) and prints the
milliseconds per training epoch: the median over repeats after a warm-up, with the fastest and
slowest repeat as the spread.

- ``[1, 4, 3, 1]`` on the book's three samples (``mlp_core.X_TRAIN``, ``Y_TRAIN``);
- ``[1, 64, 64, 1]`` on 1,024 samples of a sine curve;
- ``[784, 256, 128, 10]`` on 8,192 samples of random data, MNIST-sized.

For the largest network it also counts the floating-point operations of one epoch's matrix
products, divides by the epoch's time, and compares the GFLOP/s reached with those of a single
float64 matrix product timed in the same run: the percentage says how close training comes to
what the BLAS library does on this machine. Other work on the machine slows a run, so compare
the spread before comparing medians.

Run from the repository root:  .venv/bin/python benchmarks/bench_mlp.py   (or: make bench)
Add ``--quick`` for a smoke run of a few seconds, whose figures are rough.
"""

import argparse
import ctypes
import glob
import os
import platform
import time
from pathlib import Path

import numpy as np

import mlp_core

LEARNING_RATE = 1e-3
"""Small enough that no case diverges over the epochs timed; the step size does not change the time."""


def book_data(rng):
    return mlp_core.X_TRAIN, mlp_core.Y_TRAIN


def sine_data(rng, n_samples=1024):
    X = rng.uniform(-3.0, 3.0, size=(1, n_samples))
    return X, np.sin(X)


def mnist_sized_data(rng, n_samples=8192):
    # Inputs of unit variance and targets of unit variance: the initial loss is about 40 and
    # falls over the epochs timed at LEARNING_RATE.
    return rng.standard_normal((784, n_samples)), rng.standard_normal((10, n_samples))


CASES = [
    ([1, 4, 3, 1], book_data),
    ([1, 64, 64, 1], sine_data),
    ([784, 256, 128, 10], mnist_sized_data),
]


def epoch_flops(layer_sizes, n_samples):
    """Floating-point operations of the matrix products of one training epoch.

    A product of an (m, k) and a (k, n) matrix counts 2*m*k*n (a multiply and an add each).
    Per layer with n_in inputs and n_out units, on N samples: the forward pass ``W @ A``
    costs 2*n_out*n_in*N, the weight gradient ``dZ @ A.T`` the same, and the gradient passed
    back ``W.T @ dZ`` the same again for every layer but the first (nothing needs dX).
    Element-wise work (bias, activation, loss, update) is left out: it is O(units * N), not
    O(units * units * N).
    """
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    forward = sum(2 * n_out * n_in * n_samples for n_in, n_out in pairs)
    backward = forward + sum(2 * n_in * n_out * n_samples for n_in, n_out in pairs[1:])
    return forward + backward


def cpu_seconds_of_others():
    """CPU seconds used since boot by every other process (Linux), or None where unknown."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:9]]
    except OSError:
        return None
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    return busy / os.sysconf("SC_CLK_TCK") - time.process_time()


def calibrated(run, target_seconds):
    """Warm ``run`` up; return how many units of work (its argument) take about target_seconds.

    The units grow fourfold until a run lasts a quarter of the target, so that a fixed cost per
    call (train checks its arguments once per call) does not distort the estimate.
    """
    run(1)
    units = 1
    while True:
        start = time.perf_counter()
        run(units)
        elapsed = time.perf_counter() - start
        if elapsed >= target_seconds / 4:
            return max(1, round(units * target_seconds / elapsed))
        units *= 4


def time_interleaved(runs, target_seconds, repeats):
    """Seconds per unit of work of each ``run(units)``, one row per repeat, one column per run.

    Also returns the share of the CPUs that other programs used meanwhile (None if unknown).

    The runs take turns within each repeat, so that other programs on the machine slow all of
    them alike and their ratio stays meaningful even when the times themselves move.
    """
    units = [calibrated(run, target_seconds) for run in runs]
    seconds = np.empty((repeats, len(runs)))
    others_before, start_all = cpu_seconds_of_others(), time.perf_counter()
    for repeat in range(repeats):
        for j, (run, n) in enumerate(zip(runs, units)):
            start = time.perf_counter()
            run(n)
            seconds[repeat, j] = (time.perf_counter() - start) / n
    others = None
    if others_before is not None:
        capacity = (time.perf_counter() - start_all) * os.cpu_count()
        others = max(0.0, (cpu_seconds_of_others() - others_before) / capacity)
    return units, seconds, others


def training(layer_sizes, X, Y):
    """A ``run(epochs)`` that trains one network on (X, Y) for that many epochs."""
    network = mlp_core.NeuralNetwork(layer_sizes, seed=mlp_core.SEED)
    return lambda epochs: network.train(
        X, Y, epochs=epochs, learning_rate=LEARNING_RATE
    )


def matmul(rng, shape_a, shape_b):
    """A ``run(calls)`` that computes ``A @ B`` that many times, for float64 A and B."""
    A, B = rng.standard_normal(shape_a), rng.standard_normal(shape_b)

    def run(calls):
        for _ in range(calls):
            A @ B  # allocates its output each time, as the training loop does

    return run


def blas_description():
    """The BLAS library numpy uses, the kernel it runs and its thread count, as far as known."""
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool["user_api"] == "blas":
                return (
                    f"{pool['internal_api']} {pool['version']}, kernel "
                    f"{pool.get('architecture')}, {pool['num_threads']} threads"
                )
    except ImportError:
        pass
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    name = f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip()
    # numpy's wheels bundle scipy-openblas; ask it directly, as threadpoolctl would.
    libs = Path(np.__file__).parent.parent / "numpy.libs"
    for path in glob.glob(str(libs / "libscipy_openblas*.so")):
        try:
            lib = ctypes.CDLL(path)
            lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
            kernel = lib.scipy_openblas_get_corename64_().decode()
            threads = lib.scipy_openblas_get_num_threads64_()
            return f"{name}, kernel {kernel}, {threads} threads"
        except (OSError, AttributeError):
            pass
    return f"{name}, threads unknown (install threadpoolctl to see them)"


def print_row(layer_sizes, n_samples, epochs, seconds, others):
    ms = seconds * 1000
    spread = f"[{ms.min():.3f}, {ms.max():.3f}]"
    others = "?" if others is None else f"{others:.0%}"
    print(
        f"{str(layer_sizes):<22}{n_samples:>8}{epochs:>15}{np.median(ms):>11.3f}"
        f"  {spread:<20}{others:>7}"
    )


def print_gflops(layer_sizes, n_samples, shape_a, shape_b, seconds):
    """The largest case's GFLOP/s beside those of the matrix products timed with it."""
    flops = epoch_flops(layer_sizes, n_samples)
    work = np.array([flops, 2 * shape_a[0] * shape_a[1] * shape_b[1], 2 * 2048**3])
    gflops = work / seconds / 1e9
    print(f"\n{layer_sizes} on {n_samples} samples, one epoch: {flops:,} flops")
    print("  (matrix products only: forward W @ A, backward dZ @ A.T and W.T @ dZ)")
    names = [
        "training epoch",
        f"matmul {shape_a} @ {shape_b}",
        "matmul (2048, 2048) @ (2048, 2048)",
    ]
    for name, column in zip(names, gflops.T):
        print(
            f"  {name:<40}{np.median(column):>7.1f} GFLOP/s"
            f"  [{column.min():.1f}, {column.max():.1f}]"
        )
    # One ratio per repeat: the epoch and the product it is compared with ran back to back.
    ratios = gflops[:, 0] / gflops[:, 1] * 100
    print(
        f"  epoch GFLOP/s / matmul GFLOP/s: {np.median(ratios):.0f}%"
        f"  [{ratios.min():.0f}%, {ratios.max():.0f}%]"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run of a few seconds"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed repeats per case (default 7)"
    )
    args = parser.parse_args()
    target_seconds = 0.05 if args.quick else 0.5
    repeats = args.repeats or (2 if args.quick else 7)
    rng = np.random.default_rng(mlp_core.SEED)

    print(f"numpy {np.__version__}, python {platform.python_version()}")
    print(f"BLAS: {blas_description()}; {os.cpu_count()} CPUs")
    for variable in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"):
        print(f"{variable}={os.environ.get(variable, '(unset)')}")
    print(
        f"{repeats} repeats after a warm-up; ms per epoch: median [fastest, slowest]."
    )
    print(
        "'others' is the share of the CPUs other programs used while a case was timed:\n"
        "above a few per cent, times grow and spread, and two BLAS threads suffer most.\n"
    )
    header = (
        f"{'layer sizes':<22}{'samples':>8}{'epochs/repeat':>15}{'ms/epoch':>11}"
        f"  {'spread':<20}{'others':>7}"
    )
    print(header)
    print("-" * len(header))

    *small_cases, (layer_sizes, make_data) = CASES
    for sizes, make_small_data in small_cases:
        X, Y = make_small_data(rng)
        units, seconds, others = time_interleaved(
            [training(sizes, X, Y)], target_seconds, repeats
        )
        print_row(sizes, X.shape[1], units[0], seconds[:, 0], others)

    # The largest case is compared with the product its first layer computes, W1 @ X of shape
    # (256, 784) @ (784, 8192): the largest single product of the epoch (40% of its flops), so
    # this reference is what the BLAS does on matrices of the epoch's own sizes. A large square
    # product, near the machine's peak, is shown too; an epoch of skinnier products and
    # element-wise work cannot be expected to reach it.
    X, Y = make_data(rng)
    n_samples = X.shape[1]
    shape_a, shape_b = (layer_sizes[1], layer_sizes[0]), (layer_sizes[0], n_samples)
    runs = [
        training(layer_sizes, X, Y),
        matmul(rng, shape_a, shape_b),
        matmul(rng, (2048, 2048), (2048, 2048)),
    ]
    units, seconds, others = time_interleaved(runs, target_seconds, repeats)
    print_row(layer_sizes, n_samples, units[0], seconds[:, 0], others)
    print_gflops(layer_sizes, n_samples, shape_a, shape_b, seconds)


if __name__ == "__main__":
    main()
