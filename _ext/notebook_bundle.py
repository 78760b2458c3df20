"""The whole book as notebooks, in one zip the website serves, and the buttons that lead elsewhere.

A chapter imports `mlp_core` and the helpers of book/ (`plotting`, `playground`, `checks`), so a
notebook downloaded alone cannot run. After every HTML build (`make book`, the tests' builds) this
Sphinx extension writes `backprop-from-scratch-notebooks.zip` at the site's root: one folder with
every page of _toc.yml as committed (notebooks with their outputs, but without the autograder's
hidden tests, which a graded course draws anew: tools/variants.py), those modules next to them
(and book/data/ as data/), a `requirements.txt` with only what running and reading them needs,
pinned to the versions in the repository's requirements.txt, and a short README. The zip is the
same for the same sources: fixed timestamps, sorted entries.

It also sets the repository and launch buttons from one setting, `repository: url:` in
_config.yml. Empty, the site shows no repository, issues, edit or Binder button (they would lead to
a page that does not exist); set, they all appear. Jupyter Book itself refuses
`use_repository_button` without a URL, so the extension switches the buttons on instead.

Without Sphinx: `python _ext/notebook_bundle.py OUT.zip` writes the zip, and
`python _ext/notebook_bundle.py --binder` rewrites binder/requirements.txt (the same requirements).
"""

import io
import json
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "backprop-from-scratch-notebooks.zip"
FOLDER = "backprop-from-scratch-notebooks"
# Next to the notebooks, flat, so that `import mlp_core` works from their folder: the modules of
# pyproject.toml's `py-modules` (mlp_core and its checks), the helpers in book/ (every .py file),
# and book/data/ (the data sets helpers load from their own folder) as data/.
HELPERS = "book"
DATA = "book/data"
# What running the notebooks needs (every import of the notebooks and modules is one of these, a
# package they depend on, or the standard library: tests/test_bundle.py checks it) ...
RUNNING = ["numpy", "matplotlib", "pillow", "ipywidgets", "ipykernel"]
# ... and what reading them rendered needs: JupyterLab, and MyST (admonitions, maths, {doc} links).
READING = ["jupyterlab", "jupyterlab-myst"]
# Every button that links to the repository or launches it elsewhere, off while the URL is unset.
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
# The tag (and cell id) of that first cell.
NOTE_TAG = "downloaded-alone-note"
# The marker of the autograder's hidden tests (nbgrader's): cells holding it stay out of the zip.
HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
# Any fixed time works; zip's epoch (1980) keeps the archive the same from build to build.
TIMESTAMP = (1980, 1, 1, 0, 0, 0)

README = """\
# Backprop from Scratch: the notebooks

Every chapter of the book as a Jupyter notebook, with `mlp_core.py` (all the book's numerical
code), the helpers the chapters import (the other `.py` files) and the data they load (`data/`).
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


def normalize(name):
    """A package name as pip compares them: `jupyterlab_myst` and `JupyterLab-MyST` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_versions(requirements):
    """{normalized name: version} of every `name==version` line of a requirements file."""
    versions = {}
    for line in Path(requirements).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)", line)
        if match:
            versions[normalize(match[1])] = match[2]
    return versions


def requirements_text(root=ROOT):
    """The zip's requirements.txt: RUNNING and READING, pinned as in `root`/requirements.txt.

    Raises ValueError naming a package that requirements.txt does not pin, so the two files cannot
    drift apart.
    """
    versions = pinned_versions(Path(root) / "requirements.txt")
    missing = [name for name in RUNNING + READING if normalize(name) not in versions]
    if missing:
        raise ValueError(
            f"requirements.txt pins no version of {', '.join(missing)}: the notebooks' "
            "requirements are taken from it (add them to .venv and run `make freeze`)"
        )

    def pins(names):
        return "".join(f"{name}=={versions[normalize(name)]}\n" for name in names)

    return (
        "# What running the notebooks of Backprop from Scratch needs, at the versions the book is\n"
        "# built and tested with (written from the repository's requirements.txt by\n"
        "# _ext/notebook_bundle.py).\n"
        + pins(RUNNING)
        + "# Reading them in JupyterLab, rendered as on the website.\n"
        + pins(READING)
    )


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


def module_files(root=ROOT):
    """The modules the notebooks import, relative to `root`: mlp_core's, then book/'s helpers."""
    root = Path(root)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    modules = pyproject["tool"]["setuptools"]["py-modules"]
    helpers = sorted(path.name for path in (root / HELPERS).glob("*.py"))
    return [f"{module}.py" for module in modules] + [f"{HELPERS}/{h}" for h in helpers]


def data_files(root=ROOT):
    """Every file of book/data/, relative to `root` (none if there is no such folder)."""
    root = Path(root)
    return sorted(
        path.relative_to(root).as_posix()
        for path in (root / DATA).rglob("*")
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
    """{name inside the zip: bytes}: the pages and modules side by side, data/, requirements.txt
    and README.md."""
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
        inside = Path(source).relative_to(Path(DATA).parent).as_posix()
        contents[f"{FOLDER}/{inside}"] = (root / source).read_bytes()
    contents[f"{FOLDER}/requirements.txt"] = requirements_text(root).encode()
    contents[f"{FOLDER}/README.md"] = README.encode()
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


def downloaded_alone_note(zip_url, root=ROOT):
    """A first cell for a chapter downloaded on its own: what else it needs, and where to get it."""
    where = f"[{ZIP_NAME}]({zip_url})" if zip_url else f"`{ZIP_NAME}`"
    names = [f"`{Path(module).name}`" for module in module_files(root)]
    modules = ", ".join(names[:-1]) + f" and {names[-1]}"
    return {
        "cell_type": "markdown",
        "id": NOTE_TAG,
        "metadata": {"tags": [NOTE_TAG]},
        "source": (
            f"**To run this notebook** it needs the book's modules next to it: {modules}. "
            f"Download the whole book as notebooks, {where}, from the book's introduction "
            "page: it has them all, with a `requirements.txt` and a README saying how to start."
        ),
    }


# --- Sphinx --------------------------------------------------------------------------------------


def repository_url(theme_options):
    url = (theme_options.get("repository_url") or "").strip()
    return "" if url.rstrip("/") == JUPYTER_BOOK_DEFAULT_URL else url


def set_repository_buttons(app, config):
    """No repository URL: no button to it or launching it. A URL: every such button (Jupyter Book's
    defaults set them all to false, so a `false` in _config.yml cannot be told apart: to leave one
    out, drop it from REPOSITORY_BUTTONS)."""
    options = config.html_theme_options
    if repository_url(options):
        for button in REPOSITORY_BUTTONS:
            options[button] = True
        return
    options.pop("repository_url", None)
    for button in REPOSITORY_BUTTONS:
        options[button] = False
    launch = dict(options.get("launch_buttons") or {})
    for launcher in LAUNCHERS:
        launch[launcher] = ""
    launch["thebe"] = False
    options["launch_buttons"] = launch


def write_bundle_into_site(app, exception):
    """build-finished: the zip at the site's root, and in each downloadable notebook a note, and no
    hidden tests."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    write_bundle(outdir / ZIP_NAME, Path(app.srcdir))
    baseurl = (app.config.html_baseurl or "").strip()
    zip_url = f"{baseurl.rstrip('/')}/{ZIP_NAME}" if baseurl else ""
    # The page's download button serves Sphinx's copy of the notebook in _sources/.
    for notebook in sorted((outdir / "_sources").rglob("*.ipynb")):
        content = json.loads(without_hidden_tests(notebook.read_text(encoding="utf-8")))
        cells = content["cells"]
        # After an incremental build, a notebook Sphinx copied in an earlier one has its note.
        if cells and NOTE_TAG in cells[0].get("metadata", {}).get("tags", []):
            cells.pop(0)
        note = downloaded_alone_note(zip_url, Path(app.srcdir))
        if (content["nbformat"], content["nbformat_minor"]) < (4, 5):
            del note["id"]  # cell ids came with nbformat 4.5
        cells.insert(0, note)
        notebook.write_text(
            json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def setup(app):
    app.connect("config-inited", set_repository_buttons)
    app.connect("build-finished", write_bundle_into_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(arguments):
    if arguments == ["--binder"]:
        binder = ROOT / "binder" / "requirements.txt"
        binder.write_text(requirements_text(), encoding="utf-8")
        print(f"wrote {binder}")
    elif len(arguments) == 1 and not arguments[0].startswith("-"):
        print(f"wrote {write_bundle(arguments[0])}")
    else:
        sys.exit(__doc__.split("Without Sphinx: ", 1)[1].strip())


if __name__ == "__main__":
    main(sys.argv[1:])
