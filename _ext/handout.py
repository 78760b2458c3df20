"""The summary sheet as a printable handout: `summary-sheet.pdf`, at most two A4 pages.

After every successful HTML build (`make book`, the tests' builds) this Sphinx extension serves the
built site on 127.0.0.1, opens the summary sheet's page in Debian's Chromium (driven by Playwright,
as in the browser tests), waits until MathJax has typeset every equation, and prints the page to
`summary-sheet.pdf` at the site's root; the sheet links to it. What the printout shows is set by the
`@media print` rules of _ext/static/site-fixes.css (no menus, buttons or footer; compact type).
Nothing is downloaded: the page's MathJax and fonts are the site's own.

Where Chromium is missing (_ext/chromium.py: `apt-get install chromium`, or $CHROMIUM),
the build logs one line and writes no PDF; tests/test_handout.py then skips, or fails under CI.
A printout longer than two pages is a warning, which `-W` turns into a failed build.

Without Sphinx: `python _ext/handout.py _build/html` prints the sheet of an existing build again.
"""

import re
import sys
import time
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

import chromium

logger = logging.getLogger(__name__)

PAGE = "book/summary_sheet"  # the sheet's docname
PDF_NAME = "summary-sheet.pdf"
MAX_PAGES = 2
# Until every equation is typeset and every font (MathJax's among them) has loaded.
READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
}"""


def print_page(html_dir, page_url):
    """The page `page_url` (relative to `html_dir`, which is served over HTTP) printed on A4, as
    the bytes of a PDF. Raises RuntimeError if any request of the page fails, since a printout
    without its stylesheet or MathJax would still look like a PDF."""
    from playwright.sync_api import sync_playwright

    failed = []
    with chromium.serve(html_dir) as base_url, sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser.new_page()
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "response",
                lambda response: response.status >= 400 and failed.append(response.url),
            )
            page.goto(base_url + page_url, wait_until="load")
            page.evaluate(READY)
            pdf = page.pdf(
                format="A4",
                print_background=True,  # the tables' shading and the code's background
                prefer_css_page_size=False,  # A4 whatever the CSS says
                outline=True,  # the headings as bookmarks
                tagged=True,  # its structure (headings, paragraphs, tables) for screen readers
            )
        finally:
            browser.close()
    if failed:
        raise RuntimeError(f"requests of {page_url} failed: {', '.join(failed)}")
    return pdf


def count_pages(pdf):
    """The number of pages of a PDF (bytes) as Chromium writes it: one `/Type /Page` object each."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def write_handout(app, exception):
    """build-finished: print the sheet's page to summary-sheet.pdf at the site's root."""
    if exception is not None or app.builder.name != "html":
        return
    if PAGE not in app.env.all_docs:
        logger.info(f"[handout] {PAGE} is not in this build: no {PDF_NAME}")
        return
    outdir = Path(app.outdir)
    (outdir / PDF_NAME).unlink(missing_ok=True)  # never an earlier build's sheet
    # An info line, not a warning: `-W` would turn a warning into a failed build on every machine
    # without Chromium. The browser tests fail under CI instead (tests/test_handout.py).
    missing = chromium.missing_browser()
    if missing:
        logger.info(f"[handout] {PDF_NAME} not written: {missing}")
        return
    started = time.perf_counter()
    try:
        pdf = print_page(outdir, app.builder.get_target_uri(PAGE))
    except Exception as error:
        raise ExtensionError(
            f"printing {PAGE} to {PDF_NAME} failed: {error}"
        ) from error
    (outdir / PDF_NAME).write_bytes(pdf)
    pages = count_pages(pdf)
    logger.info(
        f"[handout] {PDF_NAME}: {pages} A4 page(s), "
        f"printed in {time.perf_counter() - started:.1f} s"
    )
    if pages > MAX_PAGES:
        logger.warning(
            f"{PDF_NAME} has {pages} pages, more than {MAX_PAGES}: shorten {PAGE} or tighten "
            "the @media print rules of _ext/static/site-fixes.css"
        )


def setup(app):
    app.connect("build-finished", write_handout)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    html_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html")
    pdf = print_page(html_dir, f"{PAGE}.html")
    (html_dir / PDF_NAME).write_bytes(pdf)
    print(f"wrote {html_dir / PDF_NAME}: {count_pages(pdf)} pages")
