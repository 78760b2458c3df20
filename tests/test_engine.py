"""The JavaScript engine of the playground (book/js/) against numpy and mlp_core.

- In Node: numpy's normal draws bit for bit for hundreds of seeds and sizes and a long stream;
  initial weights equal to mlp_core's; the C library's log1p; Python's "g" and "f" formats; the He
  scale; chapter 8's steps and the playground's headlines equal to book/playground.py's. `make
  check` runs a quick part of the long ones (a few seeds, a short stream); the rest, marked
  `notebooks` for its time, runs in `make test`.
- In headless Chromium (`browser` marker): a table of training runs, each run by mlp_core here and
  by the engine in the page, with equal initial weights bit for bit, every epoch's loss equal
  within 1e-9 relative, and a diverging run stopped at the same epoch with the same message; and
  on the book's three points, the engine equal bit for bit to mlp_core run with OpenBLAS's generic
  kernel, chaotic runs included.

Why the table avoids some runs: numpy's matrix products (OpenBLAS) use fused multiply-adds on
this machine, JavaScript cannot, so products differ from numpy's in the last bit. A run that stays
stable keeps that difference near 1e-15; a run through an instability (a loss that jumps back up,
a rate near the edge of divergence, a long run that diverges late) amplifies it, as it amplifies
the difference between two OpenBLAS kernels: `test_engine_is_numpy_arithmetic_on_the_book_points`
shows such runs, where mlp_core under the generic kernel and the engine agree bit for bit, while
mlp_core under the native kernel ends elsewhere (the book's rate over 2,000 epochs differs by
2e-8 relative; rate 0.5 diverges at epoch 293 instead of 776).
"""

import base64
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import chromium
import mlp_core
import playground
import site_checks

ROOT = Path(__file__).resolve().parent.parent
NODE_HINT = "Node.js not found: install it with `apt-get install nodejs` (.ci/run does)"


def encode(values):
    """A float64 array as base64 of its little-endian bytes: every bit travels."""
    return base64.b64encode(
        np.ascontiguousarray(values, dtype="<f8").tobytes()
    ).decode()


def decode(text):
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def bits(values):
    return np.ascontiguousarray(values, dtype=np.float64).ravel().view(np.uint64)


def matrix(array):
    return {"rows": array.shape[0], "cols": array.shape[1], "data": encode(array)}


def ask_node(requests):
    """Answers of tests/js/bridge.mjs to `requests`, in Node."""
    node = shutil.which("node")
    if node is None:
        if site_checks.under_ci():
            pytest.fail(f"CI=true, so the engine's tests must run: {NODE_HINT}")
        pytest.skip(NODE_HINT)
    answer = subprocess.run(
        [node, str(ROOT / "tests" / "js" / "bridge_cli.mjs")],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)


# ---------------------------------------------------------------------------------------------
# Random draws and initial weights, in Node.

SEEDS = [0, 1, 2, 4, 2**31, 2**32 - 1, *random.Random(20).sample(range(2**32), 300)]
# Seed 4294's draw 318 lies in the tail, where JavaScript's Math.log1p would round the last bit
# otherwise than the C library does: NeuralNetwork([1, 32, 32, 1], seed=4294) needs libm.js.
TAIL_SEED, TAIL_DRAW = 4294, 318


# What `make check` runs of the long tests; `make test` runs them whole (marked `notebooks`).
QUICK_OR_FULL = pytest.mark.parametrize(
    "full", [False, pytest.param(True, marks=pytest.mark.notebooks, id="full")], ids=str
)


@QUICK_OR_FULL
def test_normals_equal_numpy_bit_for_bit_for_many_seeds(full):
    seeds = SEEDS if full else SEEDS[:10]
    sizes = random.Random(21).choices([1, 2, 3, 12, 100, 1153], k=len(seeds))
    # Seeds above 2**32 take more than one 32-bit word of entropy.
    cases = [*zip(seeds, sizes), (2**32, 50), (2**64 + 5, 50), (2**128 + 7, 50)]
    cases.append((TAIL_SEED, TAIL_DRAW + 1))
    answers = ask_node(
        [{"kind": "normals", "seed": str(seed), "n": n} for seed, n in cases]
    )
    for (seed, n), answer in zip(cases, answers):
        expected = np.random.default_rng(seed).standard_normal(n)
        assert np.array_equal(bits(decode(answer["draws"])), bits(expected)), seed


@QUICK_OR_FULL
def test_a_long_stream_of_normals_equals_numpy_tail_and_wedges_included(full):
    n = 1_000_000 if full else 50_000
    [answer] = ask_node([{"kind": "normals", "seed": "12345", "n": n}])
    expected = np.random.default_rng(12345).standard_normal(n)
    got = decode(answer["draws"])
    assert np.array_equal(bits(got), bits(expected))
    # The rare branches ran: draws beyond the ziggurat's base (the tail, with log1p).
    assert np.sum(np.abs(expected) > 3.6541528853610088) > (200 if full else 8)


def test_initial_weights_equal_mlp_core_bit_for_bit():
    rng = random.Random(22)
    cases = []
    for seed in [4, 0, 2**32 - 1, *rng.sample(range(2**32), 40)]:
        sizes = rng.choice(
            [[1, 4, 3, 1], [1, 32, 32, 1], [1, 1], [3, 7, 2], [1, 5, 5, 5, 1]]
        )
        scale = rng.choice([0.1, 0.1, "he", 0.37])
        alpha = rng.choice([0.01, 0.0, 0.5, round(rng.uniform(0, 0.5), 3)])
        cases.append((sizes, alpha, seed, scale))
    cases.append(([1, 32, 32, 1], 0.01, TAIL_SEED, 0.1))
    answers = ask_node(
        [
            {
                "kind": "network",
                "layerSizes": s,
                "alpha": a,
                "seed": str(seed),
                "weightScale": w,
            }
            for s, a, seed, w in cases
        ]
    )
    for (sizes, alpha, seed, scale), answer in zip(cases, answers):
        network = mlp_core.NeuralNetwork(
            sizes, alpha=alpha, seed=seed, weight_scale=scale
        )
        for W, got in zip(network.weights, answer["weights"], strict=True):
            assert np.array_equal(bits(decode(got)), bits(W)), (sizes, seed, scale)


def test_he_scale_equals_mlp_core_for_alphas_on_a_grid_of_a_thousandth():
    # The engine squares alpha exactly (alpha * alpha); Python's alpha**2 goes through the C
    # library's pow, which rounds differently for about one alpha in 1,000, and then the He scale
    # for about one in 10,000. No alpha on this grid (the playground's) is one of them.
    pairs = [
        [n_in, k / 1000] for k in range(501) for n_in in (1, 2, 3, 4, 8, 16, 32, 64)
    ]
    [answer] = ask_node([{"kind": "heScale", "pairs": pairs}])
    expected = [mlp_core.he_scale(n_in, alpha) for n_in, alpha in pairs]
    assert np.array_equal(bits(decode(answer["scales"])), bits(expected))


@QUICK_OR_FULL
def test_log1p_rounds_as_the_c_library_numpy_calls(full):
    # Python's math.log1p is the C library's log1p, the one numpy's tail draws call.
    rng = np.random.default_rng(23)
    scale = 10 if full else 1
    x = np.concatenate(
        [
            -rng.random(15_000 * scale),  # log1p(-U), as in the tail draws
            -(2.0 ** -rng.uniform(1, 60, 2_000 * scale)),
            2.0 ** rng.uniform(-60, 60, 3_000 * scale),
            [
                0.0,
                -0.0,
                1e-300,
                -(2.0**-53),
                2.0**-29,
                -0.2929,
                0.41422,
                1e308,
                math.inf,
            ],
        ]
    )
    [answer] = ask_node([{"kind": "log1p", "x": encode(x)}])
    expected = [math.log1p(v) for v in x]
    got = decode(answer["y"])
    wrong = np.flatnonzero(bits(got) != bits(expected))
    assert wrong.size == 0, f"log1p differs for {x[wrong[:5]]}"


def test_format_g_writes_what_python_writes():
    values = [
        0.1,
        1.0,
        3.0,
        0.001,
        1e-4,
        1e-5,
        2.5e-5,
        0.5,
        123456.0,
        1234567.0,
        1e6,
        1e16,
    ]
    values += [
        1234565.0,
        1234575.0,
        0.0001234565,
        12345.25,
        1e-300,
        5e-324,
        1.7976931348623157e308,
    ]
    values += [-0.75, 0.0, -0.0, 9.999995, 99999.95, math.inf, -math.inf, math.nan]
    values += list(10 ** np.random.default_rng(24).uniform(-8, 8, 2000))
    [answer] = ask_node([{"kind": "formatG", "x": encode(values)}])
    assert answer["text"] == [format(v, "g") for v in values]


def test_format_fixed_writes_what_python_writes():
    values = [0.125, 0.375, 2.5, 3.5, 0.5, 1.5, -0.00001, 0.0, -0.0, 1e22, 5.82214]
    values += [1 / 3, 0.02615, 0.00005, -0.00015, 123456.78125, math.inf, -math.inf]
    values += [math.nan, 2.675, 1.0005, 0.30000000000000004]
    values += list(np.random.default_rng(25).normal(0, 10, 2000))
    values += [
        k / 2**14 for k in range(-3000, 3000, 7)
    ]  # exact ties at 4 decimals among them
    for digits in (0, 2, 4):
        [answer] = ask_node(
            [{"kind": "formatFixed", "x": encode(values), "digits": digits}]
        )
        assert answer["text"] == [format(v, f".{digits}f") for v in values]


def test_backprop_steps_equal_mlp_core_words_and_numbers():
    # Chapter 8's figure: the engine's steps (book/js/backprop_steps.js) against the same list
    # computed with mlp_core (playground.backprop_steps), for the book's network and a few others.
    cases = [([1, 4, 3, 1], 4, 2.0, 3.0), ([1, 4, 3, 1], 7, -1.0, 1.0)]
    cases += [([1, 2, 1], 0, 0.5, -2.0), ([1, 5, 5, 5, 1], 11, 3.0, 5.0)]
    answers = ask_node(
        [
            {
                "kind": "backpropSteps",
                "layerSizes": sizes,
                "alpha": 0.01,
                "seed": str(seed),
            }
            | {"weightScale": 0.1, "x": x, "y": y}
            for sizes, seed, x, y in cases
        ]
    )
    for (sizes, seed, x, y), steps in zip(cases, answers):
        network = mlp_core.NeuralNetwork(sizes, seed=seed)
        expected = playground.backprop_steps(network, x, y)
        assert [s["title"] for s in steps] == [s["title"] for s in expected]
        for got, want in zip(steps, expected, strict=True):
            assert (got["phase"], got["layer"]) == (want["phase"], want["layer"])
            assert got["equations"] == want["equations"]
            assert got["equationTexts"] == [
                playground.equation_text(key, want["l"]) for key in want["equations"]
            ]
            for value, (name, array) in zip(got["values"], want["values"], strict=True):
                assert value["name"] == name
                assert value["shape"] == list(array.shape), (name, got["title"])
                np.testing.assert_allclose(
                    decode(value["data"]), array.ravel(), rtol=1e-12, atol=1e-15
                )
                assert value["text"] == playground.matrix_text(array), name
    # The equations the page names are the ones the fallback names.
    assert {e for s in answers[0] for e in s["equations"]} == set(
        playground.EQUATION_TEXT
    )


def test_the_page_says_what_playground_headline_says():
    # Settled, not settled (rate 0.18), flat, diverged, no epoch, other shapes and data.
    x5 = np.array([[-1.5, -0.5, 0.5, 1.5, 2.5]])
    cases = [
        (playground.Setting(), mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        (playground.Setting(learning_rate=0.18), mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        (playground.Setting(learning_rate=0.56), mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        (playground.Setting(learning_rate=5.0), mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        (playground.Setting(epochs=0), mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        (playground.Setting(layer_sizes=(1, 8, 1), seed=3, alpha=0.2), x5, x5**2),
        (playground.Setting(layer_sizes=(1, 32, 32, 1), learning_rate=1.0), x5, x5),
    ]
    answers = ask_node(
        [
            {
                "kind": "headline",
                "layerSizes": list(s.layer_sizes),
                "alpha": s.alpha,
                "seed": str(s.seed),
                "learningRate": s.learning_rate,
                "epochs": s.epochs,
                "X": matrix(X),
                "Y": matrix(Y),
                "chunk": 7,
            }
            for s, X, Y in cases
        ]
    )
    said = []
    for (setting, X, Y), answer in zip(cases, answers):
        network = mlp_core.NeuralNetwork(
            list(setting.layer_sizes), alpha=setting.alpha, seed=setting.seed
        )
        try:
            run = playground.Run(
                setting,
                network.train(X, Y, setting.epochs, setting.learning_rate),
                network,
            )
        except mlp_core.TrainingDiverged as error:
            run = playground.Run(setting, error.losses, network, error.epoch)
        assert answer["headline"] == run.headline(), setting
        said.append(run.headline().split(":")[0].split(" ")[0])
    assert {"final", "not", "diverged", "no"} <= set(said)


# ---------------------------------------------------------------------------------------------
# Training, in headless Chromium.


def data_sets():
    rng = np.random.default_rng(7)
    noisy_x = rng.uniform(-1, 1, (1, 30))
    noisy_y = 2 * noisy_x + 0.5 + 0.1 * rng.standard_normal((1, 30))
    two = np.random.default_rng(8).uniform(-1, 1, (2, 25))
    x50, x20 = np.linspace(-3, 3, 50)[None, :], np.linspace(-2, 2, 20)[None, :]
    return {
        "book": (mlp_core.X_TRAIN, mlp_core.Y_TRAIN),
        "sine50": (x50, np.sin(x50)),
        "line50": (x50, 4 * x50 + 1),
        "quad20": (x20, x20**2 - 1),
        "cubic20": (x20, x20**3),
        "noisy30": (noisy_x, noisy_y),
        "two25": (two, np.vstack([two[0] * two[1], two[0] - two[1] ** 2])),
    }


# layer sizes, alpha, seed, learning rate, epochs, data, weight scale
TABLE = [
    ([1, 4, 3, 1], 0.01, 4, 0.1, 100, "book", 0.1),  # the book's run
    ([1, 4, 3, 1], 0.01, 4, 0.001, 2000, "book", 0.1),
    ([1, 4, 3, 1], 0.01, 4, 1.0, 50, "book", 0.1),
    ([1, 4, 3, 1], 0.0, 0, 0.05, 1000, "book", 0.1),
    ([1, 1], 0.01, 3, 0.1, 500, "book", 0.1),
    ([1, 2, 1], 0.01, 13, 0.9, 2000, "book", 0.1),
    ([1, 8, 1], 0.2, 11, 0.05, 1500, "quad20", 0.1),
    ([1, 16, 1], 0.01, 2**32 - 1, 0.01, 2000, "sine50", 0.1),
    ([1, 32, 32, 1], 0.01, 4, 0.01, 2000, "sine50", 0.1),
    ([1, 32, 32, 1], 0.1, 123456789, 0.05, 1000, "sine50", 0.1),
    ([1, 32, 32, 1], 0.01, 7, 0.001, 300, "noisy30", 0.1),
    ([1, 32, 32, 1], 0.01, 4, 1.0, 200, "sine50", 0.1),
    ([1, 32, 32, 1], 0.01, 4, 0.01, 500, "sine50", "he"),
    ([1, 32, 32, 1], 0.0, 2024, 0.01, 1, "sine50", 0.1),
    ([1, 32, 32, 1], 0.5, 2**31, 0.005, 2000, "quad20", 0.1),
    ([1, 10, 10, 1], 0.3, 99, 0.02, 2000, "quad20", 0.1),
    ([1, 5, 5, 5, 1], 0.05, 5, 0.05, 1000, "noisy30", 0.1),
    ([1, 4, 3, 1], 0.01, 42, 0.3, 1000, "noisy30", 0.1),
    ([2, 6, 2], 0.01, 8, 0.05, 800, "two25", 0.1),
    # Runs that diverge within a few epochs:
    ([1, 8, 1], 0.01, 4, 0.8, 100, "book", 0.1),
    ([1, 32, 32, 1], 0.01, 4, 1.0, 100, "book", 0.1),
    ([1, 4, 3, 1], 0.01, 4, 0.3, 100, "line50", 0.1),
    ([1, 32, 32, 1], 0.01, 4, 0.2, 100, "line50", 0.1),
    ([1, 8, 1], 0.01, 4, 0.8, 100, "cubic20", 0.1),
    ([1, 32, 32, 1], 0.01, 0, 0.5, 100, "cubic20", 0.1),
]

# On the book's three points every sum numpy does has fewer than 8 terms, so numpy adds one term
# at a time, as the engine does; with OpenBLAS's generic kernel (Prescott: no fused
# multiply-add) its matrix products round as the engine's. These runs pass through instabilities.
BOOK_POINTS_TABLE = [
    (
        [1, 4, 3, 1],
        0.01,
        4,
        0.1,
        2000,
        "book",
        0.1,
    ),  # the book's rate, for 2,000 epochs
    ([1, 4, 3, 1], 0.5, 1, 0.1, 1000, "book", 0.1),
    ([1, 4, 3, 1], 0.01, 4, 0.5, 2000, "book", 0.1),  # diverges late: 776 (native: 293)
    ([1, 4, 3, 1], 0.01, 4, 0.6, 2000, "book", 0.1),
    ([1, 4, 3, 1], 0.01, 4, 1.0, 2000, "book", 0.1),
    ([1, 16, 16, 1], 0.01, 4, 0.5, 2000, "book", 0.1),
]


def train_request(setting, data, chunk=37):
    sizes, alpha, seed, rate, epochs, name, scale = setting
    X, Y = data[name]
    return {
        "kind": "train",
        "layerSizes": sizes,
        "alpha": alpha,
        "seed": str(seed),
        "weightScale": scale,
        "learningRate": rate,
        "epochs": epochs,
        "X": matrix(X),
        "Y": matrix(Y),
        "chunk": chunk,  # also run as a TrainingRun, `chunk` epochs per step
    }


def mlp_core_run(setting, data):
    """(initial weights, losses, (epoch, message) or None) of mlp_core for one setting."""
    sizes, alpha, seed, rate, epochs, name, scale = setting
    X, Y = data[name]
    network = mlp_core.NeuralNetwork(sizes, alpha=alpha, seed=seed, weight_scale=scale)
    weights = [W.copy() for W in network.weights]
    try:
        return weights, network.train(X, Y, epochs, rate), None
    except mlp_core.TrainingDiverged as error:
        return weights, error.losses, (error.epoch, str(error))


@pytest.fixture(scope="module")
def engine_page(browser):
    """A page of headless Chromium that has loaded book/js and the test bridge over http."""
    with tempfile.TemporaryDirectory() as site:
        # The bridge imports ../../book/js/...: serve the two folders at the same relative paths.
        for folder in ("book/js", "tests/js"):
            (Path(site) / folder).parent.mkdir(parents=True, exist_ok=True)
            (Path(site) / folder).symlink_to(ROOT / folder)
        # An empty page (with no favicon to ask for) from which to import the modules.
        (Path(site) / "index.html").write_text(
            '<!doctype html><title>engine</title><link rel="icon" href="data:,">'
        )
        with chromium.serve(site) as base:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )
            page.goto(base)
            yield page, errors
            page.close()


def ask_chromium(page, requests):
    page_and_errors, errors = page
    answers = page_and_errors.evaluate(
        """async (requests) => {
            const { handle } = await import("/tests/js/bridge.mjs");
            return requests.map(handle);
        }""",
        requests,
    )
    assert errors == []
    return answers


def test_engine_equals_mlp_core_in_chromium(engine_page):
    assert len(TABLE) >= 20
    data = data_sets()
    answers = ask_chromium(engine_page, [train_request(s, data) for s in TABLE])
    for setting, answer in zip(TABLE, answers):
        weights, losses, diverged = mlp_core_run(setting, data)
        for W, got in zip(weights, answer["initialWeights"], strict=True):
            assert np.array_equal(bits(decode(got)), bits(W)), setting
        got = decode(answer["losses"])
        assert got.shape == losses.shape, setting
        np.testing.assert_allclose(got, losses, rtol=1e-9, atol=0, err_msg=str(setting))
        js_diverged = answer["diverged"] and tuple(answer["diverged"].values())
        assert js_diverged == diverged, setting
        # The playground's TrainingRun, stepped 37 epochs at a time, is train() itself.
        assert np.array_equal(bits(decode(answer["run"]["losses"])), bits(got)), setting
        assert answer["run"]["diverged"] == answer["diverged"], setting
    assert sum(answer["diverged"] is not None for answer in answers) >= 6


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"),
    reason="OpenBLAS's Prescott kernel exists on x86-64 only",
)
def test_engine_is_numpy_arithmetic_on_the_book_points(engine_page):
    data = data_sets()
    # mlp_core in a fresh Python whose OpenBLAS runs its generic kernel, one thread; the settings
    # and the data travel as JSON (Python writes and reads floats exactly).
    script = """
import base64, json, sys
import numpy as np
import mlp_core
out = []
for sizes, alpha, seed, rate, epochs, X, Y, scale in json.load(sys.stdin):
    network = mlp_core.NeuralNetwork(sizes, alpha=alpha, seed=seed, weight_scale=scale)
    try:
        losses, diverged = network.train(np.array(X), np.array(Y), epochs, rate), None
    except mlp_core.TrainingDiverged as error:
        losses, diverged = error.losses, [error.epoch, str(error)]
    out.append([base64.b64encode(losses.astype("<f8").tobytes()).decode(), diverged])
print(json.dumps(out))
"""
    settings = [
        [sizes, alpha, seed, rate, epochs, *(a.tolist() for a in data[name]), scale]
        for sizes, alpha, seed, rate, epochs, name, scale in BOOK_POINTS_TABLE
    ]
    env = os.environ | {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1"}
    generic = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(settings),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(generic.stdout)
    answers = ask_chromium(
        engine_page, [train_request(s, data, chunk=None) for s in BOOK_POINTS_TABLE]
    )
    for setting, (losses, diverged), answer in zip(
        BOOK_POINTS_TABLE, expected, answers
    ):
        assert np.array_equal(bits(decode(answer["losses"])), bits(decode(losses))), (
            setting
        )
        js_diverged = answer["diverged"] and list(answer["diverged"].values())
        assert js_diverged == diverged, setting
