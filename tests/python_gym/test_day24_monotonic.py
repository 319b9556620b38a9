"""Grading tests for gym-24 (monotonic stack and deque): largest_rectangle_in_histogram and
shortest_subarray_with_sum_at_least_k.

Oracles: for the histogram, every pair of ends with a running minimum
(O(n^2)) on small inputs, and "for each height value v, v times the longest
run of bars >= v" (O(V n), exact when heights are few) on 10^5 bars; for the
shortest subarray, every pair of prefix sums (O(n^2)) on up to 1 500 numbers,
and hand-worked answers on 10^5 numbers.
"""

from __future__ import annotations

import random
from itertools import accumulate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal

pytestmark = pytest.mark.exercise("gym-24")


# ------------------------------------------------------------------ oracles


def brute_rectangle(heights: list[int]) -> int:
    best = 0
    for i in range(len(heights)):
        low = heights[i]
        for j in range(i, len(heights)):
            low = min(low, heights[j])
            best = max(best, low * (j - i + 1))
    return best


def runs_rectangle(heights: list[int]) -> int:
    """The best rectangle of height v is v times the longest run of bars >= v; try every distinct v."""
    best = 0
    for v in set(heights):
        run = longest = 0
        for h in heights:
            run = run + 1 if h >= v else 0
            longest = max(longest, run)
        best = max(best, v * longest)
    return best


def brute_shortest(nums: list[int], k: int) -> int:
    prefix = [0, *accumulate(nums)]
    best = -1
    for i in range(len(nums)):
        for j in range(i + 1, len(nums) + 1):
            if prefix[j] - prefix[i] >= k and (best == -1 or j - i < best):
                best = j - i
                break  # longer j for this i cannot be shorter
    return best


# ------------------------------------------------------------------ largest_rectangle_in_histogram

RECT_CASES = [
    pytest.param([2, 1, 5, 6, 2, 3], 10, "", id="docstring"),
    pytest.param([], 0, "no bars: area 0", id="empty"),
    pytest.param([7], 7, "", id="one-bar"),
    pytest.param([0, 0, 0], 0, "", id="all-zero"),
    pytest.param([3, 3, 3, 3], 12, "equal heights: the rectangle spans all of them (pop on >= or handle ties)", id="equal"),
    pytest.param([1, 2, 3, 4, 5], 9, "increasing bars are never popped inside the loop: flush the stack at the end", id="increasing"),
    pytest.param([5, 4, 3, 2, 1], 9, "", id="decreasing"),
    pytest.param([2, 4], 4, "", id="two-bars"),
    pytest.param([4, 0, 4], 4, "a zero bar splits the histogram", id="zero-gap"),
    pytest.param([2, 1, 2], 3, "the low bar in the middle spans the whole width: its left end is the new stack top + 1", id="valley"),
    pytest.param([6, 2, 5, 4, 5, 1, 6], 12, "", id="classic"),
]


@pytest.mark.parametrize("heights,expected,hint", RECT_CASES)
def test_rectangle_known_values(ex, heights, expected, hint):
    expect_equal(ex.largest_rectangle_in_histogram(list(heights)), expected,
                 call=f"largest_rectangle_in_histogram({heights!r})",
                 hint=hint or "a popped bar's rectangle spans from (new stack top + 1) to (current index - 1)")


def test_rectangle_keeps_input(ex):
    heights = [2, 1, 2]
    ex.largest_rectangle_in_histogram(heights)
    expect_equal(heights, [2, 1, 2], call="heights after largest_rectangle_in_histogram(heights)",
                 hint="append the 0 sentinel to a copy ([*heights, 0]), not to the caller's list")


@given(st.lists(st.integers(0, 9), max_size=16))
def test_rectangle_matches_brute_force(ex, heights):
    expect_equal(ex.largest_rectangle_in_histogram(heights), brute_rectangle(heights),
                 call=f"largest_rectangle_in_histogram({heights!r})",
                 hint="keep a stack of indices with increasing heights; each bar is pushed and popped once")


@pytest.mark.parametrize("kind", ["random-small-heights", "staircase"])
def test_rectangle_large_input(ex, kind):
    n = 100_000
    if kind == "staircase":
        heights = list(range(1, n + 1))
        expected = max(h * (n - h + 1) for h in heights)  # height h spans bars h..n
    else:
        rng = random.Random(24)
        heights = [rng.choice([0, 3, 5, 6, 7, 8, 9, 9, 9]) for _ in range(n)]
        expected = runs_rectangle(heights)
    expect_equal(ex.largest_rectangle_in_histogram(heights), expected,
                 call=f"largest_rectangle_in_histogram(<{n} bars, {kind}>)",
                 hint="O(n) with a monotonic stack; extending left and right from every bar is O(n^2) here")


# ------------------------------------------------------------------ shortest_subarray_with_sum_at_least_k

SHORTEST_CASES = [
    pytest.param([2, -1, 2], 3, 3, "", id="docstring"),
    pytest.param([], 1, -1, "no numbers, no non-empty subarray: -1", id="empty"),
    pytest.param([], 0, -1, "even k <= 0 needs a non-empty subarray", id="empty-k0"),
    pytest.param([1], 1, 1, "", id="one-hit"),
    pytest.param([1], 2, -1, "", id="one-miss"),
    pytest.param([1, 2], 4, -1, "", id="no-answer"),
    pytest.param([-5], 0, -1, "", id="negative-vs-zero"),
    pytest.param([-5, 1], 0, 1, "k <= 0: one non-negative number is enough", id="k-zero"),
    pytest.param([-3, -2], -2, 1, "", id="negative-k"),
    pytest.param([84, -37, 32, 40, 95], 167, 3, "", id="middle"),
    pytest.param([1, 1, 1, -10, 5], 5, 1, "the answer at the end", id="at-end"),
    pytest.param([7, -100, 1, 1, 1], 7, 1, "the answer at the start", id="at-start"),
    pytest.param([2, -1, 0, 0, 2], 3, 5, "zeros and negatives inside", id="zeros"),
    pytest.param([1, -1, 1, -1, 3], 3, 1, "", id="alternating"),
]


@pytest.mark.parametrize("nums,k,expected,hint", SHORTEST_CASES)
def test_shortest_known_values(ex, nums, k, expected, hint):
    expect_equal(ex.shortest_subarray_with_sum_at_least_k(list(nums), k), expected,
                 call=f"shortest_subarray_with_sum_at_least_k({nums!r}, {k})",
                 hint=hint or "prefix sums P; the answer is the smallest j - i with P[j] - P[i] >= k and i < j")


@given(st.lists(st.integers(-6, 8), max_size=14), st.integers(-5, 15))
def test_shortest_matches_brute_force(ex, nums, k):
    expect_equal(ex.shortest_subarray_with_sum_at_least_k(nums, k), brute_shortest(nums, k),
                 call=f"shortest_subarray_with_sum_at_least_k({nums!r}, {k})",
                 hint="with negatives a two-pointer window fails; keep a deque of start indices with increasing prefix sums")


@pytest.mark.parametrize("seed", [6, 7])
def test_shortest_medium_random(ex, seed):
    rng = random.Random(seed)
    nums = [rng.randint(-100, 120) for _ in range(1_500)]
    k = rng.randint(200, 900)
    expect_equal(ex.shortest_subarray_with_sum_at_least_k(nums, k), brute_shortest(nums, k),
                 call=f"shortest_subarray_with_sum_at_least_k(<1500 random numbers in [-100, 120], seed {seed}>, {k})",
                 hint="pop from the front while P[j] - P[front] >= k (recording j - front); pop from the back while P[back] >= P[j]")


@pytest.mark.parametrize(
    "name,nums,k,expected",
    [
        pytest.param("[3, -1] * 50000", [3, -1] * 50_000, 100, 99, id="alternating-99"),
        pytest.param("[-1] * 99999 + [10]", [-1] * 99_999 + [10], 10, 1, id="last-one"),
        pytest.param("[1] * 100000", [1] * 100_000, 100_000, 100_000, id="whole-list"),
        pytest.param("[1] * 100000", [1] * 100_000, 100_001, -1, id="total-too-small"),
    ],
)
def test_shortest_large_input(ex, name, nums, k, expected):
    expect_equal(ex.shortest_subarray_with_sum_at_least_k(nums, k), expected,
                 call=f"shortest_subarray_with_sum_at_least_k({name}, {k})",
                 hint="O(n) with a monotonic deque of prefix-sum indices; each index enters and leaves once")
