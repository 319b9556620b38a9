"""Grading tests for gym-25 (heaps): reorganize_string and furthest_building.

reorganize_string may return any valid arrangement, so it is graded by a
property (a permutation of the input with no equal neighbours) plus a
possibility oracle: every distinct permutation tried (itertools.permutations)
on short strings, the counting bound ``max count <= (n + 1) // 2`` on long ones.

furthest_building is checked against every way to hand the ladders to the
climbs (itertools.combinations) on short inputs, and against "sort the climbs
of a prefix, ladders on the largest" with a binary search over the prefix on
10^5 buildings.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations, permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-25")


# ------------------------------------------------------------------ oracles


def no_equal_neighbours(text: str) -> bool:
    return all(a != b for a, b in zip(text, text[1:]))


def brute_possible(s: str) -> bool:
    """Some permutation has no equal neighbours (tries them all; short strings only)."""
    return any(no_equal_neighbours(p) for p in set(permutations(s)))


def bound_possible(s: str) -> bool:
    return not s or max(Counter(s).values()) <= (len(s) + 1) // 2


def climbs_up_to(heights: list[int], j: int) -> list[int]:
    return [heights[i + 1] - heights[i] for i in range(j) if heights[i + 1] > heights[i]]


def brute_reachable(heights: list[int], j: int, bricks: int, ladders: int) -> bool:
    """Try every set of climbs to put ladders on."""
    climbs = climbs_up_to(heights, j)
    use = min(ladders, len(climbs))
    return any(sum(climbs) - sum(chosen) <= bricks for chosen in combinations(climbs, use))


def brute_furthest(heights: list[int], bricks: int, ladders: int) -> int:
    return max(j for j in range(len(heights)) if brute_reachable(heights, j, bricks, ladders))


def sorted_reachable(heights: list[int], j: int, bricks: int, ladders: int) -> bool:
    climbs = sorted(climbs_up_to(heights, j), reverse=True)
    return sum(climbs[ladders:]) <= bricks


def bisect_furthest(heights: list[int], bricks: int, ladders: int) -> int:
    """Reachability is monotone in j: binary search the last reachable prefix."""
    lo, hi = 0, len(heights) - 1  # j = 0 is always reachable
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sorted_reachable(heights, mid, bricks, ladders):
            lo = mid
        else:
            hi = mid - 1
    return lo


# ------------------------------------------------------------------ reorganize_string


def check_reorganized(got, s: str, *, possible: bool, call: str) -> None:
    expect_true(isinstance(got, str), message=f"{call} returned {got!r}, not a str")
    if not possible:
        expect_equal(got, "", call=call, hint="some character occurs more than (len(s) + 1) // 2 times: no arrangement exists, return ''")
        return
    expect_true(Counter(got) == Counter(s),
                message=f"{call} returned {got!r}, which is not a rearrangement of {s!r} "
                f"(counts {dict(Counter(got))} instead of {dict(Counter(s))})",
                hint="use every character exactly as often as in s")
    bad = next((i for i in range(len(got) - 1) if got[i] == got[i + 1]), None)
    expect_true(bad is None,
                message=f"{call} returned {got!r}: positions {bad} and {bad + 1 if bad is not None else ''} hold the same character",
                hint="never place the character that was placed last; take the runner-up from the heap instead")


REORG_CASES = [
    pytest.param("aab", id="docstring"),
    pytest.param("aaab", id="impossible"),
    pytest.param("", id="empty"),
    pytest.param("z", id="one-char"),
    pytest.param("zz", id="two-same"),
    pytest.param("aaabb", id="tight-odd"),
    pytest.param("aabb", id="tight-even"),
    pytest.param("aaabc", id="tight-three-kinds"),
    pytest.param("aaaabc", id="one-too-many"),
    pytest.param("vvvlo", id="classic"),
    pytest.param("aAaA", id="case-sensitive"),
    pytest.param("aAa", id="case-tight"),
    pytest.param("好好学习", id="chinese"),
    pytest.param("🍎🍎🍎🍌🍌", id="emoji"),
]


@pytest.mark.parametrize("s", REORG_CASES)
def test_reorganize_known_cases(ex, s):
    check_reorganized(ex.reorganize_string(s), s, possible=brute_possible(s), call=f"reorganize_string({s!r})")


@given(st.text(alphabet="aabc", max_size=7))
def test_reorganize_property_against_all_permutations(ex, s):
    check_reorganized(ex.reorganize_string(s), s, possible=brute_possible(s), call=f"reorganize_string({s!r})")


@pytest.mark.parametrize(
    "name,s",
    [
        pytest.param("'ab' * 50000 + 'a'", "ab" * 50_000 + "a", id="tight-100001"),
        pytest.param("'a' * 50002 + 'b' * 50000", "a" * 50_002 + "b" * 50_000, id="impossible-100002"),
        pytest.param("100000 random letters", "".join(random.Random(25).choice("abcdefg") for _ in range(100_000)), id="random-100000"),
    ],
)
def test_reorganize_large_input(ex, name, s):
    check_reorganized(ex.reorganize_string(s), s, possible=bound_possible(s), call=f"reorganize_string(<{name}>)")


# ------------------------------------------------------------------ furthest_building

FURTHEST_CASES = [
    pytest.param([4, 2, 7, 6, 9, 14, 12], 5, 1, 4, "", id="docstring"),
    pytest.param([4, 12, 2, 7, 3, 18, 20, 3, 19], 10, 2, 7, "", id="ladders-on-the-biggest"),
    pytest.param([14, 3, 19, 3], 17, 0, 3, "", id="bricks-only"),
    pytest.param([5], 0, 0, 0, "one building: you are already at index 0", id="one-building"),
    pytest.param([9, 7, 7, 3, 1], 0, 0, 4, "descents and equal heights are free", id="downhill"),
    pytest.param([1, 2], 0, 0, 0, "no bricks and no ladders: the first climb stops you", id="nothing"),
    pytest.param([1, 5, 1, 5], 0, 5, 3, "more ladders than climbs", id="many-ladders"),
    pytest.param([1, 1000, 1001], 1, 1, 2, "the ladder takes the climb of 999 (only a ladder can), bricks the climb of 1", id="swap-to-ladder"),
    pytest.param([1, 2, 1000], 1, 1, 2, "", id="bricks-first-then-ladder"),
    pytest.param([3, 3, 3], 0, 0, 2, "equal heights cost nothing", id="flat"),
    pytest.param([0, 4, 5, 6], 4, 1, 3, "spending bricks whenever they suffice fails here: the ladder belongs on the climb of 4", id="not-bricks-first"),
    pytest.param([0, 1, 5], 1, 1, 2, "using ladders on the first climbs fails here: the ladder belongs on the climb of 4", id="not-ladders-first"),
]


@pytest.mark.parametrize("heights,bricks,ladders,expected,hint", FURTHEST_CASES)
def test_furthest_known_values(ex, heights, bricks, ladders, expected, hint):
    expect_equal(ex.furthest_building(list(heights), bricks, ladders), expected,
                 call=f"furthest_building({heights!r}, bricks={bricks}, ladders={ladders})",
                 hint=hint or "keep the ladders on the largest climbs so far (a min-heap of size ladders); pay the rest with bricks")


@pytest.mark.parametrize(
    "heights,bricks,ladders",
    [([], 1, 1), ([1, 2], -1, 0), ([1, 2], 0, -1)],
    ids=["no-buildings", "negative-bricks", "negative-ladders"],
)
def test_furthest_invalid_arguments_raise(ex, heights, bricks, ladders):
    expect_raises(ValueError, ex.furthest_building, heights, bricks, ladders,
                  call=f"furthest_building({heights!r}, {bricks}, {ladders})",
                  hint="no building to stand on, or a negative supply, is a caller error: raise ValueError")


@given(st.lists(st.integers(0, 12), min_size=1, max_size=9), st.integers(0, 15), st.integers(0, 3))
def test_furthest_matches_every_ladder_assignment(ex, heights, bricks, ladders):
    expect_equal(ex.furthest_building(heights, bricks, ladders), brute_furthest(heights, bricks, ladders),
                 call=f"furthest_building({heights!r}, bricks={bricks}, ladders={ladders})",
                 hint="a greedy 'bricks while they last, then ladders' fails; let a ladder take back the largest climb")


@pytest.mark.parametrize("seed,ladders", [(1, 50), (2, 0), (3, 2_000)])
def test_furthest_large_input(ex, seed, ladders):
    rng = random.Random(seed)
    heights = [rng.randint(0, 10**6) for _ in range(100_000)]
    bricks = 10**9
    expect_equal(ex.furthest_building(heights, bricks, ladders), bisect_furthest(heights, bricks, ladders),
                 call=f"furthest_building(<100000 random heights, seed {seed}>, bricks={bricks}, ladders={ladders})",
                 hint="O(n log ladders) with a bounded heap; re-sorting the climbs at every building is too slow")
