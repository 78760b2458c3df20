"""Chapters 1-11 stay within their budget of words of prose (tools/word_count.py), and the counter
counts prose only: a planted notebook shows code, outputs, maths, MyST syntax, HTML comments and
folded solutions left out."""

import nbformat
import pytest

import word_count


def test_chapters_1_to_11_are_within_the_budget():
    rows, total = word_count.table(word_count.chapters())
    assert [name[:2] for name, _ in rows] == [f"{n:02d}" for n in range(1, 12)]
    per_chapter = ", ".join(f"{name[:2]}: {count}" for name, count in rows)
    assert total <= word_count.BUDGET, (
        f"chapters 1-11 have {total} words of prose, over the budget of "
        f"{word_count.BUDGET} ({per_chapter}); see python tools/word_count.py"
    )


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
