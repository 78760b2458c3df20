"""The printable handout: summary-sheet.pdf, the summary sheet printed by _ext/handout.py.

Every HTML build prints the sheet's page to the site's root with Chromium. These tests read what a
teacher would print: a PDF of at most two A4 pages holding every section of the sheet with its
maths typeset, linked from the sheet's page, and a print layout that shows nothing but the sheet
and cuts nothing off. They use the built site (`site_dir`, built if out of date, or
$BOOK_HTML_DIR), so they are browser tests: skipped where Chromium is missing, failed under CI.

The PDF is read without a PDF library: Chromium (Skia) writes one `/Type /Page` object per page,
plain `/MediaBox` arrays, the headings as an outline of `/Title` strings, and each font's
ToUnicode map, which is all these tests need.
"""

import html
import re
import unicodedata
import zlib
from pathlib import Path

import chromium
import handout

ROOT = Path(__file__).resolve().parent.parent
A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
# What Chromium lays the page out in when it prints: A4's width less the @page margins (14 mm each
# side) of _ext/static/site-fixes.css, in CSS pixels (96 per inch).
PRINT_WIDTH = round((210 - 2 * 14) / 25.4 * 96)


PAGE_HTML = f"{handout.PAGE}.html"


def handout_pdf(site_dir):
    pdf = Path(site_dir) / handout.PDF_NAME
    assert pdf.is_file(), (
        f"the build wrote no {handout.PDF_NAME}: see its `[handout]` line (is Chromium installed?)"
    )
    return pdf.read_bytes()


# --- Reading the PDF --------------------------------------------------------------------------


def pdf_objects(pdf):
    return {
        int(number): body
        for number, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)
    }


def stream(body):
    data = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body else data


def pdf_string(token):
    """A PDF string, `(literal)` or `<FEFF...>` hex in UTF-16, as text."""
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode()
    return re.sub(rb"\\(.)", rb"\1", token[1:-1]).decode("latin-1")


def outline_titles(pdf):
    """The titles of the PDF's outline (its bookmarks: the page's headings), in file order."""
    strings = rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>"
    return [
        pdf_string(title)
        for body in pdf_objects(pdf).values()
        if b"/Parent" in body
        for title in re.findall(rb"/Title\s*(" + strings + rb")", body)
    ]


def to_unicode(cmap):
    """{glyph code: text} from a ToUnicode CMap's bfchar and bfrange entries."""
    codes = {}
    hexes = rb"<([0-9A-Fa-f]+)>\s*"
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(hexes + rb"<([0-9A-Fa-f]*)>", block):
            codes[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(hexes * 2 + rb"<([0-9A-Fa-f]+)>", block):
            for code in range(int(low, 16), int(high, 16) + 1):
                codes[code] = chr(int(first, 16) + code - int(low, 16))
    return codes


def pdf_text(pdf):
    """All the text the PDF draws, in drawing order, without spaces between runs (NFKC, so the
    ligature "ﬁ" reads "fi"). Enough to find a word; not a layout."""
    objects = pdf_objects(pdf)
    fonts = {}  # resource name (/F4) -> ({code: text}, bytes per code)
    for resources in re.findall(rb"/Font\s*<<(.*?)>>", pdf, re.S):
        for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", resources):
            font = objects[int(number)]
            cmap = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
            codes = to_unicode(stream(objects[int(cmap.group(1))])) if cmap else {}
            fonts[name] = (codes, 2 if b"/Type0" in font else 1)
    text = []
    for number in re.findall(rb"/Contents\s+(\d+) 0 R", pdf):
        codes, width = {}, 1
        operations = rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj"
        for font, string in re.findall(operations, stream(objects[int(number)])):
            if font:
                codes, width = fonts.get(font, ({}, 1))
                continue
            raw = bytes.fromhex(string.decode())
            text += [
                codes.get(int.from_bytes(raw[i : i + width], "big"), "")
                for i in range(0, len(raw), width)
            ]
    return unicodedata.normalize("NFKC", "".join(text))


# --- The tests ----------------------------------------------------------------------------------


def test_handout_is_at_most_two_a4_pages(site_dir):
    pdf = handout_pdf(site_dir)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = handout.count_pages(pdf)
    assert 1 <= pages <= handout.MAX_PAGES, f"{pages} pages"
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]", pdf)
    assert len(boxes) == pages
    for box in boxes:
        x0, y0, x1, y1 = map(float, box.split())
        size = (x1 - x0, y1 - y0)
        assert all(abs(a - b) < 2 for a, b in zip(size, A4_POINTS)), (
            f"page of {size} points, not A4"
        )


def test_handout_holds_the_whole_sheet(site_dir):
    """Every section of the built page is in the PDF, with its maths typeset, and only the sheet:
    not the line that links to the PDF itself."""
    pdf = handout_pdf(site_dir)
    page = (Path(site_dir) / PAGE_HTML).read_text(encoding="utf-8")
    article = re.search(r"<article\b.*?</article>", page, re.S).group(0)
    sections = [
        html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
        for heading in re.findall(
            r"<h2>(.*?)(?:<a class=\"headerlink\".*?)?</h2>", article, re.S
        )
    ]
    assert sections, f"{PAGE_HTML} has no sections"
    titles = outline_titles(pdf)
    missing = [s for s in sections if not any(s in title for title in titles)]
    assert not missing, f"sections not in the PDF: {missing} (its outline: {titles})"
    text = pdf_text(pdf)
    assert "Leaky ReLU" in text
    assert "dW[l]" in text, "the backward pass's weight gradient, typeset by MathJax"
    for tex in ("\\frac", "$$", "\\mathcal"):
        assert tex not in text, f"raw TeX in the PDF: {tex}"
    assert "Print it" not in text, "the link to the PDF is printed in the PDF"


def test_the_sheet_links_to_the_handout(site_dir):
    page = (Path(site_dir) / PAGE_HTML).read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*summary-sheet\.pdf)"', page)
    assert links, f"{PAGE_HTML} does not link to {handout.PDF_NAME}"
    for link in links:
        assert (Path(site_dir) / PAGE_HTML).parent.joinpath(link).resolve() == (
            Path(site_dir) / handout.PDF_NAME
        ).resolve(), link


# In print layout: every visible element outside the sheet (the sidebars, header, footer and
# buttons should all be hidden), and every box in the sheet whose content is wider than the box
# and not shown (a printout cannot scroll).
PRINT_PROBLEMS = r"""() => {
  const sheet = 'article, #jb-print-docs-body';
  const shown = el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const problems = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(sheet) || el.querySelector(sheet) || !shown(el)) continue;
    if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (el.parentElement.closest('body *:not(:has(article, #jb-print-docs-body))')) continue;
    problems.push(`printed outside the sheet: <${el.tagName.toLowerCase()} class="${el.className}">` +
                  ` ${(el.innerText || '').trim().slice(0, 60)}`);
  }
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`the sheet is ${document.documentElement.scrollWidth}px wide, the page ${width}px`);
  // What a box draws: its elements and text, not MathJax's invisible copy for screen readers
  // (which makes scrollWidth overstate every inline equation).
  const drawn = el => {
    const rects = [];
    for (const child of el.querySelectorAll('*')) {
      if (!child.closest('mjx-assistive-mml')) rects.push(...child.getClientRects());
    }
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('mjx-assistive-mml')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...range.getClientRects());
    }
    return rects.filter(rect => rect.width > 0 && rect.height > 0);
  };
  for (const el of document.querySelectorAll('article *')) {
    // Overflow applies to boxes, not to inline elements.
    const style = getComputedStyle(el);
    if (!shown(el) || style.overflowX === 'visible' || style.display === 'inline') continue;
    const box = el.getBoundingClientRect();
    const cut = Math.max(0, ...drawn(el).map(r => Math.max(r.right - box.right, box.left - r.left)));
    if (cut > 1) problems.push(`cut off by ${Math.round(cut)}px: <${el.tagName.toLowerCase()} ` +
                               `class="${el.className}"> ${el.textContent.trim().slice(0, 60)}`);
  }
  return problems;
}"""


def test_the_printout_shows_the_whole_sheet_and_nothing_else(site_dir, browser):
    with chromium.serve(site_dir) as base_url:
        page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
        try:
            page.goto(base_url + PAGE_HTML, wait_until="load")
            page.evaluate(handout.READY)
            page.emulate_media(media="print")
            problems = page.evaluate(PRINT_PROBLEMS)
        finally:
            page.close()
    assert not problems, "\n" + "\n".join(problems)
