"""Write the quiz answer key, book/quiz_answer_key.md, from the quizzes (book/data/quizzes/).

Each chapter's part is `quiz.answer_key(N)` (book/quiz.py) under a heading with its title, for every
chapter that has a quiz.
tests/test_answer_key.py fails when the committed page differs from a fresh generation: after
changing a quiz, run this tool.

Usage, from the repository root:
    .venv/bin/python tools/answer_key.py          # rewrite book/quiz_answer_key.md
    .venv/bin/python tools/answer_key.py --check  # exit 1 if the page is out of date
"""

import argparse
import sys
from pathlib import Path

import quiz  # book/quiz.py: book/ is on the path (see the Makefile)

ROOT = Path(__file__).resolve().parent.parent

PAGE = ROOT / "book" / "quiz_answer_key.md"
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
        "<!-- Written by tools/answer_key.py from book/data/quizzes/: do not edit by hand. -->",
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if out of date")
    args = parser.parse_args(argv)
    fresh = page()
    if args.check:
        if not PAGE.exists() or PAGE.read_text() != fresh:
            print(
                f"{PAGE.relative_to(ROOT)} is out of date: run python tools/answer_key.py"
            )
            return 1
        return 0
    PAGE.write_text(fresh)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
