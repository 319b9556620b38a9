"""Grading tests for gym-templates: the interview templates in templates.py.

Oracles: ``int``/``str.split`` round trips for the readers; ``bisect`` for
the bounds; a linear scan and ``math.isqrt`` for ``first_true``; ``sorted``
and ``heapq.nsmallest`` for ``k_smallest``; ``heapq.merge`` for
``merge_sorted``; Bellman-Ford style relaxation for ``bfs_distances``.
Binary searches are also checked for O(log n) work by counting the probes
(never by timing).
"""

import bisect
import heapq
import math
import random
from collections import defaultdict
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-templates")


# ---------------------------------------------------------------- read_ints


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("", [], id="empty"),
        pytest.param("  \n\t \r\n", [], id="blank"),
        pytest.param("42", [42], id="single"),
        pytest.param("3\n1 2 3\n", [3, 1, 2, 3], id="count-then-values"),
        pytest.param("-5   +6\t-0\r\n007", [-5, 6, 0, 7], id="signs-tabs-crlf-zeros"),
        pytest.param("123456789012345678901234567890 -1", [123456789012345678901234567890, -1], id="beyond-64-bits"),
        pytest.param(b"1 2\n-3\n", [1, 2, -3], id="bytes"),
    ],
)
def test_read_ints_known_values(ex, text, expected):
    expect_equal(ex.read_ints(text), expected, call=f"read_ints({text!r})", hint="text.split() with no argument splits on any run of whitespace and drops empty tokens")


def test_read_ints_rejects_words(ex):
    with pytest.raises(ValueError):
        ex.read_ints("1 two 3")


@given(
    nums=st.lists(st.integers(min_value=-(10**20), max_value=10**20), max_size=15),
    seps=st.lists(st.sampled_from([" ", "  ", "\n", "\t", "\r\n", " \n "]), min_size=16, max_size=16),
)
def test_read_ints_round_trip(ex, nums, seps):
    text = seps[-1] + "".join(str(n) + sep for n, sep in zip(nums, seps))
    expect_equal(ex.read_ints(text), nums, call=f"read_ints({text!r})", hint="any mix of spaces, tabs and newlines separates numbers")


def test_read_ints_large_input(ex):
    rng = random.Random(7)
    nums = [rng.randint(-(10**9), 10**9) for _ in range(100_000)]
    text = "\n".join(" ".join(map(str, nums[i : i + 10])) for i in range(0, len(nums), 10))
    expect_equal(ex.read_ints(text), nums, call="read_ints(<100 000 numbers, 10 per line>)")


# ---------------------------------------------------------------- read_grid


@pytest.mark.parametrize(
    "text,expected,hint",
    [
        pytest.param("", [], "no lines: an empty grid", id="empty"),
        pytest.param("#.#\n..#\n", [["#", ".", "#"], [".", ".", "#"]], "", id="docstring"),
        pytest.param("\n\nab\n \ncd\n\n", [["a", "b"], ["c", "d"]], "skip lines that are empty or only whitespace", id="blank-lines"),
        pytest.param("ab\r\ncd\r\n", [["a", "b"], ["c", "d"]], "str.splitlines() also removes '\\r'; split('\\n') leaves it in the last cell", id="crlf"),
        pytest.param("a b\n", [["a", " ", "b"]], "a space inside a row is a cell", id="space-cell"),
        pytest.param("abc\nd\n", [["a", "b", "c"], ["d"]], "keep ragged rows as they are", id="ragged"),
        pytest.param("█░\n░█", [["█", "░"], ["░", "█"]], "", id="unicode"),
    ],
)
def test_read_grid_known_values(ex, text, expected, hint):
    expect_equal(ex.read_grid(text), expected, call=f"read_grid({text!r})", hint=hint)


def test_read_grid_rows_are_independent(ex):
    grid = ex.read_grid("..\n..\n..")
    grid[0][0] = "#"
    expect_equal(
        [row[0] for row in grid],
        ["#", ".", "."],
        call="grid = read_grid('..\\n..\\n..'); grid[0][0] = '#'; first column",
        hint="every row must be its own list: [row] * n repeats one list n times",
    )


_row = st.text(alphabet=st.sampled_from("#. @é中"), min_size=1, max_size=6).filter(lambda r: r.strip())


@given(rows=st.lists(_row, max_size=6), trailing=st.sampled_from(["", "\n", "\n\n"]))
def test_read_grid_round_trip(ex, rows, trailing):
    text = "\n".join(rows) + trailing
    expect_equal(ex.read_grid(text), [list(r) for r in rows], call=f"read_grid({text!r})", hint="one list of characters per non-blank line")


# ---------------------------------------------------------------- binary search


class ProbeCounter(Sequence):
    """A sorted sequence of ``n`` values ``i // 3`` that fails when read too often or out of range."""

    def __init__(self, n, budget):
        self.n, self.budget, self.reads = n, budget, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise AssertionError("the search sliced the sequence: slicing copies it, which is O(n); index it instead")
        if not 0 <= i < self.n:
            raise AssertionError(f"the search read a[{i}], outside 0..{self.n - 1}: with a half-open [lo, hi) the midpoint is always < hi")
        self.reads += 1
        if self.reads > self.budget:
            raise AssertionError(f"the search read more than {self.budget} elements of a sequence of {self.n}: binary search needs about log2(n)")
        return i // 3


@pytest.mark.parametrize("name,oracle", [("lower_bound", bisect.bisect_left), ("upper_bound", bisect.bisect_right)])
@pytest.mark.parametrize(
    "a,x",
    [
        pytest.param([], 5, id="empty"),
        pytest.param([1, 2, 2, 2, 5], 2, id="duplicates"),
        pytest.param([1, 2, 2, 2, 5], 0, id="below-all"),
        pytest.param([1, 2, 2, 2, 5], 9, id="above-all"),
        pytest.param([1, 2, 2, 2, 5], 3, id="absent-middle"),
        pytest.param([7], 7, id="single-equal"),
        pytest.param([-3, -3, -1], -3, id="negatives"),
        pytest.param(["apple", "banana", "cherry", "香蕉"], "b", id="strings"),
    ],
)
def test_bounds_known_values(ex, name, oracle, a, x):
    expect_equal(
        getattr(ex, name)(a, x),
        oracle(a, x),
        call=f"{name}({a!r}, {x!r})",
        hint="lower_bound: first a[i] >= x; upper_bound: first a[i] > x; len(a) when there is none",
    )


@pytest.mark.parametrize("name,oracle", [("lower_bound", bisect.bisect_left), ("upper_bound", bisect.bisect_right)])
@given(a=st.lists(st.integers(min_value=-10, max_value=10), max_size=20).map(sorted), x=st.integers(min_value=-12, max_value=12))
def test_bounds_match_bisect(ex, name, oracle, a, x):
    expect_equal(getattr(ex, name)(a, x), oracle(a, x), call=f"{name}({a!r}, {x})", hint="compare your loop invariant with bisect's: the answer always stays in [lo, hi]")


@pytest.mark.parametrize("name,x,expected", [("lower_bound", 123_456, 370_368), ("upper_bound", 123_456, 370_371), ("lower_bound", -1, 0), ("upper_bound", 10**9, 10**6)])
def test_bounds_read_only_log_n_elements(ex, name, x, expected):
    a = ProbeCounter(10**6, budget=2 * math.ceil(math.log2(10**6 + 1)) + 2)
    expect_equal(getattr(ex, name)(a, x), expected, call=f"{name}(<a million sorted values i // 3>, {x})")


@pytest.mark.parametrize(
    "lo,hi,threshold,expected",
    [
        pytest.param(0, 10, 3, 3, id="middle"),
        pytest.param(0, 10, -5, 0, id="always-true"),
        pytest.param(0, 10, 50, 10, id="never-true"),
        pytest.param(5, 5, 0, 5, id="empty-range"),
        pytest.param(-100, 100, -3, -3, id="negative-bounds"),
        pytest.param(0, 1, 0, 0, id="one-candidate-true"),
        pytest.param(0, 1, 1, 1, id="one-candidate-false"),
    ],
)
def test_first_true_known_values(ex, lo, hi, threshold, expected):
    def pred(i):
        if not lo <= i < hi:
            raise AssertionError(f"pred({i}) was called outside [{lo}, {hi}): never test hi itself, it is the 'none found' answer")
        return i >= threshold

    expect_equal(ex.first_true(lo, hi, pred), expected, call=f"first_true({lo}, {hi}, lambda i: i >= {threshold})", hint="return hi when pred is never true")


@given(lo=st.integers(min_value=-20, max_value=20), width=st.integers(min_value=0, max_value=40), data=st.data())
def test_first_true_matches_linear_scan(ex, lo, width, data):
    hi = lo + width
    threshold = data.draw(st.integers(min_value=lo - 2, max_value=hi + 2), label="threshold")

    def pred(i):
        if not lo <= i < hi:
            raise AssertionError(f"pred({i}) was called outside [{lo}, {hi})")
        return i >= threshold

    expected = next((i for i in range(lo, hi) if i >= threshold), hi)
    expect_equal(ex.first_true(lo, hi, pred), expected, call=f"first_true({lo}, {hi}, lambda i: i >= {threshold})")


@pytest.mark.parametrize("n", [0, 1, 15, 16, 10**12 + 7, 10**40 + 12345])
def test_first_true_integer_square_root(ex, n):
    budget = math.ceil(math.log2(n + 2)) + 2
    calls = 0

    def pred(i):
        nonlocal calls
        calls += 1
        if calls > budget:
            raise AssertionError(f"pred was called more than {budget} times on a range of {n + 2}: halve the range each step")
        return i * i > n

    expect_equal(
        ex.first_true(0, n + 2, pred),
        math.isqrt(n) + 1,
        call=f"first_true(0, {n + 2}, lambda i: i * i > {n})",
        hint="the first i with i * i > n is math.isqrt(n) + 1",
    )


# ---------------------------------------------------------------- heaps


@pytest.mark.parametrize(
    "items,k,expected",
    [
        pytest.param([], 3, [], id="empty"),
        pytest.param([5, 1, 4], 0, [], id="k-zero"),
        pytest.param([3, 1, 2], 10, [1, 2, 3], id="k-larger-than-input"),
        pytest.param([2, 2, 1, 2], 2, [1, 2], id="duplicates"),
        pytest.param([5, 1, 4, 1, 3], 3, [1, 1, 3], id="docstring"),
        pytest.param([0.5, -1.5, 2.0, -7], 2, [-7, -1.5], id="negatives-and-floats"),
    ],
)
def test_k_smallest_known_values(ex, items, k, expected):
    expect_equal(ex.k_smallest(items, k), expected, call=f"k_smallest({items!r}, {k})", hint="k == 0 means an empty answer; the result is ascending")


@given(items=st.lists(st.integers(min_value=-50, max_value=50), max_size=25), k=st.integers(min_value=0, max_value=30))
def test_k_smallest_matches_nsmallest(ex, items, k):
    expect_equal(
        ex.k_smallest(list(items), k),
        heapq.nsmallest(k, items),
        call=f"k_smallest({items!r}, {k})",
        hint="keep the k smallest in a max-heap (store -x); replace its top when a smaller number arrives",
    )


def test_k_smallest_reads_a_generator_once(ex):
    rng = random.Random(11)
    values = [rng.randint(-(10**6), 10**6) for _ in range(100_000)]
    got = ex.k_smallest((v for v in values), 10)
    expect_equal(got, sorted(values)[:10], call="k_smallest(<generator of 100 000 numbers>, 10)", hint="iterate once: a generator cannot be read twice or measured with len()")


def test_k_smallest_rejects_negative_k(ex):
    with pytest.raises(ValueError):
        ex.k_smallest([1, 2, 3], -1)


@pytest.mark.parametrize(
    "lists,expected",
    [
        pytest.param([], [], id="no-inputs"),
        pytest.param([[], [], []], [], id="all-empty"),
        pytest.param([[1, 2, 3]], [1, 2, 3], id="one-input"),
        pytest.param([[], [1], []], [1], id="empty-around"),
        pytest.param([[1, 4, 9], [2, 3], [], [0, 9]], [0, 1, 2, 3, 4, 9, 9], id="docstring"),
        pytest.param([[1, 1], [1], [1, 2]], [1, 1, 1, 1, 2], id="ties-across-inputs"),
        pytest.param([[-5, 0], [-7, -6, 10]], [-7, -6, -5, 0, 10], id="negatives"),
        pytest.param([["apple", "香蕉"], ["banana"]], ["apple", "banana", "香蕉"], id="strings"),
    ],
)
def test_merge_sorted_known_values(ex, lists, expected):
    expect_equal(
        ex.merge_sorted([iter(x) for x in lists]),
        expected,
        call=f"merge_sorted({lists!r}) (each input an iterator)",
        hint="heap entries (value, input index, ...): on a tie the index decides, so two iterators are never compared",
    )


def test_merge_sorted_is_stable(ex):
    got = ex.merge_sorted([[1, 2.0], [1.0, 2], [True]])
    expect_equal(
        [(v, type(v).__name__) for v in got],
        [(1, "int"), (1.0, "float"), (True, "bool"), (2.0, "float"), (2, "int")],
        call="merge_sorted([[1, 2.0], [1.0, 2], [True]]) with types",
        hint="equal values keep the order of their inputs: put the input index right after the value in each heap entry",
    )


@given(st.lists(st.lists(st.integers(min_value=-20, max_value=20), max_size=8).map(sorted), max_size=6))
def test_merge_sorted_matches_heapq_merge(ex, lists):
    copies = [list(x) for x in lists]
    expect_equal(ex.merge_sorted(copies), list(heapq.merge(*lists)), call=f"merge_sorted({lists!r})")
    expect_equal(copies, lists, call=f"the inputs after merge_sorted({lists!r})", hint="read the inputs with iterators; do not pop from the caller's lists")


def test_merge_sorted_large_input(ex):
    rng = random.Random(13)
    lists = [sorted(rng.randint(-(10**6), 10**6) for _ in range(500)) for _ in range(200)]
    got = ex.merge_sorted(x for x in lists)
    expect_equal(got, sorted(v for x in lists for v in x), call="merge_sorted(<generator of 200 sorted lists of 500>)")


# ---------------------------------------------------------------- bfs_distances


def relaxation_distances(graph, start):
    """Bellman-Ford with unit weights: relax every edge until nothing changes."""
    dist = {start: 0}
    changed = True
    while changed:
        changed = False
        for u, neighbours in graph.items():
            if u not in dist:
                continue
            for v in neighbours:
                if dist[u] + 1 < dist.get(v, math.inf):
                    dist[v] = dist[u] + 1
                    changed = True
    return dist


@pytest.mark.parametrize(
    "graph,start,expected,hint",
    [
        pytest.param({}, "a", {"a": 0}, "start is always at distance 0, even when it is not a key", id="empty-graph"),
        pytest.param({"a": []}, "a", {"a": 0}, "", id="no-edges"),
        pytest.param({"a": ["b"]}, "a", {"a": 0, "b": 1}, "a node may appear only as a neighbour: read graph.get(u, ()), not graph[u]", id="neighbour-not-a-key"),
        pytest.param({0: [0]}, 0, {0: 0}, "a self-loop must not change the start's distance", id="self-loop"),
        pytest.param({1: [2], 2: [3], 3: [1]}, 1, {1: 0, 2: 1, 3: 2}, "mark visited when queued, or the cycle never ends", id="cycle"),
        pytest.param({1: [2], 2: []}, 2, {2: 0}, "edges are one-way; unreachable nodes are left out", id="directed"),
        pytest.param({0: [1, 4], 1: [2], 2: [3], 3: [4], 4: []}, 0, {0: 0, 1: 1, 4: 1, 2: 2, 3: 3}, "depth-first search reaches 4 the long way first: use a queue", id="short-after-long"),
        pytest.param({"北京": ["上海"], "上海": ["广州", "北京"]}, "北京", {"北京": 0, "上海": 1, "广州": 2}, "", id="unicode"),
        pytest.param({(0, 0): [(0, 1), (1, 0)], (0, 1): [(1, 1)], (1, 0): [(1, 1)]}, (0, 0), {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 2}, "", id="tuple-nodes"),
    ],
)
def test_bfs_distances_known_values(ex, graph, start, expected, hint):
    expect_equal(ex.bfs_distances(graph, start), expected, call=f"bfs_distances({graph!r}, {start!r})", hint=hint)


@given(
    graph=st.dictionaries(st.integers(min_value=0, max_value=7), st.lists(st.integers(min_value=0, max_value=7), max_size=4), max_size=8),
    start=st.integers(min_value=0, max_value=7),
)
def test_bfs_distances_matches_relaxation(ex, graph, start):
    expect_equal(
        ex.bfs_distances(graph, start),
        relaxation_distances(graph, start),
        call=f"bfs_distances({graph!r}, {start})",
        hint="pop from the left of a deque; a node's distance is final the first time it is queued",
    )


def test_bfs_distances_leaves_a_defaultdict_alone(ex):
    graph = defaultdict(list, {0: [1], 1: [2]})
    ex.bfs_distances(graph, 0)
    expect_true(
        sorted(graph) == [0, 1],
        message=f"bfs_distances(defaultdict(list, {{0: [1], 1: [2]}}), 0) added keys to the graph: now {sorted(graph)}",
        hint="graph[u] on a defaultdict creates the key; read with graph.get(u, ())",
    )


def test_bfs_distances_long_path(ex):
    size = 20_000
    graph = {i: [i + 1] for i in range(size - 1)}
    got = ex.bfs_distances(graph, 0)
    expect_equal(got, {i: i for i in range(size)}, call=f"bfs_distances(<path 0 -> 1 -> ... -> {size - 1}>, 0)", hint="use an explicit queue; recursion this deep overflows the stack")
