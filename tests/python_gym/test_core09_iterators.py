"""Grading tests for core-09: Countdown/CountdownIterator, flatten, take and window.

Oracles: ``range`` for the countdown, the ``collections.abc`` protocol checks,
a plain recursive flatten (fine for the shallow Hypothesis inputs) and a
flattened-by-construction 10 000-level input for the deep case, list slicing
for ``take`` and ``window``, and a recording iterator that counts every
``next()`` so laziness is checked by counting, not by timing.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

from probes import Endless, Recorder

pytestmark = pytest.mark.exercise("core-09")


# ---------------------------------------------------------------- Countdown


@pytest.mark.parametrize("start", [5, 1, 0, -3])
def test_countdown_values(ex, start):
    expect_equal(list(ex.Countdown(start)), list(range(start, 0, -1)), call=f"list(Countdown({start}))",
                 hint="start, start - 1, ..., 1; nothing when start <= 0")
    expect_equal(len(ex.Countdown(start)), len(range(start, 0, -1)), call=f"len(Countdown({start}))",
                 hint="the number of values, never negative")


def test_countdown_can_be_iterated_twice(ex):
    c = ex.Countdown(3)
    expect_equal((list(c), list(c)), ([3, 2, 1], [3, 2, 1]), call="c = Countdown(3); (list(c), list(c))",
                 hint="__iter__ must return a *new* iterator every time; if Countdown is its own iterator the second pass is empty")


def test_countdown_nested_loops(ex):
    c = ex.Countdown(2)
    got = [(a, b) for a in c for b in c]
    expect_equal(got, [(2, 2), (2, 1), (1, 2), (1, 1)], call="c = Countdown(2); [(a, b) for a in c for b in c]",
                 hint="two loops over the same iterable need two independent iterators")


def test_iterable_versus_iterator_roles(ex):
    c = ex.Countdown(3)
    it = iter(c)
    expect_true(it is not c and isinstance(it, ex.CountdownIterator),
                message=f"iter(Countdown(3)) returned {it!r}; expected a new CountdownIterator, not the Countdown itself",
                hint="Countdown.__iter__ returns CountdownIterator(self.start)")
    expect_true(iter(it) is it, message="iter(it) is not it for it = iter(Countdown(3))",
                hint="an iterator's __iter__ returns self, so it can be used in a for loop")
    expect_true(isinstance(c, Iterable) and not isinstance(c, Iterator) and isinstance(it, Iterator),
                message="Countdown should be an Iterable but not an Iterator; CountdownIterator should be an Iterator",
                hint="only the iterator defines __next__")


def test_iterator_is_single_pass_and_stays_exhausted(ex):
    it = iter(ex.Countdown(2))
    first = list(it)
    expect_equal((first, list(it)), ([2, 1], []), call="it = iter(Countdown(2)); (list(it), list(it))",
                 hint="an iterator is consumed: it does not restart")
    for attempt in (1, 2):
        expect_raises(StopIteration, next, it, call=f"next(<exhausted iterator>) (attempt {attempt})",
                      hint="keep raising StopIteration once exhausted; do not reset the counter")


def test_iterators_are_independent(ex):
    c = ex.Countdown(3)
    a = iter(c)
    next(a)
    b = iter(c)
    expect_equal((next(b), next(a)), (3, 2), call="a = iter(c); next(a); b = iter(c); (next(b), next(a))",
                 hint="keep the position in the iterator, not in the Countdown")


def test_countdown_iterator_used_directly(ex):
    expect_equal(list(ex.CountdownIterator(4)), [4, 3, 2, 1], call="list(CountdownIterator(4))",
                 hint="__next__ returns the current value, then decrements; raise StopIteration at 0")


@pytest.mark.parametrize("bad", [3.0, True, "3", None])
def test_countdown_rejects_non_int(ex, bad):
    list(ex.Countdown(1))  # a valid countdown must work first
    expect_raises(TypeError, ex.Countdown, bad, call=f"Countdown({bad!r})", hint="start must be an int (and not a bool)")


# ---------------------------------------------------------------- flatten


def recursive_flatten(nested):
    """The obvious recursive version: the oracle for shallow inputs."""
    out = []
    for item in nested:
        if isinstance(item, (list, tuple)):
            out.extend(recursive_flatten(item))
        else:
            out.append(item)
    return out


Point = collections.namedtuple("Point", "x y")
shared = [1, 2]

FLATTEN_CASES = [
    pytest.param([], id="empty"),
    pytest.param([[], [[]], ()], id="only-empty-containers"),
    pytest.param([1, [2, (3, [4])], "ab", [[], [5]]], id="docstring"),
    pytest.param(["abc", ("d",), b"ef", bytearray(b"g")], id="strings-are-leaves"),
    pytest.param([None, 0, [False, ""]], id="falsy-leaves"),
    pytest.param([{"a": 1}, {2}, frozenset()], id="dict-and-set-are-leaves"),
    pytest.param([shared, shared], id="same-list-twice"),
    pytest.param([Point(1, 2), [Point(3, (4, 5))]], id="tuple-subclass"),
    pytest.param(["猫", ["🐍", ("é",)]], id="unicode"),
]


@pytest.mark.parametrize("nested", FLATTEN_CASES)
def test_flatten_matches_recursive_oracle(ex, nested):
    expect_equal(list(ex.flatten(nested)), recursive_flatten(nested), call=f"list(flatten({nested!r}))",
                 hint="descend into list and tuple (isinstance, so subclasses too); everything else, strings included, is a leaf")


def test_flatten_handles_10000_levels(ex):
    depth = 10_000
    nested = ["core"]
    for i in range(1, depth):
        nested = [i, nested, -i]
    expected = list(range(depth - 1, 0, -1)) + ["core"] + [-i for i in range(1, depth)]
    try:
        got = list(ex.flatten(nested))
    except RecursionError:
        raise AssertionError("list(flatten(<10 000 levels of nesting>)) raised RecursionError\n"
                             "  hint: keep a stack of iterators instead of recursing: `yield from flatten(x)` adds a frame per level") from None
    expect_true(got == expected, message=f"flatten(<10 000 levels>) returned {len(got)} leaves starting {got[:4]!r}; expected {len(expected)} starting {expected[:4]!r}",
                hint="keep a stack of iterators instead of recursing: `yield from flatten(x)` adds a frame per level")


def test_flatten_is_lazy(ex):
    source = Recorder([[1, 2], 3, [4]])
    gen = ex.flatten(source)
    pulled_at_call = source.pulls
    first = next(gen)
    expect_equal((pulled_at_call, first, source.pulls), (0, 1, 1), call="(pulls at call, next(gen), pulls after one next) for flatten(<recorder>)",
                 hint="a generator reads its input only as far as needed")
    expect_true(isinstance(gen, Iterator), message=f"flatten(...) returned a {type(gen).__name__}, expected an iterator",
                hint="write flatten as a generator function (yield)")


def test_flatten_infinite_outer_iterable(ex):
    got = list(itertools.islice(ex.flatten(Endless(make=lambda i: [i, (i,)])), 6))
    expect_equal(got, [0, 0, 1, 1, 2, 2], call="first 6 of flatten(<endless [0, (0,)], [1, (1,)], ...>)",
                 hint="never build the whole list: yield leaves as you find them")


leaves = st.one_of(st.integers(-3, 3), st.text(max_size=2), st.none())
nested_values = st.recursive(leaves, lambda children: st.one_of(st.lists(children, max_size=4), st.tuples(children, children)), max_leaves=20)


@given(st.lists(nested_values, max_size=5))
def test_flatten_property(ex, nested):
    expect_equal(list(ex.flatten(nested)), recursive_flatten(nested), call=f"list(flatten({nested!r}))",
                 hint="leaves in left-to-right order; lists and tuples are opened, everything else yielded")


# ---------------------------------------------------------------- take


@pytest.mark.parametrize(
    "n,items",
    [(0, [1, 2]), (2, [1, 2, 3]), (3, [1, 2, 3]), (5, [1, 2]), (1, []), (0, []), (2, "héllo"), (3, (None, 0, "", [])),],
)
def test_take_matches_slicing(ex, n, items):
    expect_equal(ex.take(n, items), list(items)[:n], call=f"take({n}, {items!r})",
                 hint="a list of at most n items, fewer if the input runs out")


def test_take_consumes_exactly_n(ex):
    source = Recorder(range(10))
    got = ex.take(3, source)
    expect_equal((got, source.pulls, next(source)), ([0, 1, 2], 3, 3), call="(take(3, it), items pulled, next(it)) for it over range(10)",
                 hint="itertools.islice(iterable, n) stops after n items; list(iterable)[:n] reads everything")
    empty = Recorder(range(10))
    ex.take(0, empty)
    expect_equal(empty.pulls, 0, call="items pulled by take(0, it)", hint="n = 0 must not read anything")


def test_take_infinite(ex):
    expect_equal(ex.take(4, Endless(5)), [5, 6, 7, 8], call="take(4, <endless 5, 6, 7, ...>)",
                 hint="do not call list() on an infinite iterable")


@pytest.mark.parametrize("n,error", [(-1, ValueError), (-10, ValueError), (2.0, TypeError), ("3", TypeError)])
def test_take_rejects_bad_n(ex, n, error):
    ex.take(1, [1])  # a valid call must work first
    expect_raises(error, ex.take, n, [1, 2, 3], call=f"take({n!r}, [1, 2, 3])",
                  hint="ValueError for a negative n (islice's own error is a ValueError too); TypeError for a non-int")


@given(st.integers(0, 8), st.lists(st.integers(), max_size=8))
def test_take_property(ex, n, items):
    expect_equal(ex.take(n, iter(items)), items[:n], call=f"take({n}, iter({items!r}))", hint="the first n items")


# ---------------------------------------------------------------- window


def slicing_windows(seq, n):
    return [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]


@pytest.mark.parametrize(
    "items,n",
    [([1, 2, 3, 4], 3), ([1, 2, 3, 4], 1), ([1, 2, 3], 3), ([1, 2], 3), ([], 1), ("abcd", 2), ([None, None, 0], 2), (["猫", "🐍", "é"], 2)],
)
def test_window_matches_slicing(ex, items, n):
    got = list(ex.window(items, n))
    expect_equal(got, slicing_windows(list(items), n), call=f"list(window({items!r}, {n}))",
                 hint="one tuple per start position 0 .. len - n; nothing when the input is shorter than n")


@given(st.lists(st.integers(-5, 5), max_size=12), st.integers(1, 6))
def test_window_property(ex, items, n):
    expect_equal(list(ex.window(iter(items), n)), slicing_windows(items, n), call=f"list(window(iter({items!r}), {n}))",
                 hint="works on a one-pass iterator: keep the last n items in a deque(maxlen=n)")


def test_window_reads_lazily(ex):
    source = Recorder(range(100))
    gen = ex.window(source, 3)
    at_call = source.pulls
    first = next(gen)
    after_first = source.pulls
    second = next(gen)
    expect_equal((at_call, first, after_first, second, source.pulls), (0, (0, 1, 2), 3, (1, 2, 3), 4),
                 call="(pulls at call, 1st window, pulls, 2nd window, pulls) for window(<recorder over range(100)>, 3)",
                 hint="read n items for the first window and one more per window; nothing at call time")


def test_window_infinite(ex):
    got = list(itertools.islice(ex.window(Endless(), 2), 3))
    expect_equal(got, [(0, 1), (1, 2), (2, 3)], call="first 3 of window(<endless 0, 1, 2, ...>, 2)",
                 hint="never materialise the input")


def test_window_yields_tuples_not_a_shared_buffer(ex):
    got = list(ex.window([1, 2, 3, 4], 2))
    expect_true(all(type(w) is tuple for w in got) and got == [(1, 2), (2, 3), (3, 4)],
                message=f"list(window([1, 2, 3, 4], 2)) = {got!r}; expected three distinct tuples",
                hint="yield tuple(buffer), not the deque itself (it keeps changing after you yield it)")


@pytest.mark.parametrize("n,error", [(0, ValueError), (-2, ValueError), (2.5, TypeError), (True, TypeError)])
def test_window_checks_arguments_at_call_time(ex, n, error):
    list(ex.window([1, 2], 1))  # a valid call must work first
    expect_raises(error, ex.window, [1, 2, 3], n, call=f"window([1, 2, 3], {n!r})  (called, not iterated)",
                  hint="a generator function's body runs only at the first next(): validate in an outer normal function")
