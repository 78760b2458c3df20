"""How fast does the JavaScript engine train, next to mlp_core? Prints figures; asserts nothing.

1. For two networks it times full-batch training, ``train(X, Y, epochs, learning_rate)``, of the
engine (book/js/mlp.js) in headless Chromium and of mlp_core in this Python, on the same machine in
the same run, and prints epochs per second of each and their ratio:

- ``[1, 4, 3, 1]`` on the book's three points;
- ``[1, 32, 32, 1]`` on 50 points of a sine curve.

The engine is timed inside the page (``performance.now()`` around ``train``), so the browser's
messaging is not counted. Each repeat times numpy then the engine back to back, so that other
programs on the machine slow both alike; the figures are medians over the repeats, with the
slowest and fastest repeat, and the ratio is the median of the per-repeat ratios. The playground
draws at most 60 frames a second: the last column says how many epochs fit in one frame (16.7 ms).

2. The playground itself (book/js/playground.js, as playground.browser_playground() writes it):
the time from the start of the page's load to its first picture (the performance mark
"bfs-first-picture"), on a bare page and on chapter 11 of the built website if there is one
(_build/html), each loaded afresh with an empty cache; and, playing with as many epochs per frame
as its frame budget allows, the epochs per second it trains while drawing, and the frames per second
it draws, for the same two networks (its whole interface: fit, loss, a picture per unit, every
weight).

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

import chromium
import mlp_core
import playground

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


# Plays the page's playground from epoch 0 for `seconds`, with as many epochs per frame as its
# frame budget allows (a run of a million epochs, so that it never ends meanwhile); counts the
# epochs trained and the frames drawn.
PLAY_FAST = """async (seconds) => {
    const root = document.querySelector('[data-bfs-live]');
    await new Promise(done => { const ready = () => root.bfs ? done() : setTimeout(ready, 20); ready(); });
    const playground = root.bfs;
    playground.speed = 'budget';
    playground.change({epochs: 1000000}, {commit: false});
    playground.reset();
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    let frames = 0, counting = true;
    const count = () => { frames += 1; if (counting) requestAnimationFrame(count); };
    requestAnimationFrame(count);
    const start = performance.now();
    playground.play();
    await new Promise(done => setTimeout(done, seconds * 1000));
    playground.pause();
    counting = false;
    const elapsed = (performance.now() - start) / 1000;
    return [playground.run.epoch / elapsed, frames / elapsed];
}"""
FIRST_PICTURE = """async () => {
    const mark = () => performance.getEntriesByName('bfs-first-picture')[0];
    await new Promise(done => { const wait = () => mark() ? done() : setTimeout(wait, 5); wait(); });
    return mark().startTime / 1000;
}"""


def first_picture_seconds(browser, url, loads):
    """Seconds from the start of loading `url` to the playground's first picture, per load."""
    times = []
    for _ in range(loads):
        context = browser.new_context()  # an empty cache: a first visit
        page = context.new_page()
        page.goto(url)
        times.append(page.evaluate(FIRST_PICTURE))
        context.close()
    return np.array(times)


def playing(browser, url, seconds):
    """(epochs per second, frames per second) while the page plays as fast as it can."""
    page = browser.new_page()
    page.goto(url)
    rates = page.evaluate(PLAY_FAST, seconds)
    page.close()
    return rates


def playground_page(site, base):
    """A bare page holding the playground as chapter 11 does (with the setting in its address)."""
    figure = playground.browser_playground(url=True)
    (Path(site) / "playground.html").write_text(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>playground</title>'
        f'<link rel="icon" href="data:,"><body>{figure.data}</body></html>'
    )
    return base + "playground.html"


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

    if chromium.find_chromium() is None:
        sys.exit(chromium.INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as site:
        (Path(site) / "book").mkdir()
        (Path(site) / "book" / "js").symlink_to(ROOT / "book" / "js")
        (Path(site) / "index.html").write_text(
            '<!doctype html><link rel="icon" href="data:,">'
        )
        with chromium.serve(site) as base, sync_playwright() as playwright:
            browser = chromium.launch(playwright)
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
            print_playground(browser, site, base, args.quick)
            browser.close()


def print_playground(browser, site, base, quick):
    """The playground's first picture, and its training speed while it draws."""
    loads, seconds = (2, 1.0) if quick else (7, 3.0)
    bare = playground_page(site, base)
    print(
        f"\nThe playground: seconds from the start of a first visit's load to its first picture"
        f"\n(median [fastest, slowest] of {loads} loads)"
    )
    times = first_picture_seconds(browser, bare, loads)
    print(f"  bare page            {time_spread(times)}")
    built = ROOT / "_build" / "html" / "book" / "11_playground.html"
    if built.is_file():
        with chromium.serve(built.parent.parent) as book:
            times = first_picture_seconds(
                browser, book + "book/11_playground.html", loads
            )
        print(f"  chapter 11 (built)   {time_spread(times)}")
    else:
        print("  chapter 11: no built website in _build/html (make book)")
    print(
        f"\nPlaying with as many epochs per frame as a 60 fps frame allows, for {seconds:g} s,"
        "\ndrawing every picture each frame (fit, loss, units; the weights at most every 60 ms):"
    )
    print(f"  {'layer sizes':<16}{'samples':>8}{'epochs/s':>12}{'frames/s':>10}")
    for sizes, (X, _) in CASES:
        query = ""
        if sizes != [1, 4, 3, 1]:
            points = ";".join(
                f"{x:.2f},{np.sin(x):.2f}" for x in np.linspace(-2, 4, 50)
            )
            query = f"?layers={','.join(map(str, sizes))}&points={points}"
        epochs, frames = playing(browser, bare + query, seconds)
        print(f"  {str(sizes):<16}{X.shape[1]:>8}{epochs:>12,.0f}{frames:>10.0f}")


def time_spread(values):
    return f"{np.median(values):.3f} [{values.min():.3f}, {values.max():.3f}]"


if __name__ == "__main__":
    main()
