"""Each part of the book stays within its budget of words of prose (tools/word_count.py: chapters
1-11 and chapters 12-14), and the counter counts prose only: a planted notebook shows code,
outputs, maths, MyST syntax, HTML comments and folded solutions left out."""

import nbformat
import pytest

import word_count


@pytest.mark.parametrize("part", word_count.PARTS)
def test_each_part_is_within_its_budget(part):
    first, last, budget = word_count.PARTS[part]
    rows, total = word_count.table(word_count.chapters(first=first, last=last))
    assert [name[:2] for name, _ in rows] == [
        f"{n:02d}" for n in range(first, last + 1)
    ]
    per_chapter = ", ".join(f"{name[:2]}: {count}" for name, count in rows)
    assert total <= budget, (
        f"{part} (chapters {first}-{last}) has {total} words of prose, over its budget of "
        f"{budget} ({per_chapter}); see python tools/word_count.py"
    )


def test_the_parts_cover_every_chapter_once():
    numbers = [
        n
        for first, last, _ in word_count.PARTS.values()
        for n in range(first, last + 1)
    ]
    chapters = [int(path.name[:2]) for path in word_count.chapters(last=99)]
    assert numbers == chapters == list(range(1, 15))
    assert word_count.PARTS["Part I"] == (1, 11, 15_500)
    assert word_count.PARTS["Part II"] == (12, 14, 8_500)


PLANTED_PROSE = """# One two

Three four `not_counted(code)` five $\\alpha + \\beta$ six {doc}`07_mse_loss` seven
{eval}`ch9_value` eight {eq}`eq-ch8-dW`.

$$
\\mathcal L = \\frac{1}{2N} \\sum y
$$ (eq-planted)

<!-- a comment about nothing at all -->
(planted-label)=
```python
print("code in a fence")
```

:::{note}
:class: tip
Nine [ten](https://example.org/not/counted) eleven.
:::

:::{admonition} Solution
:class: dropdown

Folded words do not count at all.
:::
"""


@pytest.fixture
def planted(tmp_path):
    notebook = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print('an output with many words in it')")
    code.outputs = [
        nbformat.v4.new_output("stream", text="an output with many words in it\n")
    ]
    solution = nbformat.v4.new_markdown_cell("A worked solution of many words.")
    solution.metadata["tags"] = ["solution"]
    notebook.cells = [nbformat.v4.new_markdown_cell(PLANTED_PROSE), code, solution]
    path = tmp_path / "01_planted.ipynb"
    nbformat.write(notebook, path)
    return path


def test_the_counter_counts_prose_only(planted):
    assert word_count.notebook_words(planted) == 11


def test_the_budget_option_fails_above_the_budget(planted, capsys):
    assert word_count.main([str(planted), "--budget", "11"]) == 0
    assert word_count.main([str(planted), "--budget", "10"]) == 1
    assert "over the budget of 10 words by 1" in capsys.readouterr().out


def test_the_default_run_holds_each_part_to_its_budget(monkeypatch, planted, capsys):
    """Without paths the tool reports every part against its own budget, and fails if one is over."""
    monkeypatch.setattr(word_count, "chapters", lambda first, last: [planted])
    monkeypatch.setattr(word_count, "PARTS", {"one": (1, 1, 11), "two": (1, 1, 10)})
    assert word_count.main([]) == 1
    out = capsys.readouterr().out
    assert "one, chapters 1-1" in out and "within the budget of 11 words" in out
    assert "two, chapters 1-1" in out and "over the budget of 10 words by 1" in out
    monkeypatch.setattr(word_count, "PARTS", {"one": (1, 1, 11)})
    assert word_count.main([]) == 0
