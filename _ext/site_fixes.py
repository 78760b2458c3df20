"""Small fixes to the Jupyter Book 1 website, found by the browser tests (tests/test_site.py), and
the repository buttons set from one setting.

Loaded by `sphinx: local_extensions` in _config.yml. Each fix, its upstream cause and when it can
go are listed in the table of _ext/README.md; keep that table current when adding or removing one.
"""

import hashlib
import importlib.metadata
import importlib.resources
from pathlib import Path

import myst_nb.core.render
from myst_nb.core.utils import coalesce_streams
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
from nbformat import NotebookNode
from sphinx.errors import ExtensionError

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"

# Theme templates copied into templates/ and patched there, with the sha256 of the theme's
# original each copy was made from. When an upgrade changes an original, the build stops.
COPIED_TEMPLATES = {
    "static/webpack-macros.html": "b1f893e4416c7cc7cf9ed5f2e7a46cf9f94f653cd8c848138bf45a2fda166f67",
}
# Every button that links to the repository or launches it elsewhere, off while `repository: url:`
# is unset (set_repository_buttons).
REPOSITORY_BUTTONS = [
    "use_repository_button",
    "use_issues_button",
    "use_edit_page_button",
]
LAUNCHERS = [
    "binderhub_url",
    "jupyterhub_url",
    "colab_url",
    "deepnote_url",
    "jupyterlite_url",
]
# Jupyter Book's own default for `repository: url:`, used when _config.yml gives none.
JUPYTER_BOOK_DEFAULT_URL = "https://github.com/executablebooks/jupyter-book"


def theme_template_dir():
    """The installed pydata-sphinx-theme's own template folder."""
    return Path(
        importlib.resources.files("pydata_sphinx_theme")
        / "theme"
        / "pydata_sphinx_theme"
    )


def check_copies(theme_dir):
    """Raise ExtensionError if a copied template's original in `theme_dir` is not the one it was
    copied from (changed or gone), saying which file to copy again and patch."""
    for name, recorded in COPIED_TEMPLATES.items():
        original = Path(theme_dir) / name
        digest = (
            hashlib.sha256(original.read_bytes()).hexdigest()
            if original.is_file()
            else "missing"
        )
        if digest != recorded:
            version = importlib.metadata.version("pydata-sphinx-theme")
            raise ExtensionError(
                f"_ext/templates/{name} is a patched copy of pydata-sphinx-theme's {name}, and "
                f"the installed theme's original ({original}, pydata-sphinx-theme {version}) is "
                f"no longer the file it was copied from (sha256 {digest}). Copy the original "
                f"to _ext/templates/{name} again, re-apply the patch described in "
                f"_ext/README.md, and record the new sha256 in COPIED_TEMPLATES in "
                f"_ext/site_fixes.py."
            )


def check_copied_templates(app, config):
    check_copies(theme_template_dir())


def add_static_path(app):
    app.config.html_static_path.append(str(STATIC))


def copy_changed_static_files(app, exception):
    """build-finished: the files of static/ in the site's _static/, also after a build that found
    no page out of date (Sphinx then copies no static file, so an edited book.js or book.css would
    not reach the site before `make clean book`)."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static"
    for source in STATIC.rglob("*"):
        copy = target / source.relative_to(STATIC)
        if source.is_file() and (
            not copy.is_file() or copy.read_bytes() != source.read_bytes()
        ):
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(source.read_bytes())


def use_local_templates(app, config):
    config.templates_path.insert(0, str(TEMPLATES))


def drop_search_header(app, config):
    config.html_theme_options.setdefault("navbar_persistent", [])


def write_each_script_once(app, pagename, templatename, context, doctree):
    # The builder keeps the first copy with filename None and the second with "": compare them as equal.
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def repository_url(theme_options):
    url = (theme_options.get("repository_url") or "").strip()
    return "" if url.rstrip("/") == JUPYTER_BOOK_DEFAULT_URL else url


def repository_footer(url, branch):
    """The footer's sentence on the repository: where the source is and where to report a
    problem, with links."""
    url = url.rstrip("/")
    return (
        f'<p class="bfs-repository">The book\'s source is at <a href="{url}">{url}</a> '
        f'(licences: <a href="{url}/blob/{branch}/LICENSE">LICENSE</a>); report a mistake or '
        f'suggest a change in <a href="{url}/issues">its issue tracker</a>.</p>'
    )


def set_repository_buttons(app, config):
    """One setting, `repository: url:` in _config.yml, for every button that leads elsewhere. No
    URL: no repository, issues, edit or launch button (each would lead to a page that does not
    exist). A URL: every such button; Jupyter Book itself refuses `use_repository_button` without a
    URL, and its defaults set them all to false, so a `false` in _config.yml cannot be told apart:
    to leave one out, drop it from REPOSITORY_BUTTONS. A URL also adds the repository and its
    issue tracker to every page's footer, after the licences."""
    options = config.html_theme_options
    url = repository_url(options)
    if url:
        for button in REPOSITORY_BUTTONS:
            options[button] = True
        branch = options.get("repository_branch") or "main"
        options["extra_footer"] = (
            options.get("extra_footer") or ""
        ) + repository_footer(url, branch)
        return
    options.pop("repository_url", None)
    for button in REPOSITORY_BUTTONS:
        options[button] = False
    launch = dict(options.get("launch_buttons") or {})
    for launcher in LAUNCHERS:
        launch[launcher] = ""
    launch["thebe"] = False
    options["launch_buttons"] = launch


def visit_hidden_cell(self, node):
    """myst-nb's "Show code cell source" toggle, without its aria-label "Toggle hidden content":
    the name of a <summary> is then the text it shows (WCAG 2.5.3, label in name)."""
    start = len(self.body)
    visit_HideCellInput(self, node)
    self.body[start:] = [
        part.replace(' aria-label="Toggle hidden content"', "")
        for part in self.body[start:]
    ]


def join_stream_pieces(outputs):
    """``outputs`` with every piece of one stream (stdout, stderr) joined into its first piece, the
    text of each piece kept exactly; the pieces themselves are left as they were.

    A kernel sends a cell's printed text in pieces as it flushes, and where one piece ends depends
    on timing: a loaded machine may send ``"final loss 4.9994"`` and then ``"\\nlearning rate..."``.
    myst-nb's ``coalesce_streams`` strips each piece's end and adds a newline before joining, which
    turns that into an empty line on the page. Joined first, the page shows the same text however
    the kernel cut it.
    """
    joined, first = [], {}
    for output in outputs:
        if output.get("output_type") != "stream":
            joined.append(output)
        elif output["name"] in first:
            first[output["name"]]["text"] += "".join(output["text"])
        else:
            piece = NotebookNode(output)
            piece["text"] = "".join(output["text"])
            first[output["name"]] = piece
            joined.append(piece)
    return joined


def coalesce_joined_streams(outputs):
    """myst-nb's ``coalesce_streams`` (with its handling of \\r, \\b and the order of stdout and
    stderr), given each stream already joined whole (join_stream_pieces)."""
    return coalesce_streams(join_stream_pieces(outputs))


def setup(app):
    app.setup_extension("myst_nb")
    myst_nb.core.render.coalesce_streams = coalesce_joined_streams
    app.add_node(
        HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput)
    )
    app.connect("config-inited", check_copied_templates)
    app.connect("config-inited", drop_search_header)
    app.connect("config-inited", use_local_templates)
    app.connect("config-inited", set_repository_buttons)
    app.connect("builder-inited", add_static_path)
    app.connect("build-finished", copy_changed_static_files)
    app.connect("html-page-context", write_each_script_once, priority=900)
    app.add_js_file("site-fixes.js", loading_method="defer")
    app.add_css_file("site-fixes.css")
    # The book's own look and behaviour (not fixes): see the first comment of each file.
    app.add_js_file("book.js", loading_method="defer")
    app.add_css_file("book.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
