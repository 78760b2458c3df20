"""The quiz answer key, book/quiz_answer_key.md, from the quizzes (book/data/quizzes/).

Each chapter's part is `quiz.answer_key(N)` (book/quiz.py) under a heading with its title, for every
chapter that has a quiz. `make sync` writes the page from `page()` (tools/derived_files.toml), and
`make check` fails while the committed page differs: after changing a quiz, run `make sync`.
"""

import quiz

INTRO = (
    "The quiz at the end of each chapter from {doc}`02_constants` on, with its answers: for "
    "every question the learning objective it tests, the right answer and why, and what each "
    "likely wrong answer means. For teachers; see the {doc}`teachers_guide`."
)


def body(chapter):
    """`quiz.answer_key(chapter)` without its bold title line, which the page's heading says."""
    key = quiz.answer_key(chapter).rstrip()
    title = f"**Chapter {chapter}, {quiz.load(chapter).title}**\n\n"
    return key.removeprefix(title)


def page():
    """The whole answer key, as MyST Markdown."""
    parts = [
        "<!-- Written by `make sync` (tools/answer_key.py) from book/data/quizzes/: do not edit by hand. -->",
        "",
        "# Quiz answer key",
        "",
        INTRO,
    ]
    for chapter in quiz.chapters():
        parts += [
            "",
            f"## Chapter {chapter}: {quiz.load(chapter).title}",
            "",
            body(chapter),
        ]
    return "\n".join(parts) + "\n"
