"""Running a page: what a chapter's download menu gives runs, in an environment made from the site.

A reader on chapter 11 opens the download menu at the top of the page and takes "this page
(.ipynb)": the notebook alone, whose first cell copies the book's modules next to it from the
book's zip on the same site (_ext/notebook_bundle.py; _ext/static/book.js writes the zip's address
in as the reader downloads it). The test does just that in headless Chromium, takes the zip's
requirements.txt from the same menu's "the book (.zip)", makes a new virtual environment from it
alone (tools/fresh_environment.py), and runs the notebook there, in a folder that holds nothing
else: every cell runs, and the modules arrive from the site.
"""

import io
import json
import os
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

import chromium
import fresh_environment
import notebook_bundle

CHAPTER = "book/11_playground.html"
KERNEL = "backprop-download"


def download(page, menu_item):
    """Open the page's download menu and take ``menu_item``; returns the file's bytes and name."""
    page.click(".dropdown-download-buttons button.dropdown-toggle")
    with page.expect_download() as started:
        page.click(menu_item)
    taken = started.value
    return taken.path().read_bytes(), taken.suggested_filename


@pytest.fixture(scope="module")
def downloaded(browser, site_dir):
    """(notebook bytes, its file name, the zip's bytes, the site's address), as a reader on
    chapter 11 takes them from its download menu."""
    with chromium.serve(site_dir) as base_url:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        try:
            page.goto(base_url + CHAPTER, wait_until="load")
            notebook, name = download(page, "a.btn-download-source-button")
            # The zip's link opens in a new tab, where Chromium saves it: the same request.
            link = page.locator("a.btn-download-zip-button")
            book_zip = page.request.get(
                page.evaluate("a => a.href", link.element_handle())
            ).body()
        finally:
            context.close()
        yield notebook, name, book_zip, base_url


def test_the_menu_gives_this_page_and_the_book(downloaded):
    notebook, name, book_zip, base_url = downloaded
    assert name == "11_playground.ipynb"
    first = json.loads(notebook)["cells"][1]
    address = f'BOOK_ZIP = "{base_url}{notebook_bundle.ZIP_NAME}"'
    assert first["cell_type"] == "code" and address in "".join(first["source"])
    with zipfile.ZipFile(io.BytesIO(book_zip)) as archive:
        assert f"{notebook_bundle.FOLDER}/mlp_core.py" in archive.namelist()


def test_chapter_11_downloaded_alone_runs_in_an_environment_made_from_the_site(
    downloaded, tmp_path, monkeypatch
):
    notebook, name, book_zip, base_url = downloaded
    with zipfile.ZipFile(io.BytesIO(book_zip)) as archive:
        requirements = archive.read(f"{notebook_bundle.FOLDER}/requirements.txt")
    (tmp_path / "requirements.txt").write_bytes(requirements)
    python = fresh_environment.make_venv(
        tmp_path / "requirements.txt", tmp_path / "venv"
    )
    fresh_environment.install_kernel(python, tmp_path / "jupyter", name=KERNEL)
    paths = [str(tmp_path / "jupyter"), os.environ.get("JUPYTER_PATH", "")]
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, paths)))

    alone = tmp_path / "downloads"
    alone.mkdir()
    (alone / name).write_bytes(notebook)
    chapter = nbformat.reads(notebook.decode(), as_version=4)
    # It runs: nbclient raises on the first cell that fails.
    NotebookClient(
        chapter,
        timeout=600,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(alone)}},
    ).execute()
    for module in ("mlp_core.py", "plotting.py", "playground.py", "quiz.py"):
        assert (alone / module).is_file(), module
    fetched = "".join(chapter.cells[1].outputs[0]["text"])
    assert "The book's modules are next to this notebook" in fetched
