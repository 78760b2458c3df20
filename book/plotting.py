"""The figures' style and shared plots, for chapters 1-10 (and chapter 11, through playground.py).

Colours, sizes, and the few plots that chapters share (the data, a loss curve, a network's fit).
Chapters call ``use_book_style()`` once, then draw with matplotlib as usual. Colours come from the
Okabe-Ito palette, which stays distinguishable under the common kinds of colour blindness.
"""

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"
GREY = "#777777"
COLOURS = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK]

DATA_COLOUR = BLACK
FIGURE_SIZE = (6.0, 3.8)


def use_book_style():
    """Set matplotlib's defaults for the book: readable at phone width, colour-blind-safe."""
    plt.rcParams.update(
        {
            "figure.figsize": FIGURE_SIZE,
            "figure.dpi": 100,
            "figure.constrained_layout.use": True,
            "axes.prop_cycle": cycler(color=COLOURS),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "font.size": 11,
            "legend.frameon": False,
            "lines.linewidth": 2,
        }
    )


def plot_data(ax, X, Y, label="training data"):
    """Draw the samples as points: ``X`` and ``Y`` of shape (1, n_samples)."""
    ax.scatter(X[0], Y[0], s=60, color=DATA_COLOUR, zorder=3, label=label)
    ax.set_xlabel("input x")
    ax.set_ylabel("target y")


def plot_loss_curve(ax, losses, label=None, colour=None, log=True):
    """Draw a loss curve: ``losses`` of shape (epochs,), one loss per epoch."""
    ax.plot(np.arange(len(losses)), losses, label=label, color=colour)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (MSE)" + (", log scale" if log else ""))
    if log:
        ax.set_yscale("log")


def plot_fit(ax, network, X, Y, label="network", colour=None, margin=1.0):
    """Draw the network's function over the range of the data, with the data on top.

    ``X`` and ``Y`` have shape (1, n_samples); the network must have one input and one output.
    """
    xs = np.linspace(X.min() - margin, X.max() + margin, 200).reshape(1, -1)
    ax.plot(xs[0], network.predict(xs)[0], label=label, color=colour)
    plot_data(ax, X, Y)
