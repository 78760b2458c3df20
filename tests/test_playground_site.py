"""The live figures on the built website, driven as a reader drives them, by keyboard and mouse.

After every move the page must show the run of the setting it now names: each epoch's loss equal
to mlp_core's for that setting and data (within 1e-9 relative, as tests/test_engine.py holds the
engine), and the words of book/playground.py's Run.headline(). Also: the address keeps the setting
(a copied link and the back button restore it), chapter 8's steps show mlp_core's numbers, the
pages pass axe (WCAG 2.2 A and AA: no violation at all) in light and dark themes and fit a 375 px
phone, text is at least 11 px and controls at least 44 px tall, reduced motion is respected, and
without JavaScript a picture and one sentence stand in. Chapter 11's weight is at most 3 MiB.
"""

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
from playground import Setting

# No module-wide mark: conftest.py marks every test that uses the `browser` fixture `browser`.

CHAPTER_11 = "book/11_playground.html"
BOOK_POINTS = [[2.0, 3.0], [-1.0, 1.0], [3.0, 5.0]]
MAX_PAGE_BYTES = 3 * 2**20

STATE = """(root) => {
  const p = root.bfs, r = p.run;
  return {setting: p.setting, playing: p.playing, caption: p.caption.textContent,
          epoch: r ? r.epoch : null, losses: r ? Array.from(r.losses) : [],
          diverged: r && r.diverged ? r.diverged.epoch : null};
}"""
SETTLED = """(root) => {
  const p = root.bfs;
  if (p.frameRequested || p.playing) return false;
  return !p.run || p.run.diverged !== null || p.run.epoch >= Math.min(p.goal, p.setting.epochs);
}"""


@pytest.fixture
def site(browser, site_dir):
    """open(path, **context options) -> page, on the built site; no error, nothing from outside."""
    with chromium.serve(site_dir) as base:
        opened = []

        def open_page(path, **options):
            context = browser.new_context(
                viewport=options.pop("viewport", site_checks.DESKTOP), **options
            )
            errors, outside = [], []

            def only_the_site(route):
                host = urlsplit(route.request.url).hostname
                if host == chromium.HOST or route.request.url.startswith("blob:"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort("blockedbyclient")

            context.route("**/*", only_the_site)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + path, wait_until="load")
            opened.append((context, errors, outside))
            page.base_url = base
            return page

        yield open_page
        for context, errors, outside in opened:
            context.close()
            assert not errors, errors
            assert not outside, outside


def live(page, index=0):
    """The index-th live figure of the page, once started, scrolled to the middle of the window
    (the mouse acts where things are on the screen)."""
    page.wait_for_function(
        "(i) => document.querySelectorAll('[data-bfs-live]')[i]?.dataset.bfsStarted === 'true'",
        arg=index,
        timeout=20000,
    )
    root = page.locator("[data-bfs-live]").nth(index)
    root.evaluate("r => r.scrollIntoView({block: 'center'})")
    return root


def centre(root, locator):
    """Scroll `locator` to the middle of the window; its bounding box there."""
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    return locator.bounding_box()


def settle(root):
    root.page.wait_for_function(SETTLED, arg=root.element_handle(), timeout=20000)
    return root.evaluate(STATE)


def expected_run(setting, epochs=None):
    """(losses, diverged epoch or None, headline) of mlp_core for the page's setting."""
    points = np.array(setting["points"], dtype=float)
    X, Y = points[:, :1].T.copy(), points[:, 1:].T.copy()
    sizes = setting["layerSizes"]
    network = mlp_core.NeuralNetwork(
        sizes, alpha=setting["alpha"], seed=setting["seed"]
    )
    epochs = setting["epochs"] if epochs is None else epochs
    python_setting = Setting(
        learning_rate=setting["learningRate"],
        alpha=setting["alpha"],
        epochs=epochs,
        layer_sizes=tuple(sizes),
        seed=setting["seed"],
    )
    try:
        losses = network.train(X, Y, epochs, setting["learningRate"])
        run = playground.Run(python_setting, losses, network)
    except mlp_core.TrainingDiverged as error:
        run = playground.Run(python_setting, error.losses, network, error.epoch)
    return run, network, X, Y


def assert_shows_mlp_cores_run(state):
    """The page's losses, headline and caption are those of mlp_core for its setting."""
    setting = state["setting"]
    diverged = state["diverged"] is not None
    run, _, _, _ = expected_run(setting, None if diverged else state["epoch"])
    assert state["diverged"] == run.diverged_at, setting
    np.testing.assert_allclose(state["losses"], run.losses, rtol=1e-9, atol=0)
    if state["diverged"] is not None or state["epoch"] == setting["epochs"]:
        assert state["caption"] == (
            f"learning rate {setting['learningRate']:g}, alpha {setting['alpha']:g}: "
            f"{run.headline()}"
        )
    return run


def readable(x):
    """A number as the page writes it for a reader: up to 3 decimals, a true minus sign."""
    return f"{x:.3f}".rstrip("0").rstrip(".").replace("-", "\u2212")


def fit_curve(root):
    return root.locator("polyline.bfs-curve").first.get_attribute("points")


def test_every_control_by_keyboard_trains_what_mlp_core_trains(site):
    page = site(CHAPTER_11)
    root = live(page)
    state = settle(root)
    assert state["caption"] == "learning rate 0.1, alpha 0.01: final loss 0.0261"
    assert_shows_mlp_cores_run(state)
    keyboard = page.keyboard

    def change(locator, *keys, fill=None):
        before = (fit_curve(root), root.evaluate(STATE)["caption"])
        locator.focus()
        if fill is not None:
            locator.fill(fill)
        for key in keys:
            keyboard.press(key)
        state = settle(root)
        assert (fit_curve(root), state["caption"]) != before, keys
        assert_shows_mlp_cores_run(state)
        return state

    rate = root.get_by_role("slider", name="learning rate (log scale)")
    state = change(rate, "ArrowRight", "ArrowRight")
    assert (
        state["setting"]["learningRate"]
        == 0.105
        == float(rate.get_attribute("aria-valuetext"))
    )
    alpha = root.get_by_role("slider", name="alpha, the Leaky ReLU slope")
    state = change(alpha, "ArrowRight")
    assert state["setting"]["alpha"] == 0.02
    layers = root.get_by_role("combobox", name="layers")
    state = change(layers, "ArrowDown")
    assert state["setting"]["layerSizes"] == [1, 16, 16, 1]
    state = change(root.get_by_role("spinbutton", name="seed"), "Enter", fill="9")
    assert state["setting"]["seed"] == 9
    state = change(root.get_by_role("spinbutton", name="epochs"), "Enter", fill="150")
    assert state["setting"]["epochs"] == 150 and state["epoch"] == 150, state
    # Layers of the reader's own: chosen from the list, typed, and refused with a sentence.
    layers.focus()
    keyboard.press("End")
    custom = root.get_by_role("textbox", name="your layers")
    assert custom.is_visible() and custom.evaluate("e => e === document.activeElement")
    custom.fill("1, 40, 1")
    keyboard.press("Enter")
    assert custom.get_attribute("aria-invalid") == "true"
    assert "at most 2 hidden layers of 1 to 32 units" in root.inner_text()
    state = change(custom, "Enter", fill="1, 8, 8, 1")
    assert state["setting"]["layerSizes"] == [1, 8, 8, 1]
    assert custom.get_attribute("aria-invalid") is None
    # Play, pause, one step, reset: the buttons by keyboard.
    play = root.get_by_role("button", name="Play")
    play.focus()
    keyboard.press("Enter")
    page.wait_for_function("(r) => r.bfs.run.epoch >= 5", arg=root.element_handle())
    keyboard.press("Enter")  # the same button, now Pause
    state = settle(root)
    k = state["epoch"]
    assert not state["playing"] and 5 <= k < 150
    run = assert_shows_mlp_cores_run(state)
    assert state["caption"] == (
        f"{k} of 150 epochs trained \u00b7 loss of the last epoch "
        f"{run.losses[-1]:.4f} (before its update)"
    )
    root.get_by_role("button", name="One step").focus()
    keyboard.press("Space")
    state = settle(root)
    assert state["epoch"] == k + 1
    assert_shows_mlp_cores_run(state)
    root.get_by_role("button", name="Reset").focus()
    keyboard.press("Enter")
    state = settle(root)
    _, network, X, Y = expected_run(state["setting"], 0)
    initial = mlp_core.mse_loss(Y, network.predict(X))
    assert state["epoch"] == 0 and state["losses"] == []
    assert state["caption"] == (
        f"0 of 150 epochs trained \u00b7 loss of the initial weights {initial:.4f}"
    )
    play.focus()
    keyboard.press("Enter")
    state = settle(root)
    assert state["epoch"] == 150
    assert_shows_mlp_cores_run(state)
    # The largest rate diverges: the picture says so, as in Jupyter, and draws no fit.
    state = change(rate, "End")
    assert state["setting"]["learningRate"] == 10.0 and state["diverged"] is not None
    message = f"diverged at epoch {state['diverged']}: learning rate too large"
    assert state["caption"].endswith(message)
    fit = root.locator("svg.bfs-fit")
    assert fit.locator(".bfs-message").text_content() == message.replace(": ", ":")
    assert fit_curve(root) == ""
    assert root.get_by_role("button", name="One step").is_disabled()


def test_every_control_by_mouse(site):
    page = site(CHAPTER_11)
    root = live(page)
    settle(root)
    rate = root.get_by_role("slider", name="learning rate (log scale)")
    box = centre(root, rate)
    page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + box["height"] / 2)
    state = settle(root)
    assert 0.005 < state["setting"]["learningRate"] < 0.05
    assert_shows_mlp_cores_run(state)
    alpha = root.get_by_role("slider", name="alpha, the Leaky ReLU slope")
    box = centre(root, alpha)
    page.mouse.click(box["x"] + 0.6 * box["width"], box["y"] + box["height"] / 2)
    state = settle(root)
    assert 0.2 < state["setting"]["alpha"] < 0.4
    assert_shows_mlp_cores_run(state)
    root.get_by_role("combobox", name="layers").select_option("[1, 1, 1]")
    state = settle(root)
    assert state["setting"]["layerSizes"] == [1, 1, 1]
    assert_shows_mlp_cores_run(state)
    root.get_by_role("button", name="Reset").click()
    assert settle(root)["epoch"] == 0
    root.get_by_role("button", name="One step").click()
    assert settle(root)["epoch"] == 1
    root.get_by_role("button", name="Play").click()
    page.wait_for_function("(r) => r.bfs.run.epoch >= 3", arg=root.element_handle())
    root.get_by_role("button", name="Pause").click()
    state = settle(root)
    assert 3 <= state["epoch"] < 100
    assert_shows_mlp_cores_run(state)


def point_centre(root, index):
    box = centre(root, root.locator("circle.bfs-point").nth(index))
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_data_are_the_readers(site):
    page = site(CHAPTER_11)
    root = live(page)
    settle(root)
    mouse = page.mouse
    # Drag the point (2, 3) down and to the right.
    x, y = point_centre(root, 0)
    mouse.move(x, y)
    mouse.down()
    mouse.move(x + 30, y + 25, steps=5)
    mouse.up()
    state = settle(root)
    moved = state["setting"]["points"][0]
    assert (
        moved[0] > 2
        and moved[1] < 3
        and state["setting"]["points"][1:] == BOOK_POINTS[1:]
    )
    assert all(round(v, 2) == v for v in moved)
    assert_shows_mlp_cores_run(state)
    # Click the picture where there is no point: a fourth point, where the click was.
    fit = root.locator("svg.bfs-fit")
    plot_x = fit.evaluate("s => s.closest('[data-bfs-live]').bfs.fitPlot.x.map(0)")
    plot_y = fit.evaluate("s => s.closest('[data-bfs-live]').bfs.fitPlot.y.map(6)")
    box = centre(root, fit)
    mouse.click(box["x"] + plot_x, box["y"] + plot_y)
    state = settle(root)
    assert len(state["setting"]["points"]) == 4
    np.testing.assert_allclose(state["setting"]["points"][3], [0, 6], atol=0.05)
    assert_shows_mlp_cores_run(state)
    # Double-click removes it again.
    mouse.dblclick(*point_centre(root, 3))
    state = settle(root)
    assert len(state["setting"]["points"]) == 3
    # By keyboard: move a focused point, delete it, add one with the button.
    point = root.locator("circle.bfs-point").nth(1)
    point.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowRight")
    state = settle(root)
    assert state["setting"]["points"][1] == [-0.99, 1.1]
    assert "x = \u22120.99, y = 1.1" in point.get_attribute("aria-label")
    assert_shows_mlp_cores_run(state)
    page.keyboard.press("Delete")
    state = settle(root)
    assert len(state["setting"]["points"]) == 2
    assert_shows_mlp_cores_run(state)
    root.get_by_role("button", name="Add a point").focus()
    page.keyboard.press("Enter")
    state = settle(root)
    assert len(state["setting"]["points"]) == 3
    assert page.evaluate("() => document.activeElement.dataset.point") == "2"
    root.get_by_role("button", name="The book's three points").click()
    state = settle(root)
    assert state["setting"]["points"] == BOOK_POINTS
    assert state["caption"] == "learning rate 0.1, alpha 0.01: final loss 0.0261"
    # The curve drawn is mlp_core's function: its pixels, read back through the plot's scales.
    run, network, _, _ = expected_run(state["setting"])
    drawn = fit.evaluate(
        """s => { const p = s.closest('[data-bfs-live]').bfs.fitPlot;
        return s.querySelector('polyline.bfs-curve').getAttribute('points').trim().split(' ')
          .map(xy => xy.split(',').map(Number)).map(([x, y]) => [p.x.invert(x), p.y.invert(y)]); }"""
    )
    drawn = np.array(drawn)
    inside = (drawn[:, 1] > -2) & (drawn[:, 1] < 8)
    predicted = network.predict(drawn[inside, 0].reshape(1, -1))[0]
    np.testing.assert_allclose(drawn[inside, 1], predicted, atol=0.03)
    assert inside.sum() > 100


def test_hover_and_focus_show_each_value_and_gradient(site):
    page = site(CHAPTER_11)
    root = live(page)
    state = settle(root)
    run, network, X, Y = expected_run(state["setting"])
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    inspector = root.locator(".bfs-inspector")
    # A hidden unit's picture, by mouse.
    root.locator("button.bfs-unit").nth(2).hover()
    b, db = network.biases[0][2, 0], dB[0][2, 0]
    w = network.weights[0][2, 0]
    assert inspector.text_content() == (
        f"layer 1, unit 3: bias {b:.4f}, gradient {db:.4f}; its kink is at x = "
        f"{readable(-b / w)} (epoch 100)"
    )
    # The network by keyboard: Tab onto it, then right onto the first weight, down to the second.
    diagram = root.locator("svg.bfs-network-svg")
    diagram.locator('[tabindex="0"]').focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    text = inspector.text_content()
    assert text == (
        f"weight from the input x to unit 2 of layer 1: {network.weights[0][1, 0]:.4f}, "
        f"gradient {dW[0][1, 0]:.4f} (epoch 100)"
    )
    assert (
        page.evaluate("() => document.activeElement.getAttribute('aria-label')") == text
    )
    # A weight of the last layer, by mouse.
    line = diagram.locator("line").last
    box = centre(root, line)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert inspector.text_content() == (
        f"weight from unit 3 of layer 2 to the output unit: {network.weights[2][0, 2]:.4f}, "
        f"gradient {dW[2][0, 2]:.4f} (epoch 100)"
    )


def test_the_address_keeps_the_setting_and_the_back_button_restores_it(site):
    page = site(CHAPTER_11)
    root = live(page)
    settle(root)
    root.get_by_role("spinbutton", name="seed").fill("11")
    page.keyboard.press("Enter")
    settle(root)
    root.get_by_role("slider", name="alpha, the Leaky ReLU slope").focus()
    page.keyboard.press("PageUp")
    settle(root)
    x, y = point_centre(root, 2)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 20, y - 10, steps=3)
    page.mouse.up()
    settle(root)
    root.get_by_role("button", name="Reset").click()
    root.get_by_role("button", name="One step").click()
    root.get_by_role("button", name="One step").click()
    state = settle(root)
    url = page.url
    query = urlsplit(url).query
    assert "seed=11" in query and "alpha=" in query and "points=" in query
    assert "epoch=2" in query
    # A copied link opens exactly this: the setting, the data and the epoch.
    other = site(url[len(page.base_url) :])
    copy = live(other)
    copied = settle(copy)
    for key in ("setting", "epoch", "losses", "caption"):
        assert copied[key] == state[key], key
    assert copy.get_by_role("spinbutton", name="seed").input_value() == "11"
    # The back button: the point back where it was, then alpha, then the seed.
    page.go_back()
    state = settle(root)
    assert state["epoch"] == 100 and state["setting"]["seed"] == 11
    assert state["setting"]["points"][2] == BOOK_POINTS[2]
    page.go_back()
    page.go_back()
    state = settle(root)
    assert state["setting"]["seed"] == 4 and urlsplit(page.url).query == ""
    assert root.get_by_role("spinbutton", name="seed").input_value() == "4"
    assert state["caption"] == "learning rate 0.1, alpha 0.01: final loss 0.0261"


CHAPTER_8_LABELS = {
    "outputDelta": "eq-ch8-output-delta",
    "dW": "eq-ch8-dw",
    "db": "eq-ch8-db",
    "dA": "eq-ch8-da",
    "dZ": "eq-ch8-dz",
}


def test_the_backward_pass_step_by_step_shows_mlp_cores_numbers(site):
    page = site("book/08_backpropagation.html")
    root = live(page)
    network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED)
    steps = playground.backprop_steps(network, 2.0, 3.0)
    assert len(steps) == 13
    pattern = (
        r'<span class="eqno">\((\d+)\)<a class="headerlink" href="#equation-([\w-]+)"'
    )
    numbers = {label: number for number, label in re.findall(pattern, page.content())}
    figure = root.locator(".bfs-steps")

    def shows(index):
        step = steps[index]
        text = root.locator(".bfs-step-text")
        assert text.locator(".bfs-caption").text_content() == (
            f"Step {index + 1} of 13: {step['title']}"
        )
        values = text.locator("li").all_text_contents()
        assert values == [
            f"{n} = {playground.matrix_text(v)}" for n, v in step["values"]
        ]
        equations = text.locator(".bfs-equation").all_text_contents()
        assert len(equations) == len(step["equations"])
        for shown, key in zip(equations, step["equations"]):
            assert shown.startswith(playground.equation_text(key, step["l"]))
            if key in CHAPTER_8_LABELS:
                assert shown.endswith(f"({numbers[CHAPTER_8_LABELS[key]]})"), shown

    shows(0)
    for index in range(1, 5):
        root.get_by_role("button", name="Next").click()
        shows(index)
    figure.focus()
    for index in range(5, 13):
        page.keyboard.press("ArrowRight")
        shows(index)
    assert root.get_by_role("button", name="Next").is_disabled()
    page.keyboard.press("ArrowLeft")
    shows(11)
    page.keyboard.press("Home")
    shows(0)
    page.keyboard.press("End")
    shows(12)
    # The last step's gradients are backward_pass's for this sample.
    activations, zs = network.forward_pass(np.array([[2.0]]))
    dW, dB = network.backward_pass(activations, zs, np.array([[3.0]]))
    assert f"dW[1] = {playground.matrix_text(dW[0])}" in root.inner_text()


def test_chapters_4_and_9_use_the_same_component(site):
    page = site("book/09_training.html")
    root = live(page)
    state = settle(root)
    assert_shows_mlp_cores_run(state)
    root.get_by_role("slider", name="learning rate (log scale)").focus()
    for _ in range(25):
        page.keyboard.press("ArrowLeft")
    state = settle(root)
    assert state["setting"]["learningRate"] == 0.0562
    assert_shows_mlp_cores_run(state)
    page = site("book/04_leaky_relu.html")
    root = live(page)
    leaky = root.locator("polyline.bfs-curve").first
    before = leaky.get_attribute("points")
    root.get_by_role("slider", name="alpha, the Leaky ReLU slope").focus()
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    settle(root)
    assert root.locator(".bfs-caption").text_content() == (
        f"alpha = 0.31: {playground.leaky_relu_headline(0.31)}"
    )
    assert leaky.get_attribute("points") != before


TEXT_AND_CONTROLS = """(root) => {
  const small = [], short = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('[hidden], style, script')) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < 11) small.push(`${size}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  for (const control of root.querySelectorAll('button, input, select')) {
    if (control.closest('[hidden]')) continue;
    const box = control.getBoundingClientRect();
    if (box.height < 44 || box.width < 44) short.push(`${control.outerHTML.slice(0, 60)}: ${box.width}x${box.height}`);
  }
  return {small, short};
}"""


@pytest.mark.parametrize(
    "chapter", [CHAPTER_11, "book/08_backpropagation.html", "book/04_leaky_relu.html"]
)
def test_readable_and_operable_on_a_phone(site, chapter):
    page = site(chapter, viewport=site_checks.PHONE, has_touch=True)
    root = live(page)
    if chapter == CHAPTER_11:
        settle(root)
    found = root.evaluate(TEXT_AND_CONTROLS)
    assert found == {"small": [], "short": []}
    assert page.evaluate(site_checks.PHONE_OVERFLOW) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_in_any_state(site, theme):
    """Every axe rule of WCAG 2.2 A and AA, every impact, on the three chapters' figures, with the
    playground in its richest state (own layers, own data, a unit and a weight inspected)."""
    for chapter in (
        CHAPTER_11,
        "book/08_backpropagation.html",
        "book/04_leaky_relu.html",
    ):
        page = site(chapter)
        page.evaluate(f"() => document.documentElement.dataset.theme = '{theme}'")
        root = live(page)
        if chapter == CHAPTER_11:
            settle(root)
            layers = root.get_by_role("combobox", name="layers")
            layers.select_option("custom")
            root.get_by_role("textbox", name="your layers").fill("1, 6, 5, 1")
            page.keyboard.press("Enter")
            root.get_by_role("button", name="Add a point").click()
            settle(root)
            root.locator("button.bfs-unit").first.focus()
            root.locator("svg.bfs-network-svg [tabindex='0']").focus()
            page.keyboard.press("ArrowRight")
        else:
            root.focus()
            page.keyboard.press("End")
        page.add_script_tag(path=str(site_checks.AXE_JS))
        violations = page.evaluate(
            """async (tags) => {
                const rules = axe.getRules(tags).map(rule => rule.ruleId);
                const result = await axe.run(document.querySelector('[data-bfs-live]'),
                  {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations'],
                   preload: false});
                return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
            }""",
            site_checks.WCAG_TAGS,
        )
        assert violations == [], (chapter, theme)
        if theme == "dark":
            # No light panel behind the figure: the theme paints HTML outputs light grey.
            background = root.evaluate(
                "r => getComputedStyle(r.closest('.text_html')).backgroundColor"
            )
            assert background == "rgba(0, 0, 0, 0)"


def test_chapter_11_weighs_at_most_3_mib_and_passes_the_site_checks(
    browser, site_dir, page_weights
):
    with chromium.serve(site_dir) as base:
        report = site_checks.visit(browser, base + CHAPTER_11)
    page_weights[CHAPTER_11] = report.bytes_transferred
    assert report.bytes_transferred <= MAX_PAGE_BYTES
    assert site_checks.console_problems(report) == []
    assert site_checks.request_problems(report) == []
    assert (
        site_checks.axe_problems(
            report, impacts=("minor", "moderate", "serious", "critical")
        )
        == []
    )
    assert report.phone_overflow == []


def test_reduced_motion_plays_in_a_few_still_frames(site):
    for motion, most in (("reduce", 16), ("no-preference", None)):
        page = site(CHAPTER_11, reduced_motion=motion)
        root = live(page)
        settle(root)
        assert not root.evaluate(STATE)["playing"]  # nothing plays by itself
        root.get_by_role("button", name="Play").click()
        captions = page.evaluate(
            """async (root) => { const seen = new Set();
                while (root.bfs.playing || seen.size === 0) {
                  seen.add(root.bfs.caption.textContent);
                  await new Promise(done => requestAnimationFrame(done)); }
                return seen.size; }""",
            root.element_handle(),
        )
        if most:
            assert captions <= most
        else:
            assert captions > 30
        assert_shows_mlp_cores_run(settle(root))


def test_without_javascript_a_picture_and_one_sentence(site):
    page = site(CHAPTER_11, java_script_enabled=False)
    fallback = page.locator(".bfs-fallback")
    assert fallback.is_visible()
    image = fallback.locator("img")
    run = playground.train(Setting())
    assert image.get_attribute("alt") == playground.describe_run(run)
    png = base64.b64decode(image.get_attribute("src").split("base64,", 1)[1])
    assert Image.open(io.BytesIO(png)).size == (660, 290)
    assert "needs JavaScript" in fallback.locator("p").text_content()
    assert page.locator(".bfs-live").count() == 0


def test_it_runs_opened_from_disk(browser, site_dir):
    """The README says to open _build/html/index.html: the modules load from file:// too."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((site_dir / CHAPTER_11).resolve().as_uri())
        state = settle(live(page))
        assert state["caption"] == "learning rate 0.1, alpha 0.01: final loss 0.0261"
        assert_shows_mlp_cores_run(state)
    finally:
        page.close()
    assert errors == []
