"""What the book depends on: declared in pyproject.toml, pinned by requirements.txt.

pyproject.toml declares the packages, each where it is needed: `dependencies` (numpy, for
mlp_core), then the extras `notebooks`, `reading`, `book`, `test` and `teach` (the README's
"Dependencies" says what each is for). requirements.txt is the lock file: the exact version of
every package in .venv (`make freeze`). What a reader installs, the project's dependencies and the
extras in READER, is written by one function, `requirements_text`, for the three places that hand
it out: the zip of notebooks (_ext/notebook_bundle.py), the student edition
(tools/student_edition.py) and Binder (binder/requirements.txt, written by `make sync`).
"""

import re
import textwrap
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
# What a reader or a student needs: running the chapters, and reading them as on the website.
READER = ("notebooks", "reading")


def normalize(name):
    """A package name as pip compares them: `jupyterlab_myst` and `JupyterLab-MyST` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extras=READER, root=ROOT):
    """The Requirements of pyproject.toml's `dependencies`, then of each extra in ``extras``, in
    that order, each package once. Raises ValueError naming an extra pyproject.toml lacks."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text("utf-8"))[
        "project"
    ]
    groups = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in groups]
    if unknown:
        raise ValueError(
            f"pyproject.toml has no extra {', '.join(unknown)}; its extras are "
            f"{', '.join(groups)}"
        )
    lines = project.get("dependencies", []) + [
        line for extra in extras for line in groups[extra]
    ]
    requirements = {}
    for line in lines:
        requirement = Requirement(line)
        requirements.setdefault(normalize(requirement.name), requirement)
    return list(requirements.values())


def locked(root=ROOT):
    """{normalized name: version} of every `name==version` line of requirements.txt."""
    text = (Path(root) / "requirements.txt").read_text("utf-8")
    found = re.findall(
        r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)", text, re.M
    )
    return {normalize(name): version for name, version in found}


def pinned(extras=READER, root=ROOT):
    """``[(name, version)]``: each package of `declared(extras)` with its version in the lock.

    Raises ValueError naming each package the lock does not pin, or pins at a version that
    pyproject.toml does not allow, so the two files cannot drift apart.
    """
    versions = locked(root)
    pins, problems = [], []
    for requirement in declared(extras, root):
        version = versions.get(normalize(requirement.name))
        if version is None:
            problems.append(f"requirements.txt pins no version of {requirement.name}")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(
                f"requirements.txt pins {requirement.name} {version}, outside "
                f"pyproject.toml's {requirement}"
            )
        else:
            pins.append((requirement.name, version))
    if problems:
        raise ValueError(
            "; ".join(problems)
            + " (install what pyproject.toml declares into .venv, then "
            "`make freeze`)"
        )
    return pins


def exact(name, version):
    """A requirement line that installs exactly the locked version."""
    return f"{name}=={version}"


def requirements_text(extras=READER, root=ROOT, pin=exact):
    """A requirements.txt of the project's dependencies and ``extras``, one line per package made
    by ``pin(name, locked version)``, under a comment saying where they come from."""
    named = " and ".join([", ".join(extras[:-1]), extras[-1]] if extras[1:] else extras)
    header = textwrap.fill(
        "What the notebooks of Backprop from Scratch need, at the versions the book is built "
        f"and tested with: pyproject.toml's dependencies and its extras {named}, pinned as in "
        "the repository's requirements.txt (written by _ext/dependencies.py).",
        width=98,
        initial_indent="# ",
        subsequent_indent="# ",
    )
    return (
        header
        + "\n"
        + "".join(pin(*package) + "\n" for package in pinned(extras, root))
    )
