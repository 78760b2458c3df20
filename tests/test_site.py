"""The website, checked in a real browser: offline, clean, accessible, fast, in both themes.

Builds the book once if `_build/html` is missing or older than its sources (or uses $BOOK_HTML_DIR),
serves it on 127.0.0.1 and visits every page in headless Chromium, as a first-time reader with no
network but the site: at 1280 and 375 px, in the light theme and in the dark one, saving a
screenshot of each into _build/screenshots/ (or $SITE_SCREENSHOTS). The checks themselves live in
tools/site_checks.py; test_site_checks.py shows that each catches what it should. External links
are checked separately: `make linkcheck`.
"""

import os
import re
from pathlib import Path

import pytest

import chromium
import site_checks
from notebook_bundle import ZIP_NAME, toc_files

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
# The boxes that must sit on the page's own colours in both themes: the quizzes, the widgets and
# every HTML output (tools/site_checks.py, LOOK).
PANELS = ".bq-quiz, .widget-subarea, .jupyter-widgets, .cell_output .text_html"
# nbgrader's marker lines: the notebooks keep them for the student edition, no page shows them.
GRADING_MARKERS = r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)"
# Where the screenshots of every page go (light and dark, desktop and phone).
SCREENSHOTS = Path(
    os.environ.get("SITE_SCREENSHOTS") or ROOT / "_build" / "screenshots"
)


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
                screenshots=SCREENSHOTS,
                panels=PANELS,
                markers=GRADING_MARKERS,
            )
            self.reports[page] = report
            self.page_weights[page] = report.bytes_transferred
        return self.reports[page]


@pytest.fixture(scope="session")
def site(browser, site_dir, page_weights):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
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
    "both_themes_alike": lambda report, site: site_checks.panel_problems(report),
    "figures_legible_on_a_phone": lambda report, site: report.figure_text,
    "solutions_fold_alike": lambda report, site: solution_problems(report),
    "headings_in_order": lambda report, site: heading_problems(report),
    "licensed_and_linked": lambda report, site: licence_and_zip_problems(report),
}


def solution_problems(report):
    """Every solution is one fold labelled "Solution" (_ext/solutions.py), with no grading
    marker on the page."""
    look = report.look.get("light", {})
    problems = [f"grading marker on the page: {m}" for m in look.get("markers", [])]
    for fold in look.get("folds", []):
        if (
            fold["label"].startswith("Solution")
            and fold["kind"] != "details.bfs-solution"
        ):
            problems.append(f"a solution folded another way: {fold}")
        if fold["label"].startswith("Show code cell content"):
            problems.append(f"a folded code cell that is not a solution's: {fold}")
    return problems


def heading_problems(report):
    """A section's heading is at least as bold as its subsections', and the title is said once."""
    look = report.look.get("light", {})
    problems = []
    if look.get("h2") and look.get("h3") and look["h2"] < look["h3"]:
        problems.append(f"h2 (weight {look['h2']}) is lighter than h3 ({look['h3']})")
    parts = look.get("title", "").split(" \u2014 ")
    if len(parts) > 1 and parts[0] == parts[1]:
        problems.append(f"the title says the same twice: {look['title']}")
    return problems


def licence_and_zip_problems(report):
    """The footer states the licences of the text and the code; a page with a download menu (every
    chapter) links the zip of the whole book."""
    if report.redirect_to:  # index.html, which sends the reader on at once
        return []
    footer = report.look.get("light", {}).get("footer", "")
    problems = [
        f"the footer does not name {licence}: {footer[:120]}"
        for licence in ("CC BY 4.0", "MIT License")
        if licence not in footer
    ]
    if "/book/" in report.url and not any(
        link.endswith(ZIP_NAME) for link in report.links
    ):
        problems.append(f"no link to {ZIP_NAME}")
    return problems


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


def test_search_shows_its_field_and_snippets_cleanly(site, browser):
    """On the search page the magnifier does not cover the query, and a snippet shows no raw TeX
    ("\\([1, 4, 3, 1]\\)"): whole formulas are typeset, cut ones left out."""
    page = browser.new_page(viewport=site_checks.DESKTOP)
    try:
        page.goto(site.base_url + "search.html?q=network")
        page.wait_for_selector("#search-results li p.context", timeout=15000)
        page.wait_for_load_state("networkidle")
        try:  # MathJax, loaded for them, typesets the snippets as they arrive
            page.wait_for_function(
                "() => !Array.from(document.querySelectorAll('#search-results p.context'))"
                ".some(p => p.textContent.includes('\\\\('))",
                timeout=10000,
            )
        except Exception:
            pass  # reported below
        field = page.evaluate(
            """() => {
              const form = document.querySelector('.bd-search-container form.bd-search');
              const icon = form.querySelector('.fa-magnifying-glass').getBoundingClientRect();
              const input = form.querySelector('input');
              const box = input.getBoundingClientRect();
              const text = box.left + parseFloat(getComputedStyle(input).paddingLeft);
              return {icon: icon.right, text};
            }"""
        )
        snippets = page.eval_on_selector_all(
            "#search-results li p.context", "ps => ps.map(p => p.textContent)"
        )
    finally:
        page.close()
    assert field["icon"] <= field["text"], field
    assert snippets
    raw = [s for s in snippets if re.search(r"\\\(|\\\)|\\\[", s)]
    assert not raw, raw


def chapter_number(page):
    match = re.match(r"book/(\d\d)_", page)
    return int(match[1]) if match else None


def test_chapters_are_numbered_as_the_text_says(site_dir):
    """The prose says "chapter 6" and "Exercise 6.2": each chapter's title, the sidebar and the
    introduction's map show the same numbers, and the introduction is chapter 1, not the book's
    name."""
    chapters = [page for page in PAGES if chapter_number(page)]
    assert len(chapters) == 14
    intro = (site_dir / chapters[0]).read_text(encoding="utf-8")
    sidebar = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', intro, re.S)[0]
    linked = dict(
        re.findall(
            r'<a class="reference internal" href="([^"#]+)">([^<]+)</a>', sidebar
        )
    )
    article = re.search(r'<section id="the-map">.*?</section>', intro, re.S)[0]
    map_links = dict(
        re.findall(
            r'href="(\d\d_[a-z_]+\.html)"><span class="std std-doc">([^<]+)<', article
        )
    )
    problems = []
    for page in chapters:
        number = chapter_number(page)
        title = site_checks.title_of(site_dir / page)
        if not title.startswith(f"{number}. "):
            problems.append(f"{page}: title {title!r}")
        text = (site_dir / page).read_text(encoding="utf-8")
        for exercise in re.findall(r"<h3[^>]*>Exercise (\d+)\.\d+", text):
            if int(exercise) != number:
                problems.append(f"{page}: Exercise {exercise}.x in chapter {number}")
        name = Path(page).name
        in_sidebar = [t for href, t in linked.items() if href.endswith(name)]
        if number > 1 and not (in_sidebar and in_sidebar[0].startswith(f"{number}. ")):
            problems.append(f"the sidebar names {page} {in_sidebar}")
        if number > 1 and not map_links.get(name, "").startswith(f"{number}. "):
            problems.append(
                f"the introduction's map names {page} {map_links.get(name)!r}"
            )
    assert site_checks.title_of(site_dir / chapters[0]) == "1. Introduction"
    assert_none(problems)


def test_the_landing_page_shows_no_imports_before_its_first_figure(site_dir):
    intro = (site_dir / PAGES[1]).read_text(encoding="utf-8")
    before = intro[: intro.index('<svg class="bfs-figure"')]
    code = re.findall(r'<div class="highlight"><pre>(.*?)</pre>', before, re.S)
    lines = [re.sub(r"<[^>]+>", "", block).strip() for block in code]
    assert not [line for line in lines if re.match(r"(import|from) ", line)], lines


def test_each_page_is_checked_in_one_worker():
    """Under `make test` the pages are spread over pytest-xdist's workers, each page's tests in one
    worker (which visits it once); every other file's tests stay together (tests/conftest.py)."""
    from conftest import worker_group

    page = "book/09_training.html"
    ids = [f"test_page[{page}-{check}]" for check in PAGE_CHECKS] + [
        f"test_page_weight[{page}]"
    ]
    assert {worker_group(f"tests/test_site.py::{i}") for i in ids} == {
        f"tests/test_site.py[{page}]"
    }
    assert worker_group("tests/test_site.py::test_search_finds_a_chapter") == (
        "tests/test_site.py"
    )
    cell = "_build/reader/notebooks/x/09_training.ipynb::Cell 3"
    assert worker_group(cell) == "_build/reader/notebooks/x/09_training.ipynb"
    assert worker_group(
        "tests/test_playground_site.py::test_x[book/04_leaky_relu.html]"
    ) == ("tests/test_playground_site.py")
