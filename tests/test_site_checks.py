"""The checks checked: each problem they look for, planted where it can be seen, is caught.

In the browser (marker `browser`): each problem test_site.py looks for, planted in a tiny site, is
caught; no book build needed, every page here is a few lines of HTML in a temporary folder.
"""

import base64
from pathlib import Path

import pytest

import chromium
import site_checks

# No module-wide mark: conftest.py marks every test that uses the `browser` fixture `browser`.
ROOT = Path(__file__).resolve().parent.parent

# A 1x1 red PNG.
DOT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def page(title, body, head=""):
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="dot.png">'
        f"<title>{title}</title>{head}</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


PLANTED = {
    "good.html": page(
        "Good",
        '<p id="top">Text, <a href="other.html#part">a link</a>, <a href="#top">an anchor</a>, '
        '<a href="https://example.org/">an external link</a> and <img src="dot.png" alt="a red dot">.</p>',
    ),
    "other.html": page("Other", '<p id="part">The part.</p>'),
    "broken_link.html": page(
        "Broken links",
        '<p><a href="missing.html">gone</a> <a href="other.html#nowhere">no such part</a> '
        '<a href="#nowhere">no such anchor here</a></p>',
    ),
    "missing_image.html": page(
        "Missing image", '<p><img src="missing.png" alt="a figure"></p>'
    ),
    "cdn.html": page(
        "CDN",
        "<p>Math from a CDN.</p>",
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>',
    ),
    "console.html": page(
        "Console",
        '<script>console.error("boom"); throw new Error("uncaught");</script>',
    ),
    "raw_tex.html": page(
        "Raw TeX", '<p>$$x^2$$ and <span class="math">\\(y\\)</span></p>'
    ),
    "widget.html": page(
        "Widget",
        '<div><script type="application/vnd.jupyter.widget-view+json">{"model_id": "1"}</script></div>'
        "<p>Loading widget...</p>",
    ),
    "inaccessible.html": page(
        "Inaccessible",
        '<p><img src="dot.png"> <img src="dot.png" alt="dot.png"> <button></button></p>',
    ),
    # WCAG 2.5.3, label in name: what a button shows must be part of its accessible name, or a
    # reader who says "click Show code cell source" to their speech software reaches nothing.
    "label_mismatch.html": page(
        "Label mismatch",
        '<details><summary aria-label="Toggle hidden content">Show code cell source</summary>'
        "<p>Code.</p></details>"
        '<p><button aria-label="Search">Search Ctrl+K</button></p>',
    ),
    "wide.html": page(
        "Wide",
        '<p style="white-space: nowrap">'
        + "a long line that does not wrap " * 5
        + "</p>",
    ),
    "no_icon.html": '<!DOCTYPE html><html lang="en"><head><title>No icon</title></head><body></body></html>',
    "broken_icon.html": page(
        "Broken icon", "<p>Text.</p>", '<link rel="stylesheet" href="gone.css">'
    ),
    "redirect.html": '<meta http-equiv="Refresh" content="0; url=good.html" />',
    "bad_redirect.html": '<meta http-equiv="Refresh" content="0; url=nowhere.html" />',
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("planted")
    for name, text in PLANTED.items():
        (folder / name).write_text(text)
    (folder / "dot.png").write_bytes(DOT_PNG)
    with chromium.serve(folder) as base_url:
        reports = {}

        def visit(name):
            if name not in reports:
                reports[name] = site_checks.visit(
                    browser, base_url + name, widget_timeout_ms=500
                )
            return reports[name]

        yield folder, base_url, visit


def all_problems(report, base_url, folder):
    return (
        site_checks.console_problems(report)
        + site_checks.request_problems(report)
        + site_checks.broken_links(report, base_url, folder)
        + report.broken_images
        + site_checks.math_problems(report)
        + site_checks.widget_problems(report)
        + site_checks.axe_problems(report)
        + report.alt_problems
        + report.phone_overflow
    )


def test_a_good_page_has_no_problem(planted):
    folder, base_url, visit = planted
    report = visit("good.html")
    assert all_problems(report, base_url, folder) == []
    assert report.bytes_transferred >= len(PLANTED["good.html"]) + len(DOT_PNG)


def test_a_broken_link_and_anchors_are_caught(planted):
    folder, base_url, visit = planted
    problems = site_checks.broken_links(visit("broken_link.html"), base_url, folder)
    assert problems == [
        f"broken link: {base_url}missing.html",
        f"broken anchor: {base_url}other.html#nowhere",
        f"broken anchor: {base_url}broken_link.html#nowhere",
    ]


def test_a_missing_image_is_caught(planted):
    report = planted[2]("missing_image.html")
    assert report.broken_images == ["image did not load: missing.png"]
    assert any(
        "missing.png (HTTP 404)" in p for p in site_checks.request_problems(report)
    )


def test_a_cdn_script_is_caught_and_never_fetched(planted):
    report = planted[2]("cdn.html")
    assert report.external_requests == [
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"
    ]
    assert site_checks.request_problems(report)[0].startswith(
        "request to another host: https://cdn.jsdelivr"
    )


def test_console_errors_are_caught_unless_allowed(planted):
    report = planted[2]("console.html")
    assert site_checks.console_problems(report) == [
        "console error: boom",
        "uncaught error: uncaught",
    ]
    assert site_checks.console_problems(report, allowed=["boom", "uncaught"]) == []


def test_raw_tex_is_caught(planted):
    problems = site_checks.math_problems(planted[2]("raw_tex.html"))
    assert "math not rendered by MathJax: \\(y\\)" in problems
    assert "raw TeX in the text: $$x^2$$ and" in problems


def test_an_unrendered_widget_is_caught(planted):
    assert site_checks.widget_problems(planted[2]("widget.html")) == [
        "1 of 1 widgets did not render",
        "a 'Loading widget...' placeholder is still shown",
    ]


def test_accessibility_violations_are_caught_unless_excepted(planted):
    report = planted[2]("inaccessible.html")
    rules = {problem.split(" ")[0] for problem in site_checks.axe_problems(report)}
    assert {"image-alt", "button-name"} <= rules
    assert report.alt_problems == [
        "image without alt text: dot.png",
        "alt text is a file name: dot.png",
    ]
    excepted = [("image-alt", "img", "planted"), ("button-name", "button", "planted")]
    assert not any(
        p.startswith(("image-alt", "button-name"))
        for p in site_checks.axe_problems(report, excepted)
    )


def test_a_label_that_is_not_in_the_name_is_caught(planted):
    problems = site_checks.axe_problems(planted[2]("label_mismatch.html"))
    assert [p.split(" ")[0] for p in problems] == ["label-content-name-mismatch"] * 2
    assert problems[0].endswith(" at summary") and problems[1].endswith(" at button")


def test_text_wider_than_a_phone_is_caught(planted):
    problems = planted[2]("wide.html").phone_overflow
    assert problems[0].startswith("the page scrolls sideways by")
    assert problems[1].startswith("<p> reaches x=")


def test_redirects_are_followed_and_checked(planted):
    folder, base_url, visit = planted
    assert visit("redirect.html").redirect_to == base_url + "good.html"
    report = visit("bad_redirect.html")
    assert site_checks.broken_links(report, base_url, folder) == [
        f"broken link: {base_url}nowhere.html"
    ]


def test_a_missing_icon_or_stylesheet_is_caught(planted):
    folder, base_url, visit = planted
    assert site_checks.broken_links(visit("no_icon.html"), base_url, folder) == [
        "no <link rel=icon>: browsers will request /favicon.ico"
    ]
    assert site_checks.broken_links(visit("broken_icon.html"), base_url, folder) == [
        f"broken link: {base_url}gone.css"
    ]
