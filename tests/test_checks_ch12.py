"""Chapter 12's self-check accepts the right backward rule of a / b and names each common mistake."""

import numpy as np
import pytest

import checks


def div_backward(a, b, upstream):
    return upstream / b, -upstream * a / b**2


def test_the_right_rule_passes(capsys):
    assert checks.check_div_backward(div_backward) is True
    said = capsys.readouterr().out
    assert said == (
        "Right: Your gradients of a / b match the centred differences on every test case.\n"
    )


def test_an_unanswered_exercise_says_so_without_crashing(capsys):
    def not_answered(a, b, upstream):
        raise NotImplementedError("Exercise 12.2 is not answered yet")

    assert checks.check_div_backward(not_answered) is False
    assert capsys.readouterr().out == "Not yet: " + checks._NOT_ANSWERED + "\n"


def test_passing_something_else_than_a_function(capsys):
    assert checks.check_div_backward(div_backward(1.0, 2.0, 1.0)) is False
    assert "pass your function itself" in capsys.readouterr().out


def wrong(answer, capsys):
    assert checks.check_div_backward(answer) is False
    said = capsys.readouterr().out
    assert said.startswith("Not yet: ") and said.count("\n") == 1
    assert "Traceback" not in said
    return said


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda a, b, u: (-u * a / b**2, u / b), "returns (grad_b, grad_a)"),
        (lambda a, b, u: (1 / b, -a / b**2), "multiply it by upstream"),
        (lambda a, b, u: (u / b, u * a / b**2), "grad_b has the wrong sign"),
        (lambda a, b, u: (u / b, -u * a / b), "divides by b once"),
        (lambda a, b, u: (u / b, -u / b**2), "misses the factor a"),
        (lambda a, b, u: (u * b, -u * a / b**2), "grad_a differs"),
        (lambda a, b, u: (u / b, -u * a / b**3), "grad_b differs"),
        (lambda a, b, u: u / b, "return the pair (grad_a, grad_b)"),
        (lambda a, b, u: (u / b, np.sum(-u * a / b**2)), "grad_b has shape ()"),
        (lambda a, b, u: ((u / b).T, -u * a / b**2), "grad_a has shape (3, 2)"),
        (lambda a, b, u: (u / b, -u * a.item() / b**2), "raised ValueError"),
    ],
)
def test_each_common_mistake_gets_its_hint(answer, hint, capsys):
    assert hint in wrong(answer, capsys)


def test_changing_the_arrays_it_was_given(capsys):
    def in_place(a, b, upstream):
        upstream /= b
        return upstream, -upstream * a / b

    assert "changed an array it was given" in wrong(in_place, capsys)


def test_reading_a_global_is_named(capsys):
    globals()["scale"] = 2.0

    def reads_global(a, b, upstream):
        return upstream / b * scale, -upstream * a / b**2  # noqa: F821 (the mistake under test)

    said = wrong(reads_global, capsys)
    assert "grad_a differs" in said and "global variable(s) scale" in said
    del globals()["scale"]


def test_the_check_says_the_same_every_run(capsys):
    checks.check_div_backward(div_backward)
    first = capsys.readouterr().out
    checks.check_div_backward(div_backward)
    assert capsys.readouterr().out == first
