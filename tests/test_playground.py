"""Tests of the playground's logic: what every slider calls, on the static site and in a kernel."""

import base64
import io
import itertools
import re

import numpy as np
import pytest
from PIL import Image

import mlp_core
import playground
from playground import ALPHAS, LEARNING_RATES, Setting


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


def test_every_grid_point_is_precomputed_and_shown_in_its_place():
    rates, alphas = (
        (0.001, 0.1, 1.0),
        (0.0, 0.01),
    )  # a small grid (with the defaults) keeps it fast
    runs = playground.precompute_grid(learning_rates=rates, alphas=alphas)
    assert set(runs) == set(itertools.product(rates, alphas))
    box = playground.precomputed_playground(learning_rates=rates, alphas=alphas)
    rate_slider, alpha_slider, grid = box.children
    assert [value for _, value in rate_slider.options] == list(rates)
    assert [value for _, value in alpha_slider.options] == list(alphas)
    for rate, row in zip(rates, grid.children):
        for alpha, cell in zip(alphas, row.children):
            alt = re.search(r'alt="([^"]*)"', cell.value).group(1)
            assert f"learning rate {rate:g}, alpha {alpha:g}" in alt
            assert runs[rate, alpha].headline() in alt


def test_the_pictures_are_small_pngs_with_alt_text():
    run = playground.train(Setting())
    png = playground.png_bytes(
        playground.RunFigure().render(run), playground.WEB_COLOURS
    )
    assert png.startswith(b"\x89PNG") and len(png) < 9000
    html = playground.image_html(png, 'a "quoted" <alt>')
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in html
    assert base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1)) == png


def test_watch_it_learn_has_a_frame_every_five_epochs():
    box = playground.watch_it_learn(Setting(epochs=20), every=5)
    controls, stack = box.children
    play, slider = controls.children
    assert len(stack.children) == 5 and play.max == slider.max == 4
    last_alt = re.search(r'alt="([^"]*)"', stack.children[-1].value).group(1)
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED)
    network.train(mlp_core.X_TRAIN, mlp_core.Y_TRAIN, 20)
    loss = mlp_core.mse_loss(mlp_core.Y_TRAIN, network.predict(mlp_core.X_TRAIN))
    assert last_alt.startswith("After 20 epochs") and f"loss {loss:.4f}" in last_alt


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


def test_the_learning_rate_explorer_shows_the_run_of_each_rate():
    rates = (0.001, 0.1, 5.0)
    slider, stack = playground.learning_rate_explorer(learning_rates=rates).children
    assert [value for _, value in slider.options] == list(rates) and slider.value == 0.1
    assert stack.selected_index == 1
    for rate, cell in zip(rates, stack.children):
        assert playground.train(Setting(learning_rate=rate)).headline() in cell.value
    assert "diverged at epoch" in stack.children[-1].value


def test_the_leaky_relu_explorer_has_a_picture_per_alpha():
    slider, stack = playground.leaky_relu_explorer().children
    assert [value for _, value in slider.options] == list(ALPHAS)
    assert stack.selected_index == ALPHAS.index(mlp_core.ALPHA)
    assert len(stack.children) == len(ALPHAS)
    assert "alpha 0.3 beside ReLU" in stack.children[ALPHAS.index(0.3)].value
