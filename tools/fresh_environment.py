"""Run a folder of notebooks as a reader outside this repository would: in a new virtual
environment made from the folder's own requirements.txt alone, every notebook top to bottom.

Used by the tests of what the book hands out: the zip of notebooks (tests/test_bundle.py) and the
student edition (tests/test_student_edition.py).
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Runs inside the new environment: executes every notebook of a folder, in that folder, keeps the
# executed copies, and prints "ran NAME" for each; exits 1 with the failures after trying them all.
RUN_EVERY_NOTEBOOK = textwrap.dedent(
    """
    import re
    import sys
    from pathlib import Path

    import nbclient
    import nbformat

    folder, executed = Path(sys.argv[1]), Path(sys.argv[2])

    def run(notebook):
        client = nbclient.NotebookClient(
            notebook, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute()
        return notebook

    # The kernel the notebooks get is this new environment's, not another one on the machine.
    probe = run(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys; print(sys.prefix)")
    ]))
    kernel_prefix = probe.cells[0].outputs[0]["text"].strip()
    assert kernel_prefix == sys.prefix, (kernel_prefix, sys.prefix)

    failures = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nbformat.write(run(nbformat.read(path, as_version=4)), executed / path.name)
            print(f"ran {path.name}", flush=True)
        except Exception as error:  # CellExecutionError, a timeout, a dead kernel
            text = re.sub(r"\\x1b\\[[0-9;]*m", "", str(error))  # no terminal colours
            failures.append(f"{path.name}: {text[-3000:]}")
    print("\\n\\n".join(failures))
    sys.exit(1 if failures else 0)
    """
)


def run(command, timeout, **kwargs):
    """Run ``command``; fail with the end of its output unless it exits 0. Returns the result."""
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, **kwargs
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n"
        f"{result.stderr[-2000:]}\n{result.stdout[-8000:]}"
    )
    return result


def run_every_notebook(folder, workdir):
    """Make ``workdir``/venv from ``folder``/requirements.txt alone and run every notebook of
    ``folder`` in it. Returns the result (its stdout lists "ran NAME" per notebook) and the folder
    of executed copies."""
    folder, workdir = Path(folder), Path(workdir)
    # A clean environment: nothing of the book's own .venv, and no kernelspec but the new venv's.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "MPLBACKEND", "JUPYTER_PATH")
    }
    env["JUPYTER_DATA_DIR"] = str(workdir / "jupyter-data")
    venv = workdir / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=300, env=env)
    python = venv / "bin" / "python"
    run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        + ["-r", folder / "requirements.txt"],
        timeout=1200,
        env=env,
        cwd=folder,
    )
    script, executed = workdir / "run_every_notebook.py", workdir / "executed"
    script.write_text(RUN_EVERY_NOTEBOOK)
    executed.mkdir(exist_ok=True)
    result = run([python, script, folder, executed], timeout=3600, env=env, cwd=folder)
    return result, executed
