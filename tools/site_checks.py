"""Checks of a static website in a real browser: the building blocks of tests/test_site.py.

A library, not a test: nothing here knows about the book, so tests/test_site_checks.py runs the
same functions on a tiny planted site to show that each problem is caught. `visit` loads one
page in headless Chromium and records what a reader would meet; the `*_problems` functions turn
that record into sentences. Finding and starting Chromium, and serving a folder on 127.0.0.1, are
_ext/chromium.py's, which the build's summary-sheet printout uses too.
"""

import functools
import html
import html.parser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import chromium

# axe-core, vendored with the tests by tools/vendor_assets.sh.
AXE_JS = Path(__file__).resolve().parent.parent / "tests" / "vendor" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 success criterion of levels A and AA that axe-core checks (axe has no
# rule for the two new level-A criteria of 2.2, so it has no `wcag22a` tag).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


def under_ci():
    return os.environ.get("CI", "").lower() in ("true", "1")


def pages_in(site_dir):
    """Every HTML page of a built site, as paths relative to it (Sphinx's `_static` templates excluded)."""
    site_dir = Path(site_dir)
    return sorted(
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if not p.relative_to(site_dir)
        .parts[0]
        .startswith(("_static", "_sources", "_images"))
    )


@dataclass
class PageReport:
    """What one visit saw. Lists hold short sentences or raw observations; see the *_problems functions."""

    url: str
    redirect_to: str | None = None
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    bytes_transferred: int = 0
    links: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    has_icon: bool = True
    math: dict = field(default_factory=dict)
    widgets: dict = field(default_factory=dict)
    broken_images: list = field(default_factory=list)
    alt_problems: list = field(default_factory=list)
    axe_violations: list = field(default_factory=list)
    axe_violations_dark: list = field(default_factory=list)
    phone_overflow: list = field(default_factory=list)
    # The page as a reader sees it, in both themes (LOOK): {"light": {...}, "dark": {...}}
    look: dict = field(default_factory=dict)
    figure_text: list = field(default_factory=list)
    screenshots: list = field(default_factory=list)


# A redirect page such as Jupyter Book's index.html: <meta http-equiv="Refresh" content="0; url=...">
REFRESH = re.compile(
    r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']\d+;\s*url=([^"']+)""", re.I
)

# --- JavaScript run in the page ----------------------------------------------------------------

WAIT_FOR_MATHJAX = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
}"""

WIDGETS_RENDERED = """(selector) => Array.from(document.querySelectorAll(selector)).every(view => {
  const area = view.previousElementSibling;
  return area && area.classList.contains('widget-subarea') && area.childElementCount > 0;
})"""

# Math: every Sphinx .math element holds MathJax output; no MathJax error; no TeX left as text.
MATH = r"""() => {
  const unrendered = Array.from(document.querySelectorAll('.math'))
    .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.trim().slice(0, 80));
  const errors = Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]'))
    .map(el => (el.getAttribute('data-mjx-error') || el.textContent).slice(0, 80));
  const tex = /\\\(|\\\[|\$\$|\\begin\{|\$\\[A-Za-z]/;
  const skip = 'pre, code, script, style, textarea, mjx-container, .math, .highlight';
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (tex.test(node.textContent) && !node.parentElement.closest(skip)) raw.push(node.textContent.trim().slice(0, 80));
  }
  return {rendered: document.querySelectorAll('mjx-container').length, unrendered, errors, raw};
}"""

WIDGETS = """(selector) => {
  const views = Array.from(document.querySelectorAll(selector));
  const unrendered = views.filter(view => {
    const area = view.previousElementSibling;
    return !(area && area.classList.contains('widget-subarea') && area.childElementCount > 0);
  }).length;
  const text = document.body.innerText;
  return {views: views.length, unrendered, loading: text.includes('Loading widget'),
          failed: text.includes('Error displaying widget')};
}"""

# Images: each loaded (lazy ones forced), each with alt text that is not a file name.
IMAGES = r"""async (exempt) => {
  const images = Array.from(document.images);
  images.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 5000);
  })));
  const name = img => (img.getAttribute('src') || '').slice(0, 80);
  const broken = [], alt = [];
  for (const img of images) {
    if (!img.complete || img.naturalWidth === 0) broken.push(`image did not load: ${name(img)}`);
    if (exempt && img.closest(exempt)) continue;
    const text = img.getAttribute('alt');
    if (text === null) alt.push(`image without alt text: ${name(img)}`);
    else if (/\.(png|jpe?g|gif|svg|webp)$/i.test(text.trim())) alt.push(`alt text is a file name: ${text}`);
  }
  return {broken, alt};
}"""

LINKS = """() => ({
  links: Array.from(document.querySelectorAll('a[href], area[href], link[href]'), a => a.href),
  icon: document.querySelector('link[rel~="icon"]') !== null,
  ids: Array.from(document.querySelectorAll('[id], a[name]'), el => el.id || el.getAttribute('name')),
})"""

AXE = """async (tags) => {
  // Every rule of these WCAG levels, the experimental ones too: a run by tag leaves those out, and
  // they include WCAG 2.1's "label in name" (2.5.3, label-content-name-mismatch).
  const rules = axe.getRules(tags).map(rule => rule.ruleId);
  // preload: false, or axe fetches CSS @imports relative to the page, not the stylesheet (404s).
  const result = await axe.run(document, {runOnly: {type: 'rule', values: rules},
                                          resultTypes: ['violations'], preload: false});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))}));
}"""

# Phone width: the page must not scroll sideways, and no text, image or table may stick out of the
# screen unless it sits in its own scrolling box (code, wide tables and equations do).
PHONE_OVERFLOW = r"""() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const extra = document.documentElement.scrollWidth - width;
  if (extra > 1) problems.push(`the page scrolls sideways by ${extra}px`);
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) if (scrolls(a)) return true;
    return false;
  };
  const outside = box => box.width > 0 && (box.right > width + 1 || box.left < -1);
  const offenders = new Set();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('mjx-assistive-mml')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (Array.from(range.getClientRects()).some(outside)) offenders.add(node.parentElement);
  }
  for (const el of root.querySelectorAll('img, svg, canvas, video, iframe, table, mjx-container, input, button')) {
    if (outside(el.getBoundingClientRect())) offenders.add(el);
  }
  for (const el of offenders) {
    if (inScroller(el) || getComputedStyle(el).visibility === 'hidden') continue;
    if (Array.from(offenders).some(other => other !== el && other.contains(el))) continue;
    const box = el.getBoundingClientRect();
    problems.push(`<${el.tagName.toLowerCase()}> reaches x=${Math.round(box.left)}..${Math.round(box.right)} ` +
                  `on a ${width}px screen: ${el.textContent.trim().slice(0, 60)}`);
  }
  return problems;
}"""


# Cut text: text that reaches past the edge of a box that clips it (overflow-x hidden or clip)
# without a scrolling box in between, so part of it cannot be seen at all. And a box that does
# scroll sideways must show that it does: a fade (mask-image) at the edge where more waits.
CUT_AND_UNHINTED = r"""() => {
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const problems = [];
  const style = el => getComputedStyle(el);
  // Text for screen readers only, never drawn: MathJax's hidden MathML, visually hidden labels.
  const hidden = el => el.closest('mjx-assistive-mml, .visually-hidden, .sr-only');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || hidden(parent)) continue;
    if (style(parent).visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
    if (!rects.length) continue;
    for (let box = parent; box && box !== document.documentElement; box = box.parentElement) {
      const overflow = style(box).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') break;
      if (overflow !== 'hidden' && overflow !== 'clip') continue;
      const edge = box.getBoundingClientRect();
      if (edge.width <= 1 || edge.height <= 1) break;  // text for screen readers only
      if (rects.some(r => r.right > edge.right + 1 || r.left < edge.left - 1)) {
        if (!reported.has(box)) problems.push(`text cut at the edge of <${box.tagName.toLowerCase()} class="${box.className}">, ` +
                                             `which does not scroll: ${node.textContent.trim().slice(0, 60)}`);
        reported.add(box);
      }
      break;
    }
  }
  // What a box draws reaches this far past its right edge (px), and does it start before its left
  // one: measured from what is drawn, not scrollWidth, which counts text for screen readers only
  // (MathJax's hidden MathML makes every inline equation's scrollWidth larger than it looks).
  const drawnPast = box => {
    const edge = box.getBoundingClientRect();
    let left = Infinity, right = -Infinity;
    const add = r => { if (r.width > 0) { left = Math.min(left, r.left); right = Math.max(right, r.right); } };
    for (const el of box.querySelectorAll('*')) if (!hidden(el)) add(el.getBoundingClientRect());
    const text = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = text.nextNode(); node; node = text.nextNode()) {
      if (!node.textContent.trim() || hidden(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) add(r);
    }
    return Math.max(right - edge.right, edge.left - left);
  };
  const faded = box => [style(box).maskImage, style(box).webkitMaskImage].some(m => m && m !== 'none');
  for (const box of root.querySelectorAll('*')) {
    if (box.clientWidth === 0) continue;
    const overflow = style(box).overflowX;
    const scrolls = ['auto', 'scroll'].includes(overflow) && box.scrollWidth - box.clientWidth > 8;
    const past = scrolls || faded(box) ? drawnPast(box) : 0;
    // more than 8 px: an italic letter's overhang in inline maths is not content out of sight
    if (scrolls && past > 8 && !faded(box)) {
      problems.push(`<${box.tagName.toLowerCase()} class="${box.className}"> scrolls sideways by ` +
                    `${Math.round(past)}px with no hint that it does: ${box.textContent.trim().slice(0, 60)}`);
    }
    // And the converse: a fade on a box whose content all fits fades text that is all there.
    if (faded(box) && past <= 8) {
      problems.push(`<${box.tagName.toLowerCase()} class="${box.className}"> is faded at its edge, but ` +
                    `all of it fits: ${box.textContent.trim().slice(0, 60)}`);
    }
  }
  return problems;
}"""

# Figures whose SVG says the size of its text (data-font-size, in the SVG's units): the size each
# is drawn at on this screen, in CSS px, and any two of those texts drawn over each other.
FIGURE_TEXT = r"""(smallest) => {
  const problems = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const sized = svg.querySelectorAll('[data-font-size]');
    const width = svg.getBoundingClientRect().width;
    if (!sized.length || !width) continue;
    const scale = width / svg.viewBox.baseVal.width;
    const size = Math.min(...Array.from(sized, g => +g.dataset.fontSize)) * scale;
    const title = ((svg.querySelector('title') || {}).textContent || '').slice(0, 60);
    if (size < smallest) {
      problems.push(`figure text drawn at ${size.toFixed(1)}px (under ${smallest}px) on a ` +
                    `${document.documentElement.clientWidth}px screen: ${title}`);
    }
    // Two labels of one figure drawn over each other (by more than 2 px each way).
    const boxes = Array.from(sized, g => [g, g.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i][1], boxes[j][1]];
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 2 && y > 2) {
          // matplotlib writes each text's string in a comment inside its group
          const text = g => ((Array.from(g.childNodes).find(n => n.nodeType === 8) || {}).textContent || '').trim();
          problems.push(`two labels overlap in a figure ("${text(boxes[i][0])}" and ` +
                        `"${text(boxes[j][0])}"): ${title}`);
        }
      }
    }
  }
  return problems;
}"""

# What the page looks like in the current theme: the background of each panel (`panels`, a CSS
# selector: quizzes, widgets, outputs) against the page's own, with the colour scheme of the form
# controls inside; the headings' weights; the title; the footer; every fold with its label; and
# any code shown (<pre>) matching `markers` (a regex source).
LOOK = r"""([panels, markers]) => {
  const rgba = text => (text.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const luminance = ([r, g, b]) => {
    const linear = c => (c /= 255) <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0.5) return colour;
    }
    return [255, 255, 255, 1];
  };
  const page = luminance(background(document.querySelector('main') || document.body));
  const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const panelProblems = [];
  for (const panel of panels ? document.querySelectorAll(panels) : []) {
    if (!panel.getClientRects().length) continue;
    const own = luminance(background(panel));
    const name = `<${panel.tagName.toLowerCase()} class="${panel.className}">`;
    if (contrast(own, page) >= 3) {
      panelProblems.push(`${name} sits on a ${own > page ? 'light' : 'dark'} panel on a ` +
                         `${own > page ? 'dark' : 'light'} page (contrast ${contrast(own, page).toFixed(1)}:1)`);
    }
    for (const control of panel.querySelectorAll('input[type=radio], input[type=checkbox]')) {
      const scheme = getComputedStyle(control).colorScheme;
      const drawn = scheme.includes('dark') && !scheme.includes('light') ? 'dark' : 'light';
      const around = luminance(background(control)) < 0.18 ? 'dark' : 'light';
      if (drawn !== around) {
        panelProblems.push(`${name}: its ${control.type} buttons are drawn for a ${drawn} ` +
                           `background on a ${around} one (they look inverted)`);
        break;
      }
    }
  }
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const weight = selector => {
    const el = root.querySelector(selector);
    return el ? Number(getComputedStyle(el).fontWeight) : null;
  };
  const folds = Array.from(root.querySelectorAll('details, .dropdown.admonition, .toggle'),
    el => ({kind: `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')}`,
            label: ((el.querySelector('summary, .admonition-title') || {}).textContent || '').trim().replace(/\s+/g, ' ')}));
  const code = Array.from(document.querySelectorAll('pre'), pre => pre.textContent).join('\n');
  const found = markers ? Array.from(code.matchAll(new RegExp(markers, 'g')), m => m[0]) : [];
  return {panels: panelProblems, h2: weight('h2'), h3: weight('h3'), title: document.title,
          footer: ((document.querySelector('.bd-footer-content') || document.querySelector('footer') || {})
                   .textContent || '').replace(/\s+/g, ' ').trim(),
          folds, markers: found};
}"""

# The reader's own choice of dark mode (the theme's switch): pydata-sphinx-theme reads the mode
# when the page loads, so the visit sets it as the switch does, with the system's preference.
DARK = """() => {
  document.documentElement.dataset.mode = 'dark';
  document.documentElement.dataset.theme = 'dark';
}"""


def visit(
    browser,
    url,
    *,
    image_alt_exempt="",
    axe=True,
    screenshots=None,
    widget_timeout_ms=20000,
    panels="",
    markers="",
    smallest_text=11,
):
    """Load `url` in a fresh browser context (empty cache, like a first-time reader) and record it.

    Only requests to 127.0.0.1 (or file: URLs) go out; any other is recorded and aborted, so a
    page that needs the internet shows up here and the check never touches the network.
    The page is seen at desktop width, then at phone width, in the light theme, then in the dark
    one at both widths (axe runs in both themes). `screenshots`: a folder to save the four
    screenshots into, or None. `panels`: a CSS selector of the boxes that must sit on the page's
    own colours in both themes (quizzes, widgets); `markers`: a regex of text no page may show;
    `smallest_text`: the smallest text (px) a figure may draw on a phone.
    """
    report = PageReport(url=url)
    context = browser.new_context(viewport=DESKTOP)
    finished = []

    def route(route):
        if urlsplit(
            route.request.url
        ).hostname == chromium.HOST or route.request.url.startswith("file:"):
            route.continue_()
        else:
            report.external_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def on_failed(request):
        if request.url not in report.external_requests:
            report.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response):
        if response.status >= 400:
            report.failed_requests.append(f"{response.url} (HTTP {response.status})")

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console", lambda m: m.type == "error" and report.console_errors.append(m.text)
    )
    page.on("pageerror", lambda e: report.page_errors.append(str(e)))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("requestfinished", lambda request: finished.append(request))
    try:
        refresh = (
            REFRESH.search(page.request.get(url).text())
            if url.startswith("http")
            else None
        )
        page.goto(url, wait_until="load")
        if refresh:
            _follow_refresh(page, refresh.group(1), report)
        else:
            _inspect(
                page,
                report,
                image_alt_exempt,
                axe,
                screenshots,
                widget_timeout_ms,
                (panels, markers, smallest_text),
            )
        report.bytes_transferred = sum(_size(request) for request in finished)
    finally:
        context.close()
    return report


def _follow_refresh(page, relative_url, report):
    """A redirect page (Jupyter Book's index.html): check the browser arrives at its target."""
    target = urljoin(report.url, relative_url.strip())
    report.redirect_to = target
    report.links.append(target)
    try:
        page.wait_for_url(target, timeout=10000)
    except Exception:
        report.page_errors.append(f"the redirect to {target} did not happen")


def _inspect(page, report, image_alt_exempt, axe, screenshots, widget_timeout_ms, look):
    panels, markers, smallest_text = look
    page.evaluate(WAIT_FOR_MATHJAX)
    if page.locator(WIDGET_VIEW).count():
        try:
            page.wait_for_function(
                WIDGETS_RENDERED, arg=WIDGET_VIEW, timeout=widget_timeout_ms
            )
        except Exception:
            pass  # reported below as unrendered
    page.wait_for_load_state("networkidle")
    report.math = page.evaluate(MATH)
    report.widgets = page.evaluate(WIDGETS, WIDGET_VIEW)
    images = page.evaluate(IMAGES, image_alt_exempt)
    report.broken_images, report.alt_problems = images["broken"], images["alt"]
    found = page.evaluate(LINKS)
    report.links, report.ids, report.has_icon = (
        found["links"],
        set(found["ids"]),
        found["icon"],
    )
    if axe:
        page.add_script_tag(path=str(AXE_JS))
        report.axe_violations = page.evaluate(AXE, WCAG_TAGS)
    name = (
        re.sub(r"[^A-Za-z0-9]+", "_", urlsplit(report.url).path).strip("_") or "index"
    )

    def shot(theme, width):
        if screenshots:
            path = Path(screenshots) / f"{name}-{theme}-{width}.jpg"
            # JPEG: a tall page's PNG takes Chromium about a third longer to encode.
            page.screenshot(path=str(path), full_page=True, type="jpeg", quality=90)
            report.screenshots.append(str(path))

    report.look["light"] = page.evaluate(LOOK, [panels, markers])
    shot("light", DESKTOP["width"])
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # let the theme's and the page's resize handlers run
    report.phone_overflow = page.evaluate(PHONE_OVERFLOW) + page.evaluate(
        CUT_AND_UNHINTED
    )
    report.figure_text = page.evaluate(FIGURE_TEXT, smallest_text)
    shot("light", PHONE["width"])
    page.emulate_media(color_scheme="dark")
    page.evaluate(DARK)
    page.wait_for_timeout(100)
    report.look["dark"] = page.evaluate(LOOK, [panels, markers])
    shot("dark", PHONE["width"])
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(300)
    if axe:
        report.axe_violations_dark = page.evaluate(AXE, WCAG_TAGS)
    shot("dark", DESKTOP["width"])


def _size(request):
    try:
        sizes = request.sizes()
    except Exception:
        return 0
    return max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)


# --- From observations to problems ----------------------------------------------------------------


def console_problems(report, allowed=()):
    """Console errors and uncaught exceptions, except those matching a regex in `allowed`."""
    messages = [f"console error: {m}" for m in report.console_errors]
    messages += [f"uncaught error: {m}" for m in report.page_errors]
    return [
        m for m in messages if not any(re.search(pattern, m) for pattern in allowed)
    ]


def request_problems(report):
    return [f"request to another host: {u}" for u in report.external_requests] + [
        f"failed request: {r}" for r in report.failed_requests
    ]


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (tag == "a" and key == "name"):
                self.ids.add(value)


@functools.cache
def ids_in_file(path):
    parser = _Ids()
    parser.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def broken_links(report, base_url, site_dir):
    """Links of the page to a file the site lacks, or to an #anchor the target page lacks.

    Only links within the site are checked (external ones are for `make linkcheck`). Anchors on the
    page itself are looked up in the rendered page, others in the target file's HTML. A page
    without an icon link counts too: browsers then request /favicon.ico, which fails.
    """
    problems = (
        []
        if report.has_icon
        else ["no <link rel=icon>: browsers will request /favicon.ico"]
    )
    page_url = urldefrag(report.url).url
    for link in dict.fromkeys(report.links):
        if not link.startswith(base_url):
            continue
        target, anchor = urldefrag(link)
        path = Path(site_dir) / unquote(
            urlsplit(target).path[len(urlsplit(base_url).path) :]
        )
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            problems.append(f"broken link: {link}")
        elif anchor:
            ids = report.ids if target == page_url else set()
            if path.suffix == ".html":
                ids = ids | ids_in_file(path)
            if unquote(anchor) not in ids:
                problems.append(f"broken anchor: {link}")
    return problems


def math_problems(report):
    math = report.math
    if not math:
        return []
    return (
        [f"math not rendered by MathJax: {t}" for t in math["unrendered"]]
        + [f"MathJax error: {t}" for t in math["errors"]]
        + [f"raw TeX in the text: {t}" for t in math["raw"]]
    )


def widget_problems(report):
    widgets = report.widgets
    problems = []
    if widgets.get("unrendered"):
        problems.append(
            f"{widgets['unrendered']} of {widgets['views']} widgets did not render"
        )
    if widgets.get("loading"):
        problems.append("a 'Loading widget...' placeholder is still shown")
    if widgets.get("failed"):
        problems.append("a widget shows 'Error displaying widget'")
    problems += [e for e in report.console_errors if "Could not create a view" in e]
    return problems


def axe_problems(report, exceptions=(), impacts=("serious", "critical")):
    """axe-core violations of the given impact, in the light theme and then in the dark one (each
    said once per theme); `exceptions` are (rule id, target regex, reason)."""
    problems = []
    for theme, violations in (
        ("", report.axe_violations),
        ("in dark mode: ", report.axe_violations_dark),
    ):
        problems += _axe_problems(violations, exceptions, impacts, theme)
    return problems


def _axe_problems(violations, exceptions, impacts, theme):
    problems = []
    for violation in violations:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            if any(
                rule == violation["id"] and re.search(target, node["target"])
                for rule, target, _ in exceptions
            ):
                continue
            problems.append(
                f"{theme}{violation['id']} ({violation['impact']}): {violation['help']} "
                f"at {node['target']}"
            )
    return problems


def panel_problems(report):
    """Quizzes and widgets on a panel of the other theme's colour, or with inverted controls."""
    return [
        f"{theme}: {problem}"
        for theme, look in report.look.items()
        for problem in look.get("panels", [])
    ]


def title_of(page_file):
    """A built page's title, without the book's name ("Constants — Backprop from Scratch" -> "Constants")."""
    match = re.search(
        r"<title>(.*?)</title>", Path(page_file).read_text(encoding="utf-8"), re.S
    )
    return html.unescape(match.group(1)).split(" \u2014 ")[0].strip() if match else ""
