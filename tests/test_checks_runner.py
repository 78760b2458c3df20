"""What book/checks.py's runner does for every record: a new exercise is a record (the module
docstring's example runs end to end), no argument may change in place, the cases are made anew on
each run, one tolerance decides, and every check the chapters call is a record."""

import copy
import dataclasses
import inspect
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import answers
import checks
from answers import not_yet, verdict

BOOK = Path(__file__).resolve().parent.parent / "book"


def documented_exercise():
    """The record that the module docstring shows for a new exercise, made from its text."""
    block = re.search(r"::\n\n((?:    .*\n|\n)+)", checks.__doc__).group(1)
    namespace = dict(vars(checks))
    exec(re.sub(r"(?m)^    ", "", block), namespace)
    return namespace["check_cube"]


def raises(z):
    return z[3, 3]


def cubes_in_place(z):
    z **= 3
    return z


@pytest.mark.parametrize(
    "answer, said",
    [
        (lambda z: z**3, "Right: Your cube matches z**3 on every test case."),
        (lambda z: 3 * z**2, "Not yet: for x = 0.5 it gives the slope."),
        (
            lambda z: z**2,
            "Not yet: for x = 0.5, the values differ from mlp_core's (largest gap 0.125).",
        ),
        (
            cubes_in_place,
            "Not yet: it changed its argument z in place; leave z as it was and return a "
            "new result.",
        ),
        (
            lambda z: None,
            "Not yet: for x = 0.5 it returns None, so a `return` line may be missing at the "
            "end of your function.",
        ),
        (
            lambda z: (z**3).tolist(),
            "Not yet: for x = 0.5, the result is a list; return a numpy array of shape (1, 1) "
            "(np.array turns a list into one).",
        ),
        (
            raises,
            f"Not yet: your function raised IndexError on line "
            f"{raises.__code__.co_firstlineno + 1}: `return z[3, 3]` — index 3 is out of "
            "bounds for axis 0 with size 1 (called with an array of shape (1, 1)).",
        ),
    ],
    ids=["right", "slip", "differs", "in place", "None", "list", "raises"],
)
def test_a_new_exercise_is_a_record(answer, said, capsys):
    check = documented_exercise()
    assert isinstance(check, checks.Exercise)
    assert check.__doc__ == "Exercise 15.2: ``function(z)`` -> z cubed, element-wise."
    passed, out = verdict(check, answer, capsys)
    assert out == said + "\n"


@pytest.mark.parametrize("finite", [True, False])
@pytest.mark.parametrize(
    "reader, want",
    [
        (lambda finite: checks._number("one number", finite=finite), 1.0),
        (lambda finite: checks._array(finite=finite), np.ones((1, 1))),
    ],
    ids=["number", "array"],
)
def test_a_reader_says_nan_itself_or_leaves_it_to_the_slips(
    reader, want, finite, capsys
):
    def cases():
        yield checks.Case(args=(1.0,), label="x = 1.0", want=want)

    check = checks.Exercise(
        "15.3", ("x",), "x", "Your x matches", cases,
        read=reader(finite),
        slips=[(lambda got, case: np.isnan(got).all(), "for {label} NaN is this slip.")],
    )  # fmt: skip
    said = "NaN (not a number)" if finite else "for x = 1.0 NaN is this slip."
    assert said in not_yet(check, lambda x: np.full(np.shape(want), np.nan), capsys)


# Each exercise, answered right from copies of its arguments, after which the answer changes one of
# them (by index) in place. Exercise 10.2 is missing: its arguments, f, x and eps, cannot change.
IN_PLACE = [
    (checks.check_gradient_step, answers.gradient_step, 1, "it changed its argument gradient in place"),
    (checks.check_gradient_step, answers.gradient_step, 0, "it changed the parameter array it was given"),
    (checks.check_layer_shapes, answers.layer_shapes, 0, "it changed its argument layer_sizes in place"),
    (checks.check_leaky_relu_derivative, answers.derivative, 0, "it changed its argument z in place"),
    (checks.check_parameter_count, answers.parameter_count, 0, "it changed its argument layer_sizes"),
    (checks.check_forward_pass, answers.forward, 2, "it changed its argument X in place"),
    (checks.check_forward_pass, answers.forward, 0, "it changed its argument weights in place"),
    (checks.check_mse, answers.mse, 1, "it changed its argument Y_hat in place"),
    (checks.check_backward_pass, answers.backward, 1, "it changed the weights or biases it was given"),
    (checks.check_backward_pass, answers.backward, 3, "it changed its argument Y in place"),
    (checks.check_training_loop, answers.train, 1, "it changed its argument X in place"),
    (checks.check_div_backward, answers.div_backward, 2, "it changed an array it was given"),
    (checks.check_mixed_width_spreads, answers.predicted_spreads, 0, "it changed its argument layer_sizes in place"),
    (checks.check_mixed_width_spreads, answers.predicted_spreads, 3, "it changed its argument X in place"),
    (checks.check_cross_entropy_from_logits, answers.loss_from_logits, 0, "it changed its argument Z in place"),
    (checks.check_cross_entropy_from_logits, answers.loss_from_logits, 1, "it changed its argument Y in place"),
]  # fmt: skip


def change(value):
    """Change ``value`` in place: an array, a list (of arrays), or a network's first weights."""
    if isinstance(value, np.ndarray):
        value += 1.0
    elif isinstance(value, list) and isinstance(value[0], np.ndarray):
        value[0] += 1.0
    elif isinstance(value, list):
        value.append(1)
    else:
        value.weights[0] += 1.0


@pytest.mark.parametrize("check, right, index, words", IN_PLACE)
def test_an_answer_that_changes_an_argument_in_place_is_told(
    check, right, index, words, capsys
):
    def answer(*args):
        result = right(*copy.deepcopy(args))
        change(args[index])
        return result

    assert words in not_yet(check, answer, capsys)


def test_only_the_arguments_a_record_names_may_change(capsys):
    """A training loop trains the network it is given: 9.2's may_change allows it, nothing else."""
    assert verdict(checks.check_training_loop, answers.train, capsys)[0] is True
    strict = dataclasses.replace(checks.check_training_loop, may_change=())
    out = not_yet(strict, answers.train, capsys)
    assert "it changed its argument network in place" in out


def test_each_run_starts_from_fresh_cases_and_says_the_same(capsys):
    def changes_z(z, alpha):
        z[:] = answers.derivative(z, alpha)
        return z

    for _ in range(2):
        not_yet(checks.check_leaky_relu_derivative, changes_z, capsys)
        assert verdict(
            checks.check_leaky_relu_derivative, answers.derivative, capsys
        ) == (
            True,
            "Right: Your Leaky ReLU derivative matches mlp_core on every test case.\n",
        )


@pytest.mark.parametrize(
    "check, right, looser",
    [
        (checks.check_gradient_step, answers.gradient_step, False),
        (checks.check_cross_entropy_from_logits, answers.loss_from_logits, False),
        (checks.check_div_backward, answers.div_backward, True),
    ],
)
def test_one_tolerance_loosened_only_where_the_reference_is_approximate(
    check, right, looser, capsys
):
    def off_by(factor):
        def answer(*args):
            result = right(*args)
            if isinstance(result, tuple):
                return tuple(part * factor for part in result)
            return result * factor

        return answer

    assert verdict(check, off_by(1 + 1e-12), capsys)[0] is True  # rounding
    assert (
        verdict(check, off_by(1 + 5e-7), capsys)[0] is looser
    )  # 12.2: 1e-6, else 1e-7
    assert "largest gap" in not_yet(check, off_by(1 + 1e-4), capsys)


def called_checks():
    """``{check name: the numbers of the chapters that call it}``, from the chapters' code cells."""
    called = {}
    for path in sorted(BOOK.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for name in re.findall(r"checks\.(check_\w+)\(", cell.source):
                called.setdefault(name, set()).add(int(path.name[:2]))
    return called


def test_every_check_the_chapters_call_is_a_record_of_its_chapter():
    records = {name for name in vars(checks) if name.startswith("check_")}
    assert set(called_checks()) == records
    for name, chapters in called_checks().items():
        check = getattr(checks, name)
        assert isinstance(check, checks.Exercise)
        assert str(inspect.signature(check)) == "(function)"
        assert check.__doc__.startswith(f"Exercise {check.number}: ``function(")
        assert chapters == {int(check.number.split(".")[0])}, name


@pytest.mark.parametrize(
    "name", ["check_mse", "check_div_backward", "check_cross_entropy_from_logits"]
)
def test_something_else_than_a_function_is_told(name, capsys):
    out = not_yet(getattr(checks, name), np.zeros((2, 2)), capsys)
    assert "pass your function itself, e.g. check(my_function); got ndarray" in out


def test_the_parts_of_backward_pass_are_read_and_named(capsys):
    """A pair's parts are read one by one, and a wrong one is named with its layer."""

    def wrong_dB1(*args):
        dW, dB = answers.backward(*args)
        return dW, dB[:1] + [dB[1] + 1.0]

    assert "for layer sizes [1, 1, 1], dB[1] differ from mlp_core's" in not_yet(
        checks.check_backward_pass, wrong_dB1, capsys
    )
