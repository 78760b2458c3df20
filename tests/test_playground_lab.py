"""The live figures in a real JupyterLab, from the stored outputs, without running a cell.

A trusted notebook (signed, as `jupyter trust` or running it signs it) runs its outputs' scripts:
chapter 11's playground and chapter 8's steps must start and train or step there, equal to
mlp_core, and leave JupyterLab's address alone. An untrusted notebook shows a picture and one
sentence instead. The server is tools/lab_checks.py's, with its own data folder for the signatures.
"""

import os

import pytest
from nbformat import read, write
from nbformat.sign import NotebookNotary

import lab_checks
import mlp_core
import playground
import site_checks

pytestmark = pytest.mark.browser

STARTED = (
    "() => document.querySelector('.jp-OutputArea [data-bfs-live]')?.dataset.bfsStarted"
)


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory, book_copy):
    """A JupyterLab serving a copy of book/ in which chapters 8 and 11 are trusted, and a page."""
    root = book_copy(tmp_path_factory.mktemp("lab"))
    data = tmp_path_factory.mktemp("jupyter-data")
    # Trust goes by content: the untrusted copy differs from chapter 11 by one metadata field.
    copy = read(root / "book" / "11_playground.ipynb", as_version=4)
    copy.metadata["copy"] = "not signed"
    write(copy, root / "book" / "untrusted.ipynb")
    notary = NotebookNotary(data_dir=str(data))
    for name in ("08_backpropagation.ipynb", "11_playground.ipynb"):
        notary.sign(read(root / "book" / name, as_version=4))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_DATA_DIR", str(data))
        with lab_checks.running_lab(root) as server:
            context = browser.new_context(viewport=site_checks.DESKTOP)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.workspace_url())
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
            page.evaluate("() => window.jupyterapp.restored")
            yield page, server, errors
            context.close()


def open_notebook(lab, name):
    page, server, _ = lab
    page.evaluate(lab_checks.OPEN, f"book/{name}")
    # (The sanitizer of an untrusted output keeps classes, not data attributes.)
    page.wait_for_function(
        "() => document.querySelector('.jp-OutputArea .bfs-root')", timeout=60000
    )
    return page


def close_notebook(lab):
    page, server, errors = lab
    page.evaluate(lab_checks.CLOSE)
    lab_checks.stop_kernels(server)
    assert errors == []


def test_the_playground_trains_in_a_trusted_notebook(lab):
    page = open_notebook(lab, "11_playground.ipynb")
    try:
        page.wait_for_function(f"() => ({STARTED})() === 'true'", timeout=30000)
        address = page.url
        root = page.locator(".jp-OutputArea [data-bfs-live]")
        caption = root.locator(".bfs-caption")
        page.wait_for_function(
            "(c) => c.textContent.includes('final loss')", arg=caption.element_handle()
        )
        assert (
            caption.text_content() == "learning rate 0.1, alpha 0.01: final loss 0.0261"
        )
        root.get_by_role("button", name="Reset").click()
        root.get_by_role("button", name="One step").click()
        root.get_by_role("button", name="One step").click()
        page.wait_for_function(
            "(c) => c.textContent.startsWith('2 of 100')", arg=caption.element_handle()
        )
        losses = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED).train(
            mlp_core.X_TRAIN, mlp_core.Y_TRAIN, 2
        )
        assert caption.text_content() == (
            f"2 of 100 epochs trained \u00b7 loss of the last epoch {losses[1]:.4f} "
            "(before its update)"
        )
        assert root.evaluate("r => Array.from(r.bfs.run.losses)") == losses.tolist()
        assert page.url == address  # JupyterLab's address is JupyterLab's
        assert not root.locator(".bfs-fallback").is_visible()
        if os.environ.get("SITE_SCREENSHOTS"):
            root.screenshot(path=f"{os.environ['SITE_SCREENSHOTS']}/lab-trusted.png")
    finally:
        close_notebook(lab)


def test_the_steps_walk_in_a_trusted_notebook(lab):
    page = open_notebook(lab, "08_backpropagation.ipynb")
    try:
        page.wait_for_function(f"() => ({STARTED})() === 'true'", timeout=30000)
        root = page.locator(".jp-OutputArea [data-bfs-live]")
        # jupyterlab-myst renders the chapter's equations on its own time: wait for one.
        page.wait_for_function("() => document.getElementById('eq-ch8-dw')")
        root.locator(".bfs-steps").focus()
        page.keyboard.press("End")
        network = mlp_core.NeuralNetwork([1, 4, 3, 1], seed=mlp_core.SEED)
        last = playground.backprop_steps(network, 2.0, 3.0)[-1]
        shown = root.locator(".bfs-step-text li").all_text_contents()
        assert shown == [
            f"{n} = {playground.matrix_text(v)}" for n, v in last["values"]
        ]
        # The equations' numbers are jupyterlab-myst's, as the chapter shows them.
        number = page.evaluate(
            "() => document.getElementById('eq-ch8-dw').textContent.match(/\\((\\d+)\\)$/)[1]"
        )
        equation = root.locator(".bfs-equation").first.text_content()
        assert equation == f"{playground.equation_text('dW', 1)}  ({number})"
    finally:
        close_notebook(lab)


def test_an_untrusted_notebook_shows_a_picture_and_one_sentence(lab):
    page = open_notebook(lab, "untrusted.ipynb")
    try:
        page.wait_for_timeout(1500)  # time for any script that would run (none may)
        assert page.evaluate(STARTED) is None
        fallback = page.locator(".jp-OutputArea .bfs-fallback")
        image = fallback.locator("img")
        image.wait_for()
        assert image.evaluate("i => i.complete && i.naturalWidth") == 660
        run = playground.train(playground.Setting())
        assert image.get_attribute("alt") == playground.describe_run(run)
        sentence = fallback.locator("p").text_content()
        assert "needs JavaScript" in sentence and "trust the notebook" in sentence
        if os.environ.get("SITE_SCREENSHOTS"):
            fallback.screenshot(
                path=f"{os.environ['SITE_SCREENSHOTS']}/lab-untrusted.png"
            )
    finally:
        close_notebook(lab)
