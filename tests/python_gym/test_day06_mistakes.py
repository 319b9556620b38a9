"""Grading tests for gym-06: subarray_sum_count and longest_consecutive.

Oracles: every (i, j) pair summed by brute force; a sort-and-scan for the
longest run; hand-worked values for the cases people get wrong.
"""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal

pytestmark = pytest.mark.exercise("gym-06")


# ---------------------------------------------------------------- oracles


def brute_force_subarray_count(nums, k):
    count = 0
    for i in range(len(nums)):
        total = 0
        for j in range(i, len(nums)):
            total += nums[j]
            count += total == k
    return count


def sorted_longest_run(nums):
    values = sorted(set(nums))
    best = run = 0
    for i, x in enumerate(values):
        run = run + 1 if i and values[i - 1] == x - 1 else 1
        best = max(best, run)
    return best


# ---------------------------------------------------------------- subarray_sum_count


@pytest.mark.parametrize(
    "nums,k,expected,hint",
    [
        pytest.param([], 0, 0, "no elements, no subarrays (the empty subarray does not count)", id="empty"),
        pytest.param([3], 3, 1, "a subarray that starts at index 0 needs the empty prefix: start the Counter at {0: 1}", id="single-hit"),
        pytest.param([3], 4, 0, "", id="single-miss"),
        pytest.param([1], 0, 0, "look up prefix - k before counting the current prefix, or k == 0 matches the empty subarray", id="k-zero-no-zero"),
        pytest.param([0, 0, 0], 0, 6, "every one of the 3 * 4 / 2 subarrays of zeros sums to 0", id="zeros"),
        pytest.param([1, 2, 3, -3, 3], 3, 5, "", id="docstring"),
        pytest.param([1, -1, 1, -1], 0, 4, "negative numbers: a sliding window cannot tell when to shrink", id="alternating"),
        pytest.param([-1, -1, 1], -1, 3, "the target can be negative too", id="negative-k"),
        pytest.param([2, 2, 2], 4, 2, "", id="duplicates"),
    ],
)
def test_subarray_sum_count_known_values(ex, nums, k, expected, hint):
    expect_equal(ex.subarray_sum_count(nums, k), expected, call=f"subarray_sum_count({nums!r}, {k})", hint=hint)


@given(nums=st.lists(st.integers(min_value=-5, max_value=5), max_size=25), k=st.integers(min_value=-6, max_value=6))
def test_subarray_sum_count_matches_brute_force(ex, nums, k):
    expect_equal(
        ex.subarray_sum_count(nums, k),
        brute_force_subarray_count(nums, k),
        call=f"subarray_sum_count({nums!r}, {k})",
        hint="count[prefix - k] earlier prefixes end a match at each position; the Counter starts as {0: 1}",
    )


@pytest.mark.parametrize(
    "nums,k,expected",
    [
        pytest.param([0] * 3000, 0, 3000 * 3001 // 2, id="3000-zeros"),
        pytest.param([1] * 3000, 1, 3000, id="3000-ones"),
        pytest.param([-2, 2] * 1500, 0, 1501 * 1500 // 2 + 1500 * 1499 // 2, id="3000-alternating"),
    ],
)
def test_subarray_sum_count_large_input(ex, nums, k, expected):
    expect_equal(ex.subarray_sum_count(nums, k), expected, call=f"subarray_sum_count(<{len(nums)} numbers>, {k})")


def test_subarray_sum_count_does_not_modify_input(ex):
    nums = [3, -1, 2]
    ex.subarray_sum_count(nums, 2)
    expect_equal(nums, [3, -1, 2], call="nums after subarray_sum_count(nums, 2)", hint="read the list; do not rewrite it into prefix sums in place")


# ---------------------------------------------------------------- longest_consecutive


@pytest.mark.parametrize(
    "nums,expected,hint",
    [
        pytest.param([], 0, "an empty list has no run: return 0", id="empty"),
        pytest.param([5], 1, "", id="single"),
        pytest.param([7, 7, 7], 1, "duplicates are one value", id="all-equal"),
        pytest.param([1, 2, 2, 3], 3, "duplicates do not lengthen or break a run: work on set(nums)", id="duplicates"),
        pytest.param([-1, 0, 1], 3, "runs may cross zero", id="negatives"),
        pytest.param([100, 4, 200, 1, 3, 2], 4, "", id="docstring"),
        pytest.param([10, 5, 11, 6], 2, "", id="two-equal-runs"),
        pytest.param([0, 10**18, -(10**18)], 1, "values can be far apart: do not allocate an array indexed by value", id="huge-gaps"),
        pytest.param([9, 1, 4, 7, 3, -1, 0, 5, 8, -1, 6], 7, "", id="mixed"),
    ],
)
def test_longest_consecutive_known_values(ex, nums, expected, hint):
    expect_equal(ex.longest_consecutive(nums), expected, call=f"longest_consecutive({nums!r})", hint=hint)


@given(st.lists(st.integers(min_value=-8, max_value=8), max_size=20))
def test_longest_consecutive_matches_sorting(ex, nums):
    expect_equal(
        ex.longest_consecutive(nums),
        sorted_longest_run(nums),
        call=f"longest_consecutive({nums!r})",
        hint="put the values in a set; from each x with x - 1 absent, count x + 1, x + 2, ... while present",
    )


def test_longest_consecutive_large_input(ex):
    rng = random.Random(6)
    nums = list(range(-5000, 5000)) + [10**9 + i for i in range(0, 400, 2)] + list(range(-50, 50))
    rng.shuffle(nums)
    expect_equal(ex.longest_consecutive(nums), 10_000, call="longest_consecutive(<shuffled -5000..4999 with duplicates and far-away noise>)")


def test_longest_consecutive_does_not_modify_input(ex):
    nums = [3, 1, 2]
    ex.longest_consecutive(nums)
    expect_equal(nums, [3, 1, 2], call="nums after longest_consecutive(nums)", hint="nums.sort() sorts the caller's list in place; build a set instead")
