"""Pages that show no ipywidgets load no widget manager.

Loaded by `sphinx: local_extensions` in _config.yml. myst-nb puts the ipywidgets embed manager
(html-manager, about 3.1 MiB) and the saved widget state on every page whose notebook kept widget
state, whether or not a widget is shown. Chapter 11 keeps Jupyter's live ipywidgets controls in a
cell whose output the website removes (`remove-output`); its live figures are plain HTML and
JavaScript (book/playground.py, book/js). So the page would download the manager for nothing:
here, a page whose body holds no widget view loses those scripts. tests/test_playground_site.py
checks the page's weight.
"""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_scripts(app):
    """The script files of the widget manager (nb_ipywidgets_js), as Sphinx names them: relative
    to _static/."""
    return {f"_static/{path}" for path in app.config.nb_ipywidgets_js}


def drop_unused_widget_manager(app, pagename, templatename, context, doctree):
    if WIDGET_VIEW in context.get("body", ""):
        return
    manager = widget_scripts(app)
    context["script_files"] = [
        script
        for script in context.get("script_files", [])
        if (getattr(script, "filename", script) or "") not in manager
        and getattr(script, "attributes", {}).get("type") != WIDGET_STATE
    ]


def setup(app):
    app.setup_extension("myst_nb")
    # After myst-nb (500) has added the page's scripts, and after site_fixes (900) rewrote the list.
    app.connect("html-page-context", drop_unused_widget_manager, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
