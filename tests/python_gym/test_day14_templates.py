"""Grading tests for gym-14, the week-2 templates in day14_templates.py.

Oracles: a linear scan for ``binary_search_answer`` and ``min_eating_speed``
(plus a call counter that proves O(log n) probes on huge ranges); a
count-and-sort brute force (and ``collections.Counter`` for large inputs)
for ``top_k_frequent``; ``sorted(seen)[-k]`` for ``KthLargestStream``, with a
live-object count proving it keeps only k numbers; Bellman-Ford relaxation,
and closed-form grid distances, for ``dijkstra``.
"""

from __future__ import annotations

import gc
import math
import random
from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-14")


# ---------------------------------------------------------------- binary_search_answer


def counted_predicate(lo, hi, threshold, budget):
    """``x >= threshold``, failing when called outside [lo, hi] or more than ``budget`` times."""
    calls = []

    def feasible(x):
        if not lo <= x <= hi:
            raise AssertionError(f"feasible({x}) was called outside [{lo}, {hi}]: search [lo, hi + 1) and never call feasible(hi + 1)")
        calls.append(x)
        if len(calls) > budget:
            raise AssertionError(f"feasible was called more than {budget} times on a range of {hi - lo + 1} values: halve it each call")
        return x >= threshold

    return feasible


@pytest.mark.parametrize(
    "lo,hi,threshold",
    [
        pytest.param(0, 10, 4, id="middle"),
        pytest.param(0, 10, -5, id="all-feasible"),
        pytest.param(0, 10, 10, id="only-hi"),
        pytest.param(7, 7, 7, id="one-value"),
        pytest.param(-50, -10, -33, id="negative-bounds"),
        pytest.param(-5, 5, 0, id="across-zero"),
        pytest.param(0, 10**30, 10**29 + 12345, id="huge-range"),
    ],
)
def test_binary_search_answer_known_values(ex, lo, hi, threshold):
    budget = math.ceil(math.log2(hi - lo + 2)) + 1
    expected = max(lo, threshold)
    expect_equal(ex.binary_search_answer(lo, hi, counted_predicate(lo, hi, threshold, budget)), expected,
                 call=f"binary_search_answer({lo}, {hi}, lambda x: x >= {threshold})",
                 hint="the first feasible x in [lo, hi]: if feasible(mid), the answer is mid or left of it")


@pytest.mark.parametrize("lo,hi,threshold", [(0, 10, 11), (5, 5, 6), (-3, -1, 100)])
def test_binary_search_answer_none_feasible(ex, lo, hi, threshold):
    feasible = counted_predicate(lo, hi, threshold, 10)
    expect_raises(ValueError, ex.binary_search_answer, lo, hi, feasible, call=f"binary_search_answer({lo}, {hi}, lambda x: x >= {threshold})",
                  hint="when the search ends at hi + 1, no value works: raise ValueError (without calling feasible(hi + 1))")


def test_binary_search_answer_empty_range(ex):
    expect_raises(ValueError, ex.binary_search_answer, 5, 4, lambda x: True, call="binary_search_answer(5, 4, lambda x: True)",
                  hint="lo > hi is an empty range: raise ValueError")


@given(lo=st.integers(-20, 20), width=st.integers(0, 30), data=st.data())
def test_binary_search_answer_matches_linear_scan(ex, lo, width, data):
    hi = lo + width
    threshold = data.draw(st.integers(lo - 2, hi), label="threshold")
    expected = next(x for x in range(lo, hi + 1) if x >= threshold)
    expect_equal(ex.binary_search_answer(lo, hi, counted_predicate(lo, hi, threshold, 8)), expected,
                 call=f"binary_search_answer({lo}, {hi}, lambda x: x >= {threshold})")


# ---------------------------------------------------------------- min_eating_speed


def scan_speed(piles, h):
    return next(v for v in range(1, max(piles) + 1) if sum(math.ceil(p / v) for p in piles) <= h)


@pytest.mark.parametrize(
    "piles,h,expected",
    [
        pytest.param([3, 6, 7, 11], 8, 4, id="docstring"),
        pytest.param([30, 11, 23, 4, 20], 5, 30, id="one-hour-per-pile"),
        pytest.param([30, 11, 23, 4, 20], 6, 23, id="one-spare-hour"),
        pytest.param([5], 5, 1, id="single-pile-speed-1"),
        pytest.param([5], 100, 1, id="plenty-of-time"),
        pytest.param([10**9], 2, 5 * 10**8, id="huge-pile"),
        pytest.param([10**9] * 3, 3, 10**9, id="huge-tight"),
        pytest.param([312884470], 968709470, 1, id="more-hours-than-bananas"),
    ],
)
def test_min_eating_speed_known_values(ex, piles, h, expected):
    expect_equal(ex.min_eating_speed(list(piles), h), expected, call=f"min_eating_speed({piles!r}, {h})",
                 hint="hours at speed v: sum((p + v - 1) // v); search v in [1, max(piles)] with binary_search_answer")


@pytest.mark.parametrize("piles,h", [([], 3), ([3, 0], 5), ([3, 4], 1), ([-2], 4)])
def test_min_eating_speed_rejects_bad_input(ex, piles, h):
    expect_raises(ValueError, ex.min_eating_speed, piles, h, call=f"min_eating_speed({piles!r}, {h})",
                  hint="no piles, a pile below 1, or fewer hours than piles: raise ValueError")


@given(st.lists(st.integers(1, 30), min_size=1, max_size=6), st.data())
def test_min_eating_speed_matches_scan(ex, piles, data):
    h = data.draw(st.integers(len(piles), len(piles) + 40), label="h")
    expect_equal(ex.min_eating_speed(list(piles), h), scan_speed(piles, h), call=f"min_eating_speed({piles!r}, {h})",
                 hint="ceil(p / v) hours per pile; the smallest v whose total is <= h")


# ---------------------------------------------------------------- top_k_frequent


def brute_top_k(nums, k):
    return sorted(set(nums), key=lambda x: (-nums.count(x), x))[:k]


@pytest.mark.parametrize(
    "nums,k",
    [
        pytest.param([1, 1, 1, 2, 2, 3], 2, id="docstring"),
        pytest.param([], 3, id="empty"),
        pytest.param([1, 2], 0, id="k-zero"),
        pytest.param([5, 5, 6], 10, id="k-beyond-distinct"),
        pytest.param([9, 9, 3, 3, 7, 7], 2, id="ties-smaller-first"),
        pytest.param([-1, -1, 2, -3, -3], 2, id="negatives"),
        pytest.param(["b", "a", "b", "a", "c"], 3, id="strings"),
        pytest.param([0], 1, id="single"),
    ],
)
def test_top_k_frequent_known_values(ex, nums, k):
    expect_equal(ex.top_k_frequent(list(nums), k), brute_top_k(nums, k), call=f"top_k_frequent({nums!r}, {k})",
                 hint="order by (-count, value): most frequent first, then the smaller value")


def test_top_k_frequent_ties_are_not_first_seen(ex):
    nums = [7, 7, 3, 3, 5, 5]
    expect_equal(ex.top_k_frequent(nums, 2), [3, 5], call=f"top_k_frequent({nums!r}, 2)",
                 hint="Counter.most_common breaks ties by first appearance; the contract says smaller value first")


def test_top_k_frequent_reads_a_generator(ex):
    rng = random.Random(14)
    nums = [rng.randrange(500) for _ in range(100_000)]
    counts = Counter(nums)
    expected = sorted(counts, key=lambda x: (-counts[x], x))[:10]
    expect_equal(ex.top_k_frequent((x for x in nums), 10), expected, call="top_k_frequent(<generator of 100000 values>, 10)",
                 hint="count in one pass (a generator can be read only once)")


def test_top_k_frequent_rejects_negative_k(ex):
    expect_raises(ValueError, ex.top_k_frequent, [1, 2], -1, call="top_k_frequent([1, 2], -1)", hint="k < 0 is a ValueError")


@given(st.lists(st.integers(-3, 3), max_size=20), st.integers(0, 8))
def test_top_k_frequent_property(ex, nums, k):
    expect_equal(ex.top_k_frequent(list(nums), k), brute_top_k(nums, k), call=f"top_k_frequent({nums!r}, {k})")


# ---------------------------------------------------------------- KthLargestStream


def test_kth_largest_stream_docstring_example(ex):
    s = ex.KthLargestStream(3, [4, 5, 8, 2])
    got = [s.add(x) for x in [3, 5, 10, 9, 4]]
    expect_equal(got, [4, 5, 5, 8, 8], call="s = KthLargestStream(3, [4, 5, 8, 2]); [s.add(x) for x in [3, 5, 10, 9, 4]]",
                 hint="keep the 3 largest in a min-heap; its top is the 3rd largest")


def test_kth_largest_stream_fewer_than_k(ex):
    s = ex.KthLargestStream(3)
    got = [s.add(x) for x in [10, 20, 5, 30]]
    expect_equal(got, [None, None, 5, 10], call="s = KthLargestStream(3); [s.add(x) for x in [10, 20, 5, 30]]",
                 hint="return None while fewer than k numbers have been seen")


def test_kth_largest_stream_k1_is_running_max(ex):
    s = ex.KthLargestStream(1)
    stream = [3, -1, 7, 7, 2, 9]
    expect_equal([s.add(x) for x in stream], [3, 3, 7, 7, 7, 9], call=f"s = KthLargestStream(1); [s.add(x) for x in {stream!r}]")


@pytest.mark.parametrize("k", [0, -2])
def test_kth_largest_stream_rejects_bad_k(ex, k):
    expect_raises(ValueError, ex.KthLargestStream, k, call=f"KthLargestStream({k})", hint="k must be >= 1")


def test_kth_largest_stream_instances_are_independent(ex):
    a = ex.KthLargestStream(1)
    b = ex.KthLargestStream(1)
    a.add(100)
    expect_equal(b.add(1), 1, call="a = KthLargestStream(1); b = KthLargestStream(1); a.add(100); b.add(1)",
                 hint="create the heap in __init__, not as a class attribute or a mutable default")


@given(k=st.integers(1, 5), initial=st.lists(st.integers(-5, 5), max_size=6), stream=st.lists(st.integers(-5, 5), max_size=20))
def test_kth_largest_stream_matches_sorting(ex, k, initial, stream):
    s = ex.KthLargestStream(k, list(initial))
    seen = list(initial)
    for x in stream:
        seen.append(x)
        expected = sorted(seen)[-k] if len(seen) >= k else None
        expect_equal(s.add(x), expected, call=f"s = KthLargestStream({k}, {initial!r}); add each of {seen[len(initial):]!r}",
                     hint="the k-th largest of everything seen, initial numbers included; None while fewer than k")


def test_kth_largest_stream_keeps_only_k_numbers(ex):
    live = {"count": 0}

    class Tracked(int):
        """An int that counts how many instances are alive."""

        def __new__(cls, value):
            live["count"] += 1
            return super().__new__(cls, value)

        def __del__(self):
            live["count"] -= 1

    k = 5
    rng = random.Random(21)
    values = [rng.randint(-(10**6), 10**6) for _ in range(20_000)]
    s = ex.KthLargestStream(k)
    for i, v in enumerate(values):
        got = s.add(Tracked(v))
        if i == len(values) - 1:
            expected = sorted(values)[-k]
            expect_equal(got, expected, call="the last of 20000 add calls with k = 5")
    del got
    gc.collect()
    expect_true(live["count"] <= k + 2,
                message=f"after 20000 add calls with k = {k}, the stream still holds {live['count']} of the numbers",
                hint="keep at most k numbers: drop the smallest when the heap grows past k; O(k) memory, O(log k) per add")


# ---------------------------------------------------------------- dijkstra


def bellman_ford(graph, source):
    """Relax every edge until nothing changes (|V| rounds at most); correct for any non-negative weights."""
    dist = {source: 0}
    for _ in range(len(graph) + 2):
        changed = False
        for u, edges in graph.items():
            if u not in dist:
                continue
            for v, w in edges:
                if v not in dist or dist[u] + w < dist[v]:
                    dist[v] = dist[u] + w
                    changed = True
        if not changed:
            break
    return dist


DIJKSTRA_CASES = [
    pytest.param({"a": [("b", 4), ("c", 1)], "c": [("b", 2)]}, "a", id="docstring"),
    pytest.param({}, "x", id="empty-graph"),
    pytest.param({"a": []}, "a", id="no-edges"),
    pytest.param({"a": [("b", 1)], "c": [("d", 1)]}, "a", id="unreachable"),
    pytest.param({"a": [("b", 0), ("c", 5)], "b": [("c", 0)]}, "a", id="zero-weights"),
    pytest.param({"a": [("b", 9), ("b", 2), ("b", 5)]}, "a", id="parallel-edges"),
    pytest.param({"a": [("a", 3), ("b", 1)], "b": [("b", 0)]}, "a", id="self-loops"),
    pytest.param({"s": [("t", 10), ("a", 1)], "a": [("b", 1)], "b": [("c", 1)], "c": [("t", 1)]}, "s", id="longer-is-cheaper"),
    pytest.param({"s": [("a", 0.5), ("b", 2.25)], "a": [("b", 0.75)]}, "s", id="float-weights"),
    pytest.param({"s": [("m", 1)], "m": [("s", 1), ("t", 1)], "t": [("m", 1)]}, "s", id="cycle"),
]


@pytest.mark.parametrize("graph,source", DIJKSTRA_CASES)
def test_dijkstra_matches_bellman_ford(ex, graph, source):
    expect_equal(
        ex.dijkstra(graph, source),
        bellman_ford(graph, source),
        call=f"dijkstra({graph!r}, {source!r})",
        hint="pop the closest unsettled node; relax its edges; skip heap entries older than the best known distance",
    )


def test_dijkstra_nodes_need_not_be_comparable(ex):
    graph = {"s": [(1, 2), ("b", 2)], 1: [("t", 1)], "b": [("t", 1)]}  # 1 and "b" tie at distance 2
    hint = "heap entries (distance, counter, node): on a tie the counter decides, so 1 and 'b' are never compared"
    try:
        got = ex.dijkstra(graph, "s")
    except TypeError as err:
        expect_true(False, message=f"dijkstra({graph!r}, 's') raised TypeError: {err}", hint=hint)
    expect_equal(got, {"s": 0, 1: 2, "b": 2, "t": 3}, call=f"dijkstra({graph!r}, 's')", hint=hint)


def test_dijkstra_rejects_negative_weights(ex):
    graph = {"a": [("b", 1)], "b": [("c", -2)]}
    expect_raises(ValueError, ex.dijkstra, graph, "a", call=f"dijkstra({graph!r}, 'a')",
                  hint="Dijkstra is wrong with negative weights: check every edge and raise ValueError")


def test_dijkstra_does_not_modify_defaultdict_graph(ex):
    graph = defaultdict(list, {"a": [("b", 1)]})
    ex.dijkstra(graph, "a")
    expect_equal(sorted(graph), ["a"], call="keys of a defaultdict graph after dijkstra(graph, 'a')",
                 hint="graph['b'] on a defaultdict inserts 'b'; read edges with graph.get(u, ())")


def test_dijkstra_grid(ex):
    n = 100
    graph = {}
    for r in range(n):
        for c in range(n):
            edges = []
            if c + 1 < n:
                edges.append(((r, c + 1), 1))  # right: 1
            if r + 1 < n:
                edges.append(((r + 1, c), 2))  # down: 2
            if c > 0:
                edges.append(((r, c - 1), 5))  # left and up are expensive
            if r > 0:
                edges.append(((r - 1, c), 5))
            graph[(r, c)] = edges
    got = ex.dijkstra(graph, (0, 0))
    expected = {(r, c): 2 * r + c for r in range(n) for c in range(n)}  # only right and down moves pay off
    expect_equal(len(got), n * n, call="len(dijkstra(<100x100 grid>, (0, 0)))", hint="every cell is reachable")
    wrong = [cell for cell in expected if got.get(cell) != expected[cell]]
    expect_true(not wrong, message=f"dijkstra(<100x100 grid: right 1, down 2, left/up 5>, (0, 0)) is wrong at {len(wrong)} cells, "
                f"e.g. {wrong[0]}: expected {expected[wrong[0]]}, got {got.get(wrong[0])}" if wrong else "",
                hint="the distance to (r, c) is 2 * r + c")


_graph = st.dictionaries(
    keys=st.integers(0, 5),
    values=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), max_size=4),
    max_size=6,
)


@given(_graph, st.integers(0, 5))
def test_dijkstra_property(ex, graph, source):
    got = ex.dijkstra(graph, source)
    expected = bellman_ford(graph, source)
    expect_equal(sorted(got), sorted(expected), call=f"reachable nodes of dijkstra({graph!r}, {source})",
                 hint="exactly the nodes reachable from the source")
    for node, d in expected.items():
        expect_float(got[node], d, call=f"dijkstra({graph!r}, {source})[{node}]",
                     hint="a node is final when popped the first time; do not mark nodes visited when pushing them")
