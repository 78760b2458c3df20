"""The playground: runs of mlp_core for a setting, their pictures, and the controls around them.

Plain functions take a setting and return results and pictures, so a test calls exactly what a
control calls. Two kinds of controls use them:

- ``browser_playground()`` (chapters 4, 9 and 11) and ``backprop_steps_figure()`` (chapter 8): live
  figures that train and draw in the reader's browser with the JavaScript port of mlp_core in
  book/js (tested equal to it), on the website and in a trusted notebook alike, with a picture
  computed here for readers without JavaScript;
- ``live_playground()`` (chapter 11, in Jupyter): ipywidgets whose callbacks retrain with
  ``mlp_core`` itself in the kernel.
"""

import base64
import html
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import ipywidgets as widgets
import matplotlib
import numpy as np
from IPython.display import HTML
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import mlp_core
from plotting import BLUE, DATA_COLOUR, GREY, VERMILLION, use_book_style

SHAPES = {
    "[1, 1, 1]": (1, 1, 1),
    "[1, 4, 3, 1]": (1, 4, 3, 1),
    "[1, 16, 16, 1]": (1, 16, 16, 1),
}
LEARNING_RATES = tuple(float(f"{rate:.2g}") for rate in np.logspace(-3, 0, 13))
ALPHAS = (0.0, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5)
LOSS_LIMITS = (1e-4, 1e2)
X_RANGE = (-2.0, 4.0)
WEB_COLOURS = 32  # palette size of the pictures for readers without JavaScript
Y_LIMITS = (-2.0, 8.0)


@dataclass(frozen=True)
class Setting:
    """One choice of every control."""

    learning_rate: float = mlp_core.LEARNING_RATE
    alpha: float = mlp_core.ALPHA
    epochs: int = 100
    layer_sizes: tuple = (1, 4, 3, 1)
    seed: int = mlp_core.SEED

    def describe(self):
        return (
            f"layers {list(self.layer_sizes)}, learning rate {self.learning_rate:g}, "
            f"alpha {self.alpha:g}, {self.epochs} epochs, seed {self.seed}"
        )


@dataclass
class Run:
    """What training with one setting gave.

    ``losses`` has shape (epochs,), or (k,) when training diverged at epoch k; ``network`` is the
    trained network (its initial state when training diverged).
    """

    setting: Setting
    losses: np.ndarray
    network: mlp_core.NeuralNetwork
    diverged_at: int | None = None

    @property
    def final_loss(self):
        """The last epoch's loss; None when training diverged or ran no epoch."""
        if self.diverged_at is not None or len(self.losses) == 0:
            return None
        return float(self.losses[-1])

    @property
    def still_jumping(self):
        """True when the loss swung by more than a factor 2 over the last 10 epochs.

        Such a run has not settled: its steps overshoot back and forth, and each overshoot
        magnifies the last bits in which processors' matrix products differ, so its final loss
        is not the same on every machine. Settled runs agree to every digit the book prints.
        """
        last = self.losses[-10:]
        return len(last) > 1 and last.max() > 2 * last.min()

    def headline(self):
        if self.diverged_at is not None:
            return f"diverged at epoch {self.diverged_at}: learning rate too large"
        if len(self.losses) == 0:
            return "no epochs trained"
        if self.still_jumping:
            return "not settled: the loss still jumps from epoch to epoch"
        return f"final loss {self.final_loss:.4f}"


def train(setting):
    """Train a fresh network on the book's data with ``setting``; never raises TrainingDiverged."""
    network = mlp_core.NeuralNetwork(
        list(setting.layer_sizes), alpha=setting.alpha, seed=setting.seed
    )
    try:
        losses = network.train(
            mlp_core.X_TRAIN, mlp_core.Y_TRAIN, setting.epochs, setting.learning_rate
        )
    except mlp_core.TrainingDiverged as diverged:
        return Run(setting, diverged.losses, network, diverged.epoch)
    return Run(setting, losses, network)


class RunFigure:
    """A two-panel figure (loss curve, fitted function) redrawn in place for each run.

    Axes, ticks and labels are drawn once and kept as a background; each run redraws only its
    lines and texts on top of it (blitting), which keeps a redraw to a few milliseconds.
    """

    def __init__(self, dpi=70):
        self.figure = Figure(figsize=(6.6, 2.9), dpi=dpi, layout="none")
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(
            left=0.1, right=0.98, bottom=0.17, top=0.8, wspace=0.32
        )
        self.loss_axes, self.fit_axes = self.figure.subplots(1, 2)
        self._style_axes()
        (self.loss_line,) = self.loss_axes.plot(
            [], [], color=BLUE, linewidth=2, animated=True
        )
        self.xs = np.linspace(*X_RANGE, 200).reshape(1, -1)
        (self.fit_line,) = self.fit_axes.plot(
            self.xs[0], np.zeros(200), color=BLUE, linewidth=2, animated=True
        )
        self.fit_axes.scatter(
            mlp_core.X_TRAIN[0], mlp_core.Y_TRAIN[0], s=50, color=DATA_COLOUR, zorder=3
        )
        self.message = self.fit_axes.text(
            0.5,
            0.5,
            "",
            transform=self.fit_axes.transAxes,
            ha="center",
            va="center",
            color=VERMILLION,
            animated=True,
        )
        self.title = self.figure.text(
            0.5, 0.93, "", ha="center", va="center", fontsize=12, animated=True
        )
        self._background_epochs = None

    def _style_axes(self):
        ax = self.loss_axes
        ax.set_yscale("log")
        ax.set_ylim(*LOSS_LIMITS)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (log scale)")
        ax.set_title("loss during training", fontsize=11)
        ax = self.fit_axes
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(*Y_LIMITS)
        ax.set_xlabel("input x")
        ax.set_ylabel("prediction")
        ax.set_title("fitted function and data", fontsize=11)
        for ax in (self.loss_axes, self.fit_axes):
            ax.grid(alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)

    def _background(self, epochs):
        """The figure without the run's own lines and texts; redrawn only when the epoch axis changes."""
        if epochs != self._background_epochs:
            self.loss_axes.set_xlim(0, max(epochs, 1))
            self.canvas.draw()
            self._saved_background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._background_epochs = epochs
        return self._saved_background

    def render(self, run, upto=None):
        """Draw ``run`` (only its first ``upto`` losses if given) and return it as a Pillow image."""
        self.canvas.restore_region(self._background(run.setting.epochs))
        shown = run.losses if upto is None else run.losses[:upto]
        self.loss_line.set_data(np.arange(len(shown)), shown)
        diverged = run.diverged_at is not None
        if not diverged:
            self.fit_line.set_ydata(np.clip(run.network.predict(self.xs)[0], -1e3, 1e3))
        self.message.set_text(
            f"diverged at epoch {run.diverged_at}:\nlearning rate too large"
            if diverged
            else ""
        )
        self.title.set_text(
            f"learning rate {run.setting.learning_rate:g}, alpha {run.setting.alpha:g}: {run.headline()}"
        )
        artists = [self.loss_line, self.message, self.title] + (
            [] if diverged else [self.fit_line]
        )
        for artist in artists:
            self.figure.draw_artist(artist)
        return Image.frombuffer(
            "RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()
        ).convert("RGB")

    def draw(self, run, upto=None):
        """Like ``render``, as PNG bytes."""
        return png_bytes(self.render(run, upto))


def png_bytes(image, colours=None):
    """Encode a Pillow image as PNG; with ``colours``, first reduce it to that many colours
    (a few KB per picture, for the website)."""
    if colours is not None:
        image = image.quantize(colours)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=colours is not None)
    return buffer.getvalue()


def image_html(png, alt):
    """An ``<img>`` element holding ``png`` inline, with alt text."""
    source = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{source}" alt="{html.escape(alt)}" style="max-width:100%">'


def describe_run(run):
    """Alt text for a run's picture: the setting and what came of it."""
    return f"Loss curve and fitted function for {run.setting.describe()}: {run.headline()}."


# ---------------------------------------------------------------------------------------------
# Many runs at once: the tables chapter 11 prints.


def precompute_grid(base=Setting(), learning_rates=LEARNING_RATES, alphas=ALPHAS):
    """Train every (learning rate, alpha) pair of the grid.

    Returns
    -------
    dict mapping (learning_rate, alpha) to Run, for every pair.
    """
    return {
        (rate, alpha): train(replace(base, learning_rate=rate, alpha=alpha))
        for rate in learning_rates
        for alpha in alphas
    }


def leaky_relu_picture(alpha, dpi=70):
    """Leaky ReLU and its derivative for one ``alpha``, beside plain ReLU, as PNG bytes."""
    figure = Figure(figsize=(6.6, 2.7), dpi=dpi, layout="none")
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.18, top=0.8, wspace=0.3)
    function_axes, derivative_axes = figure.subplots(1, 2)
    z = np.linspace(-3, 3, 601)
    function_axes.plot(
        z, np.maximum(z, 0), color=GREY, linestyle="--", linewidth=1.5, label="ReLU"
    )
    function_axes.plot(
        z,
        mlp_core.leaky_relu(z, alpha),
        color=BLUE,
        linewidth=2,
        label=f"alpha = {alpha:g}",
    )
    function_axes.set(xlabel="z", ylabel="f(z)", ylim=(-1.6, 3.1), title="Leaky ReLU")
    function_axes.legend(loc="upper left", frameon=False)
    negative, positive = z[z <= 0], z[z > 0]
    derivative_axes.plot(
        negative,
        mlp_core.leaky_relu_derivative(negative, alpha),
        color=BLUE,
        linewidth=2,
    )
    derivative_axes.plot(
        positive,
        mlp_core.leaky_relu_derivative(positive, alpha),
        color=BLUE,
        linewidth=2,
    )
    derivative_axes.set(
        xlabel="z", ylabel="f'(z)", ylim=(-0.1, 1.15), title="its derivative"
    )
    for ax in (function_axes, derivative_axes):
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    figure.suptitle(f"alpha = {alpha:g}: {leaky_relu_headline(alpha)}", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return png_bytes(Image.open(buffer).convert("RGB"), WEB_COLOURS)


def leaky_relu_headline(alpha):
    """What the slope alpha makes of ReLU, in a few words."""
    if alpha == 0:
        return "plain ReLU, flat for z <= 0"
    return f"for z <= 0 the slope is {alpha:g}, not 0"


# ---------------------------------------------------------------------------------------------
# In the browser: the live figures of book/js (chapters 4, 8, 9 and 11). Each output carries the
# engine's modules inline and starts them itself (book/js/inline_loader.js), so it trains in the
# reader's browser on the website and in a trusted notebook in JupyterLab alike; without
# JavaScript (or in an untrusted notebook) it shows a picture and says what is missing.

JS = Path(__file__).with_name("js")
NO_SCRIPT = (
    "{what}: the live version, which {does}, needs JavaScript, which is not running here "
    "(in Jupyter, trust the notebook or run this cell)."
)
CONTROLS = ("rate", "alpha", "layers", "seed", "epochs", "buttons", "points")
PANELS = ("fit", "loss", "units", "network")


class LiveFigure(HTML):
    """A live figure as a cell's output: its HTML, and a short stable text for plain front ends."""

    def __init__(self, html_text, summary):
        self.summary = summary
        super().__init__(html_text)

    def __repr__(self):
        return self.summary


def module_sources(entry, folder=JS):
    """{file name: source} of the module ``entry`` of ``folder`` and of every module it imports,
    directly or not (``import ... from "./name.js"``)."""
    sources, waiting = {}, [entry]
    while waiting:
        name = waiting.pop()
        if name not in sources:
            sources[name] = (folder / name).read_text(encoding="utf-8")
            waiting += re.findall(r'from\s+"\./([\w.]+)"', sources[name])
    return dict(sorted(sources.items()))


def live_html(module, options, fallback, folder=JS):
    """The HTML of one live figure: ``module``'s ``mount(root, options)`` once scripts run,
    ``fallback`` (HTML) until then or without them. The same string on every call."""
    config = json.dumps({"module": module, "options": options}, sort_keys=True)
    # In a <script> element "</script" would end it: "<" is written as JSON's "\u003c".
    modules = json.dumps(module_sources(module, folder), ensure_ascii=False)
    modules = modules.replace("<", "\\u003c")
    css = (folder / "live.css").read_text(encoding="utf-8")
    loader = (folder / "inline_loader.js").read_text(encoding="utf-8")
    return (
        f'<div class="bfs-root tex2jax_ignore mathjax_ignore" data-bfs-live="{html.escape(config)}">'
        f"<style>{css}</style>"
        f'<div class="bfs-fallback">{fallback}</div>'
        f'<script type="application/json" data-bfs-modules>{modules}</script>'
        f'<script type="module">{loader}</script>'
        "</div>"
    )


def fallback_picture(png, alt, what, does):
    """A picture for readers without JavaScript, and the sentence saying what they miss."""
    source = base64.b64encode(png).decode("ascii")
    sentence = NO_SCRIPT.format(what=what, does=does)
    return (
        f'<img src="data:image/png;base64,{source}" alt="{html.escape(alt)}" '
        'style="max-width:100%;height:auto">'
        f"<p>{html.escape(sentence)}</p>"
    )


@contextmanager
def book_style():
    """matplotlib's defaults and the book's style, whatever a notebook set before: a picture
    drawn inside is the same in every notebook and in a test."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        use_book_style()
        yield


def setting_options(setting):
    """A Setting as the page's modules name it (book/js/playground_state.js)."""
    return {
        "learningRate": setting.learning_rate,
        "alpha": setting.alpha,
        "layerSizes": list(setting.layer_sizes),
        "seed": setting.seed,
        "epochs": setting.epochs,
    }


def browser_playground(setting=Setting(), controls=CONTROLS, panels=PANELS, url=False):
    """The playground that trains in the reader's browser, with the book's maths (book/js).

    Parameters
    ----------
    setting : Setting
        What the page starts from; the data are the book's three points.
    controls : sequence of str
        Which controls to show, from CONTROLS.
    panels : sequence of str
        Which pictures to show: from PANELS, or ``("activation",)`` for Leaky ReLU alone.
    url : bool
        Keep the setting in the page's address (one figure per page may).

    Returns
    -------
    LiveFigure, whose fallback is the picture of ``setting``'s run (or of Leaky ReLU).
    """
    unknown = set(controls) - set(CONTROLS) or set(panels) - {*PANELS, "activation"}
    if unknown:
        raise ValueError(
            f"controls must come from {CONTROLS} and panels from {(*PANELS, 'activation')}; "
            f"got {sorted(unknown)}."
        )
    if tuple(panels) == ("activation",):
        with book_style():
            png = leaky_relu_picture(setting.alpha, dpi=100)
        alt = (
            f"Leaky ReLU with alpha {setting.alpha:g} beside ReLU, and its derivative."
        )
        fallback = fallback_picture(
            png,
            alt,
            "Leaky ReLU for alpha " + f"{setting.alpha:g}",
            "redraws for any alpha",
        )
        summary = f"Leaky ReLU explorer (alpha {setting.alpha:g})"
    else:
        run = train(setting)
        with book_style():
            png = png_bytes(RunFigure(dpi=100).render(run), WEB_COLOURS)
        fallback = fallback_picture(
            png,
            describe_run(run),
            f"The run of {setting.describe()}",
            "trains the network in this page as you watch",
        )
        summary = f"Playground ({setting.describe()}: {run.headline()})"
    options = {
        "controls": list(controls),
        "panels": list(panels),
        "setting": setting_options(setting),
        "url": url,
    }
    return LiveFigure(live_html("playground.js", options, fallback), summary)


# ---------------------------------------------------------------------------------------------
# The backward pass, step by step (chapter 8): the same steps as book/js/backprop_steps.js.


def backprop_steps(network, x, y):
    """Every step of one forward and backward pass of ``network`` on the sample (x, y).

    The steps of book/js/backprop_steps.js, computed with mlp_core: the forward values from
    ``forward_pass``, the gradients from ``backward_pass``, the errors in between by chapter 8's
    equations. tests/test_backprop_steps.py checks that the two lists are equal.

    Returns
    -------
    list of dict with ``title`` (str), ``equations`` (keys of EQUATION_TEXT, written for layer
    ``l``), ``values`` (list of (name, ndarray of shape (n_l, 1) or that of a weight)), ``phase``
    and ``layer`` (whose units the step fills in).
    """
    X, Y = np.array([[x]], dtype=float), np.array([[y]], dtype=float)
    L = len(network.weights)
    activations, zs = network.forward_pass(X)
    dW, dB = network.backward_pass(activations, zs, Y)
    loss = mlp_core.mse_loss(Y, activations[L])
    steps = [
        _step("start", 0, 0, f"The sample: x = {x:g}, target y = {y:g}", [], A0=X, Y=Y)
    ]
    for l in range(1, L + 1):
        if l < L:
            values = {f"Z[{l}]": zs[l - 1], f"A[{l}]": activations[l]}
            steps.append(
                _step("forward", l, l, f"Layer {l}, forward", ["linear", "activation"])
            )
        else:
            values = {f"Z[{l}]": zs[l - 1]}
            steps.append(
                _step("forward", l, l, f"Layer {l}, the output", ["linear", "output"])
            )
        steps[-1]["values"] = list(values.items())
    steps.append(_step("loss", L, L, "The loss", ["loss"], loss=np.array([[loss]])))
    dZ = activations[L] - Y
    steps.append(_step("backward", L, L, "The output error", ["outputDelta"]))
    steps[-1]["values"] = [(f"dZ[{L}]", dZ)]
    for l in range(L, 0, -1):
        steps.append(_step("gradients", l, l, f"Layer {l}'s gradients", ["dW", "db"]))
        steps[-1]["values"] = [(f"dW[{l}]", dW[l - 1]), (f"db[{l}]", dB[l - 1])]
        if l > 1:
            dA = network.weights[l - 1].T @ dZ
            steps.append(_step("backward", l - 1, l, f"Back through W[{l}]", ["dA"]))
            steps[-1]["values"] = [(f"dA[{l - 1}]", dA)]
            slope = mlp_core.leaky_relu_derivative(zs[l - 2], network.alpha)
            dZ = dA * slope
            title = f"Back through layer {l - 1}'s Leaky ReLU"
            steps.append(_step("backward", l - 1, l, title, ["dZ"]))
            steps[-1]["values"] = [(f"f'(Z[{l - 1}])", slope), (f"dZ[{l - 1}]", dZ)]
    return steps


def _step(phase, layer, l, title, equations, **values):
    names = {"A0": "A[0]"}
    return {
        "phase": phase,
        "layer": layer,
        "l": l,
        "title": title,
        "equations": equations,
        "values": [(names.get(k, k), v) for k, v in values.items()],
    }


def matrix_text(matrix):
    """A matrix as nested lists of 4-decimal numbers, as book/js/backprop_steps.js writes it."""
    rows = (", ".join(f"{v:.4f}" for v in row) for row in np.atleast_2d(matrix))
    return "[" + ", ".join(f"[{row}]" for row in rows) + "]"


# The equations of the steps for layer l, as book/js/backprop_steps.js writes them (EQUATIONS).
EQUATION_TEXT = {
    "linear": "Z[l] = W[l] A[l-1] + b[l]",
    "activation": "A[l] = f(Z[l])",
    "output": "Y_hat = A[l] = Z[l]",
    "loss": "loss = sum((Y - Y_hat)^2) / (2N)",
    "outputDelta": "dZ[l] = Y_hat - Y",
    "dW": "dW[l] = dZ[l] A[l-1]^T / N",
    "db": "db[l] = the mean of dZ[l] over the samples",
    "dA": "dA[l-1] = W[l]^T dZ[l]",
    "dZ": "dZ[l-1] = dA[l-1] * f'(Z[l-1])",
}


def equation_text(key, l):
    """An equation of EQUATION_TEXT written for layer l (equationText in backprop_steps.js)."""
    text = EQUATION_TEXT[key].replace("[l-1]", f"[{l - 1}]")
    return text.replace("[l]", f"[{l}]")


def backprop_steps_figure(layer_sizes=(1, 4, 3, 1), seed=mlp_core.SEED, x=2.0, y=3.0):
    """Chapter 8's figure: the steps of one backward pass, to walk through in the browser.

    Without JavaScript it lists every step with its numbers, computed here with mlp_core.
    """
    network = mlp_core.NeuralNetwork(list(layer_sizes), seed=seed)
    steps = backprop_steps(network, x, y)
    items = []
    for step in steps:
        equations = "; ".join(
            equation_text(key, step["l"]) for key in step["equations"]
        )
        values = "; ".join(f"{name} = {matrix_text(v)}" for name, v in step["values"])
        parts = [f"<strong>{html.escape(step['title'])}</strong>"]
        if equations:
            parts.append(f"<code>{html.escape(equations)}</code>")
        parts.append(html.escape(values))
        items.append(f"<li>{': '.join(parts)}</li>")
    sentence = NO_SCRIPT.format(
        what="Every step at once",
        does="shows one step at a time on a picture of the network",
    )
    fallback = f"<p>{html.escape(sentence)}</p><ol>{''.join(items)}</ol>"
    options = {"layerSizes": list(layer_sizes), "seed": seed, "x": x, "y": y}
    summary = f"Backpropagation step by step ({len(steps)} steps)"
    return LiveFigure(live_html("backprop_steps.js", options, fallback), summary)


# ---------------------------------------------------------------------------------------------
# Live: retrains in the kernel on every change.


class LivePlayground:
    """Every control of the playground, retraining with ``mlp_core`` and redrawing in place.

    ``update()`` is what every control calls; it returns the Run it drew, so tests and the
    benchmark drive it directly.
    """

    def __init__(self, setting=Setting()):
        self.figure = RunFigure(dpi=80)
        common = {"continuous_update": False, "style": {"description_width": "initial"}}
        self.learning_rate = widgets.FloatLogSlider(
            value=setting.learning_rate,
            base=10,
            min=-3,
            max=0,
            step=0.05,
            description="learning rate",
            **common,
        )
        self.alpha = widgets.FloatSlider(
            value=setting.alpha,
            min=0.0,
            max=0.5,
            step=0.01,
            description="alpha",
            **common,
        )
        self.epochs = widgets.IntSlider(
            value=setting.epochs,
            min=0,
            max=500,
            step=10,
            description="epochs",
            **common,
        )
        self.shape = widgets.Dropdown(
            options=list(SHAPES),
            value=str(list(setting.layer_sizes)),
            description="layers",
        )
        self.seed = widgets.BoundedIntText(
            value=setting.seed, min=0, max=10_000, description="seed"
        )
        self.view = widgets.HTML()
        controls = [self.learning_rate, self.alpha, self.epochs, self.shape, self.seed]
        for control in controls:
            control.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(controls[:3]), widgets.HBox(controls[3:]), self.view]
        )
        self.update()

    def setting(self):
        return Setting(
            learning_rate=float(self.learning_rate.value),
            alpha=float(self.alpha.value),
            epochs=int(self.epochs.value),
            layer_sizes=SHAPES[self.shape.value],
            seed=int(self.seed.value),
        )

    def update(self):
        run = train(self.setting())
        self.view.value = image_html(self.figure.draw(run), describe_run(run))
        return run


def live_playground(setting=Setting()):
    """The live playground's widget (see LivePlayground)."""
    return LivePlayground(setting).widget
