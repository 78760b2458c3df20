"""A chapter quiz in a real browser, used with the keyboard only, as on the website.

The page holds the quiz exactly as `quiz.show` outputs it (the website keeps that HTML and runs
its inline script; no kernel is involved), served from 127.0.0.1 by _ext/chromium.py. A
reader tabs to a question, picks an answer with Space and the arrow keys, presses Enter on Check,
and reads the feedback in the question's aria-live region: once wrong, once right, for a
multiple-choice and a numeric question. The page must pass axe (every WCAG 2.x A/AA rule, light and
dark), fit a 375 px screen, log no console error and fetch nothing from elsewhere. Without
JavaScript the answers still unfold, by keyboard, from each question's <details>. In JupyterLab
the quiz is checked as a reader meets it: stored in a notebook it does not trust, then run.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import chromium
import lab_checks
import quiz
import site_checks

BOOK = Path(__file__).resolve().parent.parent / "book"

CHAPTER = 4
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quiz of chapter {chapter}</title><link rel="icon" href="data:,">
<style>
body {{ font: 16px/1.6 sans-serif; margin: 0 auto; padding: 1rem; max-width: 50rem;
        background: #fff; color: #222; }}
/* As on the website (pydata-sphinx-theme, with _ext/static/site-fixes.css): inline code has its
   own colour; in dark mode the page is dark, and an HTML output sits on it, in its colours. */
code {{ color: #912583; }}
@media (prefers-color-scheme: dark) {{
  :root {{ color-scheme: dark; }}
  body {{ background: #14181e; color: #ced6dd; }}
  code {{ color: #f3c7ee; }}
}}
</style></head>
<body><main><h1>Quiz</h1>
<div class="output">
{quiz}
</div>
</main></body></html>
"""


@pytest.fixture(scope="module")
def quiz_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-site")
    (folder / "index.html").write_text(
        PAGE.format(chapter=CHAPTER, quiz=quiz.html_of(CHAPTER)), encoding="utf-8"
    )
    with chromium.serve(folder) as base_url:
        yield base_url + "index.html"


class Reader:
    """A fresh page, with a record of console errors and of requests to other hosts."""

    def __init__(self, browser, url, **context_options):
        self.errors, self.external = [], []
        self.context = browser.new_context(
            viewport=site_checks.DESKTOP, **context_options
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        if route.request.url.startswith(f"http://{chromium.HOST}:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort("blockedbyclient")

    def focused(self):
        return self.page.evaluate(
            "() => { const el = document.activeElement;"
            " return {tag: el.tagName.toLowerCase(), type: el.type || '',"
            " question: (el.closest('[data-quiz-question]') || {}).id || '',"
            " text: (el.textContent || '').trim(), value: el.value || ''}; }"
        )

    def tab_to(self, question, tag, limit=60):
        """Press Tab until the focus is on a `tag` element of the question `question`."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            now = self.focused()
            if now["question"] == question and now["tag"] == tag:
                return now
        raise AssertionError(f"Tab never reached a <{tag}> of {question}")

    def feedback(self, question):
        """The feedback text of a question once it settles, and whether it is in a live region."""
        box = self.page.locator(f"#{question} .bq-feedback")
        box.filter(has_text=re.compile(r"\S")).wait_for(timeout=5000)
        live = box.evaluate(
            "el => (el.closest('[aria-live]') || {}).getAttribute?.('aria-live') || ''"
        )
        return " ".join(box.inner_text().split()), live

    def axe(self):
        self.page.add_script_tag(path=str(site_checks.AXE_JS))
        return self.page.evaluate(site_checks.AXE, site_checks.WCAG_TAGS)

    def check_says(self, question, verdict):
        """Move from the answer to Check and press it; the feedback once it starts with
        ``verdict``, and whether it is in a live region."""
        self.page.keyboard.press("Tab")
        self.page.keyboard.press("Enter")
        box = self.page.locator(f"#{question} .bq-feedback")
        box.filter(has_text=verdict).wait_for()
        return self.feedback(question)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.context.close()


def one_line(text):
    return " ".join(text.split())


def plain(fragment):
    """Quiz text as the page shows it: without the ^{...} and _{...} markup, backticks dropped."""
    text = re.sub(r"[\^_]\{([^{}]*)\}", r"\1", fragment).replace("`", "")
    return one_line(text)


def question(number):
    return quiz.load(CHAPTER).questions[number - 1]


def first_of(kind):
    """The number of the first question of this kind in the quiz."""
    return next(
        n for n, q in enumerate(quiz.load(CHAPTER).questions, start=1) if q.kind == kind
    )


def test_a_choice_question_answered_wrong_then_right_with_the_keyboard(
    browser, quiz_url
):
    number = first_of("choice")
    q, qid = question(number), f"quiz-ch{CHAPTER:02d}-q{number}"
    right = [o.correct for o in q.options].index(True)
    wrong = 0 if right else 1
    with Reader(browser, quiz_url) as reader:
        page = reader.page
        # The question is a named group of radio buttons, each named by its label.
        group = page.get_by_role(
            "group", name=re.compile(re.escape(plain(q.text)[:40]))
        )
        assert group.count() == 1
        assert group.get_by_role("radio").count() == len(q.options)

        reader.tab_to(qid, "input")
        page.keyboard.press("Space")  # picks the first option
        for _ in range(wrong):
            page.keyboard.press("ArrowDown")
        assert group.get_by_role("radio").nth(wrong).is_checked()
        page.keyboard.press("Tab")
        assert reader.focused()["text"] == "Check"
        page.keyboard.press("Enter")
        text, live = reader.feedback(qid)
        assert text == "Not quite. " + plain(q.options[wrong].why)
        assert live == "polite"

        page.keyboard.press("Shift+Tab")  # back to the chosen option
        for _ in range(right - wrong):
            page.keyboard.press("ArrowDown")
        assert group.get_by_role("radio").nth(right).is_checked()
        text, live = reader.check_says(qid, "Right.")
        assert (text, live) == ("Right. " + plain(q.explanation), "polite")
        assert reader.errors == [] and reader.external == []


def test_a_numeric_question_answered_wrong_then_right_with_the_keyboard(
    browser, quiz_url
):
    number = first_of("number")
    q, qid = question(number), f"quiz-ch{CHAPTER:02d}-q{number}"
    with Reader(browser, quiz_url) as reader:
        page = reader.page
        field = page.get_by_role("textbox", name="Your answer").nth(0)
        assert field.evaluate("el => el.closest('[data-quiz-question]').id") == qid

        reader.tab_to(qid, "input")
        page.keyboard.press("Enter")  # nothing typed yet
        text, _ = reader.feedback(qid)
        assert text.startswith("Type a number")

        slip = q.mistakes[0]
        page.keyboard.type(f"{slip.value:g}")
        page.keyboard.press(
            "Enter"
        )  # Enter in the field checks, as the Check button does
        page.locator(f"#{qid} .bq-feedback").filter(has_text="Not quite.").wait_for()
        text, live = reader.feedback(qid)
        assert text == "Not quite. " + plain(slip.why)
        assert live == "polite"

        page.keyboard.press("Control+A")
        page.keyboard.type("12345")  # a wrong number that is none of the known slips
        page.keyboard.press("Tab")
        assert reader.focused()["text"] == "Check"
        page.keyboard.press("Enter")
        page.locator(f"#{qid} .bq-feedback").filter(has_text=plain(q.hint)).wait_for()

        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type(
            f"{q.answer:g}".replace("-", "\u2212")
        )  # a typographic minus
        text, live = reader.check_says(qid, "Right.")
        assert (text, live) == ("Right. " + plain(q.explanation), "polite")
        assert reader.errors == [] and reader.external == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessible_and_fits_a_phone(browser, quiz_url, scheme):
    """axe with every WCAG 2.0-2.2 A/AA rule, with feedback of both kinds on screen and every
    answer unfolded, then the page at 375 px: nothing may stick out."""
    with Reader(browser, quiz_url, color_scheme=scheme) as reader:
        page = reader.page
        for n, fieldset in enumerate(page.locator("[data-quiz-question]").all()):
            right = n % 2 == 0  # every other answer right, the others wrong
            if fieldset.get_attribute("data-kind") == "choice":
                correct = "true" if right else "false"
                fieldset.locator(f'input[data-correct="{correct}"]').first.check()
            else:
                answer = fieldset.get_attribute("data-answer") if right else "12345"
                fieldset.get_by_role("textbox").fill(answer)
            fieldset.get_by_role("button", name="Check").click()
            fieldset.locator("summary").click()
        page.locator(".bq-right, .bq-wrong").first.wait_for()
        page.wait_for_timeout(200)
        assert page.locator(".bq-right").count() and page.locator(".bq-wrong").count()
        violations = reader.axe()
        assert violations == [], violations
        page.set_viewport_size(site_checks.PHONE)
        page.wait_for_timeout(200)
        assert page.evaluate(site_checks.PHONE_OVERFLOW) == []
        assert reader.errors == [] and reader.external == []


def test_without_javascript_the_answers_unfold_by_keyboard(browser, quiz_url):
    """Where no script runs (JavaScript off; JupyterLab before the cell is run) there is no Check
    button, the intro says where the answers are, and Enter on a summary unfolds one."""
    with Reader(browser, quiz_url, java_script_enabled=False) as reader:
        page = reader.page
        assert page.get_by_role("button", name="Check").count() == 0
        assert "unfolds the right answer" in page.locator(".bq-intro").inner_text()
        q, qid = question(1), f"quiz-ch{CHAPTER:02d}-q1"
        answer = page.locator(f"#{qid} details")
        assert not answer.evaluate("el => el.open")
        reader.tab_to(qid, "summary")
        page.keyboard.press("Enter")
        assert answer.evaluate("el => el.open")
        assert plain(q.explanation) in one_line(answer.inner_text())


# --- In JupyterLab ---------------------------------------------------------------------------------

OUTPUT = ".jp-OutputArea-output"
SEEN = """(output) => { const out = document.querySelector(output);
  return out && {fieldsets: out.querySelectorAll('fieldset').length,
    folds: out.querySelectorAll('details').length,
    scripts: out.querySelectorAll('script').length,
    checks: out.querySelectorAll('button.bq-check').length,
    live: out.querySelectorAll('[aria-live]').length}; }"""


# Run the notebook's cell as a reader would, once its kernel is ready.
RUN_THE_CELL = """async () => {
  const notebook = window.quizNotebook;
  await notebook.sessionContext.ready;
  await notebook.sessionContext.session.kernel.info;
  notebook.content.activeCellIndex = 0;
  window.jupyterapp.shell.activateById(notebook.id);
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def test_in_jupyterlab_before_and_after_the_cell_runs(browser, tmp_path):
    """A notebook opened in JupyterLab is not trusted: its stored quiz output loses its script
    and styles, and the answers unfold from the <details> (by keyboard too). Once the reader runs
    the cell, the output is trusted and the Check button gives feedback."""
    book = tmp_path / "book"
    shutil.copytree(
        BOOK,
        book,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.ipynb", "*.csv.gz"),
    )
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(f"import quiz\n\nquiz.show({CHAPTER})")]
    NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": str(book)}}
    ).execute()
    nbformat.write(notebook, book / "quiz.ipynb")
    count = len(quiz.load(CHAPTER).questions)

    with lab_checks.running_lab(tmp_path) as lab:
        context = browser.new_context(viewport=site_checks.DESKTOP)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(lab.workspace_url())
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
            page.evaluate("() => window.jupyterapp.restored")
            page.evaluate(
                "async (path) => { window.quizNotebook = await window.jupyterapp.commands"
                ".execute('docmanager:open', {path, factory: 'Notebook'}); }",
                "book/quiz.ipynb",
            )
            page.wait_for_selector(f"{OUTPUT} fieldset", timeout=60000)
            before = page.evaluate(SEEN, OUTPUT)
            assert before == {
                "fieldsets": count,
                "folds": count,
                "scripts": 0,
                "checks": 0,
                "live": 0,
            }
            fold = page.locator(f"{OUTPUT} details").first
            fold.locator("summary").focus()
            page.keyboard.press("Enter")
            assert fold.evaluate("el => el.open")

            page.evaluate(RUN_THE_CELL)
            page.wait_for_function(
                f"() => document.querySelectorAll('{OUTPUT} button.bq-check').length"
                f" === {count}",
                timeout=60000,
            )
            after = page.evaluate(SEEN, OUTPUT)
            assert after["scripts"] == 1 and after["live"] == count
            number = first_of("choice")
            q, qid = question(number), f"quiz-ch{CHAPTER:02d}-q{number}"
            wrong = [o.correct for o in q.options].index(False)
            fieldset = page.locator(f"{OUTPUT} #{qid}")
            fieldset.get_by_role("radio").nth(wrong).focus()
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            feedback = fieldset.locator(".bq-feedback")
            feedback.filter(has_text="Not quite.").wait_for(timeout=5000)
            assert one_line(feedback.inner_text()) == "Not quite. " + plain(
                q.options[wrong].why
            )
            assert errors == []
        finally:
            context.close()
