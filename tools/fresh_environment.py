"""The reader's environment: a new virtual environment made only from what the book hands out.

A reader unzips backprop-from-scratch-notebooks.zip, makes a virtual environment from its
requirements.txt alone and runs the notebooks; a student does the same with the student edition,
whose requirements.txt names the same packages at the same versions. The tests do what they do:

    python tools/fresh_environment.py DEST      (the Makefile's test command runs it)

writes the zip into DEST, unzips it into DEST/notebooks/, makes DEST/venv from the zip's
requirements.txt with uv (pinned in requirements.txt, in .venv; a new environment takes seconds
from uv's cache), and installs a Jupyter kernel, ``backprop-reader``, that runs in DEST/venv with
OpenBLAS's generic kernel (``OPENBLAS_CORETYPE=Prescott``: no FMA, no AVX) and one thread. nbval
runs the unzipped chapters with it (``--nbval-kernel-name backprop-reader``, with
``JUPYTER_PATH=DEST/jupyter``), and nbgrader grades the student edition with it.
"""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import notebook_bundle

KERNEL = "backprop-reader"
# The kernel's environment: OpenBLAS's generic kernel with one thread (the website's build uses the
# machine's own kernel and threads, so the two executions round differently wherever they can), the
# inline figures of a notebook, and no packages from the user's own site folder.
KERNEL_ENV = {
    "OPENBLAS_CORETYPE": "Prescott",
    "OPENBLAS_NUM_THREADS": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYTHONNOUSERSITE": "1",
}


def uv():
    """The uv of the running environment (.venv), or one on the PATH."""
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        raise FileNotFoundError(
            "uv is not installed: run `make check` once, which installs requirements.txt "
            "(uv included) into .venv."
        )
    return found


def run(command, timeout=1200):
    """Run ``command``; raise with the end of its output unless it exits 0."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed:\n{result.stderr[-3000:]}"
        )
    return result


def make_venv(requirements, venv, compile_bytecode=False):
    """A new virtual environment at ``venv`` (any old one removed) with exactly what
    ``requirements`` lists; returns its python.

    ``compile_bytecode``: compile every module at install (a few seconds), for an environment that
    starts many processes. uv installs none compiled, and where Python may not write bytecode
    (PYTHONDONTWRITEBYTECODE, as on this project's machines) each process compiles what it imports:
    a kernel then takes 4.3 s instead of 2.7 s to import ipykernel, numpy and matplotlib."""
    venv = Path(venv)
    if venv.exists():
        shutil.rmtree(venv)
    run([uv(), "venv", "--quiet", "--python", sys.executable, venv])
    python = venv / "bin" / "python"
    compiled = ["--compile-bytecode"] if compile_bytecode else []
    run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            *compiled,
            "--python",
            python,
            "-r",
            requirements,
        ]
    )
    return python


def install_kernel(python, jupyter_dir, name=KERNEL, env=KERNEL_ENV):
    """Write the kernelspec ``name`` into ``jupyter_dir``/kernels: a Python kernel run by
    ``python`` with ``env``. Returns the kernelspec's folder."""
    folder = Path(jupyter_dir) / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python 3 ({name})",
        "language": "python",
        "env": env,
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return folder


def prepare(dest):
    """Unzip the book's notebooks into ``dest``/notebooks, make ``dest``/venv from their
    requirements.txt and install the kernel in ``dest``/jupyter. Returns the notebooks' folder."""
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    notebooks = dest / "notebooks"
    if notebooks.exists():
        shutil.rmtree(notebooks)
    zip_path = notebook_bundle.write_bundle(dest / notebook_bundle.ZIP_NAME)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(notebooks)
    folder = notebooks / notebook_bundle.FOLDER
    # Compiled: every chapter's nbval run and every autograde starts a kernel in it.
    python = make_venv(
        folder / "requirements.txt", dest / "venv", compile_bytecode=True
    )
    install_kernel(python, dest / "jupyter")
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/fresh_environment.py DEST")
    folder = prepare(sys.argv[1])
    print(f"{folder}: the zip's notebooks, to run with the kernel {KERNEL}")
