"""A pytest plugin that counts how often each chapter is executed in one test run, and says so.

Executing notebooks is most of the cost of `make test`. Whatever executes chapters records it here
(`record(names, purpose)`): the website's build (tests/conftest.py), nbval (counted by this plugin,
once per notebook, with the environment and OpenBLAS kernel its kernel runs in), the autograder
(tests/test_classroom.py). At the end, pytest's summary prints one line per chapter.

With ``--every-chapter-in-nbval`` (the Makefile's test command), the run fails unless nbval ran
every chapter of the book in an environment other than the tests' own, under OpenBLAS's generic
kernel (the reader's kernel of tools/fresh_environment.py), so a test command that forgets the
notebooks, or runs them in .venv, cannot pass.

Loaded for every pytest run by ``-p executions`` in pyproject.toml's addopts. Under pytest-xdist
(`make test` runs in parallel) each worker counts its own executions and the controller adds them
up before it checks and prints them.
"""

import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTIONS = defaultdict(list)  # notebook name -> purposes, one per execution
# notebook name -> (environment, OpenBLAS kernel) of each of nbval's runs
NBVAL_KERNELS = defaultdict(list)
# Asked of nbval's kernel when it starts a notebook: where it runs, and with which OpenBLAS kernel.
KERNEL_FACTS = {
    "prefix": "__import__('sys').prefix",
    "blas": "__import__('os').environ.get('OPENBLAS_CORETYPE', 'native')",
}


def record(names, purpose):
    """Note one execution of each notebook in ``names`` (file names such as 07_mse_loss.ipynb)."""
    for name in names:
        EXECUTIONS[Path(name).name].append(purpose)


def chapters():
    return sorted(path.name for path in (ROOT / "book").glob("*.ipynb"))


def pytest_addoption(parser):
    parser.addoption(
        "--every-chapter-in-nbval",
        action="store_true",
        help="fail the run unless nbval executed every chapter of book/",
    )


def kernel_facts(kernel):
    """``{fact: text}`` for KERNEL_FACTS, asked of a running nbval kernel."""
    msg_id = kernel.kc.execute("", silent=True, user_expressions=KERNEL_FACTS)
    while True:
        reply = kernel.get_message(stream="shell", timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    kernel.await_idle(msg_id, 60)
    results = reply["content"].get("user_expressions", {})
    return {
        fact: results.get(fact, {}).get("data", {}).get("text/plain", "?").strip("'")
        for fact in KERNEL_FACTS
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """nbval starts a notebook's kernel in the setup of its first cell: count the notebook then."""
    first = type(item).__name__ == "IPyNbCell" and item.parent.kernel is None
    result = yield
    if first and item.parent.kernel is not None:
        facts = kernel_facts(item.parent.kernel)
        prefix = Path(facts["prefix"])
        where = prefix.relative_to(ROOT) if prefix.is_relative_to(ROOT) else prefix
        name = item.parent.path.name
        record([name], f"nbval ({where}, OpenBLAS {facts['blas']})")
        NBVAL_KERNELS[name].append((facts["prefix"], facts["blas"]))
    return result


def pytest_sessionfinish(session):
    """In a pytest-xdist worker, hand the counts to the controller; elsewhere, check them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["executions"] = dict(EXECUTIONS)
        workeroutput["nbval_kernels"] = dict(NBVAL_KERNELS)
        return
    if not session.config.getoption("--every-chapter-in-nbval", default=False):
        return
    missing = [
        name
        for name in chapters()
        if not any(
            prefix != sys.prefix and blas == "Prescott"
            for prefix, blas in NBVAL_KERNELS.get(name, [])
        )
    ]
    if missing:
        session.config.stash[MISSING] = missing
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


MISSING = pytest.StashKey[list]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: add up what a worker counted."""
    output = getattr(node, "workeroutput", {})
    for name, purposes in output.get("executions", {}).items():
        EXECUTIONS[name].extend(purposes)
    for name, kernels in output.get("nbval_kernels", {}).items():
        NBVAL_KERNELS[name].extend(tuple(kernel) for kernel in kernels)


def pytest_terminal_summary(terminalreporter, config):
    if EXECUTIONS:
        terminalreporter.write_sep("-", "executions per notebook in this run")
        for name, purposes in sorted(EXECUTIONS.items()):
            counts = {p: purposes.count(p) for p in dict.fromkeys(purposes)}
            detail = "; ".join(f"{p} x{count}" for p, count in counts.items())
            terminalreporter.write_line(f"{len(purposes):>3}  {name:<28} {detail}")
    missing = config.stash.get(MISSING, [])
    if missing:
        terminalreporter.write_sep("!", "nbval did not run every chapter")
        terminalreporter.write_line(
            "--every-chapter-in-nbval: not run by nbval in a new environment under "
            "OPENBLAS_CORETYPE=Prescott (the reader's kernel): " + ", ".join(missing)
        )
