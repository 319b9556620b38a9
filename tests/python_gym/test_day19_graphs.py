"""Grading tests for gym-19 (graphs): count_islands, UnionFind, topo_sort, dfs_order.

Oracles: islands are counted here with a union-find that merges each land
cell with its right and lower neighbours (a different method from a flood
fill); UnionFind is compared with a naive list of Python sets after every
operation (Hypothesis); topo_sort with brute force over all permutations (the
first valid one in sorted order is the smallest) and with ``graphlib`` for
cycle detection; dfs_order with a plain recursive DFS on small graphs. Large
inputs (10^5-node chains, 300 x 300 grids) catch recursion one frame per node.
"""

from __future__ import annotations

import copy
import graphlib
import random
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-19")


def call_without_recursion_error(fn, *args, call: str, hint: str):
    """Run ``fn(*args)``; turn a RecursionError into a teaching failure."""
    try:
        return fn(*args)
    except RecursionError:
        expect_true(False, message=f"{call} raised RecursionError", hint=hint)


# ------------------------------------------------------------------ count_islands


def union_find_islands(grid) -> int:
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(cell):
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    land = [(r, c) for r, row in enumerate(grid) for c, ch in enumerate(row) if ch == "1"]
    for cell in land:
        parent[cell] = cell
    components = len(land)
    for r, c in land:
        for other in ((r + 1, c), (r, c + 1)):
            if other in parent:
                a, b = root((r, c)), root(other)
                if a != b:
                    parent[a] = b
                    components -= 1
    return components


ISLAND_CASES = [
    pytest.param([], id="no-rows"),
    pytest.param([""], id="empty-row"),
    pytest.param(["1"], id="one-land"),
    pytest.param(["0"], id="one-water"),
    pytest.param(["000", "000"], id="all-water"),
    pytest.param(["111", "111"], id="all-land"),
    pytest.param(["11000", "11000", "00100", "00011"], id="classic"),
    pytest.param(["101", "010", "101"], id="diagonals-do-not-connect"),
    pytest.param(["11111", "00001", "11101", "10001", "11111"], id="snake"),
    pytest.param(["1x1", "1.1", "111"], id="other-characters-are-water"),
    pytest.param([list("1101"), list("0100"), list("0011")], id="rows-as-lists"),
]


@pytest.mark.parametrize("grid", ISLAND_CASES)
def test_count_islands_matches_union_find(ex, grid):
    expect_equal(ex.count_islands(grid), union_find_islands(grid), call=f"count_islands({grid!r})",
                 hint="for each unvisited '1' start a flood fill over up/down/left/right land cells and count "
                 "one island; check bounds before reading grid[r][c]")


def test_count_islands_does_not_modify_the_grid(ex):
    grid = [list("110"), list("011"), list("100")]
    before = copy.deepcopy(grid)
    ex.count_islands(grid)
    expect_equal(grid, before, call="the grid after count_islands(grid)",
                 hint="keep a visited set instead of overwriting '1' cells with '0' in the caller's grid")


LARGE_GRIDS = [
    pytest.param(["1" * 300] * 300, 1, id="300x300-all-land"),
    pytest.param(["".join("1" if (r + c) % 2 == 0 else "0" for c in range(300)) for r in range(300)], 45_000,
                 id="300x300-checkerboard"),
]


@pytest.mark.parametrize("grid,expected", LARGE_GRIDS)
def test_count_islands_large(ex, grid, expected):
    got = call_without_recursion_error(ex.count_islands, grid, call="count_islands(<300 x 300 grid>)",
                                       hint="a recursive flood fill goes one frame deeper per cell (90 000 here); "
                                       "use a deque (BFS) or a list as an explicit stack")
    expect_equal(got, expected, call="count_islands(<300 x 300 grid>)", hint="an iterative flood fill per island")


def test_count_islands_random_large(ex):
    rng = random.Random(19)
    grid = ["".join(rng.choice("10") for _ in range(200)) for _ in range(200)]
    expect_equal(ex.count_islands(grid), union_find_islands(grid), call="count_islands(<random 200 x 200 grid>)",
                 hint="mark a cell as visited when you queue it, so no cell is queued twice")


@given(st.integers(1, 6).flatmap(lambda w: st.lists(st.text(alphabet="01", min_size=w, max_size=w), max_size=6)))
def test_count_islands_property(ex, grid):
    expect_equal(ex.count_islands(grid), union_find_islands(grid), call=f"count_islands({grid!r})",
                 hint="4-connected land cells form one island")


# ------------------------------------------------------------------ UnionFind


class NaiveSets:
    """The oracle: a list of Python sets, merged by hand."""

    def __init__(self, n: int):
        self.sets = [{i} for i in range(n)]

    def which(self, x: int) -> set:
        return next(s for s in self.sets if x in s)

    def union(self, a: int, b: int) -> bool:
        sa, sb = self.which(a), self.which(b)
        if sa is sb:
            return False
        self.sets.remove(sb)
        sa |= sb
        return True


def test_union_find_docstring_example(ex):
    uf = ex.UnionFind(5)
    got = (uf.union(0, 1), uf.union(1, 2), uf.union(0, 2), uf.connected(0, 2), uf.connected(0, 3), uf.count,
           uf.component_size(1), uf.component_size(4))
    expect_equal(got, (True, True, False, True, False, 3, 3, 1),
                 call="UnionFind(5): union(0,1), union(1,2), union(0,2), connected(0,2), connected(0,3), count, "
                 "component_size(1), component_size(4)",
                 hint="union returns False when both are already in one set; count drops by one per real merge")


def test_union_find_empty_and_single(ex):
    empty, one = ex.UnionFind(0), ex.UnionFind(1)
    got = (empty.count, one.count, one.find(0), one.union(0, 0), one.component_size(0))
    expect_equal(got, (0, 1, 0, False, 1), call="UnionFind(0).count, UnionFind(1): count, find(0), union(0, 0), "
                 "component_size(0)", hint="n singletons at the start; union(x, x) merges nothing")


@pytest.mark.parametrize("method,args", [("find", (5,)), ("find", (-1,)), ("union", (0, 5)), ("connected", (-1, 0)),
                                         ("component_size", (7,))])
def test_union_find_out_of_range_raises_index_error(ex, method, args):
    uf = ex.UnionFind(5)
    expect_raises(IndexError, getattr(uf, method), *args, call=f"UnionFind(5).{method}{args}",
                  hint="check 0 <= x < n yourself: parent[-1] silently reads the last element")


def test_union_find_negative_size(ex):
    expect_raises(ValueError, ex.UnionFind, -1, call="UnionFind(-1)", hint="n must be >= 0")


OPS = st.lists(st.tuples(st.sampled_from(["union", "find", "connected", "size"]), st.integers(0, 9),
                         st.integers(0, 9)), max_size=40)


@given(st.integers(1, 10), OPS)
def test_union_find_matches_naive_sets(ex, n, ops):
    uf, naive = ex.UnionFind(n), NaiveSets(n)
    done: list[str] = []
    trace = f"UnionFind({n})"
    for op, a, b in ops:
        a, b = a % n, b % n
        done.append(f"{op}({a}, {b})" if op in ("union", "connected") else f"{op}({a})")
        trace = f"UnionFind({n}) after {', '.join(done)}"
        if op == "union":
            expect_equal(uf.union(a, b), naive.union(a, b), call=f"{trace}: the value of the last union",
                         hint="True only when a and b were in different sets")
        elif op == "find":
            rep = uf.find(a)
            expect_true(rep in naive.which(a), message=f"{trace}: find({a}) = {rep!r} is not in {a}'s set "
                        f"{sorted(naive.which(a))}", hint="find returns the root of x's own tree")
        elif op == "connected":
            expect_equal(uf.connected(a, b), b in naive.which(a), call=f"{trace}: connected({a}, {b})",
                         hint="connected is find(a) == find(b)")
        else:
            expect_equal(uf.component_size(a), len(naive.which(a)), call=f"{trace}: component_size({a})",
                         hint="keep size[root]; add the smaller tree's size to the new root")
        expect_equal(uf.count, len(naive.sets), call=f"{trace}: count", hint="count drops by one per real merge")
    roots = [uf.find(x) for x in range(n)]
    for x in range(n):
        for y in range(n):
            expect_equal(roots[x] == roots[y], y in naive.which(x), call=f"{trace}: find({x}) == find({y})", hint="two elements share a root exactly when they were joined")


@pytest.mark.parametrize("pattern", ["chain", "reverse-chain", "star"])
def test_union_find_large(ex, pattern):
    n = 100_000
    uf = ex.UnionFind(n)

    def run():
        for i in range(n - 1):
            if pattern == "chain":
                uf.union(i, i + 1)
            elif pattern == "reverse-chain":
                uf.union(i + 1, i)
            else:
                uf.union(0, i + 1)
        return (uf.count, uf.connected(0, n - 1), uf.component_size(n // 2), uf.find(0) == uf.find(n - 1))

    got = call_without_recursion_error(run, call=f"UnionFind(10^5) with {pattern} unions",
                                       hint="write find as a loop (walk up to the root, then repoint the path)")
    expect_equal(got, (1, True, n, True), call=f"UnionFind(10^5) after {pattern} unions: (count, connected(0, n-1), "
                 "component_size(n // 2), same root)",
                 hint="union by size keeps the trees shallow; path compression flattens what remains")


# ------------------------------------------------------------------ topo_sort


def all_nodes(graph) -> list:
    nodes = set(graph)
    for targets in graph.values():
        nodes.update(targets)
    return sorted(nodes)


def has_cycle(graph) -> bool:
    sorter = graphlib.TopologicalSorter()
    for u, targets in graph.items():
        sorter.add(u)
        for v in targets:
            sorter.add(v, u)  # graphlib takes predecessors: u must come before v
    try:
        list(sorter.static_order())
    except graphlib.CycleError:
        return True
    return False


def is_valid_order(graph, order) -> bool:
    position = {node: i for i, node in enumerate(order)}
    return sorted(order) == all_nodes(graph) and all(
        position[u] < position[v] for u, targets in graph.items() for v in targets)


def brute_smallest_order(graph):
    for order in permutations(all_nodes(graph)):  # permutations of a sorted list come in sorted order
        if is_valid_order(graph, order):
            return list(order)
    return None


TOPO_CASES = [
    pytest.param({}, id="empty"),
    pytest.param({1: []}, id="one-node"),
    pytest.param({3: [1], 2: []}, id="docstring-ints"),
    pytest.param({"wake": ["coffee", "shower"], "coffee": ["work"], "shower": ["work"]}, id="docstring-strings"),
    pytest.param({5: [0, 2], 4: [0, 1], 2: [3], 3: [1]}, id="targets-only-nodes"),
    pytest.param({1: [2, 2, 2], 0: [2]}, id="duplicate-edges"),
    pytest.param({6: [], 5: [], 4: []}, id="no-edges-sorted"),
    pytest.param({"b": ["a"], "c": ["a"], "d": ["c", "b"]}, id="strings-reverse"),
]


@pytest.mark.parametrize("graph", TOPO_CASES)
def test_topo_sort_smallest_order(ex, graph):
    expect_equal(ex.topo_sort(copy.deepcopy(graph)), brute_smallest_order(graph), call=f"topo_sort({graph!r})",
                 hint="Kahn's algorithm with a heap: always place the smallest node whose predecessors are all "
                 "placed; nodes that appear only as targets belong to the graph too")


CYCLIC = [
    pytest.param({1: [1]}, id="self-loop"),
    pytest.param({1: [2], 2: [1]}, id="two-cycle"),
    pytest.param({0: [1], 1: [2], 2: [3], 3: [1], 4: []}, id="cycle-behind-acyclic-nodes"),
    pytest.param({"a": ["b"], "b": ["c"], "c": ["a"]}, id="string-cycle"),
]


@pytest.mark.parametrize("graph", CYCLIC)
def test_topo_sort_cycle_raises(ex, graph):
    expect_true(has_cycle(graph), message=f"test bug: {graph!r} should have a cycle")
    expect_raises(ValueError, ex.topo_sort, graph, call=f"topo_sort({graph!r})",
                  hint="if fewer nodes come out of Kahn's loop than the graph has, the rest sit on or behind a "
                  "cycle: raise ValueError instead of returning a partial order")


def test_topo_sort_does_not_modify_input(ex):
    graph = {1: [3, 2], 2: [3], 0: [1]}
    before = copy.deepcopy(graph)
    ex.topo_sort(graph)
    expect_equal(graph, before, call="the graph after topo_sort(graph)",
                 hint="count in-degrees in your own dict; do not remove edges from the caller's lists")


def test_topo_sort_large_layered_dag(ex):
    rng = random.Random(1919)
    layers = [list(range(k * 100, (k + 1) * 100)) for k in range(20)]
    graph: dict[int, list[int]] = {}
    for upper, lower in zip(layers, layers[1:]):
        for u in upper:
            graph[u] = rng.sample(lower, 3)
    for layer in layers:
        rng.shuffle(layer)
    got = ex.topo_sort(graph)
    expect_true(isinstance(got, list) and is_valid_order(graph, got),
                message="topo_sort(<2000-node layered DAG>) is not a valid order of all the nodes",
                hint="every edge u -> v needs u before v, and every node exactly once")
    # minimality: each chosen node must be the smallest of those available at that step
    preds: dict[int, set[int]] = {node: set() for node in all_nodes(graph)}
    for u, targets in graph.items():
        for v in targets:
            preds[v].add(u)
    placed: set[int] = set()
    available = {x for x, p in preds.items() if not p}
    for step, node in enumerate(got):
        expect_equal(node, min(available), call=f"topo_sort(<2000-node layered DAG>)[{step}]",
                     hint="use a heap of ready nodes (heapq), not a FIFO queue, to always take the smallest")
        placed.add(node)
        available.discard(node)
        available.update(v for v in graph.get(node, ()) if preds[v] <= placed)


DAG = st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=10),
))


@given(DAG)
def test_topo_sort_property(ex, dag):
    n, pairs = dag
    graph: dict[int, list[int]] = {u: [] for u in range(n)}
    for a, b in pairs:
        graph[a].append(b)  # may form cycles (including self-loops) on purpose
    if has_cycle(graph):
        expect_raises(ValueError, ex.topo_sort, graph, call=f"topo_sort({graph!r})",
                      hint="graphlib finds a cycle here: raise ValueError")
    else:
        expect_equal(ex.topo_sort(graph), brute_smallest_order(graph), call=f"topo_sort({graph!r})",
                     hint="take the smallest ready node each time (heapq); duplicate edges count once")


# ------------------------------------------------------------------ dfs_order


def recursive_dfs(graph, start) -> list:
    seen, order = set(), []

    def visit(u):
        seen.add(u)
        order.append(u)
        for v in graph.get(u, []):
            if v not in seen:
                visit(v)

    visit(start)
    return order


DFS_CASES = [
    pytest.param({0: [1, 2], 1: [2, 3], 2: [], 3: []}, 0, id="mark-on-pop-matters"),
    pytest.param({}, "x", id="start-not-a-key"),
    pytest.param({1: []}, 1, id="isolated-start"),
    pytest.param({0: [0, 1], 1: [1]}, 0, id="self-loops"),
    pytest.param({0: [1], 1: [2], 2: [0]}, 1, id="cycle"),
    pytest.param({0: [1, 1, 2], 1: [0, 2, 2]}, 0, id="parallel-edges"),
    pytest.param({0: [1, 3], 1: [0, 2], 2: [1, 3], 3: [0, 2]}, 0, id="undirected-square"),
    pytest.param({"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": ["c"]}, "a", id="strings"),
    pytest.param({0: [3, 2, 1], 1: [2], 2: [3]}, 0, id="neighbours-in-given-order"),
    pytest.param({5: [6], 6: [], 7: [5]}, 5, id="unreachable-nodes-left-out"),
]


@pytest.mark.parametrize("graph,start", DFS_CASES)
def test_dfs_order_matches_recursive_dfs(ex, graph, start):
    expect_equal(ex.dfs_order(graph, start), recursive_dfs(graph, start), call=f"dfs_order({graph!r}, {start!r})",
                 hint="pop a node, skip it if already seen, else record it and push its neighbours in reversed "
                 "order; mark nodes when popped, not when pushed")


def test_dfs_order_does_not_modify_input(ex):
    graph = {0: [2, 1], 1: [2], 2: [0]}
    before = copy.deepcopy(graph)
    ex.dfs_order(graph, 0)
    expect_equal(graph, before, call="the graph after dfs_order(graph, 0)",
                 hint="iterate reversed(graph[u]) instead of reversing the caller's list in place")


@pytest.mark.parametrize("shape", ["chain", "cycle"])
def test_dfs_order_deep_graph(ex, shape):
    n = 100_000
    graph = {i: [i + 1] for i in range(n - 1)} if shape == "chain" else {i: [(i + 1) % n] for i in range(n)}
    got = call_without_recursion_error(ex.dfs_order, graph, 0, call=f"dfs_order(<10^5-node {shape}>, 0)",
                                       hint="a recursive DFS needs one frame per node on this path; use an "
                                       "explicit stack (a list with append/pop)")
    expect_equal(got, list(range(n)), call=f"dfs_order(<10^5-node {shape}>, 0)",
                 hint="a path is visited in order 0, 1, 2, ...")


GRAPHS = st.integers(1, 7).flatmap(lambda n: st.dictionaries(
    st.integers(0, n - 1), st.lists(st.integers(0, n - 1), max_size=4), max_size=n))


@given(GRAPHS, st.integers(0, 6))
def test_dfs_order_property(ex, graph, start):
    expect_equal(ex.dfs_order(graph, start), recursive_dfs(graph, start), call=f"dfs_order({graph!r}, {start})",
                 hint="the explicit stack must reproduce the recursive preorder exactly")
