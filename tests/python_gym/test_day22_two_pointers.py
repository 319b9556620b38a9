"""Grading tests for gym-22 (two pointers, sliding window): three_sum and longest_substring_k_distinct.

Oracles, written here without pointers: every combination of three positions
(itertools.combinations) for three_sum on small inputs, a count-of-each-value
enumeration over distinct value pairs for large ones; every substring checked
with a set for longest_substring_k_distinct. Hypothesis compares both with the
exercise on small alphabets and ranges, where duplicates are common.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises

pytestmark = pytest.mark.exercise("gym-22")


# ------------------------------------------------------------------ oracles


def brute_three_sum(nums: list[int], target: int = 0) -> list[tuple[int, int, int]]:
    """Every choice of three positions: O(n^3), obviously right."""
    return sorted({tuple(sorted(trio)) for trio in combinations(nums, 3) if sum(trio) == target})


def counting_three_sum(nums: list[int], target: int = 0) -> list[tuple[int, int, int]]:
    """Enumerate value pairs a <= b over the distinct values; c is forced and must be >= b and available."""
    counts = Counter(nums)
    distinct = sorted(counts)
    found = []
    for i, a in enumerate(distinct):
        for b in distinct[i:]:
            c = target - a - b
            if c < b or c not in counts:
                continue
            need = Counter([a, b, c])
            if all(counts[v] >= m for v, m in need.items()):
                found.append((a, b, c))
    return found


def brute_k_distinct(s: str, k: int) -> int:
    """Every substring, longest first: O(n^3), obviously right."""
    for length in range(len(s), 0, -1):
        if any(len(set(s[i : i + length])) <= k for i in range(len(s) - length + 1)):
            return length
    return 0


# ------------------------------------------------------------------ three_sum

THREE_SUM_CASES = [
    pytest.param([], 0, id="empty"),
    pytest.param([0, 0], 0, id="two-numbers"),
    pytest.param([0, 0, 0], 0, id="three-zeros"),
    pytest.param([0, 0, 0, 0, 0], 0, id="many-zeros-once"),
    pytest.param([-1, 0, 1, 2, -1, -4], 0, id="docstring"),
    pytest.param([1, 2, -3], 0, id="exactly-one"),
    pytest.param([1, 2, 4], 0, id="none"),
    pytest.param([2, -1], 0, id="value-used-twice-needs-two-copies"),
    pytest.param([-2, 1, 1, 1, 1, 0, 2, -2], 0, id="duplicates"),
    pytest.param([1, 1, 1, 2, 2, 3, 4, 5], 6, id="target-6"),
    pytest.param([-5, -4, -3, -2, -1], -9, id="all-negative-target"),
    pytest.param([3, 3, 3, -6, 0, 6, -3], 0, id="repeats-both-sides"),
]


@pytest.mark.parametrize("nums,target", THREE_SUM_CASES)
def test_three_sum_matches_brute_force(ex, nums, target):
    expect_equal(
        ex.three_sum(list(nums), target=target),
        brute_three_sum(nums, target),
        call=f"three_sum({nums!r}, target={target})",
        hint="sort first; each triple once (skip equal values for the first and the middle pointer), "
        "ascending inside and in the list",
    )


def test_three_sum_value_needs_enough_copies(ex):
    expect_equal(
        ex.three_sum([2, -1]), [], call="three_sum([2, -1])",
        hint="a triple uses three different positions: -1 may be used twice only if it occurs twice",
    )
    expect_equal(ex.three_sum([2, -1, -1]), [(-1, -1, 2)], call="three_sum([2, -1, -1])",
                 hint="the three pointers i < lo < hi must be distinct positions of the sorted list")


def test_three_sum_returns_tuples_and_keeps_input(ex):
    nums = [0, -1, 1, 2, -1]
    got = ex.three_sum(nums)
    expect_equal(nums, [0, -1, 1, 2, -1], call="nums after three_sum(nums)",
                 hint="sort a copy (sorted(nums)) instead of calling nums.sort()")
    expect_equal(got, [(-1, -1, 2), (-1, 0, 1)], call="three_sum([0, -1, 1, 2, -1])",
                 hint="each triple is a tuple (a, b, c) with a <= b <= c")


def test_three_sum_large_input(ex):
    rng = random.Random(22)
    nums = [rng.randint(-60, 60) for _ in range(1_000)]
    expect_equal(
        ex.three_sum(nums),
        counting_three_sum(nums),
        call="three_sum(<1000 random integers in [-60, 60]>)",
        hint="O(n^2) two pointers after one sort; skip duplicates instead of collecting a set of every hit",
    )


@given(st.lists(st.integers(-8, 8), max_size=14), st.integers(-4, 4))
def test_three_sum_property(ex, nums, target):
    expect_equal(ex.three_sum(nums, target=target), brute_three_sum(nums, target),
                 call=f"three_sum({nums!r}, target={target})",
                 hint="compare the sum with target, not with 0; move lo up when the sum is too small, hi down when too big")


# ------------------------------------------------------------------ longest_substring_k_distinct

K_DISTINCT_CASES = [
    pytest.param("eceba", 2, 3, id="docstring"),
    pytest.param("", 2, 0, id="empty"),
    pytest.param("abc", 0, 0, id="k-zero"),
    pytest.param("a", 1, 1, id="single"),
    pytest.param("aa", 1, 2, id="one-repeated"),
    pytest.param("abc", 5, 3, id="k-above-distinct"),
    pytest.param("abaccc", 2, 4, id="best-at-end"),
    pytest.param("aabbcc", 1, 2, id="k-one"),
    pytest.param("aAaA", 1, 1, id="case-sensitive"),
    pytest.param("学习学习很好", 2, 4, id="chinese"),
    pytest.param("🍎🍎🍌🍎🍇", 2, 4, id="emoji"),
]


@pytest.mark.parametrize("s,k,expected", K_DISTINCT_CASES)
def test_k_distinct_known_values(ex, s, k, expected):
    expect_equal(
        ex.longest_substring_k_distinct(s, k),
        expected,
        call=f"longest_substring_k_distinct({s!r}, {k})",
        hint="grow on the right; while the window holds more than k distinct characters, shrink on the left",
    )


def test_k_distinct_negative_k_raises(ex):
    expect_raises(ValueError, ex.longest_substring_k_distinct, "abc", -1,
                  call="longest_substring_k_distinct('abc', -1)",
                  hint="a negative k is a caller error: raise ValueError before the loop")


def test_k_distinct_large_input(ex):
    rng = random.Random(5)
    s = "".join(rng.choice("aab") for _ in range(100_000)) + "c"
    expect_equal(
        ex.longest_substring_k_distinct(s, 2),
        100_000,
        call="longest_substring_k_distinct(<100000 random a/b, then 'c'>, 2)",
        hint="the whole a/b prefix has 2 distinct characters; each index may enter and leave the window only once",
    )
    s = "a" * 5 + "b" * 30_000 + "c" * 40_000 + "a"
    expect_equal(
        ex.longest_substring_k_distinct(s, 2),
        70_000,
        call="longest_substring_k_distinct('a' * 5 + 'b' * 30000 + 'c' * 40000 + 'a', 2)",
        hint="when a third character enters, shrink from the left until only k distinct remain (delete keys at 0)",
    )


@given(st.text(alphabet="abcd", max_size=18), st.integers(0, 5))
def test_k_distinct_property(ex, s, k):
    expect_equal(ex.longest_substring_k_distinct(s, k), brute_k_distinct(s, k),
                 call=f"longest_substring_k_distinct({s!r}, {k})",
                 hint="len(window) must count only characters still inside: del the key when its count reaches 0")
