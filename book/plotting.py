"""The figures' style, their SVG, and the few plots chapters share.

Chapters call ``use_book_style()`` once, then draw with matplotlib as usual; ``plt.show()`` then
shows each figure as SVG (``figure_svg``): sharp at any zoom, its text real outlines, and its
colours named so that the website can draw the same figure in its light and dark themes.

Every figure follows three rules, which ``figure_svg`` enforces:

- **One width.** Every figure is ``FIGURE_WIDTH`` inches wide (its height is free), so that every
  figure of the book is drawn at the same scale and its text at the same size.
- **Legible on a phone.** No text is smaller than ``MIN_FONT_SIZE`` points. At 1 px per point a
  figure is 331 px wide, which fits the 343 px column of a 375 px phone with its text at 11 px or
  more; the SVG says so (``--bfs-legible-width``), and the website never draws it narrower (on a
  narrower screen it scrolls sideways instead).
- **Colours from the palette.** Colours come from the Okabe-Ito palette, which stays
  distinguishable under the common kinds of colour blindness, plus ``BLACK`` (the ink: text, axes,
  data points) and ``WHITE`` (the paper). In the SVG each of them is a CSS variable with the colour
  as its fallback, ``var(--bfs-blue, #0072b2)``: standalone (JupyterLab, a downloaded notebook) the
  figure looks as drawn; on the website the theme gives each variable its colour, a lighter one in
  dark mode, where the ink is light and the paper dark. Grey images (``imshow`` of the digits) are
  drawn ink on paper the same way by the website (inverted in dark mode).
"""

import io
import itertools
import re

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.text import Text

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"
GREY = "#777777"
WHITE = "#FFFFFF"
COLOURS = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK]

DATA_COLOUR = BLACK
# One width for every figure (inches; an SVG point is a CSS pixel at 1 px per point), and the
# smallest text (points): 4.6 in is 331.2 pt, so a figure fits a 375 px phone's 343 px column
# at 1.04 px per point, its smallest text at 11.4 px.
FIGURE_WIDTH = 4.6
FIGURE_SIZE = (FIGURE_WIDTH, 3.2)
MIN_FONT_SIZE = 11
# The smallest text a reader is asked to read on a screen (CSS px): the website draws a figure no
# narrower than the width at which its smallest text has this size.
LEGIBLE_PX = 11
# The CSS variable of each colour of the palette (the website sets them; see _ext/static/).
THEME_COLOURS = {
    BLUE: "--bfs-blue",
    ORANGE: "--bfs-orange",
    GREEN: "--bfs-green",
    VERMILLION: "--bfs-vermillion",
    PURPLE: "--bfs-purple",
    SKY: "--bfs-sky",
    GREY: "--bfs-grey",
    BLACK: "--bfs-ink",
    WHITE: "--bfs-paper",
}
# A constant salt for the ids matplotlib derives by hashing, and decimals kept in coordinates (a
# hundredth of a point): a figure's SVG is the same text on every run and machine (nbval compares
# it), even where two OpenBLAS kernels round a plotted number differently in its last bits.
SVG_SALT = "backprop-from-scratch"
COORDINATE_DECIMALS = 2
# The resolution of what a figure draws as pixels (a grey image, a scatter of thousands of
# points drawn with rasterized=True): twice a phone's pixels at the figure's width.
RASTER_DPI = 200
# The gid of a grey image drawn dark on light (``grey_image``): the website inverts it in dark mode.
INK_IMAGE = "bfs-ink-image"
# Figures shown so far in this kernel: the ids of the n-th figure start with "fig{n}-", so that the
# figures of one page never share an id (the same on every run from the top).
_figure_numbers = itertools.count(1)


def use_book_style():
    """Set matplotlib's defaults for the book, and show every figure as the book's SVG."""
    show_figures_as_svg()
    plt.rcParams.update(
        {
            "figure.figsize": FIGURE_SIZE,
            "figure.dpi": 100,
            "figure.constrained_layout.use": True,
            "figure.facecolor": WHITE,
            "axes.facecolor": WHITE,
            "axes.edgecolor": BLACK,
            "axes.labelcolor": BLACK,
            "text.color": BLACK,
            "xtick.color": BLACK,
            "ytick.color": BLACK,
            "axes.prop_cycle": cycler(color=COLOURS),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": BLACK,
            "grid.alpha": 0.12,
            "axes.titlesize": 12,
            "figure.titlesize": 12,
            "axes.labelsize": MIN_FONT_SIZE,
            "font.size": MIN_FONT_SIZE,
            "xtick.labelsize": MIN_FONT_SIZE,
            "ytick.labelsize": MIN_FONT_SIZE,
            "legend.fontsize": MIN_FONT_SIZE,
            "legend.frameon": False,
            "lines.linewidth": 2,
            "svg.fonttype": "path",
            "svg.hashsalt": SVG_SALT,
        }
    )


def show_figures_as_svg():
    """In a notebook (matplotlib's inline backend), display a Figure as ``figure_svg``, with
    ``figure_png`` beside it for JupyterLab's untrusted notebooks (it shows no SVG until a
    notebook is trusted or run; the website and a trusted notebook show the SVG).

    The inline backend chooses its formats (PNG) once, when it is first configured, which can
    happen after this call: configure it now, then replace its formats. Elsewhere, nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or "inline" not in plt.get_backend():
        return
    from matplotlib_inline import backend_inline

    backend_inline.configure_inline_support(shell, "inline")
    formatters = shell.display_formatter.formatters
    for formatter in formatters.values():
        formatter.pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, figure_svg)
    formatters["image/png"].for_type(Figure, figure_png)


# --- The SVG ------------------------------------------------------------------------------------


def figure_svg(figure):
    """The figure as the book's SVG (a str): one width, no text under MIN_FONT_SIZE, colours as
    CSS variables, a title for screen readers, the same text on every run.

    Raises ValueError, naming the rule, if the figure breaks one of them.
    """
    width = figure.get_figwidth()
    if abs(width - FIGURE_WIDTH) > 1e-9:
        raise ValueError(
            f"every figure of the book is FIGURE_WIDTH = {FIGURE_WIDTH} in wide, so that all "
            f"are drawn at one scale; this one is {width:g} in: use "
            f"figsize=(FIGURE_WIDTH, height)"
        )
    wrap_titles(figure)
    figure.draw_without_rendering()  # makes the tick labels, which exist only once drawn
    texts = [
        text
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    for number, text in enumerate(texts):
        text.set_gid(f"bfs-text-{number}")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", dpi=RASTER_DPI, metadata={"Date": None})
    svg = buffer.getvalue()
    sizes = {
        f"bfs-text-{number}": text.get_fontsize() for number, text in enumerate(texts)
    }
    drawn = {gid: size for gid, size in sizes.items() if f'id="{gid}"' in svg}
    small = {
        texts[int(gid.rsplit("-", 1)[1])].get_text(): size
        for gid, size in drawn.items()
        if size < MIN_FONT_SIZE
    }
    if small:
        raise ValueError(
            f"text in a figure is at least MIN_FONT_SIZE = {MIN_FONT_SIZE} pt, to be legible on "
            f"a phone; these are smaller: {small}"
        )
    return _book_svg(svg, figure_label(figure), drawn)


def figure_png(figure):
    """The figure as PNG bytes at 96 dpi, its titles wrapped as in the SVG: what JupyterLab shows
    until a notebook is trusted. Not compared by nbval, not shown on the website."""
    wrap_titles(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    return buffer.getvalue()


def wrap_titles(figure):
    """Break each title that does not fit into lines that do (never inside $...$): a title states
    the figure's finding in a sentence, and the figure is narrow. A title is centred, so it may
    use twice the room on its narrower side, up to the figure's edge or the next title's middle."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    titles = [figure._suptitle] if figure._suptitle else []
    titles += [ax.title for ax in figure.axes if ax.get_title()]
    centres = {}
    for title in titles:
        extent = title.get_window_extent(renderer)
        centres[title] = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
    for title in titles:
        text = title.get_text()
        width = title.get_window_extent(renderer).width
        x, y = centres[title]
        room = 2 * min(x, figure.bbox.width - x)
        for other, (x_other, y_other) in centres.items():
            if other is not title and abs(y_other - y) < 20:  # a title beside this one
                room = min(room, abs(x_other - x))
        room *= 0.97
        if not text or "\n" in text or width <= room:
            continue
        for lines in range(int(np.ceil(width / room)), 6):
            title.set_text(balanced(text, lines))
            if title.get_window_extent(renderer).width <= room:
                break
    figure.draw_without_rendering()


def shown_length(text):
    """About how many characters ``text`` shows: a TeX command such as \\alpha is one."""
    return len(
        re.sub(r"\\[A-Za-z]+|[${}]", lambda m: "x" if len(m[0]) > 1 else "", text)
    )


def balanced(text, lines):
    """``text`` in at most ``lines`` lines of about equal length (see ``wrapped``)."""
    width = shown_length(text) // lines
    while wrapped(text, width).count("\n") >= lines:
        width += 1
    return wrapped(text, width)


def wrapped(text, width):
    """``text`` broken into lines of about ``width`` shown characters at spaces outside $...$."""
    words = re.findall(r"(?:\$[^$]*\$|\S)+", text)
    lines = [words[0]]
    for word in words[1:]:
        if shown_length(lines[-1]) + 1 + shown_length(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def figure_label(figure):
    """What a screen reader says for the figure: its titles, without TeX's dollars and
    backslashes."""
    if figure._suptitle:
        titles = [figure._suptitle.get_text()]
    else:
        titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    label = " ".join("; ".join(titles).split()) or "A figure"
    return re.sub(r"[$\\{}]", "", label)


def _book_svg(svg, label, font_sizes):
    """matplotlib's SVG made the book's: the XML prologue and metadata dropped, coordinates
    rounded, only the ids something refers to kept and numbered in order, matplotlib's global style
    scoped to the figure, the palette as CSS variables, each text's size, the width at which the
    smallest text is LEGIBLE_PX, and a title for screen readers."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    numbers = r' (?:x|y|width|height)="[-\d.]+"'
    for attribute in (r' d="[^"]*"', numbers, r"translate\([^)]*\)"):
        svg = re.sub(attribute, lambda m: _rounded(m.group(0)), svg)
    for gid, size in font_sizes.items():
        svg = svg.replace(
            f'<g id="{gid}">', f'<g id="{gid}" data-font-size="{size:g}">'
        )
    svg = svg.replace(f' id="{INK_IMAGE}"', f' class="{INK_IMAGE}"')
    references = r'url\(#([^)]+)\)|xlink:href="#([^"]+)"'
    used = {a or b for a, b in re.findall(references, svg)}
    svg = re.sub(
        r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg
    )
    prefix = f"fig{next(_figure_numbers)}"
    names = {
        old: f"{prefix}-{number}"
        for number, old in enumerate(dict.fromkeys(re.findall(r' id="([^"]+)"', svg)))
    }
    svg = re.sub(r' id="([^"]+)"', lambda m: f' id="{names[m.group(1)]}"', svg)
    svg = re.sub(references, lambda m: _renamed(m, names), svg)
    svg = svg.replace(
        '<style type="text/css">*{', '<style type="text/css">.bfs-figure *{'
    )
    variables = {colour.lower(): name for colour, name in THEME_COLOURS.items()}
    svg = re.sub(
        r"(fill|stroke): (#[0-9a-f]{6})",
        lambda m: (
            f"{m.group(1)}: var({variables[m.group(2)]}, {m.group(2)})"
            if m.group(2) in variables
            else m.group(0)
        ),
        svg,
    )
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    legible = view_width * LEGIBLE_PX / min(font_sizes.values(), default=MIN_FONT_SIZE)
    title = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    opening = re.search(r"<svg [^>]*>", svg).group(0)
    svg = svg.replace(
        opening,
        opening.replace(
            "<svg ",
            f'<svg class="bfs-figure" role="img" aria-labelledby="{prefix}-title" '
            f'style="fill: var(--bfs-ink, #000000); --bfs-legible-width: {legible:.1f}px" ',
        )
        + f'\n <title id="{prefix}-title">{title}</title>',
        1,
    )
    return svg.rstrip() + "\n"


def _renamed(match, names):
    """A reference to an id (``url(#x)`` or ``xlink:href="#x"``) to its new name."""
    old = match.group(1) or match.group(2)
    return match.group(0).replace(f"#{old}", f"#{names[old]}")


def _rounded(text):
    """Every number in ``text`` with more than COORDINATE_DECIMALS decimals, rounded to them."""
    pattern = rf"-?\d+\.\d{{{COORDINATE_DECIMALS + 1},}}"
    return re.sub(
        pattern,
        lambda m: _number(round(float(m.group(0)), COORDINATE_DECIMALS)),
        text,
    )


def _number(value):
    text = f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- Shared plots ---------------------------------------------------------------------------------


def grey_image(ax, image):
    """Show ``image`` (2-D, values 0 to 1) as grey pixels, ink on paper, without axes: dark on
    light as drawn, light on dark in the website's dark mode (INK_IMAGE)."""
    ax.imshow(
        image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", gid=INK_IMAGE
    )
    ax.set_axis_off()


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
