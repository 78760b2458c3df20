"""Dependencies in one place: pyproject.toml declares every package the repository's code imports,
each in the extra that needs it; requirements.txt locks exactly those and what they depend on; and
what a reader installs (_ext/dependencies.py) covers every import of the notebooks and their
modules. What they depend on is read from the installed packages' metadata (.venv is installed from
the lock)."""

import ast
import importlib.metadata
import json
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import dependencies
import notebook_bundle

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("notebooks", "reading", "book", "test", "student", "teach")


def installs(requirements):
    """The normalized names of the distributions ``requirements`` install, with all they need
    (their requested extras followed), as this environment's metadata says."""
    seen, todo = set(), [(r.name, frozenset(r.extras)) for r in requirements]
    while todo:
        name, extras = todo.pop()
        name = dependencies.normalize(name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for line in importlib.metadata.requires(name) or []:
            needed = Requirement(line)
            environments = [{"extra": extra} for extra in ("", *extras)]
            if needed.marker is None or any(map(needed.marker.evaluate, environments)):
                todo.append((needed.name, frozenset(needed.extras)))
    return {name for name, _ in seen}


def imports_of(source):
    """Top-level names of the modules Python ``source`` imports, except those imported in a `try`
    whose ImportError is handled (optional ones); IPython magics and shell lines skipped."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    tree = ast.parse(code)
    optional = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.Try)
        and any(
            isinstance(h.type, ast.Name)
            and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in block.handlers
        )
        for statement in block.body
        for node in ast.walk(statement)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def code_of(path):
    """The Python of a .py file, or of a notebook's code cells."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text("utf-8"))["cells"]
        return "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        )
    return path.read_text("utf-8")


def not_installed(paths, requirements):
    """Each import of ``paths`` that is neither the standard library, a module of the repository,
    nor provided by what ``requirements`` install: one sentence each."""
    own = {path.stem for path in ROOT.glob("*.py")} | {
        path.stem
        for folder in ("book", "tools", "_ext", "tests", "benchmarks", "classroom")
        for path in (ROOT / folder).glob("*.py")
    }
    installed = installs(requirements)
    providers = importlib.metadata.packages_distributions()
    missing = []
    for path in paths:
        for module in sorted(
            imports_of(code_of(path)) - own - set(sys.stdlib_module_names)
        ):
            found = {dependencies.normalize(d) for d in providers.get(module, [])}
            if not found & installed:
                missing.append(
                    f"{path.relative_to(ROOT)}: import {module} ({sorted(found) or '?'})"
                )
    return missing


def test_the_lock_pins_every_declared_package_within_its_bounds():
    declared = dependencies.declared(EXTRAS)
    assert len(dependencies.pinned(EXTRAS)) == len(declared)


def test_the_lock_holds_only_what_pyproject_declares_and_its_needs():
    """A package dropped from pyproject.toml must leave requirements.txt too (`make freeze` after
    uninstalling it)."""
    extra = set(dependencies.locked()) - installs(dependencies.declared(EXTRAS))
    assert extra == set(), (
        f"requirements.txt pins what nothing declared needs: {sorted(extra)}"
    )


def test_a_reader_installs_every_module_the_notebooks_import():
    """The notebooks and the modules shipped with them (the zip, the student edition, Binder) need
    only pyproject.toml's dependencies and its extra `notebooks` (JupyterLab is for reading)."""
    paths = [
        ROOT / page for page in notebook_bundle.toc_files() if page.endswith(".ipynb")
    ]
    paths += [
        ROOT / module
        for module in notebook_bundle.module_files()
        if module.endswith(".py")
    ]
    assert not_installed(paths, dependencies.declared(("notebooks",))) == []


def test_every_import_of_the_repository_is_declared():
    folders = ["tools", "_ext", "tests", "benchmarks", "classroom"]
    paths = [
        path for folder in folders for path in sorted((ROOT / folder).glob("*.py"))
    ]
    assert not_installed(paths, dependencies.declared(EXTRAS)) == []


# --- The errors that keep the two files together ------------------------------------------------


def planted(tmp_path, lock, optional='notebooks = ["matplotlib", "jupyterlab<4.5"]'):
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\ndependencies = ["numpy"]\n[project.optional-dependencies]\n{optional}\n'
    )
    (tmp_path / "requirements.txt").write_text(lock)
    return tmp_path


def test_a_package_the_lock_lacks_is_named(tmp_path):
    root = planted(tmp_path, "numpy==2.4.6\njupyterlab==4.4.10\n")
    with pytest.raises(
        ValueError, match="requirements.txt pins no version of matplotlib"
    ):
        dependencies.requirements_text(("notebooks",), root)


def test_a_locked_version_outside_its_bound_is_named(tmp_path):
    root = planted(tmp_path, "numpy==2.4.6\nmatplotlib==3.11.2\nJupyterLab==4.5.0\n")
    with pytest.raises(
        ValueError,
        match=r"pins jupyterlab 4.5.0, outside pyproject.toml's jupyterlab<4.5",
    ):
        dependencies.pinned(("notebooks",), root)


def test_an_unknown_extra_is_named(tmp_path):
    root = planted(tmp_path, "numpy==2.4.6\n")
    with pytest.raises(
        ValueError,
        match="pyproject.toml has no extra reading; its extras are notebooks",
    ):
        dependencies.declared(("notebooks", "reading"), root)


def test_the_requirements_pin_the_locked_versions_in_declared_order(tmp_path):
    root = planted(tmp_path, "jupyterlab==4.4.10\nmatplotlib==3.11.2\nnumpy==2.4.6\n")
    lines = dependencies.requirements_text(("notebooks",), root).splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "numpy==2.4.6",
        "matplotlib==3.11.2",
        "jupyterlab==4.4.10",
    ]
