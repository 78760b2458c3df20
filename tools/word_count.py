"""Count the words of prose in each chapter, and hold each part of the book to a budget.

A word of prose is a word of the article text the website shows, outside code, outputs, maths and
folded solutions. From each chapter's markdown cells this tool removes, before counting:
- code: fenced blocks (```), inline code spans (`...`), and every code cell with its outputs;
- maths: `$...$` and `$$...$$` (with the equation label after it);
- MyST syntax: roles with their content ({doc}`...`, {eq}`...`, {eval}`...`), directive fences
  (`:::{note}`) and their options (`:class: dropdown`), targets (`(label)=`);
- HTML: comments (<!-- ... -->) and tags (their text stays);
- folded solutions: markdown cells tagged `solution`, and `{admonition}` blocks of class dropdown;
- link targets and images (a link's text stays).
A word is then a run of letters or digits, with inner hyphens, apostrophes or points
("well-founded", "don't", "0.01" are one word each).

Usage, from the repository root:
    python tools/word_count.py                  # each part (PARTS): a table, the total, the budget
    python tools/word_count.py book/09_training.ipynb
    python tools/word_count.py --budget 15500 book/0*.ipynb book/1[01]_*.ipynb  # exit 1 above it
(tests/test_word_budget.py holds each part to its budget; `make check` and `make test` run it.)
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
# Each part of the book: its first and last chapter, and the words of prose they may use together.
PARTS = {
    "Part I": (1, 11, 15_500),
    "Part II": (12, 14, 8_500),
}
BUDGET = PARTS["Part I"][2]  # chapters 1-11


def chapters(book=ROOT / "book", first=1, last=11):
    """The chapter notebooks numbered first..last (book/01_... to book/11_... by default)."""
    found = []
    for path in sorted(Path(book).glob("[0-9][0-9]_*.ipynb")):
        if first <= int(path.name[:2]) <= last:
            found.append(path)
    return found


FENCED_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$([ \t]*\([^)\n]*\))?", re.S)
INLINE_MATH = re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$")
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
TARGET = re.compile(r"^\([\w:.-]+\)=[ \t]*$", re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def strip_directives(text):
    """Remove folded (dropdown) admonitions whole; of other colon-fenced directives keep the body
    only, without the fence lines and `:option:` lines."""
    lines, kept = text.split("\n"), []
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = re.match(r"^(:{3,})\{([\w-]+)\}", line)
        if opening:
            fence = opening.group(1)
            body_start = index + 1
            options = []
            while body_start < len(lines) and re.match(
                r"^:\w[\w-]*:", lines[body_start]
            ):
                options.append(lines[body_start])
                body_start += 1
            end = body_start
            while end < len(lines) and lines[end].strip() != fence:
                end += 1
            folded = any("dropdown" in option for option in options)
            if not folded:
                kept.append(strip_directives("\n".join(lines[body_start:end])))
            index = end + 1
            continue
        kept.append(line)
        index += 1
    return "\n".join(kept)


def prose(markdown):
    """The text of one markdown cell that counts as prose (see the module's docstring)."""
    text = HTML_COMMENT.sub(" ", markdown)
    text = FENCED_CODE.sub(" ", text)
    text = strip_directives(text)
    text = DISPLAY_MATH.sub(" ", text)
    text = ROLE.sub(" ", text)
    text = CODE_SPAN.sub(" ", text)
    text = INLINE_MATH.sub(" ", text)
    text = TARGET.sub(" ", text)
    text = IMAGE.sub(" ", text)
    text = LINK.sub(r"\1", text)
    text = HTML_TAG.sub(" ", text)
    return text


def count_words(text):
    """The number of words in ``text``."""
    return len(WORD.findall(text))


def is_solution(cell):
    return "solution" in cell.get("metadata", {}).get("tags", [])


def notebook_words(path):
    """The words of prose of the notebook at ``path``."""
    notebook = nbformat.read(path, as_version=4)
    return sum(
        count_words(prose(cell.source))
        for cell in notebook.cells
        if cell.cell_type == "markdown" and not is_solution(cell)
    )


def markdown_words(path):
    """The words of prose of a MyST markdown page (the summary sheet, the teacher's guide)."""
    return count_words(prose(Path(path).read_text()))


def words(path):
    path = Path(path)
    return notebook_words(path) if path.suffix == ".ipynb" else markdown_words(path)


def table(paths):
    """``(rows, total)``: one ``(name, words)`` per path, and their sum."""
    rows = [(Path(path).name, words(path)) for path in paths]
    return rows, sum(count for _, count in rows)


def print_table(rows, total, budget=None):
    """Print one row per chapter and the total; with ``budget``, whether the total is within it.
    Returns whether it is."""
    width = max(len(name) for name, _ in rows)
    print(f"{'chapter':<{width}}  words")
    for name, count in rows:
        print(f"{name:<{width}}  {count:5d}")
    print(f"{'total':<{width}}  {total:5d}")
    if budget is None:
        return True
    if total > budget:
        print(f"over the budget of {budget} words by {total - budget}")
        return False
    print(f"within the budget of {budget} words")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "paths", nargs="*", help="notebooks or .md pages (default: each part, PARTS)"
    )
    parser.add_argument(
        "--budget", type=int, help="exit 1 if the total is above this many words"
    )
    args = parser.parse_args(argv)
    if args.paths:
        return 0 if print_table(*table(args.paths), args.budget) else 1
    within = True
    for part, (first, last, budget) in PARTS.items():
        print(f"{part}, chapters {first}-{last}")
        rows, total = table(chapters(first=first, last=last))
        within = print_table(rows, total, args.budget or budget) and within
        print()
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
