"""Grading tests for gym-13, the speed drill: two_sum, is_valid_parentheses, kth_largest, first_bad_version.

Oracles: a double loop decides whether a pair exists (any valid pair is
accepted, so the answer is checked, not compared); repeatedly deleting
``()``, ``[]`` and ``{}`` decides bracket validity; ``sorted`` gives the
k-th largest; a linear scan gives the first bad version on small ranges,
and a call counter proves O(log n) probes on huge ones.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-13")


# ------------------------------------------------------------------ two_sum


def pair_exists(nums, target):
    return any(nums[i] + nums[j] == target for i in range(len(nums)) for j in range(i + 1, len(nums)))


def check_two_sum(ex, nums, target, hint=""):
    got = ex.two_sum(list(nums), target)
    call = f"two_sum({nums!r}, {target})" if len(nums) <= 20 else f"two_sum(<{len(nums)} numbers>, {target})"
    if not pair_exists(nums, target):
        expect_equal(got, None, call=call, hint=hint or "no two different positions add up to the target: return None")
        return
    ok = (
        isinstance(got, tuple)
        and len(got) == 2
        and all(isinstance(i, int) for i in got)
        and 0 <= got[0] < got[1] < len(nums)
        and nums[got[0]] + nums[got[1]] == target
    )
    expect_true(ok, message=f"{call} returned {got!r}: expected a tuple (i, j) with i < j and nums[i] + nums[j] == {target}",
                hint=hint or "store value -> index in a dict; for each x look up target - x before storing x")


@pytest.mark.parametrize(
    "nums,target",
    [
        pytest.param([2, 7, 11, 15], 9, id="docstring"),
        pytest.param([], 0, id="empty"),
        pytest.param([5], 10, id="single"),
        pytest.param([3, 3], 6, id="equal-values"),
        pytest.param([3, 2, 4], 6, id="not-the-first"),
        pytest.param([1, 2, 3], 100, id="no-answer"),
        pytest.param([-3, 4, 3, 90], 0, id="negatives"),
        pytest.param([0, 4, 3, 0], 0, id="zeros"),
        pytest.param([1, 5, 5, 1], 10, id="duplicate-pair-in-middle"),
    ],
)
def test_two_sum_cases(ex, nums, target):
    check_two_sum(ex, nums, target)


def test_two_sum_does_not_use_an_element_twice(ex):
    check_two_sum(ex, [3, 4], 6, hint="3 + 3 == 6, but there is only one 3: look up target - x before you store x")


def test_two_sum_large_input(ex):
    n = 100_000
    nums = list(range(0, 2 * (n - 1), 2)) + [10**9 + 1]  # evens, then one odd number: the only pair is (0, n - 1)
    expect_equal(ex.two_sum(nums, 10**9 + 1), (0, n - 1), call=f"two_sum(<{n - 1} even numbers 0, 2, 4, ..., then 10**9 + 1>, 10**9 + 1)",
                 hint="one pass with a dict; a double loop is 5 * 10^9 steps here")


@given(st.lists(st.integers(-6, 6), max_size=10), st.integers(-12, 12))
def test_two_sum_property(ex, nums, target):
    check_two_sum(ex, nums, target)


# ------------------------------------------------------------------ is_valid_parentheses


def reduce_valid(s: str) -> bool:
    """Keep only brackets, then delete adjacent matching pairs until nothing changes."""
    t = "".join(c for c in s if c in "()[]{}")
    while True:
        shorter = t.replace("()", "").replace("[]", "").replace("{}", "")
        if shorter == t:
            return t == ""
        t = shorter


@pytest.mark.parametrize(
    "s,expected,hint",
    [
        pytest.param("", True, "no brackets at all is balanced", id="empty"),
        pytest.param("abc 123", True, "no brackets at all is balanced", id="no-brackets"),
        pytest.param("()[]{}", True, "", id="sequence"),
        pytest.param("([]{})", True, "", id="nested"),
        pytest.param("f(a[0], {k: v})", True, "skip every character that is not a bracket", id="code-like"),
        pytest.param(")", False, "a closing bracket on an empty stack is invalid (do not pop an empty list)", id="lone-close"),
        pytest.param("((", False, "the stack must be empty at the end", id="unclosed"),
        pytest.param("([)]", False, "a closing bracket must match the most recent open one", id="wrong-order"),
        pytest.param("(]", False, "the closing kind must match the opening kind", id="wrong-kind"),
        pytest.param("<>(", False, "'<' and '>' are not brackets here", id="angle-ignored"),
        pytest.param("}{", False, "", id="reversed"),
    ],
)
def test_is_valid_parentheses_cases(ex, s, expected, hint):
    expect_equal(reduce_valid(s), expected, call=f"(oracle) reduce_valid({s!r})")
    expect_equal(ex.is_valid_parentheses(s), expected, call=f"is_valid_parentheses({s!r})", hint=hint)


@pytest.mark.parametrize("s,expected", [("(" * 50_000 + ")" * 50_000, True), ("([{" * 30_000 + "}])" * 30_000, True), ("(" * 100_000, False)],
                         ids=["deep-round", "deep-mixed", "all-open"])
def test_is_valid_parentheses_deep_nesting(ex, s, expected):
    expect_equal(ex.is_valid_parentheses(s), expected, call=f"is_valid_parentheses(<{len(s)} nested brackets>)",
                 hint="use an explicit list as the stack: recursion stops at about 1000 levels")


@given(st.text(alphabet="()[]{}a", max_size=16))
def test_is_valid_parentheses_property(ex, s):
    expect_equal(ex.is_valid_parentheses(s), reduce_valid(s), call=f"is_valid_parentheses({s!r})",
                 hint="push opening brackets; a closing one must pop its partner; the stack ends empty")


# ------------------------------------------------------------------ kth_largest


@pytest.mark.parametrize(
    "nums,k",
    [
        pytest.param([3, 2, 1, 5, 6, 4], 2, id="docstring"),
        pytest.param([3, 2, 3, 1, 2, 4, 5, 5, 6], 4, id="duplicates"),
        pytest.param([7], 1, id="single"),
        pytest.param([1, 2, 3], 1, id="k-first"),
        pytest.param([1, 2, 3], 3, id="k-last"),
        pytest.param([-1, -5, -3], 2, id="negatives"),
        pytest.param([5, 5, 5, 5], 3, id="all-equal"),
    ],
)
def test_kth_largest_cases(ex, nums, k):
    expect_equal(ex.kth_largest(list(nums), k), sorted(nums, reverse=True)[k - 1], call=f"kth_largest({nums!r}, {k})",
                 hint="duplicates count separately: the answer is sorted(nums, reverse=True)[k - 1]")


@pytest.mark.parametrize("nums,k", [([1, 2, 3], 0), ([1, 2, 3], 4), ([], 1), ([1], -1)])
def test_kth_largest_rejects_bad_k(ex, nums, k):
    expect_raises(ValueError, ex.kth_largest, nums, k, call=f"kth_largest({nums!r}, {k})",
                  hint="k must be in 1..len(nums); note that nums[-1] would silently 'work'")


def test_kth_largest_does_not_modify_input(ex):
    nums = [3, 1, 2]
    ex.kth_largest(nums, 2)
    expect_equal(nums, [3, 1, 2], call="nums after kth_largest(nums, 2)", hint="heapify a copy (nums[:k]), not nums itself")


def test_kth_largest_large_input(ex):
    rng = random.Random(13)
    nums = [rng.randint(-(10**9), 10**9) for _ in range(100_000)]
    expect_equal(ex.kth_largest(nums, 100), sorted(nums, reverse=True)[99], call="kth_largest(<100000 random numbers>, 100)")


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=15), st.data())
def test_kth_largest_property(ex, nums, data):
    k = data.draw(st.integers(1, len(nums)), label="k")
    expect_equal(ex.kth_largest(list(nums), k), sorted(nums, reverse=True)[k - 1], call=f"kth_largest({nums!r}, {k})")


# ------------------------------------------------------------------ first_bad_version


def make_checker(n, first_bad, budget):
    calls = []

    def is_bad(v):
        if not 1 <= v <= n:
            raise AssertionError(f"is_bad({v}) was called, but versions are 1..{n}")
        calls.append(v)
        if len(calls) > budget:
            raise AssertionError(f"is_bad was called more than {budget} times for n = {n}: halve the range on every call")
        return v >= first_bad

    return is_bad


@pytest.mark.parametrize(
    "n,first_bad",
    [(1, 1), (2, 1), (2, 2), (5, 4), (10, 1), (10, 10), (1000, 777), (2**63 - 1, 2**62 + 12345), (2**63 - 1, 2**63 - 1), (2**63 - 1, 1)],
)
def test_first_bad_version(ex, n, first_bad):
    budget = math.ceil(math.log2(n)) + 2 if n > 1 else 2
    expect_equal(ex.first_bad_version(n, make_checker(n, first_bad, budget)), first_bad,
                 call=f"first_bad_version({n}, lambda v: v >= {first_bad})",
                 hint="lo, hi = 1, n; while lo < hi: mid = (lo + hi) // 2; if is_bad(mid): hi = mid, else lo = mid + 1")


@given(st.integers(1, 40), st.data())
def test_first_bad_version_matches_linear_scan(ex, n, data):
    first_bad = data.draw(st.integers(1, n), label="first_bad")
    expected = next(v for v in range(1, n + 1) if v >= first_bad)
    expect_equal(ex.first_bad_version(n, make_checker(n, first_bad, 10)), expected, call=f"first_bad_version({n}, lambda v: v >= {first_bad})")
