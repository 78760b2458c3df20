"""nbgrader's configuration of the course (read by every `nbgrader` command run in the course root).

`make student` (tools/student_edition.py) builds the course in _build/nbgrader/ with this file as its
nbgrader_config.py: source/book/ holds the chapters with their solutions and hidden tests,
release/book/ the student edition that `nbgrader generate_assignment book` writes from them.
To grade: put each student's folder in submitted/STUDENT/book/, then, from _build/nbgrader,
`nbgrader db student add STUDENT` and `nbgrader autograde book`. The assignment is the whole book,
so that the released folder is the student edition.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config when it reads this file)

c.CourseDirectory.course_id = "backprop-from-scratch"

# The stub that replaces each `### BEGIN SOLUTION` ... `### END SOLUTION` region; the chapter's
# self-check after it catches the NotImplementedError and says "not answered yet".
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not answered yet")'
}

# Some chapters train networks for a few seconds per cell.
c.Execute.timeout = 300
