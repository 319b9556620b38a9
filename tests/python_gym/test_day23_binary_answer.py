"""Grading tests for gym-23 (binary search on the answer): min_eating_speed and split_array_min_largest_sum.

Oracles: a linear scan over candidate speeds (the first speed that finishes in
time) for small piles; every way to place the k - 1 cuts
(itertools.combinations) and an O(k n^2) dynamic programme for the split; for
inputs too large to scan, the defining property "the answer is feasible and
answer - 1 is not", checked with feasibility tests written here.
"""

from __future__ import annotations

import random
from itertools import accumulate, combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-23")


# ------------------------------------------------------------------ oracles


def hours_at(piles: list[int], speed: int) -> int:
    return sum(-(-p // speed) for p in piles)  # ceil division


def scan_eating_speed(piles: list[int], h: int) -> int:
    """Try every speed from 1 up: obviously right, O(max(piles)) checks."""
    speed = 1
    while hours_at(piles, speed) > h:
        speed += 1
    return speed


def brute_split(nums: list[int], k: int) -> int:
    """Every choice of k - 1 cut positions among the len(nums) - 1 gaps."""
    best = None
    for cuts in combinations(range(1, len(nums)), k - 1):
        bounds = (0, *cuts, len(nums))
        largest = max(sum(nums[a:b]) for a, b in zip(bounds, bounds[1:]))
        best = largest if best is None else min(best, largest)
    return best


def dp_split(nums: list[int], k: int) -> int:
    """best[j][i]: the smallest largest sum splitting nums[:i] into j parts; O(k n^2)."""
    n = len(nums)
    prefix = [0, *accumulate(nums)]
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0
    for j in range(1, k + 1):
        for i in range(j, n + 1):
            best[j][i] = min(max(best[j - 1][m], prefix[i] - prefix[m]) for m in range(j - 1, i))
    return best[k][n]


def fits_in_parts(nums: list[int], limit: int, k: int) -> bool:
    """Can nums be cut into at most k contiguous parts, each summing to <= limit?"""
    if any(x > limit for x in nums):
        return False
    parts, current = 1, 0
    for x in nums:
        if current + x > limit:
            parts, current = parts + 1, 0
        current += x
    return parts <= k


# ------------------------------------------------------------------ min_eating_speed

KOKO_CASES = [
    pytest.param([3, 6, 7, 11], 8, 4, "", id="docstring"),
    pytest.param([30, 11, 23, 4, 20], 5, 30, "h == len(piles): one hour per pile, so the speed is max(piles)", id="h-equals-piles"),
    pytest.param([30, 11, 23, 4, 20], 6, 23, "", id="one-spare-hour"),
    pytest.param([], 3, 1, "no piles: any speed works, and the smallest allowed speed is 1", id="no-piles"),
    pytest.param([1], 1, 1, "", id="one-banana"),
    pytest.param([10], 3, 4, "ceil(10 / 3) = 4 hours is too many; speed 4 takes 3", id="one-pile"),
    pytest.param([5, 5, 5], 10**9, 1, "plenty of hours: the answer never drops below 1", id="huge-h"),
    pytest.param([10**9], 2, 500_000_000, "", id="big-pile"),
    pytest.param([10**9, 10**9 - 1], 4, 500_000_000, "", id="two-big-piles"),
    pytest.param([10**9, 10**9 - 1], 3, 10**9 - 1, "", id="two-big-piles-3h"),
]


@pytest.mark.parametrize("piles,h,expected,hint", KOKO_CASES)
def test_min_eating_speed_known_values(ex, piles, h, expected, hint):
    expect_equal(ex.min_eating_speed(list(piles), h), expected, call=f"min_eating_speed({piles!r}, {h})",
                 hint=hint or "the smallest speed v with sum(ceil(p / v)) <= h; search v in [1, max(piles)]")


def test_min_eating_speed_too_few_hours_raises(ex):
    expect_raises(ValueError, ex.min_eating_speed, [3, 6, 7], 2, call="min_eating_speed([3, 6, 7], 2)",
                  hint="every pile needs at least one hour: h < len(piles) can never work, raise ValueError")


@given(st.lists(st.integers(1, 40), max_size=8), st.integers(0, 40))
def test_min_eating_speed_matches_linear_scan(ex, piles, h):
    if h < len(piles):
        return  # the ValueError case is tested above
    expect_equal(ex.min_eating_speed(piles, h), scan_eating_speed(piles, h), call=f"min_eating_speed({piles!r}, {h})",
                 hint="with lo/hi half-open: feasible(mid) -> hi = mid, else lo = mid + 1; ceil with (p + v - 1) // v")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_min_eating_speed_large_is_the_first_feasible_speed(ex, seed):
    rng = random.Random(seed)
    piles = [rng.randint(1, 10**9) for _ in range(2_000)]
    h = rng.randint(len(piles), 50 * len(piles))
    got = ex.min_eating_speed(piles, h)
    call = f"min_eating_speed(<2000 random piles up to 10^9, seed {seed}>, {h})"
    expect_true(isinstance(got, int) and got >= 1, message=f"{call} returned {got!r}, not an int >= 1")
    expect_true(hours_at(piles, got) <= h, message=f"{call} returned {got}, but that speed needs {hours_at(piles, got)} > {h} hours",
                hint="the answer must be feasible: after the search, lo == hi is the first feasible speed")
    expect_true(got == 1 or hours_at(piles, got - 1) > h,
                message=f"{call} returned {got}, but {got - 1} also finishes in time ({hours_at(piles, got - 1)} <= {h} hours)",
                hint="the answer must be the smallest feasible speed: move hi to mid (not mid - 1) when mid works")


# ------------------------------------------------------------------ split_array_min_largest_sum

SPLIT_CASES = [
    pytest.param([7, 2, 5, 10, 8], 2, 18, id="docstring"),
    pytest.param([7, 2, 5, 10, 8], 1, 32, id="k-one-is-the-total"),
    pytest.param([7, 2, 5, 10, 8], 5, 10, id="k-n-is-the-max"),
    pytest.param([1, 2, 3, 4, 5], 2, 9, id="ascending"),
    pytest.param([1, 4, 4], 3, 4, id="three-parts"),
    pytest.param([5], 1, 5, id="single"),
    pytest.param([0, 0, 0], 2, 0, id="zeros"),
    pytest.param([0, 9, 0, 0, 1], 3, 9, id="zeros-around"),
    pytest.param([2, 3, 1, 2, 4, 3], 5, 4, id="many-parts"),
]


@pytest.mark.parametrize("nums,k,expected", SPLIT_CASES)
def test_split_known_values(ex, nums, k, expected):
    expect_equal(ex.split_array_min_largest_sum(list(nums), k), expected,
                 call=f"split_array_min_largest_sum({nums!r}, {k})",
                 hint="binary search the limit in [max(nums), sum(nums)]; greedy: start a new part when the next number would not fit")


@pytest.mark.parametrize("nums,k", [([1, 2], 0), ([1, 2], 3), ([], 1)], ids=["k-zero", "k-too-big", "empty"])
def test_split_invalid_k_raises(ex, nums, k):
    expect_raises(ValueError, ex.split_array_min_largest_sum, nums, k, call=f"split_array_min_largest_sum({nums!r}, {k})",
                  hint="k non-empty parts need 1 <= k <= len(nums); check before searching")


@given(st.lists(st.integers(0, 30), min_size=1, max_size=9).flatmap(lambda xs: st.tuples(st.just(xs), st.integers(1, len(xs)))))
def test_split_matches_brute_force(ex, case):
    nums, k = case
    expect_equal(ex.split_array_min_largest_sum(nums, k), brute_split(nums, k),
                 call=f"split_array_min_largest_sum({nums!r}, {k})",
                 hint="fewer than k greedy parts is still feasible (any part can be cut again); the lower end is max(nums), not 0")


@pytest.mark.parametrize("seed,n,k", [(4, 60, 7), (5, 80, 3)])
def test_split_matches_dynamic_programme(ex, seed, n, k):
    rng = random.Random(seed)
    nums = [rng.randint(0, 1000) for _ in range(n)]
    expect_equal(ex.split_array_min_largest_sum(nums, k), dp_split(nums, k),
                 call=f"split_array_min_largest_sum(<{n} random numbers in [0, 1000], seed {seed}>, {k})",
                 hint="the greedy check counts parts; the answer is the smallest limit that needs <= k parts")


def test_split_large_is_the_first_feasible_limit(ex):
    rng = random.Random(23)
    nums = [rng.randint(0, 10**6) for _ in range(10_000)]
    k = 37
    got = ex.split_array_min_largest_sum(nums, k)
    call = f"split_array_min_largest_sum(<10000 random numbers up to 10^6>, {k})"
    expect_true(fits_in_parts(nums, got, k), message=f"{call} returned {got}, but no split into {k} parts keeps every sum <= {got}",
                hint="the answer must be feasible")
    expect_true(not fits_in_parts(nums, got - 1, k), message=f"{call} returned {got}, but {got - 1} is also achievable",
                hint="the answer must be the smallest feasible limit: binary search, not a scan (the range is ~5 * 10^9 wide)")
