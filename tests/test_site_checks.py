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
    # A quiz on a light panel: fine on the light page, a bright block (with radio buttons drawn
    # for the dark page, inverted on the panel) once the page is dark.
    "panel.html": page(
        "Panel",
        '<div class="quiz" style="background: rgb(206, 214, 221); color: #222">'
        '<label><input type="radio" name="q"> an answer</label></div>'
        '<div class="quiz" style="color: inherit"><p>A quiz on the page itself.</p></div>',
        "<style>html[data-theme=dark] { color-scheme: dark; }"
        "html[data-theme=dark] body { background: #14181e; color: #ced6dd; }</style>",
    ),
    # Figures that say their text's size: 600 units wide at 100 % of a phone's column, their
    # 11-unit text drawn at about 6 px; the same figure never narrower than 600 px, 11 px.
    "figure_text.html": page(
        "Figure text",
        '<div style="overflow-x: auto; mask-image: linear-gradient(black, black)">'
        '<svg viewBox="0 0 600 300" style="width: 100%; min-width: 600px">'
        '<title>legible</title><g data-font-size="11"><text x="10" y="20">ok</text></g></svg>'
        "</div>"
        '<svg viewBox="0 0 600 300" style="width: 100%"><title>too small</title>'
        '<g data-font-size="11"><text x="10" y="20">tiny</text></g></svg>'
        '<div style="overflow-x: auto; mask-image: linear-gradient(black, black)">'
        '<svg viewBox="0 0 600 300" style="width: 100%; min-width: 600px"><title>crowded</title>'
        '<g data-font-size="11"><!-- one --><text x="10" y="40">one label</text></g>'
        '<g data-font-size="11"><!-- two --><text x="30" y="44">two label</text></g></svg></div>',
    ),
    # Text cut by a box that does not scroll, and a box that scrolls without a hint.
    "cut.html": page(
        "Cut",
        '<div style="overflow: hidden; width: 200px"><p style="white-space: nowrap">'
        + "a line cut at the edge " * 2
        + '</p></div><div class="quiet" style="overflow-x: auto; width: 200px">'
        '<p style="white-space: nowrap">'
        + "a line that scrolls quietly "
        * 4
        + "</p></div>"
        '<div style="overflow-x: auto; width: 200px; mask-image: linear-gradient('
        'to right, black 80%, transparent)"><p style="white-space: nowrap">'
        + "a line that fades where it goes on "
        * 4
        + "</p></div>"
        '<div class="fits" style="position: relative; overflow-x: auto; width: 300px; mask-image: linear-gradient('
        'to right, black 80%, transparent)"><span>a line that fits</span>'
        '<span class="sr-only" style="position: absolute; clip: rect(1px, 1px, 1px, 1px); '
        'white-space: nowrap">'
        + "words for screen readers only " * 10
        + "</span></div>",
    ),
    "markers.html": page(
        "Markers",
        "<details><summary>Solution</summary><pre>def f():\n    ### BEGIN SOLUTION\n"
        "    return 1\n    ### END SOLUTION</pre></details>"
        "<p>Inline, <code>### BEGIN SOLUTION</code> is prose about the markers.</p>",
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
                    browser,
                    base_url + name,
                    widget_timeout_ms=500,
                    panels=".quiz",
                    markers=r"### (BEGIN|END) SOLUTION",
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
        + site_checks.panel_problems(report)
        + report.figure_text
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
    assert [p.split(" ")[0] for p in problems[:2]] == [
        "label-content-name-mismatch"
    ] * 2
    assert problems[0].endswith(" at summary") and problems[1].endswith(" at button")
    # axe runs in the dark theme too, and says so
    assert problems[2:] == [f"in dark mode: {problem}" for problem in problems[:2]]


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


def test_a_panel_of_the_other_theme_s_colour_is_caught(planted):
    report = planted[2]("panel.html")
    assert report.look["light"]["panels"] == []
    problems = site_checks.panel_problems(report)
    assert problems[0].startswith(
        'dark: <div class="quiz"> sits on a light panel on a dark page'
    )
    assert "radio buttons are drawn for a dark background on a light one" in problems[1]
    assert len(problems) == 2  # the quiz on the page itself is fine


def test_figure_text_under_11_px_on_a_phone_and_overlapping_labels_are_caught(planted):
    problems = planted[2]("figure_text.html").figure_text
    assert len(problems) == 2
    assert problems[0].startswith("figure text drawn at 6.")
    assert problems[0].endswith("on a 375px screen: too small")
    assert problems[1] == 'two labels overlap in a figure ("one" and "two"): crowded'


def test_cut_text_and_a_scroll_box_without_a_hint_are_caught(planted):
    problems = planted[2]("cut.html").phone_overflow
    assert problems[0].startswith('text cut at the edge of <div class="">')
    assert problems[1].startswith('<div class="quiet"> scrolls sideways by')
    # A fade on a box that fits (what is read aloud only does not count): the text looks cut.
    assert problems[2].startswith(
        '<div class="fits"> is faded at its edge, but all of it fits'
    )
    assert len(problems) == 3  # the box that scrolls and fades is fine


def test_grading_markers_are_caught_in_code_not_in_prose(planted):
    look = planted[2]("markers.html").look["light"]
    assert look["markers"] == ["### BEGIN SOLUTION", "### END SOLUTION"]
    assert look["folds"] == [{"kind": "details.", "label": "Solution"}]


def test_every_page_is_seen_in_both_themes_at_both_widths(planted, browser, tmp_path):
    folder, base_url, _ = planted
    report = site_checks.visit(browser, base_url + "good.html", screenshots=tmp_path)
    names = sorted(Path(shot).name for shot in report.screenshots)
    assert names == [
        f"good_html-{theme}-{width}.jpg"
        for theme in ("dark", "light")
        for width in (1280, 375)
    ]
    assert report.look["light"]["title"] == "Good" and report.look["dark"]
