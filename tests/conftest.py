"""Shared fixtures: one headless Chromium per session, the built website the browser tests visit,
the reader's environment and its kernel, the released nbgrader course, and the page-weight report
printed at the end of the run. Then the fixtures of the tests of mlp_core: a tiny network worked
out by hand, cases away from Leaky ReLU's kink, and a check that a network did not change.

A test that uses the `browser` fixture is marked `browser` here, and skipped, with the reason in
pytest's summary, where Chromium is missing."""

import copy
import fcntl
import functools
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

import chromium
import executions
import fresh_environment
import mlp_core
import site_checks

ROOT = Path(__file__).resolve().parent.parent

PAGE_WEIGHTS = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test that uses the browser `browser` (so `-m "not browser"` needs none), and
    every test that uses the released nbgrader course `course` (`make check` leaves both out)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "released_course" in fixtures:
            item.add_marker(pytest.mark.course)


# Under `make test` (pytest-xdist, `--dist loadfile`) each test file runs in one worker, so that its
# module's fixtures are made once, except the website's pages: each page's tests run together, and
# the pages are spread over the workers. (xdist's own `--dist loadgroup` does not group with the
# pytest this book pins: pytest-dev/pytest-xdist#1386.)
SPREAD_BY_PAGE = {"tests/test_site.py"}
PAGE_IN_ID = re.compile(r"\[([^\]]+?\.html)")


def worker_group(nodeid):
    """The tests pytest-xdist sends to one worker together: a file, or one page of a file of
    SPREAD_BY_PAGE (its tests parametrized by that page)."""
    file = nodeid.split("::", 1)[0]
    page = PAGE_IN_ID.search(nodeid) if file in SPREAD_BY_PAGE else None
    return f"{file}[{page[1]}]" if page else file


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ByFileAndPage(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return worker_group(nodeid)

    return ByFileAndPage(config, log)


@functools.cache
def browser_missing():
    """Why the browser tests cannot run here (a sentence), or None; looked up once per run."""
    return chromium.missing_browser()


def pytest_runtest_setup(item):
    """Where Chromium is missing, skip each browser test from here, so that pytest's short summary
    (-ra) says why in a single line with the number of tests skipped. Under CI (CI=true) the
    `browser` fixture fails them instead."""
    if item.get_closest_marker("browser") and not site_checks.under_ci():
        reason = browser_missing()
        if reason:
            pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (see pytest_runtest_setup where it is missing)."""
    reason = browser_missing()
    if reason:
        if site_checks.under_ci():
            pytest.fail(
                f"CI=true, so the browser tests must run: {reason}", pytrace=False
            )
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page_weights(request):
    """Bytes transferred per page, filled by the tests and printed by pytest_terminal_summary."""
    return request.config.stash.setdefault(PAGE_WEIGHTS, {})


def pytest_sessionfinish(session):
    """In a pytest-xdist worker, hand the page weights to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["page_weights"] = session.config.stash.get(PAGE_WEIGHTS, {})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    weights = getattr(node, "workeroutput", {}).get("page_weights", {})
    node.config.stash.setdefault(PAGE_WEIGHTS, {}).update(weights)


def pytest_terminal_summary(terminalreporter, config):
    weights = config.stash.get(PAGE_WEIGHTS, {})
    if not weights:
        return
    terminalreporter.write_sep(
        "-", "page weight: bytes transferred on a first visit (empty cache)"
    )
    for page, size in sorted(weights.items()):
        terminalreporter.write_line(f"{size:>12,} B  {size / 2**20:5.2f} MiB  {page}")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The built website: $BOOK_HTML_DIR, or _build/html, built now (once per test run).

    The build is Sphinx's incremental one: it executes the chapters that changed, or every
    chapter when the code they run changed (_ext/code_dependencies.py), each with the machine's
    own OpenBLAS kernel, and keeps what it computed in _build/jupyter_execute/
    (tests/test_same_numbers.py compares that with the notebooks).
    """
    if os.environ.get("BOOK_HTML_DIR"):
        html = Path(os.environ["BOOK_HTML_DIR"])
        if not (html / "index.html").is_file():
            pytest.fail(f"BOOK_HTML_DIR={html} holds no built book", pytrace=False)
        return html
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    # One build, whichever pytest-xdist worker asks first: the others wait for it.
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "site-built").exists():
            build_site()
            (shared / "site-built").touch()
    return ROOT / "_build" / "html"


def build_site():
    """Build the book strictly, as `make book` does; note the chapters it executed."""
    started = time.time()
    build = subprocess.run(
        [
            sys.executable,
            ROOT / "tools" / "build_book.py",
            ".",
            "-W",
            "-n",
            "--keep-going",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        log = build.stdout + build.stderr
        # Sphinx's warnings and errors, not the kernels' chatter around them.
        problems = [
            line
            for line in log.splitlines()
            if re.search(r"WARNING:|ERROR|Error", line)
        ]
        pytest.fail(
            "the book did not build:\n" + "\n".join(problems or [log[-3000:]]),
            pytrace=False,
        )
    executed = ROOT / "_build" / "jupyter_execute" / "book"
    executions.record(
        [p.name for p in executed.glob("*.ipynb") if p.stat().st_mtime >= started],
        "website build",
    )


@pytest.fixture(scope="session")
def site_dir(browser, built_site):
    """The built website for the browser tests (nothing is built when they are skipped)."""
    return built_site


def copy_the_book(root):
    """Copy what the notebooks need into ``root`` (a new folder) and return it: book/ and the
    repository's modules they import (pyproject.toml's py-modules), as a JupyterLab serves them."""
    shutil.copytree(
        ROOT / "book", root / "book", ignore=shutil.ignore_patterns(".*", "__pycache__")
    )
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for module in pyproject["tool"]["setuptools"]["py-modules"]:
        shutil.copy(ROOT / f"{module}.py", root / f"{module}.py")
    return root


@pytest.fixture(scope="session")
def book_copy():
    """``copy_the_book``, for the tests that serve the chapters in JupyterLab."""
    return copy_the_book


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """``(edition, course)``: the student edition as `make student` writes it, and the nbgrader
    course it is released from; built once per test run for the student-edition and nbgrader
    tests (under pytest-xdist, by the first worker that asks, in the folder all workers share)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    base = shared / "released"
    edition, course = base / "student", base / "nbgrader"
    with open(shared / "released.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (edition / "README.md").exists():
            # Imported here: it imports nbgrader, 2.5 s that every pytest start would pay.
            import student_edition

            student_edition.write_student_edition(ROOT / "book", edition, course=course)
    return edition, course


@pytest.fixture(scope="session")
def reader_kernel(tmp_path_factory):
    """The name of the Jupyter kernel that runs in the reader's environment (a new virtual
    environment made from the zip's requirements.txt alone; tools/fresh_environment.py).

    `make test` prepares it before pytest starts (nbval runs the chapters with it) and says where
    in BOOK_READER_DIR; otherwise it is prepared here."""
    reader = os.environ.get("BOOK_READER_DIR")
    if not reader:
        reader = tmp_path_factory.mktemp("reader")
        fresh_environment.prepare(reader)
    jupyter = str(Path(reader) / "jupyter")
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if jupyter not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([jupyter, *filter(None, paths)])
    return fresh_environment.KERNEL


# ---------------------------------------------------------------------------------------------
# mlp_core


@pytest.fixture
def tiny_network():
    """[1, 1, 1] with W1 = 0.5, b1 = 0.1, W2 = 2, b2 = -0.5 and alpha = 0.01, on the book's data.

    Every number the tests expect from it is worked out by hand in a comment beside the assert.
    """
    network = mlp_core.NeuralNetwork([1, 1, 1], alpha=0.01, seed=0)
    network.weights = [np.array([[0.5]]), np.array([[2.0]])]
    network.biases = [np.array([[0.1]]), np.array([[-0.5]])]
    return network


@pytest.fixture(scope="session")
def smooth_case():
    """``smooth_case(layer_sizes, alpha, n_samples, seed)`` -> (network, X, Y): weights of order 1
    and data whose hidden pre-activations all lie at least 0.01 from Leaky ReLU's kink at 0, so
    that centred differences and small steps never cross it."""

    def draw(layer_sizes, alpha, n_samples, seed):
        rng = np.random.default_rng(seed)
        for _ in range(100):
            network = mlp_core.NeuralNetwork(layer_sizes, alpha=alpha, seed=seed)
            network.weights = [rng.standard_normal(W.shape) for W in network.weights]
            network.biases = [rng.standard_normal(b.shape) for b in network.biases]
            X = rng.standard_normal((layer_sizes[0], n_samples))
            Y = rng.standard_normal((layer_sizes[-1], n_samples))
            _, zs = network.forward_pass(X)
            if min((np.abs(Z).min() for Z in zs[:-1]), default=np.inf) > 1e-2:
                return network, X, Y
        raise AssertionError("could not draw a case away from the kink")

    return draw


@pytest.fixture
def unchanged():
    """``still = unchanged(network)`` records the network; ``still()`` fails if its layer sizes,
    alpha, weights or biases differ from that record by a single bit."""

    def record(network):
        kept = copy.deepcopy(
            (network.layer_sizes, network.alpha, network.weights, network.biases)
        )

        def check():
            assert (network.layer_sizes, network.alpha) == kept[:2]
            assert len(network.weights) == len(kept[2])
            assert len(network.biases) == len(kept[3])
            for got, want in zip(network.weights + network.biases, kept[2] + kept[3]):
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(got, want)

        return check

    return record
