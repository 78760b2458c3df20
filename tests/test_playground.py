"""Tests of the playground's logic: what every control calls, in the browser and in a kernel, and
the live figures' HTML (book/js run in it: tests/test_engine.py, tests/test_playground_site.py)."""

import base64
import html
import io
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mlp_core
import playground
from playground import ALPHAS, LEARNING_RATES, Setting

ROOT = Path(__file__).resolve().parent.parent


def test_a_run_is_mlp_cores_training_for_that_setting():
    setting = Setting(
        learning_rate=0.032, alpha=0.2, epochs=40, layer_sizes=(1, 16, 16, 1), seed=9
    )
    run = playground.train(setting)
    network = mlp_core.NeuralNetwork([1, 16, 16, 1], alpha=0.2, seed=9)
    expected = network.train(mlp_core.X_TRAIN, mlp_core.Y_TRAIN, 40, 0.032)
    np.testing.assert_array_equal(run.losses, expected)
    np.testing.assert_array_equal(
        run.network.predict(mlp_core.X_TRAIN), network.predict(mlp_core.X_TRAIN)
    )
    assert run.headline() == f"final loss {expected[-1]:.4f}"


def test_a_run_of_no_epochs_has_no_final_loss():
    run = playground.train(Setting(epochs=0))
    assert run.final_loss is None and run.headline() == "no epochs trained"


def test_a_run_that_has_not_settled_shows_no_final_loss():
    """At learning rate 0.18 the book's run overshoots back and forth: its last losses differ
    between OpenBLAS kernels (0.4879 with Haswell's, 0.4883 with Prescott's), so no digit of it
    is shown; the settled runs next to it keep theirs."""
    jumping = playground.train(Setting(learning_rate=0.18))
    last = jumping.losses[-10:]
    assert last.max() > 10 * last.min()
    assert jumping.still_jumping
    assert jumping.headline() == "not settled: the loss still jumps from epoch to epoch"
    settled = playground.train(Setting(learning_rate=0.1))
    assert not settled.still_jumping
    assert settled.headline() == f"final loss {settled.losses[-1]:.4f}"


def test_divergence_becomes_a_message_not_an_exception():
    run = playground.train(Setting(learning_rate=5.0))
    assert run.diverged_at is not None and run.final_loss is None
    assert (
        run.headline()
        == f"diverged at epoch {run.diverged_at}: learning rate too large"
    )
    assert len(run.losses) == run.diverged_at
    png = playground.RunFigure().draw(run)
    assert Image.open(io.BytesIO(png)).size[0] > 300


def test_the_grid_covers_both_sliders():
    assert (
        LEARNING_RATES[0] == 0.001
        and LEARNING_RATES[-1] == 1.0
        and len(LEARNING_RATES) == 13
    )
    ratios = np.diff(np.log10(LEARNING_RATES))
    np.testing.assert_allclose(ratios, 0.25, atol=0.01)  # evenly spaced on a log scale
    assert ALPHAS[0] == 0.0 and ALPHAS[-1] == 0.5 and mlp_core.ALPHA in ALPHAS
    assert mlp_core.LEARNING_RATE in LEARNING_RATES


def test_the_pictures_are_small_pngs_with_alt_text():
    run = playground.train(Setting())
    png = playground.png_bytes(
        playground.RunFigure().render(run), playground.WEB_COLOURS
    )
    assert png.startswith(b"\x89PNG") and len(png) < 9000
    html = playground.image_html(png, 'a "quoted" <alt>')
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in html
    assert base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1)) == png


def test_the_live_playground_retrains_when_a_control_moves():
    live = playground.LivePlayground()
    first = live.view.value
    live.learning_rate.value = 0.01
    assert live.view.value != first
    run = live.update()
    np.testing.assert_array_equal(
        run.losses, playground.train(Setting(learning_rate=0.01)).losses
    )
    assert "learning rate 0.01," in live.view.value


@pytest.mark.parametrize(
    "control, value",
    [
        ("learning_rate", 1.0),
        ("learning_rate", 0.001),
        ("alpha", 0.0),
        ("alpha", 0.5),
        ("epochs", 0),
        ("epochs", 500),
        ("shape", "[1, 1, 1]"),
        ("shape", "[1, 16, 16, 1]"),
        ("seed", 10_000),
    ],
)
def test_extreme_settings_never_raise(control, value):
    live = playground.LivePlayground(Setting(learning_rate=1.0))
    getattr(live, control).value = value
    assert live.view.value.startswith("<img") and "alt=" in live.view.value


def test_the_grid_is_every_pair_of_rate_and_alpha():
    rates, alphas = (0.001, 0.1, 1.0), (0.0, 0.01)
    runs = playground.precompute_grid(learning_rates=rates, alphas=alphas)
    assert set(runs) == set(itertools.product(rates, alphas))
    for (rate, alpha), run in runs.items():
        assert (run.setting.learning_rate, run.setting.alpha) == (rate, alpha)


# --- The live figures ----------------------------------------------------------------------------


def parts(figure):
    """(config, fallback HTML, module sources, loader) of a live figure's HTML."""
    text = figure.data
    config = json.loads(
        html.unescape(re.search(r'data-bfs-live="([^"]*)"', text).group(1))
    )
    fallback = re.search(r'<div class="bfs-fallback">(.*?)</div><script', text, re.S)
    modules = re.search(
        r'<script type="application/json" data-bfs-modules>(.*?)</script>', text, re.S
    ).group(1)
    loader = re.search(r'<script type="module">(.*?)</script>', text, re.S).group(1)
    return config, fallback.group(1), json.loads(modules), loader


def test_a_live_figure_carries_the_books_modules_as_they_are():
    figure = playground.browser_playground(url=True)
    config, fallback, modules, loader = parts(figure)
    js = playground.JS
    # playground.js and what it imports, and nothing else (not chapter 8's figure).
    names = {"playground.js", "playground_state.js", "svg_plot.js", "training_run.js"}
    names |= {"mlp.js", "mlp_checks.js", "matrix.js", "pyformat.js", "random.js"}
    names |= {"libm.js", "ziggurat_tables.js"}
    assert modules == {name: (js / name).read_text() for name in names}
    assert loader == (js / "inline_loader.js").read_text()
    assert config == {
        "module": "playground.js",
        "options": {
            "controls": list(playground.CONTROLS),
            "panels": list(playground.PANELS),
            "setting": {
                "learningRate": 0.1,
                "alpha": 0.01,
                "layerSizes": [1, 4, 3, 1],
                "seed": 4,
                "epochs": 100,
            },
            "url": True,
        },
    }
    # No "<" inside the JSON script, so nothing in a module can end it early.
    assert "<" not in figure.data.split("data-bfs-modules>")[1].split("</script>")[0]
    assert repr(figure) == (
        "Playground (layers [1, 4, 3, 1], learning rate 0.1, alpha 0.01, 100 epochs, seed 4: "
        "final loss 0.0261)"
    )


def test_without_javascript_a_picture_of_the_run_and_one_sentence():
    run = playground.train(Setting(learning_rate=5.0))
    _, fallback, _, _ = parts(playground.browser_playground(Setting(learning_rate=5.0)))
    alt = html.unescape(re.search(r'alt="([^"]*)"', fallback).group(1))
    assert alt == playground.describe_run(run) and "diverged at epoch" in alt
    png = base64.b64decode(re.search(r"base64,([^\"]+)", fallback).group(1))
    assert Image.open(io.BytesIO(png)).size == (660, 290)
    sentences = re.findall(r"<p>(.*?)</p>", fallback)
    assert len(sentences) == 1 and "needs JavaScript" in sentences[0]
    assert sentences[0].count(". ") == 0 and sentences[0].endswith(".")


def test_the_step_figure_lists_every_step_without_javascript():
    figure = playground.backprop_steps_figure()
    config, fallback, _, _ = parts(figure)
    assert config == {
        "module": "backprop_steps.js",
        "options": {"layerSizes": [1, 4, 3, 1], "seed": 4, "x": 2.0, "y": 3.0},
    }
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED)
    activations, zs = network.forward_pass(np.array([[2.0]]))
    dW, _ = network.backward_pass(activations, zs, np.array([[3.0]]))
    assert fallback.count("<li>") == 13
    assert f"dW[1] = {playground.matrix_text(dW[0])}" in fallback
    assert f"Z[3] = [[{zs[2][0, 0]:.4f}]]" in fallback


def test_unknown_controls_and_panels_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match="controls must come from"):
        playground.browser_playground(controls=["speed"])
    with pytest.raises(ValueError, match="got \\['pictures'\\]"):
        playground.browser_playground(panels=["fit", "pictures"])


LIVE_CELLS = [
    ("04_leaky_relu.ipynb", "browser_playground"),
    ("08_backpropagation.ipynb", "backprop_steps_figure"),
    ("09_training.ipynb", "browser_playground"),
    ("11_playground.ipynb", "browser_playground"),
]


@pytest.mark.parametrize("chapter, function", LIVE_CELLS)
def test_the_stored_live_figures_are_current(chapter, function):
    """JupyterLab shows a trusted notebook's stored output without running it: that output must be
    what the cell gives now (book/js and book/playground.py as they are). nbval compares them too,
    in `make test`; this test says so in `make check`, in one line."""
    notebook = json.loads((ROOT / "book" / chapter).read_text())
    cells = [
        c
        for c in notebook["cells"]
        if f"playground.{function}(" in "".join(c["source"])
    ]
    assert len(cells) == 1
    source = "".join(cells[0]["source"])
    *body, last = source.strip().splitlines()
    namespace = {"playground": playground}
    exec("\n".join(body), namespace)
    fresh = eval(last, namespace)
    [output] = cells[0]["outputs"]
    stored = "".join(output["data"]["text/html"])
    assert stored == fresh.data, (
        f"book/{chapter}'s live figure is out of date: execute the chapter again "
        f"(make notebooks NOTEBOOKS=book/{chapter})"
    )
    assert "".join(output["data"]["text/plain"]) == repr(fresh)
