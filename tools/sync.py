"""Write every committed file that a tool derives from other files: `make sync`.

The files, and what writes each, are listed in tools/derived_files.toml (data: file, optional
markers, generator, what it is). This tool writes each one, or the part between its markers, from
its generator, and only if it changed; with `--check` it writes nothing and lists the stale ones.
tests/test_derived_files.py fails, naming `make sync`, while any is stale.

Usage, from the repository root:
    .venv/bin/python tools/sync.py          # write what is stale (`make sync`)
    .venv/bin/python tools/sync.py --check  # list what is stale; exit 1 if any is
"""

import argparse
import importlib
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "tools/derived_files.toml"


@dataclass(frozen=True)
class Derived:
    """One entry of the registry (see tools/derived_files.toml)."""

    file: str
    generator: str
    what: str
    between: tuple = ()


def registry(root=ROOT):
    """The entries of `root`/tools/derived_files.toml, in order."""
    entries = tomllib.loads((Path(root) / REGISTRY).read_text("utf-8"))["derived"]
    return [
        Derived(**{**entry, "between": tuple(entry.get("between", ()))})
        for entry in entries
    ]


def generated(entry):
    """The text ``entry``'s generator returns now."""
    module, function = entry.generator.split(":")
    return getattr(importlib.import_module(module), function)()


def fresh(entry, root=ROOT):
    """The whole file of ``entry`` as `make sync` writes it: the generated text, or the current
    file with the generated text between its markers (a blank line on each side).

    Raises ValueError if the file lacks a marker, naming both."""
    text = generated(entry)
    if not entry.between:
        return text
    current = (Path(root) / entry.file).read_text("utf-8")
    start, end = entry.between
    if start not in current or end not in current.split(start, 1)[1]:
        raise ValueError(
            f"{entry.file} needs the line {start} and, below it, {end}: {entry.generator} "
            "writes between them"
        )
    before, rest = current.split(start, 1)
    after = rest.split(end, 1)[1]
    return f"{before}{start}\n\n{text.strip()}\n\n{end}{after}"


def stale(root=ROOT):
    """The entries whose file differs from what `make sync` would write (a missing file too)."""
    return [
        entry
        for entry in registry(root)
        if not (Path(root) / entry.file).is_file()
        or (Path(root) / entry.file).read_text("utf-8") != fresh(entry, root)
    ]


def sync(root=ROOT):
    """Write each stale entry's file; returns the entries written."""
    written = stale(root)
    for entry in written:
        path = Path(root) / entry.file
        path.write_text(fresh(entry, root), encoding="utf-8")
    return written


def main(arguments=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any is stale"
    )
    options = parser.parse_args(arguments)
    if options.check:
        out_of_date = stale(root)
        for entry in out_of_date:
            print(f"{entry.file} is stale ({entry.what}): run `make sync`")
        return 1 if out_of_date else 0
    written = sync(root)
    for entry in written:
        print(f"wrote {entry.file} ({entry.generator})")
    if not written:
        print(f"every file of {REGISTRY} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
