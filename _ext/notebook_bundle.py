"""The whole book as notebooks, in one zip the website serves.

A chapter imports `mlp_core` and the helpers of book/ (`plotting`, `playground`, `checks`), so a
notebook downloaded alone cannot run. After every HTML build (`make book`, the tests' builds) this
Sphinx extension writes `backprop-from-scratch-notebooks.zip` at the site's root: one folder with
every page of _toc.yml as committed (notebooks with their outputs, but without the autograder's
hidden tests, which a graded course draws anew: tools/variants.py), those modules next to them
(and book/data/ as data/, book/js/ as js/), a `requirements.txt` with only what running and
reading them needs (_ext/dependencies.py: pyproject.toml's reader extras, pinned as in the
repository's requirements.txt), the licences, and a short README. The zip is the same for the same sources:
fixed timestamps, sorted entries.

Every page's download menu links the zip ("book (.zip)"), and its own notebook (".ipynb") runs
too: the copy the menu serves starts with a cell that copies the modules next to it from the zip
(the zip beside the notebook, else the one on the website: _ext/static/book.js writes the zip's
address into that cell as the reader downloads it). tests/test_download.py downloads chapter 11 as
a reader would and runs it in a new environment made from the zip's requirements.txt.

Without Sphinx: `python _ext/notebook_bundle.py OUT.zip` writes the zip.
"""

import io
import json
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

import dependencies

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "backprop-from-scratch-notebooks.zip"
FOLDER = "backprop-from-scratch-notebooks"
# Next to the notebooks, flat, so that `import mlp_core` works from their folder: the modules of
# pyproject.toml's `py-modules` (mlp_core and its checks), the helpers in book/ (every .py file,
# and the .css and .js files they read, such as the quiz's), book/data/ (the data sets helpers
# load from their own folder) as data/, and book/js/ (the live figures' JavaScript, which
# playground.py writes into their outputs) as js/.
HELPERS = "book"
HELPER_SUFFIXES = (".py", ".css", ".js")
DATA = ("book/data", "book/js")
# The tag of the first cells a notebook downloaded alone gets (downloaded_alone_cells).
NOTE_TAG = "downloaded-alone-note"
# The licences, shipped with the notebooks (LICENSE says which files are under which).
LICENCES = ["LICENSE", "LICENSE-TEXT", "LICENSE-CODE"]
# The line of the fetching cell that holds the zip's address; book.js rewrites it (same pattern).
ZIP_LINE = "BOOK_ZIP = {address!r}"
# The marker of the autograder's hidden tests (nbgrader's): cells holding it stay out of the zip.
HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
# Any fixed time works; zip's epoch (1980) keeps the archive the same from build to build.
TIMESTAMP = (1980, 1, 1, 0, 0, 0)

README = """\
# Backprop from Scratch: the notebooks

Every chapter of the book as a Jupyter notebook, with `mlp_core.py` (all the book's numerical
code), the helpers the chapters import (the other `.py` files, with the quiz's `.css` and `.js`),
the data they load (`data/`) and the JavaScript of the live figures (`js/`).
Keep them together in this folder: each notebook imports them from here.

You need Python 3.11 or newer. In this folder, create a virtual environment, install what the
notebooks need, and start JupyterLab:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install -r requirements.txt
.venv/bin/jupyter lab
```

On Windows: `py -m venv .venv`, then `.venv\\Scripts\\python -m pip install -r requirements.txt`
and `.venv\\Scripts\\jupyter lab`.

JupyterLab opens in your browser: start with `01_introduction.ipynb`. The notebooks are saved
with their outputs, so you can read them before running anything; the sliders appear once their
cell has run. `requirements.txt` pins the versions the book was built and tested with;
`jupyterlab-myst` shows the text as on the website (notes, folded solutions, equations).
"""


def toc_files(root=ROOT):
    """Every page of _toc.yml, in reading order, as paths relative to `root` (with suffix)."""

    def entries(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "file"):
                    yield value
                else:
                    yield from entries(value)
        elif isinstance(node, list):
            for item in node:
                yield from entries(item)

    root = Path(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = []
    for entry in entries(toc):
        found = [
            f"{entry}{suffix}"
            for suffix in (".ipynb", ".md")
            if (root / f"{entry}{suffix}").is_file()
        ]
        if not found:
            raise FileNotFoundError(
                f"_toc.yml lists {entry}, which has no .ipynb or .md file"
            )
        pages.append(found[0])
    return pages


def root_modules(root=ROOT):
    """The modules of pyproject.toml's `py-modules` (mlp_core's), as file names."""
    pyproject = tomllib.loads((Path(root) / "pyproject.toml").read_text("utf-8"))
    return [f"{module}.py" for module in pyproject["tool"]["setuptools"]["py-modules"]]


def helper_files(folder):
    """The helpers in ``folder`` (book/): its .py files and the .css and .js files they read."""
    return sorted(
        path for path in Path(folder).iterdir() if path.suffix in HELPER_SUFFIXES
    )


def module_files(root=ROOT):
    """The modules the notebooks import, relative to `root`: mlp_core's, then book/'s helpers."""
    root = Path(root)
    helpers = [
        path.relative_to(root).as_posix() for path in helper_files(root / HELPERS)
    ]
    return root_modules(root) + helpers


def data_files(root=ROOT):
    """Every file of book/data/ and book/js/, relative to `root` (none of a missing folder)."""
    root = Path(root)
    return sorted(
        path.relative_to(root).as_posix()
        for folder in DATA
        for path in (root / folder).rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def without_hidden_tests(text):
    """A notebook's JSON text without the autograder's hidden tests: every cell holding
    ``### BEGIN HIDDEN TESTS`` is left out (the website never shows them: ``remove-cell``). A
    graded course draws its own (tools/variants.py); the public book hands out none. Written as
    nbformat writes notebooks, so a notebook without such a cell comes back byte for byte."""
    notebook = json.loads(text)
    notebook["cells"] = [
        cell
        for cell in notebook["cells"]
        if HIDDEN_TESTS not in "".join(cell.get("source", ""))
    ]
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def bundle_contents(root=ROOT):
    """{name inside the zip: bytes}: the pages and modules side by side, data/, requirements.txt,
    README.md and the licences."""
    root = Path(root)
    sources = toc_files(root) + module_files(root)
    names = [Path(source).name for source in sources]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise ValueError(f"two files would share one name in the zip: {clashes}")
    contents = {
        f"{FOLDER}/{Path(source).name}": (root / source).read_bytes()
        for source in sources
    }
    for source in sources:
        if source.endswith(".ipynb"):
            text = (root / source).read_text(encoding="utf-8")
            contents[f"{FOLDER}/{Path(source).name}"] = without_hidden_tests(
                text
            ).encode()
    for source in data_files(root):
        inside = Path(source).relative_to(HELPERS).as_posix()
        contents[f"{FOLDER}/{inside}"] = (root / source).read_bytes()
    contents[f"{FOLDER}/requirements.txt"] = dependencies.requirements_text(
        root=root
    ).encode()
    contents[f"{FOLDER}/README.md"] = README.encode()
    for licence in LICENCES:
        contents[f"{FOLDER}/{licence}"] = (root / licence).read_bytes()
    return contents


def write_bundle(zip_path, root=ROOT):
    """Write the zip to `zip_path`; the same sources give the same bytes. Returns the path."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(bundle_contents(root).items()):
            info = zipfile.ZipInfo(name, date_time=TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    zip_path = Path(zip_path)
    zip_path.write_bytes(buffer.getvalue())
    return zip_path


FETCH_CELL = """\
# Run this cell first. This page of Backprop from Scratch imports the book's modules (mlp_core.py,
# the helpers, data/): it copies them next to this notebook from the book's zip, the one beside
# this notebook if you downloaded it too, else the one on the book's website.
import importlib
import io
import pathlib
import urllib.request
import zipfile

{zip_line}
here = pathlib.Path.cwd()
beside = here / "{zip_name}"
if not (here / "mlp_core.py").exists():
    if not beside.exists() and BOOK_ZIP is None:
        raise FileNotFoundError(f"Put {{beside.name}} from the book's website in {{here}}")
    data = beside.read_bytes() if beside.exists() else urllib.request.urlopen(BOOK_ZIP).read()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            path = here / pathlib.PurePosixPath(name).relative_to("{folder}")
            if not name.endswith(("/", ".ipynb", "README.md")) and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(book.read(name))
    importlib.invalidate_caches()
print("The book's modules are next to this notebook. If an import fails, install what the book")
print("needs: %pip install -r requirements.txt")
"""


def downloaded_alone_cells(zip_url, root=ROOT):
    """The first cells of a chapter downloaded on its own: a note saying what it needs, and a cell
    that fetches it from the book's zip (``zip_url``, or None where the address is not known when
    the book is built: the website's download writes it in, book.js)."""
    where = f"[{ZIP_NAME}]({zip_url})" if zip_url else f"`{ZIP_NAME}`"
    names = [f"`{Path(module).name}`" for module in module_files(root)]
    modules = ", ".join(names[:-1]) + f" and {names[-1]}"
    note = {
        "cell_type": "markdown",
        "id": NOTE_TAG,
        "metadata": {"tags": [NOTE_TAG]},
        "source": (
            f"**To run this notebook** it needs these files of the book next to it: {modules}, "
            f"with `data/`. The next cell copies them here from the whole book as notebooks, "
            f"{where} (on the website, every page's download menu links it): run it first."
        ),
    }
    fetch = {
        "cell_type": "code",
        "execution_count": None,
        "id": f"{NOTE_TAG}-fetch",
        "metadata": {"tags": [NOTE_TAG]},
        "outputs": [],
        "source": FETCH_CELL.format(
            zip_line=ZIP_LINE.format(address=zip_url or None).replace("'", '"'),
            zip_name=ZIP_NAME,
            folder=FOLDER,
        ),
    }
    return [note, fetch]


# --- Sphinx --------------------------------------------------------------------------------------


def write_bundle_into_site(app, exception):
    """build-finished: the zip at the site's root, and at the top of each downloadable notebook
    the fetching cells, and no hidden tests."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    write_bundle(outdir / ZIP_NAME, Path(app.srcdir))
    baseurl = (app.config.html_baseurl or "").strip()
    zip_url = f"{baseurl.rstrip('/')}/{ZIP_NAME}" if baseurl else None
    # The page's download button serves Sphinx's copy of the notebook in _sources/.
    for notebook in sorted((outdir / "_sources").rglob("*.ipynb")):
        content = json.loads(without_hidden_tests(notebook.read_text(encoding="utf-8")))
        # After an incremental build, a notebook Sphinx copied in an earlier one has its cells.
        cells = [
            cell
            for cell in content["cells"]
            if NOTE_TAG not in cell.get("metadata", {}).get("tags", [])
        ]
        added = downloaded_alone_cells(zip_url, Path(app.srcdir))
        if (content["nbformat"], content["nbformat_minor"]) < (4, 5):
            for cell in added:
                del cell["id"]  # cell ids came with nbformat 4.5
        content["cells"] = added + cells
        notebook.write_text(
            json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def link_the_zip(app, pagename, templatename, context, doctree):
    """html-page-context, after sphinx-book-theme's download menu (priority 501): every page's
    menu offers the whole book (the zip), and names its .ipynb as this page's notebook."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group["buttons"]:
            if str(button.get("url", "")).endswith(".ipynb"):
                button["text"] = "this page (.ipynb)"
                button["tooltip"] = (
                    "This page as a notebook: its first cell fetches the book's modules"
                )
        group["buttons"].insert(
            0,
            {
                "type": "link",
                "url": context["pathto"](ZIP_NAME, 1),
                "text": "the book (.zip)",
                "tooltip": "Every chapter as a notebook, with the modules they import",
                "icon": "fas fa-file-zipper",
                "label": "download-zip-button",
            },
        )


def setup(app):
    app.connect("build-finished", write_bundle_into_site)
    app.connect("html-page-context", link_the_zip, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(arguments):
    if len(arguments) != 1 or arguments[0].startswith("-"):
        sys.exit(__doc__.split("Without Sphinx: ", 1)[1].strip())
    print(f"wrote {write_bundle(arguments[0])}")


if __name__ == "__main__":
    main(sys.argv[1:])
