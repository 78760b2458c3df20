"""The course on a real multi-user machine: a hub's Python environment, students' accounts, and a
grading kernel that reaches nothing of the course.

- The hub: a Python environment that already has a newer JupyterLab (and the newest ipykernel)
  gets the student edition's requirements.txt; nothing is downgraded, and nbgrader's student
  extension is there. (ipykernel has no version newer than the book's on PyPI yet: that it would
  keep one is what the requirements' lower bounds promise, checked in
  tests/test_student_edition.py.) It is made from Debian's /usr/bin/python3 where there is one,
  since the accounts below must be able to run it.
- The accounts (root only, as on CI: the test creates them and removes them): students bfs-alice
  and bfs-bob fetch and submit with their own accounts through an exchange set up as the
  teacher's guide says; bob cannot list or read alice's submission, the course's source or the
  gradebook, nor move the course's exchange folder, and what he hands in under alice's name is not
  collected. The teacher (root) autogrades alice's submission with the confined kernel
  (classroom/confined_kernel.py) as bfs-grader: her notebook's attempt to read the gradebook, the
  source and bob's home gets PermissionError, and her answer is graded all the same.

One execution of chapter 7 (alice's submission), counted as "class: ..." in pytest's summary."""

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

import confined_kernel
import dependencies
import executions
import fresh_environment
import nbgrader_commands

ROOT = Path(__file__).resolve().parent.parent
CLASS = "07_mse_loss"
COURSE_ID = "backprop-from-scratch"
ALICE, BOB, GRADER = "bfs-alice", "bfs-bob", "bfs-grader"
SYSTEM_PYTHON = Path("/usr/bin/python3")
RIGHT = "    n_samples = Y.shape[1]\n    return float(np.sum((Y - Y_hat) ** 2) / (2 * n_samples))"
STUB = '    # YOUR CODE HERE\n    raise NotImplementedError("not answered yet")'


def versions(python):
    """``{name: version}`` of every distribution in the environment of ``python``."""
    code = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))"
    )
    found = json.loads(fresh_environment.run([python, "-c", code]).stdout)
    return {dependencies.normalize(name): version for name, version in found.items()}


def newer(a, b):
    from packaging.version import Version

    return Version(a) > Version(b)


@pytest.fixture(scope="module")
def hub(released_course):
    """A hub's environment, in a folder every account can read: ``(folder, python, before,
    after)`` with the versions before and after the student edition's requirements."""
    folder = Path(tempfile.mkdtemp(prefix="bfs-hub-"))
    folder.chmod(0o755)
    base = SYSTEM_PYTHON if SYSTEM_PYTHON.exists() else Path(sys.executable)
    venv = folder / "venv"
    fresh_environment.run(
        [fresh_environment.uv(), "venv", "--quiet", "--python", base, venv]
    )
    python = venv / "bin" / "python"
    install = [fresh_environment.uv(), "pip", "install", "--quiet", "--python", python]
    fresh_environment.run([*install, "jupyterlab>4.4.10", "ipykernel>=7.4"])
    before = versions(python)
    edition = released_course[0]
    fresh_environment.run([*install, "-r", edition / "requirements.txt"])
    after = versions(python)
    yield folder, python, before, after
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.notebooks
def test_the_students_requirements_install_into_a_hub_without_downgrading_it(hub):
    folder, python, before, after = hub
    assert newer(before["jupyterlab"], "4.4.10")  # the hub's own, newer than the book's
    for name, version in before.items():
        assert after[name] == version, f"{name} {version} became {after[name]}"
    assert "nbgrader" in after and "numpy" in after and "jupyterlab-myst" in after
    extensions = subprocess.run(
        [python.parent / "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
    )
    listed = extensions.stdout + extensions.stderr
    # nbgrader's student extension (the Assignments tab) is enabled and OK. (jupyterlab-myst 2.7 is
    # disabled under JupyterLab 4.5 and later, as the teacher's guide says.)
    assert re.search(r"@jupyter/nbgrader v\S+ \S*enabled\S* \S*OK", listed), listed


# ---------------------------------------------------------------------------------------------
# Real accounts.


def account(name, home=None):
    """Create the account ``name`` (with ``home``, mode 700, or none); return its pwd entry."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if home is None:
        command = [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
        ]
    else:
        command = [
            "useradd",
            "--create-home",
            "--home-dir",
            str(home),
            "--shell",
            "/bin/sh",
        ]
    subprocess.run([*command, name], check=True, capture_output=True)
    if home is not None:
        Path(home).chmod(0o700)
    return pwd.getpwnam(name)


def as_user(entry, command, cwd, env):
    """Run ``command`` as the account ``entry`` (no other groups), as its own shell would."""
    environment = {
        "HOME": entry.pw_dir,
        "USER": entry.pw_name,
        "PATH": "/usr/bin:/bin",
        **env,
    }
    return subprocess.run(
        command,
        cwd=cwd,
        env=environment,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=600,
    )


PROBE = """
import glob, json, os, sys
found = {}
def probe(name, action):
    try:
        result = action()
        found[name] = "read" if result is not None else "done"
    except PermissionError:
        found[name] = "PermissionError"
    except OSError as error:
        found[name] = type(error).__name__
paths = json.loads(sys.argv[1])
probe("list inbound", lambda: os.listdir(paths["inbound"]))
probe("find alice's submission", lambda: glob.glob(paths["inbound"] + "/bfs-alice+*") or None)
probe("list feedback", lambda: os.listdir(paths["feedback"]))
probe("list course", lambda: os.listdir(paths["course"]))
probe("read gradebook", lambda: open(paths["gradebook"], "rb").read(16))
probe("read source", lambda: open(paths["source"], "rb").read(16))
probe("list submitted", lambda: os.listdir(paths["submitted"]))
probe("read other home", lambda: os.listdir(paths["home"]))
probe("move course exchange", lambda: os.rename(paths["exchange course"], paths["exchange course"] + "-x"))
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def machine(hub, released_course, tmp_path_factory):
    """The course, its exchange and three accounts, all set up as the guide says."""
    if os.geteuid() != 0:
        pytest.skip("real accounts need root (useradd); CI runs as root")
    folder, python, _, _ = hub
    if not os.access(python, os.X_OK) or str(python.resolve()).startswith("/root"):
        pytest.skip(f"no Python every account can run: {python.resolve()}")
    course = folder / "course"
    shutil.copytree(released_course[1], course)
    course.chmod(0o700)
    exchange = folder / "exchange"
    exchange.mkdir(mode=0o1777)
    exchange.chmod(0o1777)
    site = folder / "etc-jupyter"
    site.mkdir()
    (site / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
    )
    (folder / "home").mkdir()
    users = {name: account(name, folder / "home" / name) for name in (ALICE, BOB)}
    users[GRADER] = account(GRADER)
    env = {"JUPYTER_CONFIG_PATH": str(site)}
    yield course, exchange, python, users, env
    for name in (ALICE, BOB, GRADER):
        subprocess.run(["userdel", name], capture_output=True)


def nbgrader_as(entry, python, env, *commands):
    """Run nbgrader commands as ``entry`` in their home, in one process of the hub's Python."""
    script = ROOT / "tools" / "nbgrader_commands.py"
    result = as_user(
        entry,
        [python, script, json.dumps([list(map(str, c)) for c in commands])],
        cwd=entry.pw_dir,
        env={**env, "PYTHONPATH": str(ROOT / "tools")},
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise AssertionError(result.stdout + result.stderr) from None


@pytest.fixture(scope="module")
def graded(machine, tmp_path_factory):
    course, exchange, python, users, env = machine
    alice, bob = users[ALICE], users[BOB]
    teacher = lambda *a, **k: nbgrader_commands.run(a, cwd=course, env=env, **k)  # noqa: E731
    teacher("release_assignment", CLASS)

    fetched = nbgrader_as(alice, python, env, ["fetch_assignment", CLASS])
    assert fetched[-1]["code"] == 0, fetched
    path = Path(alice.pw_dir) / CLASS / f"{CLASS}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    solution = next(c for c in notebook.cells if STUB in c.source)
    solution.source = solution.source.replace(STUB, RIGHT)
    paths = {
        "gradebook": str(course / "gradebook.db"),
        "source": str(course / "source" / CLASS / f"{CLASS}.ipynb"),
        "submitted": str(course / "submitted"),
        "home": bob.pw_dir,
    }
    snoop = nbformat.v4.new_code_cell(
        "import json, os, pwd\n"
        f"paths = {paths!r}\n"
        "seen = {'whoami': pwd.getpwuid(os.getuid()).pw_name}\n"
        "for name, path in paths.items():\n"
        "    try:\n"
        "        os.listdir(path) if os.path.isdir(path) else open(path, 'rb').read(16)\n"
        "        seen[name] = 'read'\n"
        "    except OSError as error:\n"
        "        seen[name] = type(error).__name__\n"
        "print('SNOOP', json.dumps(seen))"
    )
    notebook.cells.insert(notebook.cells.index(solution), snoop)
    nbformat.write(notebook, path)
    submitted = nbgrader_as(alice, python, env, ["submit", CLASS])
    assert submitted[-1]["code"] == 0, submitted

    forged = nbgrader_as(
        bob,
        python,
        env,
        ["fetch_assignment", CLASS],
        ["submit", CLASS],
        ["submit", CLASS, f"--student={ALICE}"],  # handed in under alice's name
    )
    assert [r["code"] for r in forged] == [0, 0, 0], forged

    collected = teacher("collect", CLASS)
    kernels = tmp_path_factory.mktemp("kernels")
    confined_kernel.install(
        kernels, GRADER, str(python), env=fresh_environment.KERNEL_ENV
    )
    jupyter_path = os.pathsep.join([str(kernels), os.environ.get("JUPYTER_PATH", "")])
    graded = nbgrader_commands.run(
        [
            "autograde",
            CLASS,
            f"--student={ALICE}",
            f"--Execute.kernel_name={confined_kernel.NAME}",
            "--Execute.timeout=120",
        ],
        cwd=course,
        env={**env, "JUPYTER_PATH": jupyter_path},
    )
    executions.record([f"{CLASS}.ipynb"], "class: accounts (confined kernel)")
    teacher("generate_feedback", CLASS, f"--student={ALICE}")
    teacher("release_feedback", CLASS, f"--student={ALICE}")
    feedback = nbgrader_as(alice, python, env, ["fetch_feedback", CLASS])
    inbound = exchange / COURSE_ID / "inbound"
    probe_paths = {
        "inbound": str(inbound),
        "feedback": str(exchange / COURSE_ID / "feedback"),
        "course": str(course),
        "gradebook": paths["gradebook"],
        "source": paths["source"],
        "submitted": paths["submitted"],
        "home": alice.pw_dir,
        "exchange course": str(exchange / COURSE_ID),
    }
    probed = as_user(
        bob, [python, "-c", PROBE, json.dumps(probe_paths)], bob.pw_dir, {}
    )
    return {
        "collected": collected.log,
        "autograde": graded.log,
        "feedback": feedback,
        "bob": json.loads(probed.stdout),
        "course": course,
        "alice": alice,
    }


@pytest.mark.notebooks
def test_students_fetch_and_submit_with_their_own_accounts(graded):
    submission = graded["course"] / "submitted" / ALICE / CLASS / f"{CLASS}.ipynb"
    text = submission.read_text()
    assert (
        "SNOOP" in text and "n_samples = Y.shape[1]" in text
    )  # alice's own, not bob's
    assert (graded["course"] / "submitted" / BOB / CLASS).is_dir()
    assert f"claims to be by {ALICE} but belongs to {BOB}" in graded["collected"]
    assert graded["feedback"][-1]["code"] == 0
    pages = list((Path(graded["alice"].pw_dir) / CLASS / "feedback").glob("*/*.html"))
    assert len(pages) == 1


@pytest.mark.notebooks
def test_a_student_reads_nothing_that_is_not_theirs(graded):
    assert (
        graded["bob"]
        == {
            "list inbound": "PermissionError",
            "find alice's submission": "done",  # glob finds nothing in a folder it cannot list
            "list feedback": "PermissionError",
            "list course": "PermissionError",
            "read gradebook": "PermissionError",
            "read source": "PermissionError",
            "list submitted": "PermissionError",
            "read other home": "PermissionError",
            "move course exchange": "PermissionError",
        }
    )


@pytest.mark.notebooks
def test_the_graded_code_reaches_nothing_of_the_course(graded):
    notebook = nbformat.read(
        graded["course"] / "autograded" / ALICE / CLASS / f"{CLASS}.ipynb", as_version=4
    )
    printed = "".join(
        o.get("text", "") for c in notebook.cells for o in c.get("outputs", [])
    )
    seen = json.loads(printed.split("SNOOP ", 1)[1].splitlines()[0])
    assert seen == {
        "whoami": GRADER,
        "gradebook": "PermissionError",
        "source": "PermissionError",
        "submitted": "PermissionError",
        "home": "PermissionError",
    }
    from nbgrader.api import Gradebook

    with Gradebook(
        f"sqlite:///{graded['course'] / 'gradebook.db'}", COURSE_ID
    ) as gradebook:
        assert gradebook.find_grade("ch07-ex2-tests", CLASS, CLASS, ALICE).score == 2
