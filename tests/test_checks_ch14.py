"""Chapter 14's self-check: a right softmax passes; the common wrong ones are each named."""

import numpy as np

import checks
import mlp_core
from mlp_core import softmax as library_softmax


def stable(Z):
    exps = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)


def verdict(answer, capsys):
    passed = checks.check_softmax(answer)
    said = capsys.readouterr().out
    assert said.count("\n") == 1, said
    return passed, said


def wrong(answer, capsys):
    passed, said = verdict(answer, capsys)
    assert passed is False and said.startswith("Not yet: "), said
    return said


def test_a_right_answer_passes(capsys):
    passed, said = verdict(stable, capsys)
    assert passed is True
    assert said == "Right: Your softmax matches mlp_core on every test case.\n"


def test_an_unanswered_exercise_says_so(capsys):
    def not_answered(Z):
        raise NotImplementedError("Exercise 14.2 is not answered yet")

    assert "not answered yet" in wrong(not_answered, capsys)


def test_calling_mlp_core_is_not_an_answer(capsys):
    def through_the_module(Z):
        return mlp_core.softmax(Z)

    def through_an_import(Z):
        return library_softmax(Z)

    def importing_inside(Z):
        import mlp_core as core

        return core.softmax(Z)

    for answer in (through_the_module, through_an_import, importing_inside):
        assert "write it yourself" in wrong(answer, capsys)


def test_without_the_shift_exp_overflows(capsys):
    said = wrong(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True), capsys)
    assert "plus 1000" in said and "overflows" in said


def test_one_shift_for_the_whole_array_underflows(capsys):
    def whole_array(Z):
        exps = np.exp(Z - Z.max())
        return exps / exps.sum(axis=0, keepdims=True)

    said = wrong(whole_array, capsys)
    assert "largest entry of the whole array" in said and "own largest entry" in said


def test_a_shift_per_row_is_wrong(capsys):
    def by_row(Z):
        exps = np.exp(Z - Z.max(axis=1, keepdims=True))
        return exps / exps.sum(axis=0, keepdims=True)

    assert "each row's largest entry" in wrong(by_row, capsys)


def test_summing_over_the_wrong_axis(capsys):
    def over_rows(Z):
        exps = np.exp(Z - Z.max(axis=0, keepdims=True))
        return exps / exps.sum(axis=1, keepdims=True)

    assert "each row sums to 1 instead of each column" in wrong(over_rows, capsys)


def test_dividing_by_the_sum_of_everything(capsys):
    def everything(Z):
        exps = np.exp(Z - Z.max(axis=0, keepdims=True))
        return exps / exps.sum()

    assert "sum of the whole array" in wrong(everything, capsys)


def test_changing_the_given_array(capsys):
    def in_place(Z):
        Z -= Z.max(axis=0, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=0, keepdims=True)
        return Z

    assert "changed the array Z" in wrong(in_place, capsys)


def test_a_transposed_result(capsys):
    assert "(transposed?)" in wrong(lambda Z: stable(Z).T, capsys)


def test_an_error_is_named_without_a_traceback(capsys):
    def no_keepdims_wrong_axis(Z):
        exps = np.exp(Z - Z.max(axis=0, keepdims=True))
        return exps / exps.sum(axis=1)

    said = wrong(no_keepdims_wrong_axis, capsys)
    assert "raised ValueError" in said and "Traceback" not in said


def test_passing_something_else_than_a_function(capsys):
    assert "pass your function itself" in wrong(stable(np.zeros((2, 2))), capsys)
