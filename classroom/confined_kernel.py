"""Start a grading kernel as an unprivileged account, in a private copy of the assignment's folder.

Autograding runs the students' code. Run as the teacher, that code can read the gradebook, the
source notebooks with their hidden tests and every other submission. This launcher (root only)
starts the kernel as another account, e.g. ``nbgrader-grader`` (no login, no groups), with its
working folder a fresh copy of the folder nbgrader grades in (the submission with the teacher's
helper modules) and its HOME there too. The teacher's course folder being private (mode 700), the
student's code then reaches nothing but that copy, what is world-readable, and the network (cut
that too with a container, as the teacher's guide says).

Installed as a kernel, e.g. by ``python confined_kernel.py install DEST --user nbgrader-grader
--python PYTHON``, which writes DEST/kernels/backprop-confined/kernel.json; then
``nbgrader autograde CH --Execute.kernel_name=backprop-confined`` (with DEST on JUPYTER_PATH).
The kernel's argv is this file, which copies, hands the copy to the account, and runs ipykernel
as that account until it exits, then deletes the copy. An interrupt (the per-cell time limit)
reaches the kernel: it shares this launcher's process group.
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

NAME = "backprop-confined"
# What the kernel keeps of the teacher's environment: nothing but these.
KEPT = (
    "PATH",
    "LANG",
    "LC_ALL",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_NUM_THREADS",
    "MPLBACKEND",
)


def _chown_tree(folder, account):
    for path in [folder, *Path(folder).rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)


def launch(user, python, connection_file, env=None):
    """Run ipykernel as ``user`` with ``python`` in a private copy of the current folder; return
    its exit code."""
    if os.geteuid() != 0:
        sys.exit(
            "confined_kernel.py must start as root to hand the kernel to another account; "
            "see the teacher's guide for sudo or a container instead"
        )
    account = pwd.getpwnam(user)
    home = Path(tempfile.mkdtemp(prefix="grading-"))
    try:
        work = home / "assignment"
        shutil.copytree(Path.cwd(), work, symlinks=False)
        connection = home / "kernel.json"
        shutil.copy(connection_file, connection)
        _chown_tree(home, account)
        os.chmod(home, 0o700)
        environment = {name: os.environ[name] for name in KEPT if name in os.environ}
        environment.update(env or {})
        environment.update(
            HOME=str(home), USER=user, LOGNAME=user, PYTHONNOUSERSITE="1"
        )
        kernel = subprocess.Popen(
            [python, "-m", "ipykernel_launcher", "-f", str(connection)],
            cwd=work,
            env=environment,
            user=account.pw_uid,
            group=account.pw_gid,
            extra_groups=[],
        )
        # An interrupt is for the kernel (it gets it too: same process group); a stop is passed on.
        signal.signal(signal.SIGINT, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: kernel.terminate())
        return kernel.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def install(dest, user, python, env=None):
    """Write the kernelspec NAME into ``dest``/kernels; return its folder."""
    folder = Path(dest) / "kernels" / NAME
    folder.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--user",
        user,
        "--python",
        python,
    ]
    for name, value in (env or {}).items():
        argv += ["--env", f"{name}={value}"]
    spec = {
        "argv": [*argv, "{connection_file}"],
        "display_name": f"Python 3 (as {user})",
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return folder


def main(argv):
    if argv[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="confined_kernel.py install")
        parser.add_argument("dest")
        parser.add_argument("--user", required=True)
        parser.add_argument("--python", required=True)
        options = parser.parse_args(argv[1:])
        print(install(options.dest, options.user, options.python))
        return 0
    parser = argparse.ArgumentParser(prog="confined_kernel.py")
    parser.add_argument("--user", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("connection_file")
    options = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in options.env)
    return launch(options.user, options.python, options.connection_file, env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
