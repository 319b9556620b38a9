"""Grading tests for core-02 (memory): deep_sizeof, cycle_survivors, WeakRegistry.

Oracles:
- ``deep_sizeof``: sums of ``sys.getsizeof`` worked out by hand for each
  example, and for random graphs a sum computed from the recipe that built
  the graph (which lists are reachable, which fresh ints they hold);
- ``cycle_survivors``: CPython itself. The same graph of nodes is built
  twice; one copy goes to the exercise, the other is dropped with the cycle
  collector switched off, and weak references tell which nodes survived;
- ``WeakRegistry``: real object deaths (``del`` and ``gc.collect()``)
  observed through ``weakref.ref``, and a plain model of live keys for random
  sequences of operations.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import weakref

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-02")

size = sys.getsizeof


@contextlib.contextmanager
def gc_paused():
    """Switch the cycle collector off (so only reference counting frees), then clean up."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)  # with gc off nothing was promoted: the young generation holds our cycles
        if was_enabled:
            gc.enable()


class Node:
    """A weakly referenceable object with a list of outgoing references."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.out: list = []


class Thing:
    """A plain object to register."""

    def __init__(self, label: str = "") -> None:
        self.label = label


# ------------------------------------------------------------------ deep_sizeof


def sizeof_cases():
    fresh = int("1000")
    shared = [fresh, fresh]
    two = [int("1000"), int("1000")]
    small = [1, 1, 1]
    loop: list = [7]
    loop.append(loop)
    inner = [2.5]
    d = {"k": inner, "j": inner}
    fs = frozenset({"x", 3})
    t = ("α", (4,))
    opaque = Thing("x" * 1000)
    return [
        pytest.param(5, size(5), id="int"),
        pytest.param("", size(""), id="empty-str"),
        pytest.param("学习", size("学习"), id="chinese-str"),
        pytest.param([], size([]), id="empty-list"),
        pytest.param({}, size({}), id="empty-dict"),
        pytest.param(shared, size(shared) + size(fresh), id="shared-int"),
        pytest.param(two, size(two) + size(two[0]) + size(two[1]), id="equal-distinct-ints"),
        pytest.param(small, size(small) + size(1), id="cached-small-ints"),
        pytest.param(loop, size(loop) + size(7), id="self-list"),
        pytest.param(d, size(d) + size("k") + size("j") + size(inner) + size(inner[0]), id="dict"),
        pytest.param(fs, size(fs) + size("x") + size(3), id="frozenset"),
        pytest.param(t, size(t) + size("α") + size(t[1]) + size(4), id="nested-tuple"),
        pytest.param({5, "🐍"}, size({5, "🐍"}) + size(5) + size("🐍"), id="set-emoji"),
        pytest.param([opaque], size([opaque]) + size(opaque), id="opaque-object"),
    ]


@pytest.mark.parametrize("obj,expected", sizeof_cases())
def test_deep_sizeof_examples(ex, obj, expected):
    expect_equal(ex.deep_sizeof(obj), expected, call=f"deep_sizeof({obj!r})"[:200],
                 hint="add sys.getsizeof(x) once per distinct object (by id); look into list/tuple/set/frozenset "
                 "items and dict keys and values only")


def test_deep_sizeof_counts_shared_list_once(ex):
    row = [int("123456"), int("654321")]
    grid = [row, row, row]
    expected = size(grid) + size(row) + size(row[0]) + size(row[1])
    expect_equal(ex.deep_sizeof(grid), expected, call="deep_sizeof([row, row, row])",
                 hint="one row object referenced three times is stored once; remember ids you have counted")


def test_deep_sizeof_is_more_than_getsizeof(ex):
    numbers = [int(str(10**6 + i)) for i in range(100)]
    got = ex.deep_sizeof(numbers)
    expected = size(numbers) + sum(size(n) for n in numbers)
    expect_equal(got, expected, call="deep_sizeof(<list of 100 fresh ints>)",
                 hint="sys.getsizeof(list) counts only the array of pointers, not the ints they point to")


# Random graphs: `lists` of fresh-int payloads, edges i -> j append list j into list i.
SIZE_GRAPHS = st.tuples(
    st.lists(st.lists(st.integers(0, 50), max_size=4), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=8),
)


@given(SIZE_GRAPHS)
def test_deep_sizeof_random_graphs(ex, graph):
    payloads, edges = graph
    n = len(payloads)
    lists = [[10**6 + v for v in payload] for payload in payloads]  # fresh int objects
    adjacency: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, j in edges:
        lists[i % n].append(lists[j % n])
        adjacency[i % n].append(j % n)
    reached, todo = {0}, [0]  # which lists the recipe says are reachable from list 0
    while todo:
        for j in adjacency[todo.pop()]:
            if j not in reached:
                reached.add(j)
                todo.append(j)
    expected = sum(size(lists[i]) for i in reached)
    expected += sum(size(lists[i][k]) for i in reached for k in range(len(payloads[i])))
    expect_equal(ex.deep_sizeof(lists[0]), expected, call=f"deep_sizeof(<random graph {graph!r}>)",
                 hint="each list and each int counted once, however many times (or cycles) it is reached")


# ------------------------------------------------------------------ cycle_survivors


def id_set(objects) -> set[int]:
    return {id(x) for x in objects}


def check_survivors(ex, root, expected, what, hint):
    got = ex.cycle_survivors(root)
    expect_true(isinstance(got, list), message=f"cycle_survivors({what}) returned a {type(got).__name__}, not a list")
    expect_equal(len(got), len(id_set(got)), call=f"number of objects in cycle_survivors({what}) vs distinct ones",
                 hint="report each surviving object once")
    expect_equal(sorted(id_set(got)), sorted(id_set(expected)), call=f"cycle_survivors({what}) (as object ids)",
                 hint=hint)


def test_survivors_of_atoms_and_trees(ex):
    check_survivors(ex, 5, [], "5", "an int holds no references: nothing survives")
    a, b, c = Node("a"), Node("b"), Node("c")
    a.out += [b, c]
    b.out.append(c)  # a DAG: c is reached twice but there is no cycle
    check_survivors(ex, a, [], "a -> b, a -> c, b -> c",
                    "without a cycle, every count reaches zero once the root is freed")


def test_survivors_self_list(ex):
    loop: list = [1]
    loop.append(loop)
    check_survivors(ex, loop, [loop], "a list that contains itself",
                    "the list's own slot keeps its count at 1 after the caller lets go")


def test_survivors_self_attribute(ex):
    n = Node("n")
    n.me = n
    check_survivors(ex, n, [n, n.out], "n with n.me = n",
                    "n refers to itself through an attribute; its out list is kept alive by n")


def test_survivors_cycle_below_root(ex):
    a, b, c = Node("a"), Node("b"), Node("c")
    a.out.append(b)
    b.out.append(c)
    c.out.append(b)
    check_survivors(ex, a, [b, c, b.out, c.out], "a -> b <-> c",
                    "a and a.out are freed; b and c keep each other (and their lists) alive")


def test_survivors_root_on_cycle(ex):
    a, b, c = Node("a"), Node("b"), Node("c")
    a.out.append(b)
    b.out.append(a)
    b.out.append(c)
    check_survivors(ex, a, [a, b, c, a.out, b.out, c.out], "a <-> b -> c",
                    "the root is on a cycle, so nothing's count reaches zero")


def test_survivors_through_tuple_and_dict(ex):
    holder: list = []
    t = (holder, "tag")
    holder.append(t)
    check_survivors(ex, t, [t, holder], "t = (holder, 'tag') with holder = [t]",
                    "tuple items are references too")
    d: dict = {"name": "d"}
    d["self"] = d
    check_survivors(ex, [d], [d], "[d] with d['self'] = d",
                    "the outer list is freed; the dict refers to itself through a value")
    n = Node("n")
    keyed = {n: 1}
    n.out.append(keyed)
    check_survivors(ex, n, [n, n.out, keyed], "n with n.out = [{n: 1}]",
                    "dict keys are references too")


EDGE_KINDS = ["list", "tuple", "dict", "attr", "key"]
NODE_GRAPHS = st.tuples(
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(EDGE_KINDS)), max_size=10),
)


def build_nodes(n: int, edges) -> list[Node]:
    nodes = [Node(f"{i}") for i in range(n)]
    for k, (i, j, via) in enumerate(edges):
        src, dst = nodes[i % n], nodes[j % n]
        if via == "list":
            src.out.append(dst)
        elif via == "tuple":
            src.out.append((dst, k))
        elif via == "dict":
            src.out.append({"to": dst})
        elif via == "attr":
            setattr(src, f"a{k}", dst)
        else:
            src.out.append({dst: k})
    return nodes


def cpython_survivors(n: int, edges) -> set[int]:
    """Which nodes reachable from node 0 CPython keeps alive once nothing outside refers to them (gc must be off)."""
    reached, todo = {0}, [0]  # from the recipe: every edge kind leads from node i to node j
    while todo:
        i = todo.pop()
        for src, dst, _ in edges:
            if src % n == i and dst % n not in reached:
                reached.add(dst % n)
                todo.append(dst % n)
    nodes = build_nodes(n, edges)
    refs = [weakref.ref(node) for node in nodes]
    del nodes  # now only the weak references and the graph's own references remain
    return {i for i, ref in enumerate(refs) if ref() is not None and i in reached}


@given(NODE_GRAPHS)
def test_survivors_match_cpython(ex, graph):
    n, edges = graph
    with gc_paused():
        expected = cpython_survivors(n, edges)
        nodes = build_nodes(n, edges)
        got = ex.cycle_survivors(nodes[0])
        names = {int(x.name) for x in got if isinstance(x, Node)}
        del got, nodes
    expect_equal(sorted(names), sorted(expected),
                 call=f"the Node indices in cycle_survivors(node 0) for graph {graph!r}",
                 hint="CPython (gc off) kept exactly these nodes alive; simulate: count references, drop the "
                 "root's outside one, free whatever reaches zero and drop what it held")


# ------------------------------------------------------------------ WeakRegistry


def test_registry_basics(ex):
    reg = ex.WeakRegistry()
    a, b = Thing("a"), Thing("b")
    reg.register("用户", a)
    reg.register(("team", 7), b)
    expect_true(reg.get("用户") is a and reg.get(("team", 7)) is b,
                message="WeakRegistry.get did not return the registered objects themselves")
    expect_equal(len(reg), 2, call="len(reg) after two registrations")
    expect_equal(reg.keys(), ["用户", ("team", 7)], call="reg.keys()", hint="keys of live objects, registration order")
    expect_true("用户" in reg and "nobody" not in reg, message="`in` gives the wrong answer",
                hint="__contains__ should look the key up among the live objects")
    expect_true(reg.get("nobody") is None and reg.get("nobody", 0) == 0,
                message="reg.get with an unknown key must return the default (None unless given)")
    expect_equal(reg.collected, [], call="reg.collected while everything is alive")


def test_registry_does_not_keep_objects_alive(ex):
    reg = ex.WeakRegistry()
    obj = Thing()
    watch = weakref.ref(obj)
    reg.register("k", obj)
    del obj  # the last strong reference: reference counting frees it now
    expect_true(watch() is None, message="after `del obj` the registered object is still alive",
                hint="store weak references only (weakref.WeakValueDictionary); the finalize callback must not "
                "receive obj itself as an argument")
    expect_equal(len(reg), 0, call="len(reg) after the object died")
    expect_equal(reg.get("k"), None, call="reg.get('k') after the object died")
    expect_equal(reg.collected, ["k"], call="reg.collected after the object died",
                 hint="weakref.finalize(obj, reg.collected.append, key) appends when obj dies")


def test_registry_object_in_cycle_needs_gc(ex):
    reg = ex.WeakRegistry()
    with gc_paused():
        obj = Thing()
        obj.me = obj  # a cycle: reference counting alone cannot free it
        reg.register("loop", obj)
        del obj
        expect_true("loop" in reg, message="an object in a reference cycle vanished before gc.collect()",
                    hint="with gc off, only reference counting frees objects; a cycle survives `del`")
        gc.collect()
        expect_true("loop" not in reg and reg.collected == ["loop"],
                    message=f"after gc.collect() the cycle should be gone and collected == ['loop'] "
                    f"(got keys {reg.keys()!r}, collected {reg.collected!r})")


def test_registry_duplicate_and_reuse(ex):
    reg = ex.WeakRegistry()
    first = Thing()
    reg.register("k", first)
    expect_raises(ValueError, reg.register, "k", Thing(), call="register('k', other) while 'k' is alive",
                  hint="refuse a key whose object is still alive")
    expect_true(reg.get("k") is first, message="a refused registration replaced the original object")
    del first
    second = Thing()
    reg.register("k", second)  # the old object died: the key is free again
    expect_true(reg.get("k") is second and reg.collected == ["k"],
                message="after the first object died, 'k' should be reusable (and recorded once in collected)")


def test_registry_one_object_two_keys(ex):
    reg = ex.WeakRegistry()
    obj = Thing()
    reg.register("x", obj)
    reg.register("y", obj)
    expect_equal(reg.keys(), ["x", "y"], call="reg.keys() with one object under two keys")
    del obj
    expect_equal(sorted(reg.collected), ["x", "y"], call="sorted(reg.collected) after the shared object died",
                 hint="one finalize per registration")
    expect_equal(len(reg), 0, call="len(reg) after the shared object died")


@pytest.mark.parametrize("value", [5, "text", [1], {"a": 1}, (1, 2), None])
def test_registry_rejects_non_weakrefable(ex, value):
    reg = ex.WeakRegistry()
    expect_raises(TypeError, reg.register, "k", value, call=f"register('k', {value!r})",
                  hint="built-in ints, strs, lists, dicts, tuples and None cannot be weakly referenced")
    expect_equal(len(reg), 0, call=f"len(reg) after register('k', {value!r}) failed",
                 hint="a failed registration must leave nothing behind")


def test_registries_are_independent(ex):
    one, two = ex.WeakRegistry(), ex.WeakRegistry()
    obj = Thing()
    one.register("k", obj)
    expect_true("k" not in two and two.collected is not one.collected,
                message="two WeakRegistry instances share state",
                hint="create the dictionary and the collected list in __init__, not as class attributes")
    del obj


# Random operations: ("add", key) creates a fresh object and registers it; ("drop", key) drops our
# only strong reference to the object registered under key, so it dies at once.
OPS = st.lists(st.tuples(st.sampled_from(["add", "drop"]), st.sampled_from(["a", "b", "c", "é"])), max_size=25)


@given(OPS)
def test_registry_matches_model(ex, ops):
    reg = ex.WeakRegistry()
    strong: dict[str, Thing] = {}  # what we keep alive, by key
    live: list[str] = []  # the model: live keys in registration order
    dead: list[str] = []
    for op, key in ops:
        if op == "add":
            obj = Thing(key)
            if key in strong:
                expect_raises(ValueError, reg.register, key, obj, call=f"register({key!r}, ...) while alive; ops {ops!r}")
            else:
                reg.register(key, obj)
                strong[key] = obj
                live.append(key)
            del obj
        elif key in strong:
            del strong[key]
            live.remove(key)
            dead.append(key)
        expect_equal((reg.keys(), len(reg), reg.collected), (live, len(live), dead),
                     call=f"(keys(), len, collected) after {op}({key!r}) in ops {ops!r}",
                     hint="dropping the last strong reference frees the object at once; its key leaves keys() "
                     "and is appended to collected")
