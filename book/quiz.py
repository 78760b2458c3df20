"""The quiz at the end of each chapter: questions with feedback, on the website and in Jupyter.

`quiz.show(4)` displays chapter 4's quiz as one HTML output. Each question is a
`<fieldset data-quiz-question>`: its text is the `<legend>`, multiple-choice answers are radio
buttons with labels, a numeric answer is a labelled text field. Under every question a `<details>`
folds out the right answer and why each wrong one is wrong: that works everywhere, with the
keyboard too, and needs no script. A small inline script (progressive enhancement) adds a Check
button that says right or wrong, and why, in an `aria-live` region: it runs on the website (no
kernel needed, nothing loaded from elsewhere) and in Jupyter once the cell has run. In a notebook
JupyterLab does not trust (opened, not yet run) the script and styles are stripped and the
folds remain. The style and the script are book/quiz.css and book/quiz.js, copied into each
output when it is made.

`quiz.answer_key(4)` gives the same questions as Markdown for the teacher's guide.

The questions are data, one TOML file per chapter in data/quizzes/ (see its README.md); the
output depends on nothing else, so it is the same on every run (notebooks store it, and nbval
compares it).
"""

import html
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from IPython.display import HTML, display

QUIZ_DIR = Path(__file__).parent / "data" / "quizzes"


@dataclass
class Option:
    """One answer of a multiple-choice question: its text, and why it is wrong (unless correct)."""

    text: str
    correct: bool = False
    why: str = ""


@dataclass
class Mistake:
    """A wrong number a reader is likely to give, and what slip it comes from."""

    value: float
    why: str


@dataclass
class Question:
    """A question: `kind` is "choice" (options) or "number" (answer within tolerance)."""

    id: str
    kind: str
    objective: int
    text: str
    explanation: str
    options: list = field(default_factory=list)
    answer: float = 0.0
    tolerance: float = 0.0
    shown: str = ""
    hint: str = ""
    mistakes: list = field(default_factory=list)


@dataclass
class Quiz:
    """A chapter's quiz. `objectives` are the chapter's "What you will learn" bullets, in order,
    as {"starts": first words of the bullet, "label": a short name}; a question's `objective` is
    the bullet's number, from 1."""

    chapter: int
    title: str
    objectives: list
    questions: list


# --- The questions ------------------------------------------------------------------------------


def chapters():
    """The chapters that have a quiz, in order."""
    return sorted(int(path.stem[2:]) for path in QUIZ_DIR.glob("ch[0-9][0-9].toml"))


def load(chapter):
    """The quiz of `chapter` (an int), read from data/quizzes/chNN.toml and checked."""
    if isinstance(chapter, bool) or not isinstance(chapter, int):
        raise TypeError(f"chapter must be an int, such as 4; got {chapter!r}")
    path = QUIZ_DIR / f"ch{chapter:02d}.toml"
    if not path.is_file():
        raise ValueError(
            f"no quiz for chapter {chapter}: {path} does not exist "
            f"(chapters with a quiz: {chapters()})"
        )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        return _quiz_from(data, chapter)
    except (KeyError, TypeError, ValueError) as problem:
        raise ValueError(f"{path.name}: {problem}") from None


def _text(value):
    """Text as written in the TOML file, with its line breaks and indents made single spaces."""
    return " ".join(str(value).split())


def _quiz_from(data, chapter):
    if data["chapter"] != chapter:
        raise ValueError(f"says chapter = {data['chapter']}, expected {chapter}")
    objectives = [
        {"starts": _text(o["starts"]), "label": _text(o["label"])}
        for o in data["objectives"]
    ]
    questions = []
    for number, q in enumerate(data["questions"], start=1):
        where = f"question {number} ({q.get('id', 'no id')})"
        if q["kind"] not in ("choice", "number"):
            raise ValueError(f"{where}: kind must be 'choice' or 'number'")
        if not 1 <= q["objective"] <= len(objectives):
            raise ValueError(
                f"{where}: objective {q['objective']} is not 1 to {len(objectives)}"
            )
        question = Question(
            id=q["id"],
            kind=q["kind"],
            objective=q["objective"],
            text=_text(q["text"]),
            explanation=_text(q["explanation"]),
        )
        if q["kind"] == "choice":
            question.options = [
                Option(
                    _text(o["text"]), o.get("correct", False), _text(o.get("why", ""))
                )
                for o in q["options"]
            ]
            right = [o for o in question.options if o.correct]
            if len(right) != 1 or len(question.options) < 3:
                raise ValueError(
                    f"{where}: needs 3 or more options, exactly one correct"
                )
            if any(not o.why for o in question.options if not o.correct):
                raise ValueError(f"{where}: every wrong option needs a `why`")
        else:
            question.answer = float(q["answer"])
            question.tolerance = float(q["tolerance"])
            question.shown = _text(q.get("shown", "")) or _number(question.answer)
            question.hint = _text(q["hint"])
            question.mistakes = [
                Mistake(float(m["value"]), _text(m["why"]))
                for m in q.get("mistakes", [])
            ]
            if question.tolerance <= 0:
                raise ValueError(f"{where}: tolerance must be positive")
            for mistake in question.mistakes:
                if abs(mistake.value - question.answer) <= question.tolerance:
                    raise ValueError(
                        f"{where}: mistake {mistake.value} counts as right"
                    )
        questions.append(question)
    return Quiz(chapter, _text(data["title"]), objectives, questions)


def _number(value):
    """A number as the text shows it: no trailing .0, and a real minus sign."""
    return f"{value:g}".replace("-", "\u2212")


# --- On the page ---------------------------------------------------------------------------------


# Mathematical symbols in the quiz's plain text, set in a serif italic as the chapters' maths is
# (a sans-serif layer index l reads as a capital I): letters with a ^{superscript} or _{subscript}
# (dA^{[l−1]}, n_{l}, C̄_{ij}) and lone letters (x, l, N, α, ŷ, the n of 3n), but not the articles
# "a" and "A" before a word. Capital Greek letters (Σ) stay upright, as in TeX, and so do words
# (Var, log) and the labels of SCRIPT_WORDS in a script (the "in" of n_{in}, as the chapters'
# n_{\text{in}}).
LETTER = "[A-Za-zα-ωŷℓ][\u0300-\u036f]?"
NOT_BEFORE = "(?<![A-Za-zα-ω'’])"
NOT_AFTER = "(?![A-Za-z0-9α-ω'’])"
SCRIPT = r"(?:\^\{[^{}]*\}|_\{[^{}]*\}|ᵀ)"
SYMBOL = re.compile(
    rf"{NOT_BEFORE}(?P<word>(?:{LETTER})+)(?P<scripts>{SCRIPT}+)"
    rf"|(?P<bare>{SCRIPT}+)"
    rf"|{NOT_BEFORE}(?P<lone>{LETTER}){NOT_AFTER}"
)
SCRIPT_WORDS = ("in", "out")
# A symbol's look, inline so that it holds where a front end drops the quiz's <style>.
SYMBOL_STYLE = "font-family:Georgia,'Times New Roman',serif"


def _symbol(letters):
    return f'<var style="{SYMBOL_STYLE}">{letters}</var>'


def _scripts(text):
    """^{...} and _{...} as <sup> and <sub>, their letters as symbols (``text`` escaped)."""

    def letters(match):
        word = match[0]
        if word in SCRIPT_WORDS:
            return word
        return "".join(_symbol(letter) for letter in re.findall(LETTER, word))

    def script(match):
        inner = re.sub(rf"(?:{LETTER})+", letters, match[2])
        tag = "sup" if match[1] == "^" else "sub"
        return f"<{tag}>{inner}</{tag}>"

    return re.sub(r"([\^_])\{([^{}]*)\}", script, text)


def _symbols(text):
    """Plain quiz text (escaped) with its symbols marked up, and their scripts."""

    def symbol(match):
        if match["word"]:
            return _symbol(match["word"]) + _scripts(match["scripts"])
        if match["bare"]:
            return _scripts(match["bare"])
        article = match["lone"] in "aA" and re.match(
            r"\s+[a-z]{2}", text[match.end() :]
        )
        return match[0] if article else _symbol(match["lone"])

    return SYMBOL.sub(symbol, text)


def _inline(text):
    """Quiz text as HTML: `code` as code, symbols in a serif italic, ^{superscript} and
    _{subscript}; everything else escaped."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
        else:
            out.append(_symbols(html.escape(part, quote=False)))
    return "".join(out)


def _option_with_why(letter, text):
    """ "b) The option." before its explanation: a colon only where the text has no full stop."""
    separator = "" if text.rstrip().endswith((".", "?", "!")) else ":"
    return f"{letter}) {_inline(text)}{separator}"


LETTERS = "abcdefghij"
# Inline styles, which JupyterLab keeps in an output it does not trust (it drops <style>): each
# option on its own line, and the fold marked as one.
OPTION_STYLE = "display:flex;gap:.5rem;align-items:baseline"
DETAILS = (
    '<details><summary style="display:list-item;cursor:pointer">'
    "Show the answer and explanations</summary>"
)


def _asset(name):
    """The quiz's style or script, book/quiz.css or book/quiz.js, without its first comment (which
    is for whoever edits the file): the text each quiz output holds."""
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    if text.startswith("/*"):
        text = text.split("*/", 1)[1]
    return text.strip()


def _choice_html(qid, question):
    lines = ['<div class="bq-options">']
    for letter, option in zip(LETTERS, question.options):
        lines.append(
            f'<label style="{OPTION_STYLE}">'
            f'<input type="radio" name="{qid}" value="{letter}" '
            f'data-correct="{"true" if option.correct else "false"}">'
            f"<span>{letter}) {_inline(option.text)}</span></label>"
        )
    lines.append("</div>")
    lines.append('<p class="bq-feedback" role="status" aria-live="polite"></p>')
    right = next(
        (letter, o) for letter, o in zip(LETTERS, question.options) if o.correct
    )
    lines.append(DETAILS)
    lines.append(
        f"<p><strong>Answer: {right[0]}) {_inline(right[1].text)}</strong> "
        f'<span data-why="{right[0]}">{_inline(question.explanation)}</span></p>'
    )
    lines.append("<ul>")
    for letter, option in zip(LETTERS, question.options):
        if not option.correct:
            lines.append(
                f"<li>{_option_with_why(letter, option.text)} "
                f'<span data-why="{letter}">{_inline(option.why)}</span></li>'
            )
    lines.append("</ul></details>")
    return lines


def _number_html(qid, question):
    lines = [
        f'<div class="bq-value"><label for="{qid}-value">Your answer</label> '
        f'<input type="text" id="{qid}-value" autocomplete="off" spellcheck="false"></div>',
        '<p class="bq-feedback" role="status" aria-live="polite"></p>',
        DETAILS,
        f"<p><strong>Answer: {_inline(question.shown)}</strong> "
        f"(anything within {_number(question.tolerance)} counts). "
        f'<span data-why="right">{_inline(question.explanation)}</span></p>',
        "<ul>",
    ]
    for mistake in question.mistakes:
        lines.append(
            f"<li>{_number(mistake.value)}? "
            f'<span data-value="{mistake.value!r}">{_inline(mistake.why)}</span></li>'
        )
    lines.append(
        f'<li>Another number? <span data-why="other">{_inline(question.hint)}</span></li>'
    )
    lines.append("</ul></details>")
    return lines


def html_of(chapter):
    """The quiz of `chapter` as one HTML fragment: the same string on every call."""
    quiz = load(chapter)
    prefix = f"quiz-ch{chapter:02d}"
    count = len(quiz.questions)
    without_script = (
        f"{count} questions on this chapter. Under each one, “Show the answer and "
        "explanations” unfolds the right answer and why each other answer is wrong."
    )
    with_script = (
        f"{count} questions on this chapter. Choose or type an answer and press Check: the "
        "feedback says whether it is right, and why. “Show the answer and explanations” unfolds them all."
    )
    lines = [
        f'<div class="bq-quiz tex2jax_ignore mathjax_ignore" id="{prefix}">',
        f"<style>{_asset('quiz.css')}</style>",
        f'<p class="bq-intro" data-with-script="{html.escape(with_script)}">'
        f"{html.escape(without_script, quote=False)}</p>",
    ]
    for number, question in enumerate(quiz.questions, start=1):
        qid = f"{prefix}-q{number}"
        extra = (
            f' data-answer="{question.answer!r}" data-tolerance="{question.tolerance!r}"'
            if question.kind == "number"
            else ""
        )
        lines.append(
            f'<fieldset data-quiz-question id="{qid}" data-kind="{question.kind}"{extra}>'
        )
        lines.append(f"<legend>{number}. {_inline(question.text)}</legend>")
        if question.kind == "choice":
            lines += _choice_html(qid, question)
        else:
            lines += _number_html(qid, question)
        lines.append("</fieldset>")
    lines.append(f"<script>{_asset('quiz.js')}</script>")
    lines.append("</div>")
    return "\n".join(lines)


class QuizOutput(HTML):
    """The quiz as an output: the HTML, and a short stable text for plain-text front ends."""

    def __init__(self, chapter):
        self.summary = (
            f"Quiz: chapter {chapter}, {len(load(chapter).questions)} questions"
        )
        super().__init__(html_of(chapter))

    def __repr__(self):
        return self.summary


def show(chapter):
    """Display the quiz of `chapter`, e.g. `quiz.show(4)` at the end of chapter 4."""
    display(QuizOutput(chapter))


# --- The answer key ------------------------------------------------------------------------------


def _markdown(text):
    """Quiz text as MyST Markdown: code stays code, ^{x} and _{x} become {sup} and {sub} roles."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(part)
            continue
        part = part.replace("*", r"\*").replace("<", "&lt;").replace(">", "&gt;")
        part = re.sub(r"\^\{([^{}]*)\}", r"{sup}`\1`", part)
        part = re.sub(r"_\{([^{}]*)\}", r"{sub}`\1`", part)
        out.append(part)
    return "".join(out)


def answer_key(chapter):
    """The quiz of `chapter` with its answers, as Markdown (MyST) for the teacher's guide."""
    quiz = load(chapter)
    lines = [f"**Chapter {chapter}, {quiz.title}**", ""]
    for number, q in enumerate(quiz.questions, start=1):
        objective = _markdown(quiz.objectives[q.objective - 1]["label"])
        kind = "multiple choice" if q.kind == "choice" else "number"
        lines.append(
            f"{number}. {_markdown(q.text)} *({kind}; objective: {objective})*"
        )
        lines.append("")
        if q.kind == "choice":
            for letter, option in zip(LETTERS, q.options):
                verdict = (
                    f"**Right.** {_markdown(q.explanation)}"
                    if option.correct
                    else f"Wrong: {_markdown(option.why)}"
                )
                lines.append(f"   - {letter}) {_markdown(option.text)} {verdict}")
        else:
            lines.append(
                f"   - **Answer: {_markdown(q.shown)}** (within {_number(q.tolerance)}). "
                f"{_markdown(q.explanation)}"
            )
            for mistake in q.mistakes:
                lines.append(f"   - {_number(mistake.value)}: {_markdown(mistake.why)}")
            lines.append(f"   - Another number: {_markdown(q.hint)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
