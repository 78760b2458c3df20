"""The committed quiz answer key (book/quiz_answer_key.md) is what tools/answer_key.py writes
from the quizzes now, covers every chapter with a quiz, and is in the book's table of contents."""

from pathlib import Path

import answer_key

import quiz

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_answer_key_is_fresh():
    assert answer_key.PAGE.read_text() == answer_key.page(), (
        "book/quiz_answer_key.md differs from the quizzes: run .venv/bin/python tools/answer_key.py"
    )


def test_every_quiz_is_in_the_key():
    text = answer_key.PAGE.read_text()
    assert quiz.chapters() == list(range(2, 15))
    for chapter in quiz.chapters():
        title = quiz.load(chapter).title
        assert f"## Chapter {chapter}: {title}\n" in text
        questions = quiz.answer_key(chapter).split("\n", 2)[2].rstrip()
        assert questions in text


def test_the_key_is_in_the_table_of_contents_after_the_guide():
    toc = (ROOT / "_toc.yml").read_text()
    assert "file: book/teachers_guide\n      - file: book/quiz_answer_key" in toc
