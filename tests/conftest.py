"""Shared fixtures of the browser tests: one headless Chromium per session, the built website they
visit, and the page-weight report printed at the end of the run.

A test that uses the `browser` fixture is marked `browser` here, and skipped, with the reason in
pytest's summary, where Chromium is missing."""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
def site_dir(browser):
    """The built website: $BOOK_HTML_DIR, or _build/html, built now if missing or out of date.

    Depends on `browser` so that nothing is built when the browser tests are skipped.
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
    return html


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """``(edition, course)``: the student edition as `make student` writes it, and the nbgrader
    course it is released from; built once per test run for the student-edition and nbgrader
    tests."""
    base = tmp_path_factory.mktemp("released")
    edition, course = base / "student", base / "nbgrader"
    student_edition.write_student_edition(ROOT / "book", edition, course=course)
    return edition, course
