"""The whole book as notebooks (backprop-from-scratch-notebooks.zip), and the launch buttons.

_ext/notebook_bundle.py writes the zip into every HTML build. The fast tests check what it holds
and that its requirements cover every import. What a reader does with it (unzip it, make a new
virtual environment from its requirements.txt alone, run every notebook) is how `make test` runs
nbval: see tools/fresh_environment.py and tests/test_same_numbers.py.
"""

import ast
import importlib.metadata
import json
import os
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from packaging.requirements import Requirement

import notebook_bundle as bundle

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory):
    return bundle.write_bundle(tmp_path_factory.mktemp("zip") / bundle.ZIP_NAME)


def requirement_lines(text):
    return [line for line in text.splitlines() if line and not line.startswith("#")]


# --- What the zip holds --------------------------------------------------------------------------


def test_the_zip_holds_every_page_the_modules_and_how_to_start(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        pages, modules = bundle.toc_files(), bundle.module_files()
        assert modules[:2] == ["mlp_core.py", "_mlp_checks.py"]
        assert {"book/plotting.py", "book/playground.py", "book/checks.py"} <= set(
            modules
        )
        inside = {f"{bundle.FOLDER}/{Path(p).name}": p for p in pages + modules}
        for source in bundle.data_files():
            inside[f"{bundle.FOLDER}/{Path(source).relative_to('book')}"] = source
        readme_and_requirements = [
            f"{bundle.FOLDER}/{n}" for n in ("README.md", "requirements.txt")
        ]
        assert sorted(names) == sorted([*inside, *readme_and_requirements])
        assert names == sorted(names)
        assert {Path(page).suffix for page in pages} >= {".ipynb"}
        for name, source in inside.items():
            # As committed, outputs included; a chapter without its hidden tests' cell.
            committed = (ROOT / source).read_bytes()
            if source.endswith(".ipynb"):
                public = json.loads(committed)
                public["cells"] = [
                    cell
                    for cell in public["cells"]
                    if "### BEGIN HIDDEN TESTS" not in "".join(cell["source"])
                ]
                assert json.loads(archive.read(name)) == public, source
                assert b"HIDDEN TESTS" not in archive.read(name), source
            else:
                assert archive.read(name) == committed, source
        readme = archive.read(f"{bundle.FOLDER}/README.md").decode()
        for step in ("python3 -m venv .venv", "-r requirements.txt", "jupyter lab"):
            assert step in readme
        assert all(info.date_time == bundle.TIMESTAMP for info in archive.infolist())


def test_every_chapter_of_the_toc_is_in_the_zip():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    text = json.dumps(toc)
    notebooks = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        assert f"book/{notebook.stem}" in text
        assert f"book/{notebook.name}" in bundle.toc_files()


def test_the_zip_is_the_same_bytes_every_build(zip_path, tmp_path):
    again = bundle.write_bundle(tmp_path / "again.zip")
    assert again.read_bytes() == zip_path.read_bytes()


def test_requirements_are_pinned_as_in_the_repository(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read(f"{bundle.FOLDER}/requirements.txt").decode()
    repository = bundle.pinned_versions(ROOT / "requirements.txt")
    lines = requirement_lines(text)
    assert [line.split("==")[0] for line in lines] == bundle.RUNNING + bundle.READING
    for line in lines:
        name, version = line.split("==")
        assert repository[bundle.normalize(name)] == version, line


def test_binder_installs_the_same_requirements():
    assert (ROOT / "binder" / "requirements.txt").read_text() == (
        bundle.requirements_text()
    ), (
        "binder/requirements.txt is stale: run `.venv/bin/python _ext/notebook_bundle.py --binder`"
    )


def test_a_package_missing_from_requirements_txt_stops_the_build(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==2.4.6\nmatplotlib==3.11.2\n")
    with pytest.raises(ValueError, match="jupyterlab-myst"):
        bundle.requirements_text(tmp_path)


def imports_of(source):
    """Top-level names of the modules that Python `source` imports (IPython magics skipped)."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def distributions_needed_by(names):
    """The distributions `names` install, with everything they depend on (on this machine)."""
    seen, todo = set(), [bundle.normalize(name) for name in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(bundle.normalize(requirement.name))
    return seen


def test_the_requirements_install_every_module_the_notebooks_import():
    """Every import of the notebooks and modules is the standard library, a module in the zip, or
    a package that the zip's running requirements install (not JupyterLab: running needs none)."""
    modules = bundle.module_files()
    sources = {path: (ROOT / path).read_text() for path in modules}
    for page in bundle.toc_files():
        if page.endswith(".ipynb"):
            cells = json.loads((ROOT / page).read_text())["cells"]
            sources[page] = "\n".join(
                "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"
            )
    bundled = {Path(path).stem for path in modules}
    installed = distributions_needed_by(bundle.RUNNING)
    providers = importlib.metadata.packages_distributions()
    missing = []
    for path, source in sources.items():
        for module in sorted(
            imports_of(source) - bundled - set(sys.stdlib_module_names)
        ):
            from_ = {bundle.normalize(d) for d in providers.get(module, [])}
            if not from_ & installed:
                missing.append(f"{path}: import {module} (from {sorted(from_) or '?'})")
    assert not missing, "not installed by the zip's requirements.txt:\n" + "\n".join(
        missing
    )


# --- The note in a notebook downloaded alone -----------------------------------------------------


def test_a_notebook_downloaded_alone_says_what_it_needs(tmp_path):
    sources = tmp_path / "html" / "_sources" / "book"
    sources.mkdir(parents=True)
    notebook = sources / "02_constants.ipynb"
    notebook.write_bytes((ROOT / "book" / "02_constants.ipynb").read_bytes())
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"),
        outdir=str(tmp_path / "html"),
        srcdir=str(ROOT),
        config=SimpleNamespace(html_baseurl="https://example.org/book/"),
    )
    for _ in range(2):  # an incremental build finds the note already there
        bundle.write_bundle_into_site(app, None)
    cells = json.loads(notebook.read_text())["cells"]
    original = json.loads((ROOT / "book" / "02_constants.ipynb").read_text())["cells"]
    hidden = [c for c in original if "### BEGIN HIDDEN TESTS" in "".join(c["source"])]
    assert len(hidden) == 1  # the graded exercise's tests: left out of the download
    assert cells[1:] == [cell for cell in original if cell not in hidden]
    assert "mlp_core.py" in cells[0]["source"]
    assert f"https://example.org/book/{bundle.ZIP_NAME}" in cells[0]["source"]
    assert (tmp_path / "html" / bundle.ZIP_NAME).is_file()


# --- Launch buttons: one setting ------------------------------------------------------------------


def theme_options(url):
    return {
        "repository_url": url,
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "colab_url": "x"},
    }


@pytest.mark.parametrize("url", ["", None, bundle.JUPYTER_BOOK_DEFAULT_URL])
def test_without_a_repository_url_no_button_leads_elsewhere(url):
    options = theme_options(url)
    bundle.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    assert "repository_url" not in options
    assert not any(options[button] for button in bundle.REPOSITORY_BUTTONS)
    assert not any(options["launch_buttons"].values())


def test_a_repository_url_brings_the_buttons_back():
    options = theme_options("https://github.com/someone/backprop-from-scratch")
    # Jupyter Book's defaults: every repository button off.
    options.update(dict.fromkeys(bundle.REPOSITORY_BUTTONS, False))
    bundle.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    assert all(options[button] for button in bundle.REPOSITORY_BUTTONS)
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


def test_the_book_ships_with_the_url_unset_and_binder_ready():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert not config["repository"].get("url")
    assert config["launch_buttons"]["binderhub_url"]
    assert "notebook_bundle" in config["sphinx"]["local_extensions"]
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install" in post_build.read_text()
