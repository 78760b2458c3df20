"""The playground's sliders on the built website, with no kernel: moved with the keyboard, as a
reader would, they must show the precomputed run of exactly the setting they now name."""

import base64
import io
import re
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

import chromium
import mlp_core
import playground
import site_checks
from playground import ALPHAS, LEARNING_RATES, Setting

# No module-wide mark: conftest.py marks every test that uses the `browser` fixture `browser`.

RUN_PICTURES = "() => [...document.querySelectorAll('.widget-html img')].filter(i => i.offsetParent !== null && i.alt.startsWith('Loss curve')).map(i => [i.alt, i.src])"


def shown(page):
    """(alt text, PNG bytes) of the one run picture on show; fails if there is not exactly one."""
    pictures = page.evaluate(RUN_PICTURES)
    assert len(pictures) == 1, (
        f"expected one run picture on show, found {len(pictures)}"
    )
    alt, src = pictures[0]
    return alt, base64.b64decode(src.split("base64,", 1)[1])


def expected(rate, alpha):
    """What the picture for this setting must say and show, computed here with mlp_core."""
    run = playground.train(Setting(learning_rate=rate, alpha=alpha))
    image = playground.png_bytes(
        playground.RunFigure().render(run), playground.WEB_COLOURS
    )
    return playground.describe_run(run), image


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def assert_shows(page, rate, alpha):
    alt, png = shown(page)
    want_alt, want_png = expected(rate, alpha)
    assert alt == want_alt
    # The same picture as a fresh render of that run, pixel for pixel (colours may differ by the
    # palette's rounding): not merely a changed picture, the right one.
    difference = np.abs(pixels(png) - pixels(want_png))
    assert (
        difference.shape[:2] == pixels(want_png).shape[:2] and np.mean(difference) < 1.0
    )


@pytest.fixture
def playground_page(browser, site_dir):
    with chromium.serve(site_dir) as base_url:
        context = browser.new_context(viewport=site_checks.DESKTOP)
        outside, errors = [], []

        def only_the_site(route):
            if urlsplit(route.request.url).hostname == chromium.HOST:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", only_the_site)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + "book/11_playground.html", wait_until="load")
        page.get_by_role("slider", name="learning rate", exact=True).wait_for(
            timeout=20000
        )
        yield page
        assert not errors, errors
        assert not outside, outside
        context.close()


def test_both_sliders_show_the_run_of_their_new_setting(playground_page):
    page = playground_page
    rate_slider = page.get_by_role("slider", name="learning rate", exact=True)
    alpha_slider = page.get_by_role("slider", name="alpha", exact=True)
    rate, alpha = mlp_core.LEARNING_RATE, mlp_core.ALPHA
    assert_shows(page, rate, alpha)

    def step(slider, key, values, value):
        before = shown(page)
        slider.focus()
        page.keyboard.press(key)
        value = values[values.index(value) + (1 if key == "ArrowRight" else -1)]
        page.wait_for_function(
            f"() => ({RUN_PICTURES})().some(([alt]) => alt !== {before[0]!r})",
            timeout=5000,
        )
        return value

    rate = step(rate_slider, "ArrowRight", LEARNING_RATES, rate)
    assert_shows(page, rate, alpha)
    alpha = step(alpha_slider, "ArrowRight", ALPHAS, alpha)
    assert_shows(page, rate, alpha)
    for _ in range(3):
        rate = step(rate_slider, "ArrowLeft", LEARNING_RATES, rate)
    assert_shows(page, rate, alpha)
    assert rate_slider.get_attribute("aria-valuetext") == f"{rate:g}"


def test_watch_it_learn_steps_through_the_epochs(playground_page):
    page = playground_page
    epoch_slider = page.get_by_role("slider", name=re.compile("^epoch"))
    frame = "() => [...document.querySelectorAll('.widget-html img')].filter(i => i.offsetParent !== null && i.alt.startsWith('After')).map(i => i.alt)"
    assert page.evaluate(frame)[0].startswith("After 0 epochs")
    epoch_slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => ({frame})()[0].startsWith('After 5 epochs')", timeout=5000
    )
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED)
    network.train(mlp_core.X_TRAIN, mlp_core.Y_TRAIN, 5)
    loss = mlp_core.mse_loss(mlp_core.Y_TRAIN, network.predict(mlp_core.X_TRAIN))
    assert page.evaluate(frame)[0].endswith(f"loss {loss:.4f}.")
