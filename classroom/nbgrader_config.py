"""nbgrader's configuration of the course (read by every `nbgrader` command run in the course root).

`make student` (tools/student_edition.py) copies this file into the course (course/ by default)
with the plugins it loads from the same folder:
- course_tidy.py: collect and autograde made sturdy against what students really hand in;
- course_feedback.py and feedback_template/: feedback without hidden tests, maths rendered offline;
- course_export.py: `nbgrader export` writes a CSV a gradebook imports (Canvas's layout);
- course_report.py: `python -m course_report CHAPTER` after an autograde, every submission's state;
- course_term.py: the term's due dates and the late policy;
- confined_kernel.py: a grading kernel run as an unprivileged account.
Each chapter is an assignment named after its notebook (07_mse_loss). What a site sets for
teachers and students alike, the exchange's folder above all (`c.Exchange.root`), belongs in the
hub's /etc/jupyter/nbgrader_config.py, as nbgrader's documentation says; the teacher's guide walks
through the rest.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # the plugins beside this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

import course_export  # noqa: E402
import course_feedback  # noqa: E402
import course_tidy  # noqa: E402

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 (nbgrader provides get_config when it reads this file)

c.CourseDirectory.course_id = "backprop-from-scratch"

# The stub that replaces each `### BEGIN SOLUTION` ... `### END SOLUTION` region of code; the
# chapter's self-check after it catches the NotImplementedError and says "not answered yet".
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not answered yet")'
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading: sturdy against messy submissions (course_tidy.py), each cell stopped after a time limit
# (the longest cell of the book takes a few seconds; a loop that never ends costs this much).
c.Autograde.sanitize_preprocessors = course_tidy.SANITIZE
c.Autograde.autograde_preprocessors = course_tidy.AUTOGRADE
c.Execute.timeout = 120
c.LimitOutput.max_lines = 200
c.ExchangeFactory.collect = course_tidy.TidyCollect
c.ExchangeFactory.release_feedback = course_tidy.TidyReleaseFeedback

# Feedback (course_feedback.py): its own template, which loads no script.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    course_feedback.ForStudents,
    CSSHTMLHeaderPreprocessor,
]
c.HTMLExporter.template_name = "backprop-feedback"
c.HTMLExporter.extra_template_basedirs = [str(HERE / "feedback_template")]

# `nbgrader export`: the gradebook's CSV (course_export.py).
c.ExportApp.plugin_class = course_export.CanvasExport
