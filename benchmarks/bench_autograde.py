"""How long autograding takes: seconds per submission, per chapter, for a class.

    .venv/bin/python benchmarks/bench_autograde.py [--students 30] [--chapters 07_mse_loss ...]
                                                   [--jobs 1] [--kernel python3]

Builds the course as `make student` does, in a temporary folder; hands in every chapter for each
student with the chapter's coding exercise answered by the teacher's solution (so that every
self-check and hidden test runs in full); then times ``nbgrader autograde CHAPTER`` for each
chapter, with the course's own configuration (its sturdy sanitizing included). With ``--jobs N``
it also times the same class graded N assignments at a time (one ``nbgrader autograde`` process
per assignment: nbgrader's gradebook is one SQLite file, which takes one writer at a time, and
each process writes only at the end of each notebook).

It prints one line per chapter (seconds per submission), the total per student of a whole term,
and what that means for 150 students on this machine, one at a time and with N jobs. Other
programs using the CPUs slow it down: compare runs on an idle machine.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

import nbgrader_commands
import student_edition

ROOT = Path(__file__).resolve().parent.parent
STUB = re.compile(
    r'^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\("not answered yet"\)',
    re.M,
)


def answered(released, source):
    """The released notebook with its coding exercise answered as in the teacher's source."""
    solutions = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and student_edition.BEGIN in cell.source:
            region = cell.source.split(student_edition.BEGIN, 1)[1].split(
                student_edition.END
            )[0]
            solutions[meta["grade_id"]] = region.split("\n", 1)[1].rstrip(" \n")
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            answer = solutions[grade_id]
            cell.source = STUB.sub(
                lambda _, answer=answer: answer, cell.source, count=1
            )
    return released


def hand_in(course, chapters, students):
    for chapter in chapters:
        released = course / "release" / chapter
        source = nbformat.read(
            course / "source" / chapter / f"{chapter}.ipynb", as_version=4
        )
        notebook = answered(
            nbformat.read(released / f"{chapter}.ipynb", as_version=4), source
        )
        for number in range(students):
            folder = course / "submitted" / f"student{number:03d}" / chapter
            shutil.copytree(released, folder)
            nbformat.write(notebook, folder / f"{chapter}.ipynb")


def one_at_a_time(course, chapters, kernel):
    seconds = {}
    for chapter in chapters:
        began = time.monotonic()
        nbgrader_commands.run(
            ["autograde", chapter, "--force", f"--Execute.kernel_name={kernel}"],
            cwd=course,
        )
        seconds[chapter] = time.monotonic() - began
    return seconds


def in_parallel(course, chapters, kernel, jobs):
    """Wall seconds to autograde ``chapters`` with ``jobs`` processes, one assignment each."""
    began, waiting, running = time.monotonic(), list(chapters), []
    while waiting or running:
        while waiting and len(running) < jobs:
            command = [
                sys.executable,
                "-m",
                "nbgrader",
                "autograde",
                waiting.pop(0),
                "--force",
            ]
            command.append(f"--Execute.kernel_name={kernel}")
            running.append(
                subprocess.Popen(
                    command,
                    cwd=course,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        for process in list(running):
            if process.poll() is not None:
                running.remove(process)
                if process.returncode != 0:
                    raise RuntimeError(process.stderr.read().decode()[-2000:])
        time.sleep(0.2)
    return time.monotonic() - began


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--chapters", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--kernel", default="python3")
    options = parser.parse_args(argv)
    chapters = options.chapters or [
        p.stem for p in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    ]
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as folder:
        course = Path(folder) / "course"
        student_edition.build_course(
            ROOT / "book", course, [f"{c}.ipynb" for c in chapters]
        )
        hand_in(course, chapters, options.students)
        print(
            f"{options.students} students, kernel {options.kernel}, one assignment at a time"
        )
        seconds = one_at_a_time(course, chapters, options.kernel)
        per = {chapter: seconds[chapter] / options.students for chapter in chapters}
        print(f"{'chapter':<24} {'s per submission':>17}")
        for chapter in chapters:
            print(f"{chapter:<24} {per[chapter]:>17.2f}")
        term = sum(per.values())
        print(f"{'a term, per student':<24} {term:>17.1f}")
        print(
            f"150 students: {150 * term / 3600:.1f} h of autograding, one assignment at a time"
        )
        print(f"median chapter: {statistics.median(per.values()):.2f} s per submission")
        if options.jobs > 1:
            wall = in_parallel(course, chapters, options.kernel, options.jobs)
            ratio = wall / sum(seconds.values())
            print(
                f"{options.jobs} assignments at a time: {wall:.0f} s for the class "
                f"({ratio:.0%} of one at a time); 150 students: {150 * term * ratio / 3600:.1f} h"
            )


if __name__ == "__main__":
    main()
