"""Grading tests for gym-26 (dynamic programming): coin_change, edit_distance, knapsack_01, lis_length.

Oracles, none of them a DP table over the same states:
- coin_change: every combination of coin counts (itertools.product) on small amounts;
- edit_distance: breadth-first search over strings, one edit per step, on
  short strings; hand-worked values; metric properties (symmetry, triangle
  inequality, length bounds) with Hypothesis;
- knapsack_01: every subset of items;
- lis_length: every subsequence on short lists, the O(n^2) DP on 800
  numbers, and constructed lists with a known answer on 10^5.
"""

from __future__ import annotations

import random
from collections import deque
from itertools import combinations, product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-26")


# ------------------------------------------------------------------ oracles


def brute_coin_change(coins: list[int], amount: int) -> int:
    values = sorted(set(coins))
    best = -1
    for counts in product(*(range(amount // c + 1) for c in values)):
        if sum(n * c for n, c in zip(counts, values)) == amount:
            total = sum(counts)
            best = total if best == -1 else min(best, total)
    return best


def bfs_edit_distance(a: str, b: str) -> int:
    """Shortest path from a to b where each step is one insert, delete or substitution.

    Intermediate strings never need characters outside a + b, nor a length above
    max(len(a), len(b)); the search is exhaustive within those bounds.
    """
    alphabet = sorted(set(a + b))
    limit = max(len(a), len(b))
    dist = {a: 0}
    queue = deque([a])
    while queue:
        s = queue.popleft()
        if s == b:
            return dist[s]
        nexts = [s[:i] + s[i + 1 :] for i in range(len(s))]
        nexts += [s[:i] + c + s[i + 1 :] for i in range(len(s)) for c in alphabet]
        if len(s) < limit:
            nexts += [s[:i] + c + s[i:] for i in range(len(s) + 1) for c in alphabet]
        for t in nexts:
            if t not in dist:
                dist[t] = dist[s] + 1
                queue.append(t)
    raise AssertionError("unreachable: b is always reachable from a")


def brute_knapsack(weights: list[int], values: list[int], capacity: int) -> int:
    best = 0
    for r in range(len(weights) + 1):
        for chosen in combinations(range(len(weights)), r):
            if sum(weights[i] for i in chosen) <= capacity:
                best = max(best, sum(values[i] for i in chosen))
    return best


def brute_lis(nums: list[int]) -> int:
    for r in range(len(nums), 0, -1):
        if any(all(x < y for x, y in zip(sub, sub[1:])) for sub in combinations(nums, r)):
            return r
    return 0


def quadratic_lis(nums: list[int]) -> int:
    ends = []  # ends[i]: the longest increasing subsequence ending at i
    for i, x in enumerate(nums):
        ends.append(1 + max((ends[j] for j in range(i) if nums[j] < x), default=0))
    return max(ends, default=0)


# ------------------------------------------------------------------ coin_change

COIN_CASES = [
    pytest.param([1, 3, 4], 6, 2, "greedy takes 4 + 1 + 1; the DP finds 3 + 3", id="docstring-greedy-fails"),
    pytest.param([1, 2, 5], 11, 3, "", id="classic"),
    pytest.param([2], 3, -1, "an amount no combination reaches: -1", id="unreachable"),
    pytest.param([7], 0, 0, "amount 0 needs no coins", id="amount-zero"),
    pytest.param([], 0, 0, "", id="no-coins-zero"),
    pytest.param([], 5, -1, "no coins: only amount 0 is reachable", id="no-coins"),
    pytest.param([5], 15, 3, "", id="single-coin"),
    pytest.param([3, 3, 5], 11, 3, "repeated coin values are harmless", id="repeated-coins"),
    pytest.param([10, 6, 1], 12, 2, "", id="greedy-fails-again"),
    pytest.param([4, 6], 7, -1, "", id="even-coins-odd-amount"),
    pytest.param([100], 50, -1, "coins bigger than the amount never fit", id="coin-too-big"),
]


@pytest.mark.parametrize("coins,amount,expected,hint", COIN_CASES)
def test_coin_change_known_values(ex, coins, amount, expected, hint):
    expect_equal(ex.coin_change(list(coins), amount), expected, call=f"coin_change({coins!r}, {amount})",
                 hint=hint or "best[a] = 1 + min(best[a - c]) over coins c <= a, with best[0] = 0")


@pytest.mark.parametrize("coins,amount", [([1, 2], -1), ([0, 1], 3), ([-2, 5], 3)], ids=["negative-amount", "zero-coin", "negative-coin"])
def test_coin_change_invalid_raises(ex, coins, amount):
    expect_raises(ValueError, ex.coin_change, coins, amount, call=f"coin_change({coins!r}, {amount})",
                  hint="a negative amount or a coin below 1 is a caller error (a 0 coin would loop forever top-down)")


@given(st.lists(st.integers(1, 12), max_size=4), st.integers(0, 40))
def test_coin_change_matches_brute_force(ex, coins, amount):
    expect_equal(ex.coin_change(coins, amount), brute_coin_change(coins, amount), call=f"coin_change({coins!r}, {amount})",
                 hint="-1 only when best[amount] was never improved; keep the 'unreachable' marker out of the min")


def test_coin_change_large_amount(ex):
    # 9973 = 3 * 3324 + 1: with coins 3 and 7 the best uses as many 7s as keep the rest divisible by 3.
    expected = min(n7 + (9973 - 7 * n7) // 3 for n7 in range(9973 // 7 + 1) if (9973 - 7 * n7) % 3 == 0)
    expect_equal(ex.coin_change([3, 7], 9973), expected, call="coin_change([3, 7], 9973)",
                 hint="bottom-up over amounts 0..9973; naive recursion without a cache never finishes")


# ------------------------------------------------------------------ edit_distance

EDIT_CASES = [
    pytest.param("kitten", "sitting", 3, id="docstring"),
    pytest.param("", "", 0, id="both-empty"),
    pytest.param("", "abc", 3, id="from-empty"),
    pytest.param("abc", "", 3, id="to-empty"),
    pytest.param("same", "same", 0, id="equal"),
    pytest.param("a", "b", 1, id="one-substitution"),
    pytest.param("horse", "ros", 3, id="horse-ros"),
    pytest.param("intention", "execution", 5, id="intention-execution"),
    pytest.param("ab", "ba", 2, id="swap-is-two-edits"),
    pytest.param("Python", "python", 1, id="case"),
    pytest.param("机器学习", "深度学习", 2, id="chinese"),
    pytest.param("🍎🍌", "🍌🍎🍌", 1, id="emoji"),
]


@pytest.mark.parametrize("a,b,expected", EDIT_CASES)
def test_edit_distance_known_values(ex, a, b, expected):
    expect_equal(ex.edit_distance(a, b), expected, call=f"edit_distance({a!r}, {b!r})",
                 hint="row 0 is 0..len(b) and column 0 is 0..len(a); equal characters cost nothing: d[i-1][j-1]")


@given(st.text(alphabet="abc", max_size=4), st.text(alphabet="abc", max_size=4))
def test_edit_distance_matches_search_over_edits(ex, a, b):
    expect_equal(ex.edit_distance(a, b), bfs_edit_distance(a, b), call=f"edit_distance({a!r}, {b!r})",
                 hint="d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (a[i-1] != b[j-1]))")


@given(st.text(alphabet="xyz", max_size=7), st.text(alphabet="xyz", max_size=7), st.text(alphabet="xyz", max_size=7))
def test_edit_distance_is_a_metric(ex, a, b, c):
    ab, ba = ex.edit_distance(a, b), ex.edit_distance(b, a)
    expect_equal(ab, ba, call=f"edit_distance({a!r}, {b!r}) vs edit_distance({b!r}, {a!r})",
                 hint="insert and delete are mirror images: the distance must be symmetric")
    expect_true(abs(len(a) - len(b)) <= ab <= max(len(a), len(b)),
                message=f"edit_distance({a!r}, {b!r}) = {ab} is outside [{abs(len(a) - len(b))}, {max(len(a), len(b))}]",
                hint="at least the length difference, at most the longer length")
    ac, cb = ex.edit_distance(a, c), ex.edit_distance(c, b)
    expect_true(ab <= ac + cb,
                message=f"triangle inequality broken: d({a!r}, {b!r}) = {ab} > d({a!r}, {c!r}) + d({c!r}, {b!r}) = {ac} + {cb}",
                hint="a minimum over all edit sequences can never exceed going through a third string")


@pytest.mark.parametrize(
    "name,a,b,expected",
    [
        pytest.param("'ab' * 250 vs 'ba' * 250", "ab" * 250, "ba" * 250, 2, id="shifted"),
        pytest.param("'a' * 500 vs 'b' * 500", "a" * 500, "b" * 500, 500, id="all-different"),
        pytest.param("'abc' * 160 vs the same with 'x' inserted in the middle", "abc" * 160, "abc" * 80 + "x" + "abc" * 80, 1, id="one-insert"),
    ],
)
def test_edit_distance_large(ex, name, a, b, expected):
    expect_equal(ex.edit_distance(a, b), expected, call=f"edit_distance({name})",
                 hint="an O(len(a) * len(b)) table (or two rows); recursion without a cache is exponential")


# ------------------------------------------------------------------ knapsack_01

KNAP_CASES = [
    pytest.param([1, 3, 4, 5], [1, 4, 5, 7], 7, 9, "", id="docstring"),
    pytest.param([], [], 10, 0, "no items: value 0", id="no-items"),
    pytest.param([2, 3], [5, 6], 0, 0, "capacity 0: only weight-0 items fit", id="capacity-zero"),
    pytest.param([5], [10], 4, 0, "", id="too-heavy"),
    pytest.param([1], [10], 3, 10, "each item at most once: iterate capacities right to left", id="once-only"),
    pytest.param([0, 0, 2], [3, 4, 5], 1, 7, "weight-0 items are always worth taking, once each", id="weight-zero"),
    pytest.param([10, 20, 30], [60, 100, 120], 50, 220, "", id="classic"),
    pytest.param([5, 3, 3], [10, 7, 7], 6, 14, "taking the most valuable item first is not optimal here", id="greedy-by-value-fails"),
    pytest.param([1, 5], [2, 9], 5, 9, "taking the best value per weight first is not optimal here", id="greedy-by-ratio-fails"),
]


@pytest.mark.parametrize("weights,values,capacity,expected,hint", KNAP_CASES)
def test_knapsack_known_values(ex, weights, values, capacity, expected, hint):
    expect_equal(ex.knapsack_01(list(weights), list(values), capacity), expected,
                 call=f"knapsack_01({weights!r}, {values!r}, {capacity})",
                 hint=hint or "best[c] = max(best[c], best[c - w] + v), c from capacity down to w")


@pytest.mark.parametrize(
    "weights,values,capacity",
    [([1, 2], [3], 5), ([-1], [3], 5), ([1], [-3], 5), ([1], [3], -1)],
    ids=["length-mismatch", "negative-weight", "negative-value", "negative-capacity"],
)
def test_knapsack_invalid_raises(ex, weights, values, capacity):
    expect_raises(ValueError, ex.knapsack_01, weights, values, capacity,
                  call=f"knapsack_01({weights!r}, {values!r}, {capacity})",
                  hint="check the lengths and signs first; zip() would silently drop the extra weight")


@given(
    st.integers(0, 8).flatmap(
        lambda n: st.tuples(st.lists(st.integers(0, 9), min_size=n, max_size=n), st.lists(st.integers(0, 20), min_size=n, max_size=n))
    ),
    st.integers(0, 25),
)
def test_knapsack_matches_every_subset(ex, items, capacity):
    weights, values = items
    expect_equal(ex.knapsack_01(weights, values, capacity), brute_knapsack(weights, values, capacity),
                 call=f"knapsack_01({weights!r}, {values!r}, {capacity})",
                 hint="left to right over capacities lets one item be taken many times (that is the unbounded knapsack)")


def test_knapsack_large(ex):
    rng = random.Random(26)
    weights = [rng.randint(7, 60) for _ in range(200)]
    values = [w * 3 for w in weights]  # value proportional to weight: the best is the fullest bag
    capacity = 1_001
    reachable = 1  # bit s set <=> some subset of the weights sums to s (subset sum as an int bitset)
    for w in weights:
        reachable |= reachable << w
    fullest = max(s for s in range(capacity + 1) if reachable >> s & 1)
    expect_equal(ex.knapsack_01(weights, values, capacity), 3 * fullest,
                 call=f"knapsack_01(<200 random items of weight 7..60, value = 3 * weight>, {capacity})",
                 hint="O(n * capacity) with one row of capacities; trying every subset of 200 items never finishes")


# ------------------------------------------------------------------ lis_length

LIS_CASES = [
    pytest.param([10, 9, 2, 5, 3, 7, 101, 18], 4, id="docstring"),
    pytest.param([], 0, id="empty"),
    pytest.param([42], 1, id="one"),
    pytest.param([7, 7, 7, 7], 1, id="all-equal-strict"),
    pytest.param([1, 2, 3, 4, 5], 5, id="ascending"),
    pytest.param([5, 4, 3, 2, 1], 1, id="descending"),
    pytest.param([0, 1, 0, 3, 2, 3], 4, id="classic"),
    pytest.param([-3, -1, -2, 0, -5], 3, id="negatives"),
    pytest.param([1, 3, 3, 2, 4], 3, id="duplicates"),
    pytest.param([3, 4, 1, 2, 3], 3, id="late-start-wins"),
]


@pytest.mark.parametrize("nums,expected", LIS_CASES)
def test_lis_known_values(ex, nums, expected):
    expect_equal(ex.lis_length(list(nums)), expected, call=f"lis_length({nums!r})",
                 hint="strictly increasing: use bisect_left (bisect_right would let equal values extend the run)")


@given(st.lists(st.integers(-5, 5), max_size=11))
def test_lis_matches_every_subsequence(ex, nums):
    expect_equal(ex.lis_length(nums), brute_lis(nums), call=f"lis_length({nums!r})",
                 hint="tails[L] is the smallest tail of an increasing run of length L + 1; replace, do not insert")


def test_lis_matches_quadratic_dp(ex):
    rng = random.Random(260)
    nums = [rng.randint(-1000, 1000) for _ in range(800)]
    expect_equal(ex.lis_length(nums), quadratic_lis(nums), call="lis_length(<800 random integers in [-1000, 1000]>)",
                 hint="for each x, pos = bisect_left(tails, x); tails[pos] = x, or append when pos == len(tails)")


@pytest.mark.parametrize(
    "name,nums,expected",
    [
        pytest.param("list(range(100000))", list(range(100_000)), 100_000, id="ascending"),
        pytest.param("[i % 100 for i in range(100000)]", [i % 100 for i in range(100_000)], 100, id="saw"),
        pytest.param("100 descending blocks of 1000", [b * 1000 + (999 - j) for b in range(100) for j in range(1000)], 100, id="blocks"),
    ],
)
def test_lis_large(ex, name, nums, expected):
    expect_equal(ex.lis_length(nums), expected, call=f"lis_length({name})",
                 hint="O(n log n) with bisect; the O(n^2) DP takes minutes on 10^5 numbers")
