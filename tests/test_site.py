"""The website, checked in a real browser: offline, clean, accessible, fast.

Builds the book once if `_build/html` is missing or older than its sources (or uses $BOOK_HTML_DIR),
serves it on 127.0.0.1 and visits every page in headless Chromium, as a first-time reader with no
network but the site. The checks themselves live in tools/site_checks.py; test_site_checks.py
shows that each catches what it should. External links are checked separately: `make linkcheck`.
"""

import os
from pathlib import Path

import pytest

import chromium
import site_checks
from notebook_bundle import toc_files

# No module-wide mark: conftest.py marks every test that uses the `browser` fixture `browser`.

ROOT = Path(__file__).resolve().parent.parent
MIB = 2**20
# A first visit to an ordinary page (theme, MathJax, figures) stays under this; a page with widgets
# also loads the 3.1 MiB ipywidgets manager.
PAGE_BUDGET = 4 * MIB
WIDGET_PAGE_BUDGET = 10 * MIB

# Console messages allowed, by regex. None: the known Jupyter Book 1 ones are fixed at their cause
# in _ext/site_fixes.py (duplicate THEBE_JS_URL, MathJax.Hub from widgets) and _config.yml (theme mode).
ALLOWED_CONSOLE = []
# axe-core violations allowed (every WCAG 2.0, 2.1 and 2.2 rule of levels A and AA, see
# site_checks.WCAG_TAGS): (rule id, regex on the element's selector, reason). None: the theme's
# search button and the hidden cells' toggles are fixed at build time, widget sliders and buttons
# are named by site-fixes.js (see _ext/README.md).
AXE_EXCEPTIONS = []
# Images that cannot carry alt text (CSS selector of a container). ipywidgets' Image widget has no
# alt attribute; the book shows its figures in HTML widgets with <img alt> instead, so none is needed.
IMAGE_ALT_EXEMPT = ""


def toc_pages():
    """The HTML pages of every file in _toc.yml, in reading order, then the index, genindex, search."""
    chapters = [Path(page).with_suffix(".html").as_posix() for page in toc_files()]
    return ["index.html", *chapters, "genindex.html", "search.html"]


PAGES = toc_pages()


def assert_none(problems):
    """Fail with one line per problem (pytest would cut a long list short)."""
    assert not problems, "\n" + "\n".join(problems)


class Site:
    """The served website; visits each page once and keeps what it saw."""

    def __init__(self, browser, directory, base_url, page_weights):
        self.browser, self.directory, self.base_url = browser, directory, base_url
        self.page_weights = page_weights
        self.reports = {}

    def report(self, page):
        if page not in self.reports:
            report = site_checks.visit(
                self.browser,
                self.base_url + page,
                image_alt_exempt=IMAGE_ALT_EXEMPT,
                screenshots=os.environ.get("SITE_SCREENSHOTS"),
            )
            self.reports[page] = report
            self.page_weights[page] = report.bytes_transferred
        return self.reports[page]


@pytest.fixture(scope="session")
def site(browser, site_dir, page_weights):
    if os.environ.get("SITE_SCREENSHOTS"):
        Path(os.environ["SITE_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
    with chromium.serve(site_dir) as base_url:
        yield Site(browser, site_dir, base_url, page_weights)


def test_every_built_page_is_checked(site):
    unchecked = sorted(set(site_checks.pages_in(site.directory)) - set(PAGES))
    assert not unchecked, (
        f"built pages this test does not visit (leftovers? try `make clean`): {unchecked}"
    )


# What every page must show a first-time reader, one check a row: the problems found in the page's
# report (tools/site_checks.py), as sentences. _ext/README.md names the check each fix is for.
PAGE_CHECKS = {
    "no_console_errors": lambda report, site: site_checks.console_problems(
        report, ALLOWED_CONSOLE
    ),
    "everything_loads_from_the_site_itself": lambda report, site: (
        site_checks.request_problems(report)
    ),
    "links_anchors_and_images_work": lambda report, site: (
        site_checks.broken_links(report, site.base_url, site.directory)
        + report.broken_images
    ),
    "math_is_rendered": lambda report, site: site_checks.math_problems(report),
    "widgets_render": lambda report, site: site_checks.widget_problems(report),
    "accessible": lambda report, site: (
        site_checks.axe_problems(report, AXE_EXCEPTIONS) + report.alt_problems
    ),
    "fits_a_phone": lambda report, site: report.phone_overflow,
}


@pytest.mark.parametrize("check", PAGE_CHECKS)
@pytest.mark.parametrize("page", PAGES)
def test_page(site, page, check):
    assert_none(PAGE_CHECKS[check](site.report(page), site))


@pytest.mark.parametrize("page", PAGES)
def test_page_weight(site, page):
    report = site.report(page)
    budget = WIDGET_PAGE_BUDGET if report.widgets.get("views") else PAGE_BUDGET
    assert report.bytes_transferred < budget, (
        f"{report.bytes_transferred / MIB:.2f} MiB"
    )


def test_widgets_and_math_work_opened_from_disk(site, browser):
    """The README says to open _build/html/index.html: widgets and math must work from file:// too."""
    texts = {
        page: (site.directory / page).read_text(encoding="utf-8") for page in PAGES
    }
    with_math = [page for page in PAGES if 'class="math' in texts[page]][:1]
    with_widgets = [page for page in PAGES if "widget-view+json" in texts[page]]
    for page in with_math + with_widgets:
        url = (site.directory / page).resolve().as_uri()
        report = site_checks.visit(browser, url, axe=False)
        problems = site_checks.widget_problems(report) + site_checks.math_problems(
            report
        )
        assert_none(
            [f"{page}: {p}" for p in problems + site_checks.console_problems(report)]
        )


def test_search_finds_a_chapter(site, browser):
    """A reader presses Ctrl+K, types a word from a chapter's title, and the chapter is listed."""
    chapter = PAGES[2]  # the first chapter after the introduction
    title = site_checks.title_of(site.directory / chapter)
    word = max(title.split(), key=len).strip(".,:;!?()").lower()
    page = browser.new_page()
    try:
        page.goto(site.base_url + PAGES[1])
        page.keyboard.press("Control+k")
        page.keyboard.type(word)
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-results li a", timeout=15000)
        found = page.eval_on_selector_all(
            "#search-results li a", "links => links.map(a => a.href)"
        )
    finally:
        page.close()
    assert any(link.split("#")[0].split("?")[0].endswith(chapter) for link in found), (
        word,
        found,
    )


def test_keyboard_reaches_the_text_first(site, browser):
    """The first Tab on a chapter offers 'Skip to main content', which moves focus to the text."""
    page = browser.new_page()
    try:
        page.goto(site.base_url + PAGES[2])
        page.keyboard.press("Tab")
        assert (
            page.evaluate("document.activeElement.textContent.trim()")
            == "Skip to main content"
        )
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main-content"
    finally:
        page.close()
