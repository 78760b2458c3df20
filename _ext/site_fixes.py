"""Small fixes to the Jupyter Book 1 website, found by the browser tests (tests/test_site.py).

Loaded by `sphinx: local_extensions` in _config.yml. It
- writes each inline <script> once: Sphinx 7.4 repeats a script that an extension adds after the
  builder started (sphinx-thebe's `const THEBE_JS_URL = ...`, sphinx-togglebutton's), and the second
  `const` is an uncaught SyntaxError on every page;
- leaves out the theme's scripts/fontawesome.js (1.4 MiB, over a third of a page's weight) with
  templates/static/webpack-macros.html: that script only swaps the icons for SVGs, and the theme's
  stylesheet already draws the same icons from its web fonts;
- adds static/site-fixes.js (widget fixes) and static/site-fixes.css (phone widths) to every page;
- drops the desktop header that pydata-sphinx-theme 0.17 adds above sphinx-book-theme's pages: an
  empty band holding only a second search field (the sidebar has one, the phone layout its own).
"""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"


def add_static_path(app):
    app.config.html_static_path.append(str(STATIC))


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


def setup(app):
    app.connect("config-inited", drop_search_header)
    app.connect("config-inited", use_local_templates)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", write_each_script_once, priority=900)
    app.add_js_file("site-fixes.js", loading_method="defer")
    app.add_css_file("site-fixes.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
