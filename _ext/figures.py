"""The chapters' figures, drawn into the page itself so that they follow its light and dark themes.

A figure of the book is an SVG output (book/plotting.py, ``figure_svg``) whose colours are CSS
variables with the drawn colours as fallbacks. myst-nb writes an SVG output to a file and shows it
with ``<img>``, and an image cannot see the page's variables, so this Sphinx extension puts the
SVG itself into the page, in a ``<div class="bfs-figure-frame">``: _ext/static/site-fixes.css then
gives the variables their colours in each theme, and draws every figure by one width rule (the
column's width, at most 30rem, never narrower than the width at which its smallest text is 11 px:
on a narrower screen the frame scrolls sideways, with the scroll hint of every such box).

Only SVGs made by ``figure_svg`` (``class="bfs-figure"``) are drawn inline; any other image stays
an ``<img>``. A figure's description for screen readers, its cell's ``mystnb: image: alt``,
becomes the SVG's ``<title>``. Loaded by `sphinx: local_extensions` in _config.yml.
"""

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

# The mark figure_svg puts on the <svg> element of every figure of the book.
BOOK_FIGURE = '<svg class="bfs-figure"'


def svg_file(image, env):
    """The file of an image node's SVG, or None. myst-nb gives its outputs' files as paths from the
    book's root ("/_build/jupyter_execute/<sha256>.svg"), which Sphinx resolves."""
    uri = image.get("uri", "")
    if not uri.endswith(".svg"):
        return None
    path = Path(env.relfn2path(uri, env.docname)[1])
    return path if path.is_file() else None


def with_title(svg, text):
    """The SVG with ``text`` as its <title>, what a screen reader says for it (figure_svg titles a
    figure by its own titles; a chapter gives each figure a description, its cell's ``alt``)."""
    title = html.escape(text, quote=False)
    return re.sub(
        r"(<title[^>]*>).*?(</title>)",
        lambda match: match[1] + title + match[2],
        svg,
        count=1,
        flags=re.S,
    )


class InlineBookFigures(SphinxTransform):
    """Replace each ``<img>`` of a book figure's SVG by the SVG, in a frame."""

    # After myst-nb has rendered the outputs (at parse time), before images are collected.
    default_priority = 500

    def apply(self):
        for image in list(self.document.findall(nodes.image)):
            path = svg_file(image, self.env)
            if path is None:
                continue
            svg = path.read_text(encoding="utf-8")
            if not svg.startswith(BOOK_FIGURE):
                continue
            if image.get("alt"):
                svg = with_title(svg, image["alt"])
            frame = nodes.raw(
                "",
                f'<div class="bfs-figure-frame">\n{svg}</div>\n',
                format="html",
            )
            image.replace_self(frame)


def setup(app):
    app.add_transform(InlineBookFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
