"""Shared fixtures: one headless Chromium per session, the built website the browser tests visit,
the reader's environment and its kernel, the released nbgrader course, and the page-weight report
printed at the end of the run.

A test that uses the `browser` fixture is marked `browser` here, and skipped, with the reason in
pytest's summary, where Chromium is missing."""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import executions
import fresh_environment
import site_checks
import student_edition

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["book", "mlp_core.py", "_config.yml", "_toc.yml", "_ext", "_extra"]

PAGE_WEIGHTS = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test that uses the browser `browser` (so `-m "not browser"` needs none)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@functools.cache
def browser_missing():
    """Why the browser tests cannot run here (a sentence), or None; looked up once per run."""
    return site_checks.missing_browser()


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
        browser = site_checks.launch(playwright, site_checks.find_chromium())
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page_weights(request):
    """Bytes transferred per page, filled by the tests and printed by pytest_terminal_summary."""
    return request.config.stash.setdefault(PAGE_WEIGHTS, {})


def pytest_terminal_summary(terminalreporter, config):
    weights = config.stash.get(PAGE_WEIGHTS, {})
    if not weights:
        return
    terminalreporter.write_sep(
        "-", "page weight: bytes transferred on a first visit (empty cache)"
    )
    for page, size in sorted(weights.items()):
        terminalreporter.write_line(f"{size:>12,} B  {size / 2**20:5.2f} MiB  {page}")


def newest_mtime(paths):
    """The latest change among these files and folders (caches and hidden files left out)."""
    files = [f for path in paths for f in [path, *path.rglob("*")] if f.exists()]
    ignored = [
        f
        for f in files
        if any(p.startswith((".", "__pycache__")) for p in f.relative_to(ROOT).parts)
    ]
    return max((f.stat().st_mtime for f in set(files) - set(ignored)), default=0)


@pytest.fixture(scope="session")
def built_site():
    """The built website: $BOOK_HTML_DIR, or _build/html, built now if missing or out of date.

    The build executes every chapter with the machine's own OpenBLAS kernel; what it computed is
    kept in _build/jupyter_execute/ (tests/test_same_numbers.py compares it with the notebooks).
    """
    if os.environ.get("BOOK_HTML_DIR"):
        html = Path(os.environ["BOOK_HTML_DIR"])
        if not (html / "index.html").is_file():
            pytest.fail(f"BOOK_HTML_DIR={html} holds no built book", pytrace=False)
        return html
    html = ROOT / "_build" / "html"
    pages = list(html.rglob("*.html")) if html.is_dir() else []
    if not pages or newest_mtime([ROOT / s for s in SOURCES]) > max(
        p.stat().st_mtime for p in pages
    ):
        jupyter_book = (
            shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
            or "jupyter-book"
        )
        build = subprocess.run(
            [jupyter_book, "build", ".", "-W", "-n", "--keep-going"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if build.returncode != 0:
            pytest.fail(
                "the book did not build:\n" + (build.stdout + build.stderr)[-3000:],
                pytrace=False,
            )
        executions.record(
            [p.name for p in (ROOT / "book").glob("*.ipynb")], "website build"
        )
    return html


@pytest.fixture(scope="session")
def site_dir(browser, built_site):
    """The built website for the browser tests (nothing is built when they are skipped)."""
    return built_site


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """``(edition, course)``: the student edition as `make student` writes it, and the nbgrader
    course it is released from; built once per test run for the student-edition and nbgrader
    tests."""
    base = tmp_path_factory.mktemp("released")
    edition, course = base / "student", base / "nbgrader"
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
