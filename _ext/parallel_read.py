"""Let Sphinx read, and so execute, the chapters in several processes (tools/build_book.py).

Sphinx reads in parallel only when every extension declares that it may. Two of Jupyter Book's
declare nothing, so Sphinx would read one chapter after another and warn, which fails a build run
with -W. Both are safe, and this extension says so for them:

- sphinx_multitoc_numbering (chapter numbers running on across the book's parts) only replaces
  TocTreeCollector.assign_section_numbers, which Sphinx calls in the main process once every
  chapter has been read and merged;
- sphinx_jupyterbook_latex's read transforms change only the document being read (and only the
  root one), and it keeps state in the environment only for a LaTeX build, set up in the main
  process.
"""

UNDECLARED_BUT_SAFE = ["sphinx_multitoc_numbering", "sphinx_jupyterbook_latex"]


def declare_safe(app, config):
    for name in UNDECLARED_BUT_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def setup(app):
    app.connect("config-inited", declare_safe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
