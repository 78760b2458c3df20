"""What students really hand in, made gradable, and every change written down for the teacher.

nbgrader grades a notebook as it expects it. A real class hands in notebooks that were renamed, had
a read-only cell deleted or changed, a solution cell pasted twice, cells moved, a print of
megabytes, and now and then a file that is not a notebook any more. nbgrader_config.py puts these
steps into nbgrader's own commands, so a teacher runs nothing else:

- ``nbgrader collect`` (``TidyCollect``) takes each student's latest submission that is really
  theirs (one another account handed in under their name is left in the exchange, with a warning),
  and gives a renamed notebook ("Copy of 07_mse_loss.ipynb") its released name again;
- ``nbgrader autograde`` sanitizes each notebook before it runs it (``SANITIZE``): a cell pasted
  twice keeps its copy as a plain cell (nbgrader's DeduplicateIds leaves the copy with empty
  metadata, and the whole autograde then stops on "an old version of the nbgrader metadata
  format"); a deleted graded test cell is put back after its answer, a changed read-only cell is
  put back as released (nbgrader's OverwriteCells); a test cell moved above its answer runs after
  it again. After running it, each output is cut to MAX_OUTPUT characters (``CapOutput``);
- ``nbgrader release_feedback`` (``TidyReleaseFeedback``) also releases a renamed notebook's
  feedback under the name the student handed it in with, so that fetch_feedback finds it.

Each step that changes a submission notes what it did in grading_notes/ASSIGNMENT/STUDENT.json in
the course; course_report.py prints the notes with every submission's state after an autograde.
"""

import glob
import json
import os
import pwd
import re
import shutil
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    Execute,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from nbgrader.utils import notebook_hash
from traitlets import Bool, Integer

NOTES = "grading_notes"
HIDDEN_TESTS = re.compile(
    r"\n?### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S
)
MAX_OUTPUT = 20_000  # characters of one output a grader keeps; a student's print may be megabytes


# ---------------------------------------------------------------------------------------------
# Notes: what was done to a submission, for the teacher's report.


def notes_path(course, assignment, student, stage):
    return Path(course) / NOTES / assignment / f"{student}.{stage}.json"


def read_notes(course, assignment, student):
    """Every note on ``student``'s submission of ``assignment`` (collect's, then autograde's)."""
    found = []
    for stage in ("collect", "autograde"):
        path = notes_path(course, assignment, student, stage)
        if path.exists():
            found += json.loads(path.read_text(encoding="utf-8"))
    return found


def add_note(course, assignment, student, stage, text, fresh=False):
    """Append ``text`` to the notes of one stage (``fresh``: forget the stage's earlier notes)."""
    path = notes_path(course, assignment, student, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    notes = [] if fresh or not path.exists() else json.loads(path.read_text("utf-8"))
    if text:
        notes.append(text)
    path.write_text(json.dumps(notes, indent=1) + "\n", encoding="utf-8")


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


class _Noting(NbGraderPreprocessor):
    """A sanitizing step that notes what it changes (autograde runs in the course's root)."""

    def note(self, resources, text, fresh=False):
        nbgrader = resources["nbgrader"]
        add_note(
            Path.cwd(),
            nbgrader["assignment"],
            nbgrader["student"],
            "autograde",
            text,
            fresh,
        )


class KeepCopiesAsPlainCells(_Noting):
    """A graded or read-only cell that appears more than once (pasted) is graded once: in its last
    copy that differs from the released cell (the one the student worked in), or else its last copy.
    A copy left exactly as released is dropped (it would undo the answer above it); any other
    copy loses its nbgrader metadata and runs as a plain cell. The first sanitizing step: it
    starts the submission's autograde notes afresh."""

    def preprocess(self, nb, resources):
        self.note(resources, None, fresh=True)
        copies = {}
        for cell in nb.cells:
            if _grade_id(cell) is not None:
                copies.setdefault(_grade_id(cell), []).append(cell)
        dropped = set()
        for grade_id, cells in copies.items():
            if len(cells) == 1:
                continue
            released = self.released_source(grade_id, resources)
            worked = [cell for cell in cells if cell.source != released]
            graded = (worked or cells)[-1]
            for cell in cells:
                if cell is graded:
                    continue
                del cell.metadata["nbgrader"]
                if cell.source == released:
                    dropped.add(id(cell))
                    self.note(
                        resources,
                        f"dropped a copy of the cell {grade_id} left as released",
                    )
                else:
                    self.note(
                        resources,
                        f"a second copy of the cell {grade_id} runs as a plain cell",
                    )
        nb.cells = [cell for cell in nb.cells if id(cell) not in dropped]
        return nb, resources

    def released_source(self, grade_id, resources):
        """The cell as the student received it (for an answer cell, its stub), or None."""
        nbgrader = resources["nbgrader"]
        try:
            with Gradebook(nbgrader["db_url"]) as gradebook:
                return gradebook.find_source_cell(
                    grade_id, nbgrader["notebook"], nbgrader["assignment"]
                ).source
        except MissingEntry:
            return None


class RestoreReleasedCells(OverwriteCells, _Noting):
    """nbgrader's OverwriteCells (a changed read-only cell is put back), which also puts back a
    deleted graded cell after the cell it followed, and notes both."""

    add_missing_cells = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        self.resources = resources
        before = {_grade_id(cell) for cell in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        for cell in nb.cells:
            if _grade_id(cell) not in before:
                self.note(resources, f"put back the deleted cell {_grade_id(cell)}")
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        before = (cell.cell_type, cell.source)
        cell, resources = super().preprocess_cell(cell, resources, index)
        if (cell.cell_type, cell.source) != before and before != (
            cell.cell_type,
            released_source(cell.source),
        ):
            self.note(
                resources,
                f"put back the read-only cell {_grade_id(cell)}, which was changed",
            )
        return cell, resources


def released_source(source):
    """A cell's text as released: without its hidden tests (nbgrader's ClearHiddenTests)."""
    return HIDDEN_TESTS.sub("", source).rstrip("\n")


class TestsAfterAnswers(_Noting):
    """A graded test cell that a student moved above the answer it tests runs right after that
    answer again (the source notebook says which answer a test cell follows)."""

    def preprocess(self, nb, resources):
        nbgrader = resources["nbgrader"]
        source = (
            Path.cwd()
            / "source"
            / nbgrader["assignment"]
            / f"{nbgrader['notebook']}.ipynb"
        )
        if not source.exists():
            return nb, resources
        answer_of, last_answer = {}, None
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                last_answer = meta["grade_id"]
            elif meta.get("grade") and last_answer:
                answer_of[meta["grade_id"]] = last_answer
        for test, answer in answer_of.items():
            ids = [_grade_id(cell) for cell in nb.cells]
            if test not in ids or answer not in ids:
                continue
            where, after = ids.index(test), len(ids) - 1 - ids[::-1].index(answer)
            if where < after:
                cell = nb.cells.pop(where)
                nb.cells.insert(after, cell)
                self.note(
                    resources,
                    f"moved the cell {test} back after {answer}, which it tests",
                )
        return nb, resources


class CapOutput(NbGraderPreprocessor):
    """Cut each text output of an executed cell to ``max_characters`` (nbgrader's LimitOutput
    counts lines, and a single line can be megabytes)."""

    max_characters = Integer(MAX_OUTPUT).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if (
                output.output_type == "stream"
                and len(output.text) > self.max_characters
            ):
                cut = len(output.text) - self.max_characters
                output.text = (
                    output.text[: self.max_characters]
                    + f"\n... {cut:,} more characters cut by the grader ...\n"
                )
        return cell, resources


# autograde's two passes: sanitizing the submission, then running and scoring it.
SANITIZE = [
    ClearOutput,
    KeepCopiesAsPlainCells,
    OverwriteKernelspec,
    RestoreReleasedCells,
    TestsAfterAnswers,
    CheckCellMetadata,
]
AUTOGRADE = [
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    CapOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]


# ---------------------------------------------------------------------------------------------
# Collecting.


def owner_mismatch(path, student):
    """The account owning ``path`` when an account named ``student`` exists and is not it: someone
    handed in under another's name. None otherwise (also where students have no local accounts,
    as in a JupyterHub whose files all belong to one user)."""
    try:
        account = pwd.getpwnam(student)
    except KeyError:
        return None
    owner = os.stat(path).st_uid
    if owner == account.pw_uid:
        return None
    try:
        return pwd.getpwuid(owner).pw_name
    except KeyError:
        return str(owner)


def tidy_folder(folder, expected):
    """Give a renamed notebook of ``folder`` its released name (``expected``: the assignment's
    notebook names, without .ipynb), and check that each notebook is JSON; return notes."""
    folder, notes = Path(folder), []
    for name in expected:
        target = folder / f"{name}.ipynb"
        others = sorted(
            path
            for path in folder.glob("*.ipynb")
            if path.stem not in expected and not path.name.startswith(".")
        )
        if target.exists() or not others:
            continue
        named = [path for path in others if name in path.stem] or others
        if len(named) == 1 or name in named[0].stem:
            chosen = max(named, key=lambda path: path.stat().st_mtime)
            chosen.rename(target)
            notes.append(f"renamed {chosen.name} to {target.name}")
    for path in sorted(folder.glob("*.ipynb")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            notes.append(f"{path.name} is not a notebook: not valid JSON ({error})")
    return notes


class TidyCollect(ExchangeCollect):
    """nbgrader's collect, which keeps each student's latest genuine submission and tidies it."""

    def init_src(self):
        super().init_src()
        if not self.check_owner:
            return
        genuine, pattern = {}, f"*+{self.coursedir.assignment_id}+*"
        for path in glob.glob(os.path.join(self.inbound_path, pattern)):
            record = self._path_to_record(path)
            intruder = owner_mismatch(path, record["username"])
            if intruder:
                self.log.warning(
                    "Not collected: %s claims to be by %s but belongs to %s",
                    record["filename"],
                    record["username"],
                    intruder,
                )
                continue
            genuine.setdefault(record["username"], []).append(record)
        chosen = []
        for records in genuine.values():
            records = self._sort_by_timestamp(records)
            on_time = [
                r
                for r in records
                if self.duedate is None or r["timestamp"] <= self.duedate
            ]
            chosen.append(on_time[0] if self.before_duedate and on_time else records[0])
        self.src_records = [
            r
            for r in chosen
            if not self.coursedir.student_id
            or self.coursedir.student_id in ("*", r["username"])
        ]

    def copy_files(self):
        super().copy_files()
        assignment = self.coursedir.assignment_id
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                expected = [
                    n.name for n in gradebook.find_assignment(assignment).notebooks
                ]
            except MissingEntry:
                expected = []
        for record in self.src_records:
            student = record["username"]
            folder = self.coursedir.format_path(
                self.coursedir.submitted_directory, student, assignment
            )
            notes = tidy_folder(folder, expected) if os.path.isdir(folder) else []
            add_note(
                self.coursedir.root, assignment, student, "collect", None, fresh=True
            )
            for text in notes:
                self.log.warning("%s, %s: %s", student, assignment, text)
                add_note(self.coursedir.root, assignment, student, "collect", text)


RENAMED = re.compile(r"^renamed (.+)\.ipynb to (.+)\.ipynb$")


class TidyReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, which also releases the feedback of a notebook that collect
    renamed under the name the student handed it in with: nbgrader's fetch_feedback looks for
    each notebook of the student's own copy, by its name."""

    def copy_files(self):
        super().copy_files()
        assignment = self.coursedir.assignment_id
        pattern = self.coursedir.format_path(
            self.coursedir.feedback_directory,
            self.coursedir.student_id or "*",
            assignment,
        )
        for folder in glob.glob(pattern):
            student = Path(folder).parent.name
            secret = Path(folder) / "submission_secret.txt"
            if not secret.exists():
                continue
            for note in read_notes(self.coursedir.root, assignment, student):
                match = RENAMED.match(note)
                page = Path(folder) / f"{match.group(2)}.html" if match else None
                if page and page.exists():
                    checksum = notebook_hash(
                        secret=secret.read_text(), notebook_id=match.group(1)
                    )
                    shutil.copy(page, Path(self.dest_path) / f"{checksum}.html")
                    self.log.info(
                        "Feedback of %s released under its name %s too",
                        page,
                        match.group(1),
                    )
