"""Sliders over runs of mlp_core, for chapters 4 (alpha), 9 (learning rate) and 11 (the playground).

It trains for a setting, draws the run, and builds the controls around it. Plain functions take a
setting and return results and pictures, so a test calls exactly what a slider calls. Two kinds of
controls share them:

- ``live_playground()`` (chapter 11): ipywidgets whose callbacks retrain with ``mlp_core`` (needs a
  kernel);
- ``leaky_relu_explorer()`` (chapter 4), ``learning_rate_explorer()`` (chapter 9),
  ``precomputed_playground()`` and ``watch_it_learn()`` (chapter 11): sliders linked in the browser
  to pictures computed at build time, so they respond on the static website too.
"""

import base64
import html
import io
from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import mlp_core
from plotting import BLUE, DATA_COLOUR, GREY, VERMILLION

SHAPES = {
    "[1, 1, 1]": (1, 1, 1),
    "[1, 4, 3, 1]": (1, 4, 3, 1),
    "[1, 16, 16, 1]": (1, 16, 16, 1),
}
LEARNING_RATES = tuple(float(f"{rate:.2g}") for rate in np.logspace(-3, 0, 13))
ALPHAS = (0.0, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5)
LOSS_LIMITS = (1e-4, 1e2)
X_RANGE = (-2.0, 4.0)
WEB_COLOURS = 32  # palette size of the precomputed pictures: about 5 KB each
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
        self.figure = Figure(figsize=(6.6, 2.9), dpi=dpi)
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


def picture(png, alt):
    """An HTML widget showing ``png`` with alt text (``widgets.Image`` cannot carry alt text)."""
    return widgets.HTML(image_html(png, alt))


def describe_run(run):
    """Alt text for a run's picture: the setting and what came of it."""
    return f"Loss curve and fitted function for {run.setting.describe()}: {run.headline()}."


# ---------------------------------------------------------------------------------------------
# Precomputed: works on the static website, where no kernel runs.


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


def _selection_slider(description, values, value):
    return widgets.SelectionSlider(
        options=[(f"{v:g}", v) for v in values],
        value=value,
        description=description,
        style={"description_width": "100px"},
        layout={"width": "460px"},
    )


def run_picture(figure, run):
    """A run drawn small for the website, as an HTML widget with alt text."""
    return picture(png_bytes(figure.render(run), WEB_COLOURS), describe_run(run))


def picture_slider(description, values, pictures, value):
    """A slider showing ``pictures[i]`` at ``values[i]``, switched in the browser (no kernel needed)."""
    stack = widgets.Stack(pictures, selected_index=list(values).index(value))
    slider = _selection_slider(description, values, value)
    widgets.jslink((slider, "index"), (stack, "selected_index"))
    return widgets.VBox([slider, stack])


def precomputed_playground(
    base=Setting(), learning_rates=LEARNING_RATES, alphas=ALPHAS
):
    """Learning-rate and alpha sliders that switch between precomputed runs in the browser.

    An outer Stack (one child per learning rate) holds inner Stacks (one picture per alpha); the
    sliders are linked to the Stacks' ``selected_index`` with ``jslink``, so no kernel is needed.
    """
    runs = precompute_grid(base, learning_rates, alphas)
    figure = RunFigure()
    rows = [
        widgets.Stack(
            [run_picture(figure, runs[rate, alpha]) for alpha in alphas],
            selected_index=alphas.index(base.alpha),
        )
        for rate in learning_rates
    ]
    grid = widgets.Stack(rows, selected_index=learning_rates.index(base.learning_rate))
    rate_slider = _selection_slider("learning rate", learning_rates, base.learning_rate)
    alpha_slider = _selection_slider("alpha", alphas, base.alpha)
    widgets.jslink((rate_slider, "index"), (grid, "selected_index"))
    for row in rows:
        widgets.jslink((alpha_slider, "index"), (row, "selected_index"))
    return widgets.VBox([rate_slider, alpha_slider, grid])


def learning_rate_explorer(base=Setting(), learning_rates=LEARNING_RATES):
    """One slider over the learning rate: the run for each value, precomputed."""
    figure = RunFigure()
    pictures = [
        run_picture(figure, train(replace(base, learning_rate=rate)))
        for rate in learning_rates
    ]
    return picture_slider("learning rate", learning_rates, pictures, base.learning_rate)


def leaky_relu_picture(alpha, dpi=70):
    """Leaky ReLU and its derivative for one ``alpha``, beside plain ReLU, as PNG bytes."""
    figure = Figure(figsize=(6.6, 2.7), dpi=dpi)
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
    headline = (
        "plain ReLU, flat for z <= 0"
        if alpha == 0
        else f"for z <= 0 the slope is {alpha:g}, not 0"
    )
    figure.suptitle(f"alpha = {alpha:g}: {headline}", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return png_bytes(Image.open(buffer).convert("RGB"), WEB_COLOURS)


def leaky_relu_explorer(alphas=ALPHAS, value=mlp_core.ALPHA):
    """An alpha slider over pictures of Leaky ReLU and its derivative, precomputed."""
    pictures = [
        picture(
            leaky_relu_picture(alpha),
            f"Leaky ReLU with alpha {alpha:g} beside ReLU, and its derivative: 1 for z > 0, {alpha:g} for z <= 0.",
        )
        for alpha in alphas
    ]
    return picture_slider("alpha", alphas, pictures, value)


def watch_it_learn(setting=Setting(), every=5):
    """A play control that scrubs through the epochs of one run: the loss so far and the fit then.

    The frames are drawn in advance (one every ``every`` epochs), so it plays without a kernel.
    """
    frames, figure = [], RunFigure()
    network = mlp_core.NeuralNetwork(
        list(setting.layer_sizes), alpha=setting.alpha, seed=setting.seed
    )
    losses = np.empty(0)
    for epoch in range(0, setting.epochs + 1, every):
        loss_now = mlp_core.mse_loss(
            mlp_core.Y_TRAIN, network.predict(mlp_core.X_TRAIN)
        )
        snapshot = Run(setting, np.append(losses, loss_now), network)
        png = png_bytes(figure.render(snapshot), WEB_COLOURS)
        alt = f"After {epoch} epochs of {setting.describe()}: loss {loss_now:.4f}."
        frames.append(picture(png, alt))
        losses = np.append(
            losses,
            network.train(
                mlp_core.X_TRAIN, mlp_core.Y_TRAIN, every, setting.learning_rate
            ),
        )
    stack = widgets.Stack(frames, selected_index=0)
    last = len(frames) - 1
    play = widgets.Play(
        value=0, min=0, max=last, step=1, interval=400, description="play"
    )
    epoch_slider = widgets.IntSlider(
        value=0, min=0, max=last, description=f"epoch / {every}"
    )
    widgets.jslink((play, "value"), (epoch_slider, "value"))
    widgets.jslink((epoch_slider, "value"), (stack, "selected_index"))
    return widgets.VBox([widgets.HBox([play, epoch_slider]), stack])


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
