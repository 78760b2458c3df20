"""The whole book as notebooks (backprop-from-scratch-notebooks.zip).

_ext/notebook_bundle.py writes the zip into every HTML build. The fast tests check what it holds;
that its requirements cover every import of the notebooks is tests/test_dependencies.py. What a
reader does with it (unzip it, make a new virtual environment from its requirements.txt alone, run
every notebook) is how `make test` runs nbval: see tools/fresh_environment.py and
tests/test_same_numbers.py.
"""

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import dependencies
import notebook_bundle as bundle

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory):
    return bundle.write_bundle(tmp_path_factory.mktemp("zip") / bundle.ZIP_NAME)


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
        requirements = archive.read(f"{bundle.FOLDER}/requirements.txt").decode()
        assert requirements == dependencies.requirements_text()
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
