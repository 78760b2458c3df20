"""Rebuild every page when the code the chapters run has changed.

Sphinx rebuilds a page when its own source changes. A chapter's outputs also depend on the Python
it imports (mlp_core.py, _mlp_checks.py, the helpers and data in book/), which Sphinx does not
track, so an incremental build after editing mlp_core.py would keep pages computed with the old
code. This extension keeps a fingerprint of that code in the build environment and, when it
differs, marks every page as changed: `make book` and the tests' build then execute every chapter
again, and only then. Loaded by `sphinx: local_extensions` in _config.yml.
"""

import hashlib
from pathlib import Path

# The code and data the chapters' cells run, relative to the book's root (the repository).
CODE = ["mlp_core.py", "_mlp_checks.py", "book/*.py", "book/js/*", "book/data/**/*"]


def fingerprint(root):
    """sha256 over the paths and contents of every file in CODE under ``root``."""
    digest = hashlib.sha256()
    files = sorted(
        {p for pattern in CODE for p in Path(root).glob(pattern) if p.is_file()}
    )
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def outdated_when_code_changed(app, env, added, changed, removed):
    """Sphinx's env-get-outdated: every page, if the code's fingerprint changed."""
    now = fingerprint(app.srcdir)
    before = getattr(env, "book_code_fingerprint", None)
    env.book_code_fingerprint = now
    if before is not None and before != now:
        return sorted(env.found_docs)
    return []


def setup(app):
    app.connect("env-get-outdated", outdated_when_code_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
