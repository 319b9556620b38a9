"""The grading helpers themselves: each must fail on the wrong thing and pass on the right one."""

import pytest
import torch

from curriculum.grading.testing import expect_close, expect_equal, expect_float, expect_raises, expect_true


def stub(*_):
    raise NotImplementedError("ex: f is not written yet")


def test_expect_raises_accepts_the_right_error_and_returns_it():
    err = expect_raises(ValueError, int, "x", call="int('x')", match="invalid literal")
    assert isinstance(err, ValueError)


@pytest.mark.parametrize(
    "fn, message",
    [(lambda: 1, "returned 1"), (lambda: {}["k"], "raises KeyError"), (lambda: int("x"), "mentioning 'nope'")],
)
def test_expect_raises_fails_with_a_teaching_message(fn, message):
    with pytest.raises(AssertionError, match=message):
        expect_raises(ValueError, fn, call="f()", match="nope")


def test_a_stubs_not_implemented_error_never_counts_as_the_expected_error():
    for expected in (RuntimeError, Exception):  # NotImplementedError subclasses both
        with pytest.raises(NotImplementedError):
            expect_raises(expected, stub, call="f()")
    assert isinstance(expect_raises(NotImplementedError, stub, call="f()"), NotImplementedError)


def test_expect_raises_handles_base_exceptions_but_never_swallows_timeouts_or_stubs():
    from curriculum.grading.plugin import NotWrittenYet, TestTimeout

    class Stop(BaseException):
        pass

    def stop():
        raise Stop("x")

    assert isinstance(expect_raises(Stop, stop, call="f()"), Stop)
    for special in (TestTimeout("t"), NotWrittenYet("n")):
        def boom(err=special):
            raise err

        with pytest.raises(type(special)):
            expect_raises(BaseException, boom, call="f()")


def test_expect_equal_checks_value_and_container_type():
    expect_equal([1, 2], [1, 2], call="f()")
    with pytest.raises(AssertionError, match="expected: \\[1, 3\\]"):
        expect_equal([1, 2], [1, 3], call="f()", hint="h")
    class LooksLikeAList:
        def __eq__(self, other):
            return other == [1, 2]

    with pytest.raises(AssertionError, match="a list equal to"):
        expect_equal(LooksLikeAList(), [1, 2], call="f()")
    from collections import defaultdict

    expect_equal(defaultdict(list, a=[1]), {"a": [1]}, call="f()")  # a dict subclass is a dict


def test_expect_float_and_expect_true():
    expect_float(0.1 + 0.2, 0.3, call="sum", rel=1e-12)
    with pytest.raises(AssertionError):
        expect_float(0.31, 0.3, call="sum", rel=1e-3)
    with pytest.raises(AssertionError, match="msg\n  hint: h"):
        expect_true(False, message="msg", hint="h")


def test_expect_close_reports_shape_dtype_and_values():
    a = torch.ones(2, 3)
    expect_close(a, a.clone(), what="x", rtol=0, atol=0)
    with pytest.raises(AssertionError, match="shape \\(3, 2\\)"):
        expect_close(torch.ones(2, 3), torch.ones(3, 2), what="x", rtol=0, atol=0)
    with pytest.raises(AssertionError, match="dtype torch.float64"):
        expect_close(a, a.double(), what="x", rtol=0, atol=0)
    with pytest.raises(AssertionError, match="values within"):
        expect_close(a, a + 1e-3, what="x", rtol=0, atol=1e-6)
