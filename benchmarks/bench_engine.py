"""How fast does the JavaScript engine train, next to mlp_core? Prints epochs per second; asserts nothing.

For two networks it times full-batch training, ``train(X, Y, epochs, learning_rate)``, of the
engine (book/js/mlp.js) in headless Chromium and of mlp_core in this Python, on the same machine in
the same run, and prints epochs per second of each and their ratio:

- ``[1, 4, 3, 1]`` on the book's three points;
- ``[1, 32, 32, 1]`` on 50 points of a sine curve.

The engine is timed inside the page (``performance.now()`` around ``train``), so the browser's
messaging is not counted. Each repeat times numpy then the engine back to back, so that other
programs on the machine slow both alike; the figures are medians over the repeats, with the
slowest and fastest repeat, and the ratio is the median of the per-repeat ratios. The playground
draws at most 60 frames a second: the last column says how many epochs fit in one frame (16.7 ms).

Run from the repository root:  .venv/bin/python benchmarks/bench_engine.py   (or: make bench-engine)
Needs Chromium (``apt-get install chromium``). Add ``--quick`` for a smoke run of a few seconds.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import mlp_core
import site_checks

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_mlp import blas_description, cpu_seconds_of_others  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LEARNING_RATE = 1e-3
"""Small enough that no case diverges over the epochs timed; the step size does not change the time."""
FRAME_SECONDS = 1 / 60


def sine_points(n_samples=50):
    X = np.linspace(-3.0, 3.0, n_samples)[None, :]
    return X, np.sin(X)


CASES = [
    ([1, 4, 3, 1], (mlp_core.X_TRAIN, mlp_core.Y_TRAIN)),
    ([1, 32, 32, 1], sine_points()),
]

# Runs in the page: builds the network once, then `time(epochs)` trains that many epochs and
# returns the seconds it took.
PAGE_SETUP = """async ([sizes, X, Y, rate]) => {
    const { NeuralNetwork } = await import("/book/js/mlp.js");
    const { Matrix } = await import("/book/js/matrix.js");
    const network = new NeuralNetwork(sizes, { seed: 4 });
    const [x, y] = [Matrix.from(X), Matrix.from(Y)];
    window.timeEpochs = (epochs) => {
        const start = performance.now();
        network.train(x, y, epochs, rate);
        return (performance.now() - start) / 1000;
    };
    return navigator.userAgent;
}"""


def calibrated(run, target_seconds):
    """Warm ``run`` up; return how many epochs take about target_seconds."""
    run(10)
    epochs = 10
    while True:
        elapsed = run(epochs)
        if elapsed >= target_seconds / 4:
            return max(1, round(epochs * target_seconds / elapsed))
        epochs *= 4


def numpy_runner(sizes, X, Y):
    network = mlp_core.NeuralNetwork(sizes, seed=mlp_core.SEED)

    def run(epochs):
        start = time.perf_counter()
        network.train(X, Y, epochs=epochs, learning_rate=LEARNING_RATE)
        return time.perf_counter() - start

    return run


def engine_runner(page, sizes, X, Y):
    page.evaluate(PAGE_SETUP, [sizes, X.tolist(), Y.tolist(), LEARNING_RATE])
    return lambda epochs: page.evaluate("(epochs) => window.timeEpochs(epochs)", epochs)


def measure(runs, target_seconds, repeats):
    """Epochs per second of each run, one row per repeat; and the CPU share of other programs."""
    epochs = [calibrated(run, target_seconds) for run in runs]
    rates = np.empty((repeats, len(runs)))
    others_before, start_all = cpu_seconds_of_others(), time.perf_counter()
    for repeat in range(repeats):
        for j, (run, n) in enumerate(zip(runs, epochs)):
            rates[repeat, j] = n / run(n)
    others = None
    if others_before is not None:
        capacity = (time.perf_counter() - start_all) * os.cpu_count()
        others = max(0.0, (cpu_seconds_of_others() - others_before) / capacity)
    return rates, others


def spread(values):
    return f"{np.median(values):>9,.0f} [{values.min():,.0f}, {values.max():,.0f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run of a few seconds"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed repeats (default 7)"
    )
    args = parser.parse_args()
    target_seconds = 0.05 if args.quick else 0.5
    repeats = args.repeats or (2 if args.quick else 7)

    chromium = site_checks.find_chromium()
    if chromium is None:
        sys.exit(site_checks.INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as site:
        (Path(site) / "book").mkdir()
        (Path(site) / "book" / "js").symlink_to(ROOT / "book" / "js")
        (Path(site) / "index.html").write_text(
            '<!doctype html><link rel="icon" href="data:,">'
        )
        with site_checks.serve(site) as base, sync_playwright() as playwright:
            browser = site_checks.launch(playwright, chromium)
            page = browser.new_page()
            page.goto(base)
            print(f"numpy {np.__version__}, python {platform.python_version()}")
            print(f"BLAS: {blas_description()}; {os.cpu_count()} CPUs")
            print(f"Chromium {browser.version} (headless)")
            print(
                f"{repeats} repeats after a warm-up; epochs per second: median [slowest, fastest];"
                "\n'others' is the share of the CPUs other programs used meanwhile.\n"
            )
            header = (
                f"{'layer sizes':<16}{'samples':>8}{'mlp_core (numpy)':>28}"
                f"{'engine (Chromium)':>30}{'engine / numpy':>16}{'epochs/frame':>14}{'others':>8}"
            )
            print(header)
            print("-" * len(header))
            for sizes, (X, Y) in CASES:
                runs = [numpy_runner(sizes, X, Y), engine_runner(page, sizes, X, Y)]
                rates, others = measure(runs, target_seconds, repeats)
                ratio = np.median(rates[:, 1] / rates[:, 0])
                per_frame = np.median(rates[:, 1]) * FRAME_SECONDS
                share = "?" if others is None else f"{others:.0%}"
                print(
                    f"{str(sizes):<16}{X.shape[1]:>8}{spread(rates[:, 0]):>28}"
                    f"{spread(rates[:, 1]):>30}{ratio:>15.1f}x{per_frame:>14,.0f}{share:>8}"
                )
            browser.close()


if __name__ == "__main__":
    main()
