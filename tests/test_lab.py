"""The chapters in JupyterLab, as `make lab` shows them: rendered as on the website, never run.

Starts one JupyterLab from the environment pytest runs in (.venv under `make test`) on 127.0.0.1,
serving a temporary copy of book/ (JupyterLab may write checkpoints there; the repository is never
touched), and opens every chapter in headless Chromium without running a cell. A chapter fails on
anything a reader would see that the website does not show: a raw role, directive or label, a
number's name where its value belongs, maths left as TeX, a solution unfolded, an error marked by
jupyterlab-myst, a code cell that ran. The checks live in tools/lab_checks.py; the planted test
at the end shows that each is caught.
"""

import json
from pathlib import Path

import pytest

import lab_checks
import site_checks

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.name for p in (ROOT / "book").glob("*.ipynb"))


def assert_none(problems):
    """Fail with one line per problem (pytest would cut a long list short)."""
    assert not problems, "\n" + "\n".join(problems)


def chapter_problems(view, chapter):
    """What fails a chapter: raw markup, unresolved references (an {eq} to another chapter's
    equation among them), links that read a file name instead of a chapter's title, and code
    that the website hides but JupyterLab would show unfolded, solutions included."""
    return [
        *lab_checks.markup_problems(view),
        *lab_checks.file_name_links(view),
        *lab_checks.unfolded_code(view),
    ]


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory, book_copy):
    """A copy of what the notebooks need: book/ and the modules they import."""
    return book_copy(tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="module")
def reader(browser, lab_root):
    """One JupyterLab server and one page that opens notebooks one after another."""
    with lab_checks.running_lab(lab_root) as lab:
        context = browser.new_context(viewport=site_checks.DESKTOP)
        reader = lab_checks.Reader(context, lab)
        try:
            yield reader
        finally:
            reader.close()
            context.close()


@pytest.fixture(scope="module")
def views(reader, lab_root):
    """views(name): what the notebook book/name showed, read once."""
    cache = {}

    def read(name, then=None):
        if name not in cache:
            cache[name] = reader.read(lab_root / "book" / name, f"book/{name}", then)
        return cache[name]

    return read


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_reads_as_on_the_website(views, chapter):
    view = views(chapter)
    notebook = json.loads((ROOT / "book" / chapter).read_text(encoding="utf-8"))
    kernel = notebook["metadata"]["kernelspec"]["name"]
    assert view.kernels == [kernel], f"opening it should start one {kernel} kernel"
    assert_none(chapter_problems(view, chapter))


# --- The checks checked ------------------------------------------------------------------------
# Planted in a copy of chapter 2, one new markdown cell each: (what the problem says, the cell).
# Each must fail the chapter test (chapter_problems).
PLANTS = {
    "raw role": ("a raw role", "The book's step ends at {eval} `ch2_book_w10`."),
    "myst-nb glue": (
        "a glue key instead of its value",
        "Left over from myst-nb: {glue:text}`ch2_book_w10:.4f`.",
    ),
    "eval without value": (
        "shows its name, not its value",
        "A value never stored: {eval}`ch2_never_stored`.",
    ),
    "eval with error": (
        "shows an error, not a value",
        "A failed value: {eval}`ch2_failed`.",
    ),
    "raw directive": (
        "a raw directive",
        "Text :::{note} inside a paragraph ::: stays raw.",
    ),
    "raw label": ("a raw label", "A label inside a paragraph (eq-ch2-planted)= shows."),
    "TeX": ("maths left as TeX", "Escaped maths \\(x^2\\) is shown as text."),
    "unfolded solution": (
        "a folded part is open",
        ":::{admonition} Solution\n:class: dropdown\n:open:\n\nShown at once.\n:::",
    ),
    "missing label": (
        "Cross Reference Not Found: eq-ch2-missing",
        "An equation that does not exist: {eq}`eq-ch2-missing`.",
    ),
    "unknown directive": (
        "a directive jupyterlab-myst does not know",
        "```{glue:figure} key\n```",
    ),
    "file-name link": (
        "a link reads '07_mse_loss'",
        "See {doc}`07_mse_loss` for the loss.",
    ),
    "label of another chapter": (
        "Cross Reference Not Found: eq-ch6-linear",
        "The linear step {eq}`eq-ch6-linear` lives in another notebook.",
    ),
}
PLANTED = "02_constants_planted.ipynb"
# And a kernel that runs code while the copy is open.
RUN_CODE = """async () => {
  const notebook = window.labChecksNotebook;
  await notebook.sessionContext.ready;
  await notebook.sessionContext.session.kernel.requestExecute({code: 'planted = 1'}).done;
}"""


@pytest.fixture(scope="module")
def planted(views, lab_root):
    """A copy of chapter 2 with one planted cell per problem; returns (view, cell number by name)."""
    notebook = json.loads((lab_root / "book" / "02_constants.ipynb").read_text())
    numbers = {}
    for name, (_, source) in PLANTS.items():
        cell = {
            "cell_type": "markdown",
            "id": f"planted-{len(numbers)}",
            "metadata": {},
        }
        cell["source"] = source
        if name == "eval with error":
            cell["metadata"]["user_expressions"] = [
                {
                    "expression": "ch2_failed",
                    "result": {
                        "status": "error",
                        "ename": "NameError",
                        "evalue": "name 'ch2_failed' is not defined",
                        "traceback": [],
                    },
                }
            ]
        notebook["cells"].append(cell)
        numbers[name] = len(notebook["cells"])
    (lab_root / "book" / PLANTED).write_text(json.dumps(notebook))
    return views(PLANTED, then=RUN_CODE), numbers


def test_planted_notebook_is_otherwise_clean(planted):
    """The copy's own cells pass: each planted problem below is caught for itself."""
    view, numbers = planted
    cells = {f"cell {n}:" for n in numbers.values()}
    assert_none(
        [
            p
            for p in chapter_problems(view, PLANTED)
            if not any(c in p for c in cells) and "a cell ran" not in p
        ]
    )


def test_planted_run_is_caught(planted):
    """Code run in the notebook's kernel, by any client, while it is open."""
    view, _ = planted
    ran = f"{view.path}: a cell ran, but nothing may run: 'planted = 1'"
    assert ran in chapter_problems(view, PLANTED)


@pytest.mark.parametrize("name", PLANTS)
def test_planted_problem_is_caught(planted, name):
    view, numbers = planted
    expected, _ = PLANTS[name]
    where = f"{view.path}, cell {numbers[name]}:"
    found = [p for p in chapter_problems(view, PLANTED) if p.startswith(where)]
    assert any(expected in p for p in found), (
        f"planted {name!r} not caught as {expected!r}; found: {found}"
    )
