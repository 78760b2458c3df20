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
            f"{bundle.FOLDER}/{n}"
            for n in ("README.md", "requirements.txt", *bundle.LICENCES)
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


# --- A notebook downloaded alone ------------------------------------------------------------------


def built_notebook(tmp_path, baseurl):
    """Chapter 2 as the website's download serves it, after two builds (an incremental build
    finds the cells already there)."""
    sources = tmp_path / "html" / "_sources" / "book"
    sources.mkdir(parents=True)
    notebook = sources / "02_constants.ipynb"
    notebook.write_bytes((ROOT / "book" / "02_constants.ipynb").read_bytes())
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"),
        outdir=str(tmp_path / "html"),
        srcdir=str(ROOT),
        config=SimpleNamespace(html_baseurl=baseurl),
    )
    for _ in range(2):
        bundle.write_bundle_into_site(app, None)
    return json.loads(notebook.read_text())["cells"]


def test_a_notebook_downloaded_alone_says_what_it_needs_and_fetches_it(tmp_path):
    cells = built_notebook(tmp_path, "https://example.org/book/")
    original = json.loads((ROOT / "book" / "02_constants.ipynb").read_text())["cells"]
    hidden = [c for c in original if "### BEGIN HIDDEN TESTS" in "".join(c["source"])]
    assert len(hidden) == 1  # the graded exercise's tests: left out of the download
    assert cells[2:] == [cell for cell in original if cell not in hidden]
    note, fetch = cells[:2]
    assert note["cell_type"] == "markdown" and "mlp_core.py" in note["source"]
    assert f"https://example.org/book/{bundle.ZIP_NAME}" in note["source"]
    assert fetch["cell_type"] == "code"
    assert f'BOOK_ZIP = "https://example.org/book/{bundle.ZIP_NAME}"' in fetch["source"]
    assert (tmp_path / "html" / bundle.ZIP_NAME).is_file()


def run_fetch_cell(source, folder, monkeypatch):
    monkeypatch.chdir(folder)
    exec(compile(source, "fetch-cell", "exec"), {})


def test_the_fetch_cell_copies_the_modules_from_the_website(
    tmp_path, zip_path, monkeypatch
):
    """Without a base URL the address is None until the website's download writes it in
    (book.js, the same line): here a file: URL stands for the website."""
    fetch = built_notebook(tmp_path, "")[1]["source"]
    assert "BOOK_ZIP = None" in fetch
    fetch = fetch.replace("BOOK_ZIP = None", f"BOOK_ZIP = {zip_path.as_uri()!r}")
    reader = tmp_path / "downloads"
    reader.mkdir()
    (reader / "02_constants.ipynb").write_text("a notebook the reader downloaded")
    run_fetch_cell(fetch, reader, monkeypatch)
    for name in (
        "mlp_core.py",
        "plotting.py",
        "quiz.py",
        "requirements.txt",
        "LICENSE",
    ):
        assert (reader / name).is_file(), name
    assert (reader / "data" / "quizzes" / "ch02.toml").is_file()
    # The reader's own files are kept; the zip's notebooks and README are not copied.
    assert (
        reader / "02_constants.ipynb"
    ).read_text() == "a notebook the reader downloaded"
    assert not (reader / "README.md").exists()
    assert not (reader / "03_data_and_shapes.ipynb").exists()


def test_the_fetch_cell_takes_the_zip_beside_the_notebook(
    tmp_path, zip_path, monkeypatch
):
    fetch = built_notebook(tmp_path, "")[1]["source"]
    reader = tmp_path / "downloads"
    reader.mkdir()
    with pytest.raises(FileNotFoundError, match=bundle.ZIP_NAME):
        run_fetch_cell(fetch, reader, monkeypatch)
    (reader / bundle.ZIP_NAME).write_bytes(zip_path.read_bytes())
    run_fetch_cell(fetch, reader, monkeypatch)
    assert (reader / "mlp_core.py").read_bytes() == (ROOT / "mlp_core.py").read_bytes()


def test_every_page_s_download_menu_links_the_zip():
    context = {
        "pathto": lambda name, resource: f"../{name}",
        "header_buttons": [
            {
                "label": "download-buttons",
                "buttons": [{"url": "../_sources/book/02_constants.ipynb"}],
            }
        ],
    }
    bundle.link_the_zip(None, "book/02_constants", "page.html", context, None)
    buttons = context["header_buttons"][0]["buttons"]
    assert buttons[0]["url"] == f"../{bundle.ZIP_NAME}"
    assert buttons[1]["text"] == "this page (.ipynb)"
