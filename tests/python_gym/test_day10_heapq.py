"""Grading tests for gym-10 (heapq): k_closest_points and meeting_rooms_needed.

Oracles: ``sorted(points, key=squared distance)[:k]`` (a stable full sort)
for the closest points; for the rooms, a brute force that counts the
meetings in progress at every start time, and a +1/-1 event sweep for the
large inputs. Hypothesis compares both exercises with their oracles.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises

pytestmark = pytest.mark.exercise("gym-10")


# ------------------------------------------------------------------ oracles


def sorted_closest(points, k):
    return sorted(points, key=lambda p: p[0] ** 2 + p[1] ** 2)[:k]


def brute_rooms(intervals):
    """The most meetings in progress at one moment; that moment is always some meeting's start."""
    return max((sum(1 for s, e in intervals if s <= t < e) for t, _ in intervals), default=0)


def sweep_rooms(intervals):
    """+1 at each start, -1 at each end; at equal times the end (-1) sorts first."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


# ------------------------------------------------------------------ k_closest_points

CLOSEST_CASES = [
    pytest.param([], 3, id="empty"),
    pytest.param([(1, 1)], 1, id="single"),
    pytest.param([(3, 3), (5, -1), (-2, 4), (1, 0)], 2, id="docstring"),
    pytest.param([(1, 2), (2, 1)], 0, id="k-zero"),
    pytest.param([(1, 2), (2, 1)], 5, id="k-beyond-n"),
    pytest.param([(0, -1), (1, 0), (-1, 0), (0, 1)], 2, id="ties-keep-input-order"),
    pytest.param([(2, 2), (2, 2), (1, 1)], 2, id="duplicates"),
    pytest.param([(0, 0), (-5, -5)], 1, id="origin"),
    pytest.param([(10**9, 10**9), (-(10**9), 1), (3, -4)], 2, id="large-coordinates"),
]


@pytest.mark.parametrize("points,k", CLOSEST_CASES)
def test_k_closest_known_values(ex, points, k):
    expect_equal(
        ex.k_closest_points(list(points), k),
        sorted_closest(points, k),
        call=f"k_closest_points({points!r}, {k})",
        hint="key = x * x + y * y; heapq.nsmallest keeps ties in input order, like a stable sort",
    )


def test_k_closest_tie_order(ex):
    points = [(0, 5), (3, 4), (-4, 3), (5, 0)]  # all at distance 5
    expect_equal(ex.k_closest_points(points, 3), [(0, 5), (3, 4), (-4, 3)], call=f"k_closest_points({points!r}, 3)",
                 hint="equal distances keep input order; do not add the point itself as a second key")


def test_k_closest_reads_a_generator(ex):
    rng = random.Random(3)
    points = [(rng.randint(-1000, 1000), rng.randint(-1000, 1000)) for _ in range(100_000)]
    got = ex.k_closest_points((p for p in points), 10)
    expect_equal(got, sorted_closest(points, 10), call="k_closest_points(<generator of 100000 points>, 10)",
                 hint="read the input once; a generator has no len() and cannot be restarted")


def test_k_closest_rejects_negative_k(ex):
    expect_raises(ValueError, ex.k_closest_points, [(1, 1)], -1, call="k_closest_points([(1, 1)], -1)",
                  hint="a negative k is a caller error, not an empty answer")


@given(st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4)), max_size=15), st.integers(0, 17))
def test_k_closest_property(ex, points, k):
    expect_equal(ex.k_closest_points(list(points), k), sorted_closest(points, k), call=f"k_closest_points({points!r}, {k})",
                 hint="the k smallest squared distances, closest first, ties in input order")


# ------------------------------------------------------------------ meeting_rooms_needed

ROOM_CASES = [
    pytest.param([], 0, "no meetings, no rooms", id="empty"),
    pytest.param([(1, 5)], 1, "", id="single"),
    pytest.param([(0, 30), (5, 10), (15, 20)], 2, "", id="docstring"),
    pytest.param([(1, 5), (5, 9)], 1, "a room freed at 5 can host a meeting starting at 5: reuse when end <= start", id="back-to-back"),
    pytest.param([(7, 10), (2, 4)], 1, "sort the meetings by start time first", id="unsorted"),
    pytest.param([(1, 3), (1, 3), (1, 3)], 3, "", id="identical"),
    pytest.param([(0, 100), (10, 20), (30, 40), (50, 60)], 2, "", id="nested"),
    pytest.param([(-10, -5), (-7, 0), (-5, 2)], 2, "", id="negative-times"),
    pytest.param([(1, 10), (2, 3), (3, 4), (4, 5)], 2, "the short meetings chain in one room", id="chain"),
    pytest.param([(9, 10), (4, 9), (4, 17)], 2, "", id="leetcode"),
]


@pytest.mark.parametrize("intervals,expected,hint", ROOM_CASES)
def test_meeting_rooms_known_values(ex, intervals, expected, hint):
    expect_equal(brute_rooms(intervals), expected, call=f"(oracle) brute_rooms({intervals!r})")
    expect_equal(
        ex.meeting_rooms_needed(list(intervals)),
        expected,
        call=f"meeting_rooms_needed({intervals!r})",
        hint=hint or "min-heap of end times; reuse the room at heap[0] when heap[0] <= start",
    )


@pytest.mark.parametrize("bad", [(3, 3), (5, 2)])
def test_meeting_rooms_rejects_empty_or_reversed_meetings(ex, bad):
    intervals = [(0, 4), bad]
    expect_raises(ValueError, ex.meeting_rooms_needed, intervals, call=f"meeting_rooms_needed({intervals!r})",
                  hint="a meeting must end after it starts: raise ValueError naming it")


def test_meeting_rooms_does_not_modify_input(ex):
    intervals = [(7, 10), (2, 4), (3, 8)]
    ex.meeting_rooms_needed(intervals)
    expect_equal(intervals, [(7, 10), (2, 4), (3, 8)], call="intervals after meeting_rooms_needed(intervals)",
                 hint="sorted(intervals) makes a new list; intervals.sort() reorders the caller's list")


def test_meeting_rooms_accepts_a_generator(ex):
    meetings = [(1, 4), (2, 5), (4, 6)]
    expect_equal(ex.meeting_rooms_needed(m for m in meetings), 2, call="meeting_rooms_needed(<generator of (1, 4), (2, 5), (4, 6)>)",
                 hint="read the input once, e.g. with sorted(intervals)")


def test_meeting_rooms_large_input(ex):
    rng = random.Random(1)
    starts = [rng.randrange(1_000_000) for _ in range(50_000)]
    intervals = [(s, s + 1 + s % 1_999) for s in starts]
    expect_equal(ex.meeting_rooms_needed(intervals), sweep_rooms(intervals), call="meeting_rooms_needed(<50000 random meetings>)",
                 hint="one sort plus one heap operation per meeting: O(n log n)")


_meeting = st.tuples(st.integers(-5, 10), st.integers(1, 6)).map(lambda p: (p[0], p[0] + p[1]))


@given(st.lists(_meeting, max_size=12))
def test_meeting_rooms_property(ex, intervals):
    expect_equal(ex.meeting_rooms_needed(list(intervals)), brute_rooms(intervals), call=f"meeting_rooms_needed({intervals!r})",
                 hint="the answer is the most meetings in progress at one moment; [start, end) is half-open")
