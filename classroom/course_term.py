"""The course's calendar and late policy: the fourteen chapters in a twelve-week term, each chapter's
due date, and what a late chapter keeps of its marks.

Two plans, each a week -> chapters due at its end (the teacher's guide prints both as tables,
written by ``python classroom/course_term.py --markdown``):
- ``with Part II``: every chapter, Part II in weeks 9-11, the lab in week 12;
- ``Part I``: chapters 1-11 at an easier pace, a week to consolidate backpropagation, the lab in
  weeks 11-12.

``due_dates(term_start, plan)`` gives each chapter's due date, the Sunday of its week at 23:59
(UTC unless ``term_start`` says otherwise); ``make student TERM_START=2027-01-11`` writes them into
the gradebook. ``marks_kept(seconds_late)`` is the late policy the export applies (and the
feedback states): every day or part of a day late costs 10 % of the chapter's marks, for up to
five days; later, the chapter earns nothing. An extension granted in nbgrader (a later due date for
one student) counts: lateness is nbgrader's ``total_seconds_late``.
"""

import datetime
import math
import sys

PLANS = {
    "with Part II": {
        1: ["01_introduction", "02_constants"],
        2: ["03_data_and_shapes"],
        3: ["04_leaky_relu"],
        4: ["05_network"],
        5: ["06_forward_pass", "07_mse_loss"],
        6: ["08_backpropagation"],
        7: ["09_training"],
        8: ["10_gradient_checking", "11_playground"],
        9: ["12_autodiff"],
        10: ["13_deep_networks"],
        11: ["14_real_data"],
        12: [],
    },
    "Part I": {
        1: ["01_introduction", "02_constants"],
        2: ["03_data_and_shapes"],
        3: ["04_leaky_relu"],
        4: ["05_network"],
        5: ["06_forward_pass"],
        6: ["07_mse_loss"],
        7: ["08_backpropagation"],
        8: [],
        9: ["09_training"],
        10: ["10_gradient_checking", "11_playground"],
        11: [],
        12: [],
    },
}
DEFAULT_PLAN = "with Part II"
# What the weeks without a chapter are for, per plan.
OTHER_WEEKS = {
    "with Part II": {12: "the lab (five new points) and its report"},
    "Part I": {
        8: "consolidation: exercise 8.2 again by hand, and the misconceptions of chapters 6-8",
        11: "the lab (five new points)",
        12: "the lab's report",
    },
}
PENALTY_PER_DAY = 0.10  # of the chapter's marks, for each day or part of a day late
LAST_LATE_DAY = 5  # later than this, the chapter earns nothing
DUE_TIME = "23:59:00"


def due_dates(term_start, plan=None):
    """``{assignment: "YYYY-MM-DD 23:59:00"}``: each chapter due on the Sunday of its week in
    ``plan`` (default DEFAULT_PLAN); ``term_start`` is the Monday of week 1 (a date or ISO text)."""
    plan = plan or DEFAULT_PLAN
    if plan not in PLANS:
        raise ValueError(f"no plan {plan!r}; the plans are {', '.join(PLANS)}")
    if isinstance(term_start, str):
        term_start = datetime.date.fromisoformat(term_start)
    if term_start.weekday() != 0:
        raise ValueError(
            f"term_start should be the Monday of week 1; {term_start} is a "
            f"{term_start.strftime('%A')}"
        )
    return {
        chapter: f"{term_start + datetime.timedelta(days=7 * week - 1)} {DUE_TIME}"
        for week, chapters in PLANS[plan].items()
        for chapter in chapters
    }


def marks_kept(seconds_late):
    """The fraction of its marks a chapter keeps when handed in ``seconds_late`` after its due
    date: 1 on time, 0.1 less for each day or part of a day late, 0 after LAST_LATE_DAY days."""
    if seconds_late is None or seconds_late <= 0:
        return 1.0
    days = math.ceil(seconds_late / 86400)
    return 0.0 if days > LAST_LATE_DAY else round(1 - PENALTY_PER_DAY * days, 10)


def late_note(seconds_late):
    """A sentence for a student's feedback and the teacher's report, or '' when on time."""
    if seconds_late is None or seconds_late <= 0:
        return ""
    days = math.ceil(seconds_late / 86400)
    kept = marks_kept(seconds_late)
    return (
        f"handed in {days} day{'s' if days > 1 else ''} late (a day begun counts): "
        f"{kept:.0%} of these marks count"
    )


def markdown(plan, minutes):
    """The guide's table of ``plan``: week, what is due at its end, and its work in minutes
    (``minutes``: {assignment: total minutes of reading, quiz and exercises})."""
    rows = ["| week | due at the end of the week | work (measured) |", "|--:|---|--:|"]
    for week, chapters in PLANS[plan].items():
        if chapters:
            due = ", ".join(f"{{doc}}`{chapter}`" for chapter in chapters)
            work = f"{sum(minutes[chapter] for chapter in chapters)} min"
        else:
            due, work = OTHER_WEEKS[plan][week], ""
        rows.append(f"| {week} | {due} | {work} |")
    return "\n".join(rows) + "\n"


def guide_tables():
    """Both plans' tables as the teacher's guide prints them, with the minutes measured by
    tools/reading_time.py."""
    import reading_time

    minutes = {
        row["name"]: row["reading"] + row["quiz"] + row["exercise_minutes"]
        for row in reading_time.table()
    }
    return "\n".join(f"**{plan}**:\n\n{markdown(plan, minutes)}" for plan in PLANS)


def main(argv):
    if argv != ["--markdown"]:
        sys.exit("usage: python classroom/course_term.py --markdown")
    print(guide_tables(), end="")


if __name__ == "__main__":
    main(sys.argv[1:])
