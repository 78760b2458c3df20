"""Run nbgrader's own command lines inside this Python process, as a teacher or a student would type
them (``nbgrader autograde 07_mse_loss``), without paying nbgrader's start-up each time.

Importing nbgrader takes seconds; a class of thirty students fetching, submitting and fetching
feedback is a hundred commands. ``run(["autograde", "07_mse_loss"], cwd=course)`` parses the same
arguments with nbgrader's own application and runs it here, as nbgrader's test suite does
(nbgrader.tests.run_nbgrader), in the folder ``cwd`` (nbgrader reads nbgrader_config.py from the
current folder) with the environment ``env`` (HOME, JUPYTER_CONFIG_PATH...) for that command only.

``user="alice"`` (root only) runs the command in a forked child that has become that account
first (its uid, gid and no other groups): what a student's own shell would do, with the files she
may and may not read.
"""

import contextlib
import dataclasses
import io
import logging
import os
import pwd
import sys
import traceback
from pathlib import Path

from jupyter_core.application import NoStart
from nbgrader.apps.nbgraderapp import NbGraderApp
from nbgrader.validator import Validator


@dataclasses.dataclass
class Result:
    code: int  # the exit code `nbgrader ...` would have given
    log: str  # what it logged (and printed)


@contextlib.contextmanager
def _inside(cwd, env):
    """Work in ``cwd`` with ``env`` laid over os.environ (a None value removes a variable)."""
    kept_env, kept_cwd = dict(os.environ), os.getcwd()
    for name, value in (env or {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(kept_cwd)
        os.environ.clear()
        os.environ.update(kept_env)


def _with_our_bin(env):
    """``env`` with this environment's bin/ first in PATH: nbgrader runs its `alembic` command."""
    ours = str(Path(sys.executable).parent)
    path = (env or {}).get("PATH") or os.environ.get("PATH", "")
    if ours not in path.split(os.pathsep):
        path = os.pathsep.join([ours, path])
    return {**(env or {}), "PATH": path}


def _mute(app):
    """Silence the handlers an app and its subcommand log to (the terminal) while it runs here:
    its log goes to the Result instead. Returns (handler, level) pairs to restore."""
    muted = []
    while app is not None:
        for handler in app.log.handlers:
            muted.append((handler, handler.level))
            handler.setLevel(logging.CRITICAL + 1)
        app = getattr(app, "subapp", None)
    return muted


def _run_here(arguments, cwd, env):
    env = _with_our_bin(env)
    buffer, kept_stream = io.StringIO(), Validator.stream
    Validator.stream = buffer  # `nbgrader validate` writes its verdict there
    with _inside(cwd, env), contextlib.redirect_stdout(buffer):
        app = NbGraderApp.instance()
        code = 0
        muted = []
        try:
            app.initialize([str(a) for a in arguments])
            muted = _mute(app)
            app.init_logging(logging.StreamHandler, [buffer], color=False, subapps=True)
            app.start()
        except NoStart:
            pass
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except (
            Exception
        ):  # an nbgrader failure is a failed command, as on the command line
            buffer.write(traceback.format_exc())
            code = 1
        finally:
            app.reset()
            for handler, level in muted:
                handler.setLevel(level)
            Validator.stream = kept_stream
    return Result(code, buffer.getvalue())


def _run_as(user, arguments, cwd, env):
    """Fork; the child becomes ``user`` and runs the command; its result comes back by a pipe."""
    account = pwd.getpwnam(user)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
            env = {"HOME": account.pw_dir, "USER": user, "LOGNAME": user, **(env or {})}
            result = _run_here(arguments, cwd, env)
            os.write(write_end, f"{result.code}\n{result.log}".encode())
            status = 0
        except BaseException:
            os.write(write_end, f"1\n{traceback.format_exc()}".encode())
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read().decode()
    os.waitpid(child, 0)
    code, _, log = output.partition("\n")
    return Result(int(code or 1), log)


def run(arguments, cwd, env=None, user=None, check=True):
    """Run ``nbgrader ARGUMENTS`` in ``cwd``; return its Result. With ``check``, raise RuntimeError
    (with what it logged) unless it exits 0."""
    sys.stdout.flush()
    if user is None:
        result = _run_here(arguments, cwd, env)
    else:
        result = _run_as(user, arguments, cwd, env)
    if check and result.code != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(map(str, arguments))} failed (exit {result.code}) in {cwd}:\n"
            + result.log[-4000:]
        )
    return result


def main(argv):
    """``python nbgrader_commands.py '[["fetch_assignment", "07_mse_loss"], ...]'``: run each
    command in the current folder (stopping at the first that fails); print their Results as
    JSON. For a test that runs several commands as another account in one process."""
    import json

    results = []
    for arguments in json.loads(argv[0]):
        result = run(arguments, cwd=os.getcwd(), check=False)
        results.append(dataclasses.asdict(result))
        if result.code != 0:
            break
    print(json.dumps(results))
    return 0 if all(r["code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
