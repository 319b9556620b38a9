"""Grading tests for gym-11 (bisect): count_smaller and TimeMap.

Oracles: the O(n^2) double loop for ``count_smaller`` on small inputs, and a
running table of value frequencies (values 0..9) for the large ones; for
``TimeMap``, a plain log of every ``set`` scanned linearly on each ``get``
(the latest timestamp <= t wins; a later ``set`` at the same timestamp
wins over an earlier one). Hypothesis drives random operation sequences.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-11")


# ------------------------------------------------------------------ oracles


def brute_count_smaller(nums):
    return [sum(1 for y in nums[i + 1 :] if y < x) for i, x in enumerate(nums)]


def digit_count_smaller(nums):
    """For values in 0..9: keep how often each value occurs to the right."""
    freq = [0] * 10
    out = []
    for x in reversed(nums):
        out.append(sum(freq[:x]))
        freq[x] += 1
    return out[::-1]


class LogTimeMap:
    """Every set() in a list; get() scans it all."""

    def __init__(self):
        self.log = []

    def set(self, key, value, timestamp):
        self.log.append((key, value, timestamp))

    def get(self, key, timestamp):
        best = None  # (timestamp, value) of the latest version <= timestamp; later sets win ties
        for k, v, ts in self.log:
            if k == key and ts <= timestamp and (best is None or ts >= best[0]):
                best = (ts, v)
        return None if best is None else best[1]


# ------------------------------------------------------------------ count_smaller

SMALLER_CASES = [
    pytest.param([], id="empty"),
    pytest.param([7], id="single"),
    pytest.param([5, 2, 6, 1], id="docstring"),
    pytest.param([3, 3, 3], id="all-equal"),
    pytest.param([1, 2, 3, 4], id="increasing"),
    pytest.param([4, 3, 2, 1], id="decreasing"),
    pytest.param([-1, -1], id="negative-duplicates"),
    pytest.param([2, 0, 1, 2, 0], id="duplicates"),
    pytest.param([-5, 10**12, 0, -(10**12)], id="wide-range"),
]


@pytest.mark.parametrize("nums", SMALLER_CASES)
def test_count_smaller_matches_brute_force(ex, nums):
    expect_equal(
        ex.count_smaller(list(nums)),
        brute_count_smaller(nums),
        call=f"count_smaller({nums!r})",
        hint="scan from the right; bisect_left(seen, x) counts the seen numbers strictly smaller than x",
    )


def test_count_smaller_equal_is_not_smaller(ex):
    expect_equal(ex.count_smaller([2, 2, 1]), [1, 1, 0], call="count_smaller([2, 2, 1])",
                 hint="bisect_right would also count the equal 2; strictly smaller needs bisect_left")


def test_count_smaller_does_not_modify_input(ex):
    nums = [5, 2, 6, 1]
    ex.count_smaller(nums)
    expect_equal(nums, [5, 2, 6, 1], call="nums after count_smaller(nums)", hint="keep your own sorted list; do not sort or reverse nums in place")


def test_count_smaller_large_decreasing(ex):
    n = 20_000
    nums = list(range(n, 0, -1))
    got = ex.count_smaller(nums)
    expect_true(got == list(range(n - 1, -1, -1)),
                message=f"count_smaller(list(range({n}, 0, -1))) is wrong: every element has all later ones smaller, "
                f"so the answer is [{n - 1}, {n - 2}, ..., 0]; got {got[:5]!r}... (length {len(got)})",
                hint="insort keeps the seen numbers sorted; count with bisect_left before inserting")


def test_count_smaller_large_random(ex):
    rng = random.Random(11)
    nums = [rng.randrange(10) for _ in range(20_000)]
    expect_equal(ex.count_smaller(nums), digit_count_smaller(nums), call="count_smaller(<20000 random digits 0..9>)",
                 hint="one bisect and one insort per element; no loop over the whole suffix")


@given(st.lists(st.integers(-5, 5), max_size=15))
def test_count_smaller_property(ex, nums):
    expect_equal(ex.count_smaller(list(nums)), brute_count_smaller(nums), call=f"count_smaller({nums!r})",
                 hint="the result has one count per element, in the original order: reverse what you built from the right")


# ------------------------------------------------------------------ TimeMap


def test_time_map_docstring_example(ex):
    tm = ex.TimeMap()
    tm.set("foo", "bar", 1)
    steps = ["tm.set('foo', 'bar', 1)"]
    for t, expected in [(1, "bar"), (3, "bar"), (0, None)]:
        expect_equal(tm.get("foo", t), expected, call="; ".join(steps + [f"tm.get('foo', {t})"]),
                     hint="the latest version with timestamp <= t; None when there is none")
    tm.set("foo", "bar2", 4)
    steps.append("tm.set('foo', 'bar2', 4)")
    for t, expected in [(4, "bar2"), (5, "bar2"), (3, "bar")]:
        expect_equal(tm.get("foo", t), expected, call="; ".join(steps + [f"tm.get('foo', {t})"]),
                     hint="bisect_right(times, t) - 1 is the index of the last timestamp <= t")


def test_time_map_unknown_key(ex):
    tm = ex.TimeMap()
    tm.set("a", 1, 5)
    expect_equal(tm.get("b", 10), None, call="tm.set('a', 1, 5); tm.get('b', 10)", hint="a key never set has no version: return None")


def test_time_map_out_of_order_timestamps(ex):
    tm = ex.TimeMap()
    tm.set("k", "late", 10)
    tm.set("k", "early", 2)
    tm.set("k", "middle", 6)
    call = "tm.set('k', 'late', 10); tm.set('k', 'early', 2); tm.set('k', 'middle', 6); "
    for t, expected in [(1, None), (2, "early"), (5, "early"), (6, "middle"), (9, "middle"), (10, "late"), (99, "late")]:
        expect_equal(tm.get("k", t), expected, call=call + f"tm.get('k', {t})",
                     hint="timestamps may arrive out of order: insert each one at its sorted place (bisect), not at the end")


def test_time_map_same_timestamp_replaces(ex):
    tm = ex.TimeMap()
    tm.set("k", "first", 3)
    tm.set("k", "second", 3)
    expect_equal(tm.get("k", 3), "second", call="tm.set('k', 'first', 3); tm.set('k', 'second', 3); tm.get('k', 3)",
                 hint="a set at an existing timestamp replaces that version")
    tm.set("k", "next", 4)
    expect_equal(tm.get("k", 3), "second", call="...; tm.set('k', 'next', 4); tm.get('k', 3)",
                 hint="replace in place; do not keep two entries with the same timestamp")


@pytest.mark.parametrize("value", [0, "", None, False, []], ids=["zero", "empty-str", "none", "false", "empty-list"])
def test_time_map_falsy_values_are_answers(ex, value):
    tm = ex.TimeMap()
    tm.set("k", "old", 1)
    tm.set("k", value, 2)
    expect_equal(tm.get("k", 5), value, call=f"tm.set('k', 'old', 1); tm.set('k', {value!r}, 2); tm.get('k', 5)",
                 hint="return the stored value itself; do not treat a falsy value as 'missing' (use `is None` or an index check)")


def test_time_map_negative_timestamps_and_keys_apart(ex):
    tm = ex.TimeMap()
    tm.set("a", "a-neg", -5)
    tm.set("b", "b-zero", 0)
    tm.set(("tuple", 1), "t", 7)
    call = "tm.set('a', 'a-neg', -5); tm.set('b', 'b-zero', 0); tm.set(('tuple', 1), 't', 7); "
    expect_equal(tm.get("a", -6), None, call=call + "tm.get('a', -6)")
    expect_equal(tm.get("a", -5), "a-neg", call=call + "tm.get('a', -5)")
    expect_equal(tm.get("b", -1), None, call=call + "tm.get('b', -1)", hint="each key has its own versions")
    expect_equal(tm.get(("tuple", 1), 100), "t", call=call + "tm.get(('tuple', 1), 100)")


def test_time_map_instances_are_independent(ex):
    a, b = ex.TimeMap(), ex.TimeMap()
    a.set("k", "v", 1)
    expect_equal(b.get("k", 1), None, call="a = TimeMap(); b = TimeMap(); a.set('k', 'v', 1); b.get('k', 1)",
                 hint="create the dicts in __init__: a class attribute is shared by every instance")


def test_time_map_many_versions(ex):
    tm = ex.TimeMap()
    n = 50_000
    for i in range(n):
        tm.set("k", i, 2 * i)  # versions at 0, 2, 4, ...
    rng = random.Random(2)
    for t in [rng.randrange(-3, 2 * n + 3) for _ in range(2_000)]:
        expected = None if t < 0 else min(t // 2, n - 1)
        got = tm.get("k", t)
        if got != expected:
            expect_equal(got, expected, call=f"{n} versions tm.set('k', i, 2 * i); tm.get('k', {t})",
                         hint="binary search the timestamps; the last one <= t")


_key = st.sampled_from(["a", "b"])
_op = st.one_of(
    st.tuples(st.just("set"), _key, st.integers(0, 9), st.integers(-3, 6)),
    st.tuples(st.just("get"), _key, st.integers(-4, 8)),
)


@given(st.lists(_op, max_size=25))
def test_time_map_matches_log(ex, ops):
    tm, log = ex.TimeMap(), LogTimeMap()
    done = []
    for op in ops:
        if op[0] == "set":
            _, key, value, ts = op
            tm.set(key, value, ts)
            log.set(key, value, ts)
            done.append(f"set({key!r}, {value}, {ts})")
        else:
            _, key, ts = op
            done.append(f"get({key!r}, {ts})")
            expect_equal(tm.get(key, ts), log.get(key, ts), call="; ".join(done),
                         hint="latest timestamp <= t for that key; a repeated timestamp keeps the last value set")
