"""Grading tests for core-01 (the object model): deep_copy, find_shared, shares_state.

Oracles:
- ``copy.deepcopy`` and an identity-structure signature: every list, dict,
  tuple and set is numbered on first sight and written as a back-reference
  after, so two structures have the same signature exactly when they have the
  same values *and* the same sharing and cycles;
- a reference count taken by counting slots (not by walking the way the
  exercise does) for ``find_shared``;
- a real experiment for ``shares_state``: mutate every container reachable
  from ``a`` in turn and look whether ``b`` changed.
Hypothesis builds random graphs of lists and dicts with sharing and cycles.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("core-01")

CONTAINERS = (list, dict, tuple, set)
MUTABLE = (list, dict, set)


# ------------------------------------------------------------------ oracles and helpers


def signature(obj):
    """Values plus the shape of sharing: containers are numbered, repeats become ("ref", n)."""
    numbers: dict[int, int] = {}

    def sig(x):
        kind = type(x)
        if kind not in CONTAINERS:
            return ("atom", type(x).__name__, x)
        if id(x) in numbers:
            return ("ref", numbers[id(x)])
        numbers[id(x)] = n = len(numbers)
        if kind is dict:
            return ("dict", n, tuple((sig(k), sig(v)) for k, v in x.items()))
        if kind is set:
            return ("set", n, frozenset(x))  # set items are hashable: compare them by value
        return (kind.__name__, n, tuple(sig(item) for item in x))

    return sig(obj)


def reachable(obj, kinds=CONTAINERS):
    """All objects of ``kinds`` reachable from obj, by identity: {id: object}."""
    found: dict[int, object] = {}
    stack = [obj]
    while stack:
        x = stack.pop()
        if type(x) not in CONTAINERS:
            continue
        if id(x) in found:
            continue
        found[id(x)] = x
        if type(x) is dict:
            stack.extend(x.keys())
            stack.extend(x.values())
        else:
            stack.extend(x)
    return {k: v for k, v in found.items() if type(v) in kinds}


def slot_reference_counts(obj) -> dict[int, int]:
    """For each reachable list/dict/set: how many references to it exist (tuples looked through)."""

    def slots(x):  # the objects x refers to, looking through tuples
        items = list(x.values()) if type(x) is dict else list(x) if type(x) in (list, tuple) else []
        for item in items:
            if type(item) is tuple:
                yield from slots(item)
            else:
                yield item

    counts = {i: 0 for i in reachable(obj, MUTABLE)}
    for root_ref in slots((obj,)):  # the caller's one reference to the root
        if id(root_ref) in counts:
            counts[id(root_ref)] += 1
    for holder in reachable(obj, MUTABLE).values():
        for ref in slots(holder):
            if type(ref) in MUTABLE:
                counts[id(ref)] += 1
    return counts


def preorder_mutables(obj) -> list:
    """Lists/dicts/sets in depth-first, left-to-right first-met order (explicit stack)."""
    order, seen = [], set()
    stack = [obj]
    while stack:
        x = stack.pop()
        kind = type(x)
        if kind is tuple:
            stack.extend(reversed(x))
            continue
        if kind not in MUTABLE or id(x) in seen:
            continue
        seen.add(id(x))
        order.append(x)
        if kind is list:
            stack.extend(reversed(x))
        elif kind is dict:
            stack.extend(reversed(list(x.values())))
    return order


def shared_oracle(obj) -> list:
    counts = slot_reference_counts(obj)
    return [x for x in preorder_mutables(obj) if counts[id(x)] >= 2]


def mutation_is_visible(a, b) -> bool:
    """The experiment: mutate each list/dict/set reachable from a; did b's signature change?"""
    before = signature(b)
    for target in reachable(a, MUTABLE).values():
        sentinel = object()
        if type(target) is list:
            target.append(sentinel)
        elif type(target) is dict:
            target[sentinel] = sentinel
        else:
            target.add(sentinel)
        changed = signature(b) != before
        if type(target) is list:
            target.pop()
        elif type(target) is dict:
            del target[sentinel]
        else:
            target.discard(sentinel)
        if changed:
            return True
    return False


def ids(objects) -> list[int]:
    return [id(x) for x in objects]


# ------------------------------------------------------------------ example structures


def self_list():
    a = [1]
    a.append(a)
    return a


def self_dict():
    d = {"name": "loop"}
    d["self"] = d
    return d


def tuple_cycle():
    holder: list = []
    t = (holder, "tag")
    holder.append(t)
    return t


def shared_rows():
    row = [0, 0]
    return [row, row, [0, 0]]


def nested_shared():
    inner = [1]
    mid = [inner, {"k": inner}]
    return {"a": mid, "b": (mid, 2), "c": set([1, 2])}


class Opaque:
    """A user object: the exercise must share it, not copy it."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.value == self.value

    __hash__ = None


STRUCTURES = [
    pytest.param(lambda: 5, id="int"),
    pytest.param(lambda: "text", id="str"),
    pytest.param(lambda: None, id="none"),
    pytest.param(lambda: [], id="empty-list"),
    pytest.param(lambda: {}, id="empty-dict"),
    pytest.param(lambda: (), id="empty-tuple"),
    pytest.param(lambda: set(), id="empty-set"),
    pytest.param(lambda: [1, "two", 3.0, None, True], id="flat-list"),
    pytest.param(lambda: {(1, 2): [3], "k": {"nested": [4, 5]}}, id="tuple-keys"),
    pytest.param(lambda: ([1], (2, [3])), id="tuple-with-lists"),
    pytest.param(lambda: {1, 2, (3, 4), "五"}, id="set"),
    pytest.param(shared_rows, id="shared-rows"),
    pytest.param(nested_shared, id="nested-shared"),
    pytest.param(self_list, id="self-list"),
    pytest.param(self_dict, id="self-dict"),
    pytest.param(tuple_cycle, id="cycle-through-tuple"),
    pytest.param(lambda: {"学习": ["🐍", "€"]}, id="unicode"),
]


# ------------------------------------------------------------------ deep_copy


@pytest.mark.parametrize("make", STRUCTURES)
def test_deep_copy_matches_copy_deepcopy(ex, make):
    original = make()
    got = ex.deep_copy(original)
    expect_equal(signature(got), signature(copy.deepcopy(original)),
                 call=f"deep_copy({original!r}) (values and sharing)",
                 hint="copy every list/dict/set once; a memo id(original) -> copy keeps shared objects shared")
    expect_equal(signature(got), signature(original), call=f"signature of deep_copy({original!r}) vs the original",
                 hint="the copy must have the same values and the same shape of sharing as the original")


@pytest.mark.parametrize("make", STRUCTURES)
def test_deep_copy_shares_no_mutable_object(ex, make):
    original = make()
    got = ex.deep_copy(original)
    leaked = set(reachable(got, MUTABLE)) & set(reachable(original, MUTABLE))
    expect_true(not leaked, message=f"deep_copy({original!r}) returned a structure that still contains "
                f"{len(leaked)} list/dict/set object(s) of the original",
                hint="every list, dict and set must be a new object; only atoms and unchanged tuples may be shared")


def test_deep_copy_keeps_shared_row_shared(ex):
    row = [0, 0]
    grid = [row, row]
    new = ex.deep_copy(grid)
    expect_true(new[0] is new[1], message="deep_copy([row, row]): the two rows of the copy are different objects",
                hint="remember the copy of each original (memo[id(row)]) and reuse it when you meet row again")
    new[0][0] = 9
    expect_equal(row, [0, 0], call="the original row after new[0][0] = 9",
                 hint="the copy's rows must be new lists, not the original row")


@pytest.mark.parametrize("make,path", [
    pytest.param(self_list, lambda c: c[1], id="list"),
    pytest.param(self_dict, lambda c: c["self"], id="dict"),
    pytest.param(tuple_cycle, lambda c: c[0][0], id="tuple"),
])
def test_deep_copy_preserves_cycles(ex, make, path):
    original = make()
    try:
        new = ex.deep_copy(original)
    except RecursionError:
        expect_true(False, message=f"deep_copy of a self-referencing {type(original).__name__} recursed forever",
                    hint="put the new container into the memo before you copy its items")
    expect_true(path(new) is new and new is not original,
                message=f"deep_copy of a self-referencing {type(original).__name__}: the copy does not point to itself",
                hint="a cycle in the original must become a cycle in the copy, not a link back to the original")


@pytest.mark.parametrize("value", [
    pytest.param((1, "a", (2.5, None)), id="atoms"),
    pytest.param((), id="empty"),
    pytest.param(frozenset({1, 2}), id="frozenset"),
])
def test_deep_copy_returns_immutable_atoms_as_is(ex, value):
    expect_true(ex.deep_copy(value) is value, message=f"deep_copy({value!r}) built a new object",
                hint="a tuple whose items all copy to themselves can be returned as it is; "
                "frozensets and other atoms are not looked into")


def test_deep_copy_rebuilds_tuple_holding_a_list(ex):
    inner = [1]
    t = (inner, 2)
    new = ex.deep_copy(t)
    expect_true(type(new) is tuple and new is not t and new[0] is not inner and new[0] == [1],
                message=f"deep_copy(([1], 2)) returned {new!r}; the tuple must be rebuilt around a copied list",
                hint="build tuple(copied items) when one of the items changed")


def test_deep_copy_shares_user_objects(ex):
    thing = Opaque(1)
    new = ex.deep_copy([thing, {"t": thing}])
    expect_true(new[0] is thing and new[1]["t"] is thing,
                message="deep_copy([obj, {'t': obj}]) copied an instance of a user class",
                hint="only list, dict, tuple and set are copied; any other object is returned as it is")


def test_deep_copy_does_not_use_library(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("deep_copy called copy.deepcopy or copy.copy")

    monkeypatch.setattr(copy, "deepcopy", forbidden)
    monkeypatch.setattr(copy, "copy", forbidden)
    original = nested_shared()
    try:
        got = ex.deep_copy(original)
    except AssertionError as err:
        expect_true(False, message=str(err), hint="write the walk yourself; that is the exercise")
    monkeypatch.undo()
    expect_equal(signature(got), signature(original), call="deep_copy(nested structure)",
                 hint="copy lists, dicts, tuples and sets yourself")


# A random graph: nodes are lists or dicts; an edge (i, j, wrap) adds node j to node i,
# wrapped in a tuple when wrap is True. Node 0 is the root. Sharing and cycles are common.
GRAPHS = st.tuples(
    st.lists(st.sampled_from(["list", "dict"]), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.booleans(), st.integers(-3, 3)), max_size=10),
)


def build_graph(kinds, edges):
    nodes = [[] if kind == "list" else {} for kind in kinds]
    n = len(nodes)
    for k, (i, j, wrap, atom) in enumerate(edges):
        src, dst = nodes[i % n], nodes[j % n]
        item = (dst, atom) if wrap else dst
        if type(src) is list:
            src.append(item)
            src.append(atom)
        else:
            src[f"k{k}"] = item
    return nodes


@given(GRAPHS)
def test_deep_copy_random_graphs(ex, graph):
    root = build_graph(*graph)[0]
    got = ex.deep_copy(root)
    expect_equal(signature(got), signature(copy.deepcopy(root)), call=f"deep_copy(<random graph {graph!r}>)",
                 hint="shared nodes stay shared, cycles stay cycles; memo the copy before copying the items")
    expect_true(not set(reachable(got, MUTABLE)) & set(reachable(root, MUTABLE)),
                message=f"deep_copy(<random graph {graph!r}>) reused a list or dict of the original",
                hint="every list and dict of the copy must be new")


# ------------------------------------------------------------------ find_shared


def test_find_shared_classic_grid(ex):
    grid = [[0] * 3] * 3
    got = ex.find_shared(grid)
    expect_equal(ids(got), [id(grid[0])], call="find_shared([[0] * 3] * 3)",
                 hint="the three rows are one list object referenced three times")


def test_find_shared_equal_is_not_shared(ex):
    grid = [[0] * 3 for _ in range(3)]
    expect_equal(ex.find_shared(grid), [], call="find_shared([[0] * 3 for _ in range(3)])",
                 hint="equal rows (==) are not the same object (is); compare identities, not values")


def test_find_shared_fromkeys(ex):
    d = dict.fromkeys(["a", "b", "c"], [])
    got = ex.find_shared(d)
    expect_equal(ids(got), [id(d["a"])], call="find_shared(dict.fromkeys(['a', 'b', 'c'], []))",
                 hint="fromkeys puts the same default object under every key")


def test_find_shared_self_reference_reports_root(ex):
    a = self_list()
    got = ex.find_shared(a)
    expect_equal(ids(got), [id(a)], call="find_shared(a) where a = [1, a]",
                 hint="the root counts one reference (the caller's); its own item is the second")


def test_find_shared_looks_through_tuples(ex):
    row = [1]
    pair = (row, "x")
    outer = [pair, pair]
    got = ex.find_shared(outer)
    expect_equal(ids(got), [id(row)], call="find_shared([pair, pair]) where pair = ([1], 'x')",
                 hint="tuples are transparent: look into a tuple every time you meet it")


def test_find_shared_reports_only_the_top_of_a_shared_subtree(ex):
    inner = [1]
    mid = [inner]
    outer = [mid, mid]
    got = ex.find_shared(outer)
    expect_equal(ids(got), [id(mid)], call="find_shared([mid, mid]) where mid = [[1]]",
                 hint="inner is referenced once (by mid); look into a list only the first time you meet it")


def test_find_shared_order_is_first_met(ex):
    a, b = [1], [2]
    root = {"x": [b, a], "y": a, "z": (b,)}
    got = ex.find_shared(root)
    expect_equal(ids(got), [id(b), id(a)], call="find_shared({'x': [b, a], 'y': a, 'z': (b,)})",
                 hint="report in the order the depth-first walk first met each object (b before a here)")


@pytest.mark.parametrize("make", STRUCTURES)
def test_find_shared_examples(ex, make):
    original = make()
    expect_equal(ids(ex.find_shared(original)), ids(shared_oracle(original)), call=f"find_shared({original!r}) (as ids)",
                 hint="count references per list/dict/set; report those with 2 or more, first-met order")


@given(GRAPHS)
def test_find_shared_random_graphs(ex, graph):
    root = build_graph(*graph)[0]
    got = ex.find_shared(root)
    expect_true(isinstance(got, list), message=f"find_shared returned a {type(got).__name__}, not a list")
    expect_equal(ids(got), ids(shared_oracle(root)), call=f"find_shared(<random graph {graph!r}>) (as ids)",
                 hint="the root starts with one reference; each slot holding a list/dict adds one; tuples are transparent")


# ------------------------------------------------------------------ shares_state


def test_shares_state_examples(ex):
    row = [1, 2]
    cases = [
        ((row, 3), {"r": row}, True, "the same row reachable from both"),
        ([1, 2], [1, 2], False, "equal lists are still two objects"),
        (row, row, True, "a list is shared with itself"),
        (5, 5, False, "ints are immutable"),
        ((1, "a"), (1, "a"), False, "a tuple of atoms holds nothing mutable"),
        ((1, ((row,),)), [0, [0, [row]]], True, "deep inside tuples and lists"),
        ({"k": {1, 2}}, [], False, "nothing reachable from b"),
    ]
    for a, b, expected, why in cases:
        expect_equal(ex.shares_state(a, b), expected, call=f"shares_state({a!r}, {b!r})",
                     hint=why + "; compare identities (id/is) of lists, dicts and sets, never values")


def test_shares_state_set_and_dict_key_paths(ex):
    s = {1, 2}
    d = {}
    expect_equal(ex.shares_state([s], {"k": (s,)}), True, call="shares_state([s], {'k': (s,)}) with s a set",
                 hint="a set is mutable too; look into dict values and tuples")
    expect_equal(ex.shares_state({"k": d}, d), True, call="shares_state({'k': d}, d)",
                 hint="b itself counts when it is reachable from a")


def test_shares_state_with_cycles(ex):
    a = self_list()
    b = self_dict()
    expect_equal(ex.shares_state(a, b), False, call="shares_state(a, b) with a = [1, a], b = {'self': b}",
                 hint="keep a set of ids you have visited so a cycle does not loop forever")
    b["a"] = a
    expect_equal(ex.shares_state(a, b), True, call="shares_state(a, b) after b['a'] = a",
                 hint="a is now reachable from b")


@given(GRAPHS, st.integers(0, 4), st.integers(0, 4))
def test_shares_state_matches_mutation_experiment(ex, graph, i, j):
    nodes = build_graph(*graph)
    a, b = nodes[i % len(nodes)], (nodes[j % len(nodes)], "tag")
    expected = mutation_is_visible(a, b)
    expect_equal(ex.shares_state(a, b), expected, call=f"shares_state(node {i}, (node {j}, 'tag')) in graph {graph!r}",
                 hint="True exactly when mutating something reachable from a changes what b shows")
