"""How fast does the live playground respond? Prints latency figures; asserts nothing.

It drives each control of LivePlayground the way a slider does (setting its value runs the
callback synchronously), timing from the change to the new picture being in place. As a reference
measured in the same run, it also times training alone for the same settings, so the figures say
how much of a redraw is training and how much is drawing.

Run from the repository root:  .venv/bin/python tools/benchmark_playground.py
"""

import time

import numpy as np

import playground


def time_changes(control, values, playground_):
    latencies = []
    for value in values:
        start = time.perf_counter()
        control.value = value
        latencies.append(time.perf_counter() - start)
        assert playground_.view.value.startswith("<img"), "the picture was not redrawn"
    return latencies


def main(repeats=3):
    live = playground.LivePlayground()
    sweeps = {
        "learning rate": (live.learning_rate, list(10 ** np.linspace(-3, 0, 30))),
        "alpha": (live.alpha, list(np.round(np.linspace(0, 0.5, 26), 2))),
        "epochs": (live.epochs, list(range(0, 510, 20))),
        "seed": (live.seed, list(range(30))),
    }
    all_latencies, training_only = [], []
    print(f"{'control':<15}{'changes':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, (control, values) in sweeps.items():
        latencies = []
        for _ in range(repeats):
            latencies += time_changes(control, values, live)
            latencies += time_changes(control, values[::-1], live)
        control.value = values[len(values) // 2]
        all_latencies += latencies
        ms = np.array(latencies) * 1000
        print(
            f"{name:<15}{len(ms):>8}{np.median(ms):>9.1f}{np.percentile(ms, 95):>9.1f}{ms.max():>9.1f}"
        )
    for _ in range(50):
        start = time.perf_counter()
        playground.train(live.setting())
        training_only.append(time.perf_counter() - start)
    ms = np.array(all_latencies) * 1000
    train_ms = np.median(training_only) * 1000
    print(
        f"{'all controls':<15}{len(ms):>8}{np.median(ms):>9.1f}{np.percentile(ms, 95):>9.1f}{ms.max():>9.1f}"
    )
    print(f"reference: training alone for the final setting, median {train_ms:.1f} ms")
    print(f"redraw p95 / training alone = {np.percentile(ms, 95) / train_ms:.1f}")
    print(
        f"target: p95 under 100 ms -> {'met' if np.percentile(ms, 95) < 100 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
