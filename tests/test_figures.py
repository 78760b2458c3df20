"""The book's figures (book/plotting.py, _ext/figures.py): one width, legible on a phone, in the
page's colours, the same text on every run, and every chapter's figures made that way.

The browser tests (tests/test_site.py) measure the drawn text on a 375 px phone and check both
themes; these check the SVG itself, and the committed notebooks, without a browser.
"""

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import figures
import plotting

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(autouse=True)
def book_style():
    with plt.rc_context():
        plotting.use_book_style()
        yield
    plt.close("all")


def a_figure(height=3.2, title="Small steps creep down", colour=plotting.BLUE):
    fig, ax = plt.subplots(figsize=(plotting.FIGURE_WIDTH, height))
    ax.plot([0, 1, 2], [1.0, 0.5, 0.25], color=colour, label="a curve")
    ax.scatter([1], [0.5], color=plotting.BLACK)
    ax.set_title(title)
    ax.legend()
    return fig


def test_the_svg_names_its_colours_sizes_and_title():
    svg = plotting.figure_svg(a_figure())
    assert svg.startswith('<svg class="bfs-figure" role="img" aria-labelledby="fig')
    assert "<?xml" not in svg and "<metadata>" not in svg and "Matplotlib v" not in svg
    assert re.search(r'<title id="fig\d+-title">Small steps creep down</title>', svg)
    # The palette as CSS variables with the drawn colour as fallback; nothing else black or blue.
    assert "stroke: var(--bfs-blue, #0072b2)" in svg
    assert "fill: var(--bfs-paper, #ffffff)" in svg
    assert not re.search(r"(fill|stroke): #(0072b2|000000|ffffff)", svg)
    sizes = [float(size) for size in re.findall(r'data-font-size="([\d.]+)"', svg)]
    # ticks (3 + 4 or so), the legend, the title
    assert len(sizes) >= 6 and min(sizes) == plotting.MIN_FONT_SIZE
    assert max(sizes) == 12
    # 331.2 pt wide, smallest text 11 pt: legible (11 px) from 331.2 px on
    assert "--bfs-legible-width: 331.2px" in svg
    # matplotlib's global style, scoped to the figure
    assert ".bfs-figure *{stroke-linejoin" in svg


def test_every_id_is_the_figure_s_own_and_every_reference_resolves():
    first = plotting.figure_svg(a_figure())
    second = plotting.figure_svg(a_figure())
    ids = [re.findall(r' id="([^"]+)"', svg) for svg in (first, second)]
    assert ids[0] and not set(ids[0]) & set(ids[1])
    for svg, own in zip((first, second), ids):
        assert len(own) == len(set(own))
        references = re.findall(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"', svg)
        assert {a or b for a, b in references} <= set(own)


def test_the_same_figure_gives_the_same_text():
    """nbval compares the SVG: only the figure's number in the session may differ."""

    def without_number(svg):
        return re.sub(r"fig\d+-", "fig-", svg)

    assert without_number(plotting.figure_svg(a_figure())) == without_number(
        plotting.figure_svg(a_figure())
    )


def test_coordinates_are_rounded_to_a_hundredth_of_a_point():
    """Two OpenBLAS kernels may round a plotted number differently in its last bits; the SVG
    keeps two decimals, so the text is the same."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1 / 3])
    again, ax_again = plt.subplots()
    ax_again.plot([0, 1], [0, 1 / 3 + 1e-15])
    first, second = plotting.figure_svg(fig), plotting.figure_svg(again)
    assert re.sub(r"fig\d+-", "", first) == re.sub(r"fig\d+-", "", second)
    numbers = re.findall(r'd="([^"]*)"', first)
    assert not re.search(r"\.\d{3}", " ".join(numbers))


def test_a_figure_of_another_width_is_refused():
    fig, _ = plt.subplots(figsize=(6.0, 3.0))
    with pytest.raises(
        ValueError, match=r"FIGURE_WIDTH = 4.6 in wide.*this one is 6 in"
    ):
        plotting.figure_svg(fig)


def test_text_smaller_than_the_rule_is_refused():
    fig = a_figure()
    fig.axes[0].text(0.5, 0.5, "small print", fontsize=9)
    with pytest.raises(
        ValueError, match=r"at least MIN_FONT_SIZE = 11 pt.*'small print': 9"
    ):
        plotting.figure_svg(fig)


def test_a_long_title_is_wrapped_to_the_figure_never_inside_maths():
    title = "Leaky ReLU: slope 1 on the right, slope $\\alpha$ on the left, as derived"
    fig = a_figure(title=title)
    plotting.figure_svg(fig)
    wrapped = fig.axes[0].get_title()
    assert "\n" in wrapped and wrapped.replace("\n", " ") == title
    lines = wrapped.split("\n")
    assert all(line.count("$") % 2 == 0 for line in lines)


def test_two_titles_side_by_side_share_the_width():
    fig, axes = plt.subplots(1, 2, figsize=(plotting.FIGURE_WIDTH, 3.0))
    axes[0].set_title("[1, 1, 1]: misses two points")
    axes[1].set_title("[1, 4, 3, 1]: near all three")
    plotting.wrap_titles(fig)
    assert all("\n" in ax.get_title() for ax in axes)


def test_a_grey_image_is_marked_to_invert_in_dark_mode():
    fig, ax = plt.subplots(figsize=(plotting.FIGURE_WIDTH, 2.0))
    plotting.grey_image(ax, np.linspace(0, 1, 64).reshape(8, 8))
    svg = plotting.figure_svg(fig)
    assert re.search(r'<image [^>]*class="bfs-ink-image"', svg)
    css = (ROOT / "_ext" / "static" / "book.css").read_text()
    assert 'html[data-theme="dark"] svg.bfs-figure image.bfs-ink-image' in css


def test_every_palette_colour_has_a_dark_shade_on_the_website():
    css = (ROOT / "_ext" / "static" / "book.css").read_text()
    dark = css[css.index('html[data-theme="dark"] {') :].split("}")[0]
    for variable in plotting.THEME_COLOURS.values():
        if variable in ("--bfs-ink", "--bfs-paper"):
            assert f"{variable}: var(--pst-color-" in css
        else:
            assert f"{variable}: #" in dark, variable


def test_the_page_takes_the_svg_with_the_chapter_s_description():
    svg = plotting.figure_svg(a_figure())
    titled = figures.with_title(svg, "A curve that halves <each> step & a dot")
    assert (
        "<title" in titled
        and "A curve that halves &lt;each&gt; step &amp; a dot" in titled
    )
    assert titled.count("<title") == 1


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_figure_of_the_chapters_is_the_book_s_svg(chapter):
    """A chapter shows its figures as figure_svg made them (a PNG only beside the SVG, for
    JupyterLab's untrusted notebooks), no error from the rules, and a description for screen
    readers in the figure cell's `mystnb: image: alt`."""
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                assert "image/svg+xml" in data, f"cell {index} shows a PNG alone"
            assert "Traceback" not in "".join(output.get("text", "")), f"cell {index}"
            if "image/svg+xml" in data:
                svg = "".join(data["image/svg+xml"])
                assert svg.startswith(figures.BOOK_FIGURE), f"cell {index}"
                alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
                assert alt, f"cell {index}: a figure without a description"


def test_the_png_beside_the_svg_is_the_same_figure_at_96_dpi():
    """JupyterLab shows no SVG in a notebook it does not trust; the PNG is what it shows then."""
    png = plotting.figure_png(a_figure())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width == int(plotting.FIGURE_WIDTH * 96)  # 441.6 px, cut to 441
