"""Grading tests for gym-20 (the 90-minute drill): five classics from weeks 1-3.

Oracles: LRUCache is compared after every operation with a model that keeps
keys in a plain list ordered by recency (Hypothesis); decode_string with a
regular expression that expands the innermost group until none is left;
count_provinces with Warshall's transitive closure; eval_rpn with random
expression trees whose value is computed with ``fractions.Fraction`` and
``math.trunc``; longest_unique_substring with brute force over all windows.
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-20")


# ------------------------------------------------------------------ 1. LRUCache


class ListLRU:
    """The oracle: keys in a list, least recently used first; O(n) per operation."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.order: list = []
        self.values: dict = {}

    def get(self, key, default=None):
        if key not in self.values:
            return default
        self.order.remove(key)
        self.order.append(key)
        return self.values[key]

    def put(self, key, value):
        if key in self.values:
            self.order.remove(key)
        self.order.append(key)
        self.values[key] = value
        if len(self.order) > self.capacity:
            del self.values[self.order.pop(0)]


def test_lru_docstring_example(ex):
    cache = ex.LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    first = cache.get("a")
    cache.put("c", 3)
    got = (first, cache.get("b"), "a" in cache, "c" in cache, len(cache))
    expect_equal(got, (1, None, True, True, 2),
                 call="LRUCache(2): put a, put b, get a, put c; then (get a, get b, 'a' in, 'c' in, len)",
                 hint="get marks a key as most recently used, so putting 'c' evicts 'b', not 'a'")


def test_lru_put_existing_key_updates_and_refreshes(ex):
    cache = ex.LRUCache(2)
    cache.put("x", 1)
    cache.put("y", 2)
    cache.put("x", 10)  # update: x becomes most recent, nothing is evicted
    cache.put("z", 3)  # evicts y
    got = (cache.get("x"), cache.get("y", "gone"), cache.get("z"), len(cache))
    expect_equal(got, (10, "gone", 3, 2), call="LRUCache(2): put x, put y, put x=10, put z; (x, y, z, len)",
                 hint="putting an existing key replaces its value and counts as a use")


def test_lru_contains_does_not_refresh(ex):
    cache = ex.LRUCache(2)
    cache.put(1, "one")
    cache.put(2, "two")
    _ = 1 in cache  # not a use
    cache.put(3, "three")
    expect_equal((1 in cache, 2 in cache, 3 in cache), (False, True, True),
                 call="LRUCache(2): put 1, put 2, `1 in cache`, put 3; which keys remain",
                 hint="__contains__ only looks; it must not move the key to the recent end")


def test_lru_falsy_values_and_defaults(ex):
    cache = ex.LRUCache(3)
    cache.put("none", None)
    cache.put("zero", 0)
    got = (cache.get("none", "missing"), cache.get("zero", "missing"), cache.get("absent", "missing"), cache.get("x"))
    expect_equal(got, (None, 0, "missing", None), call="LRUCache(3) holding None and 0: get with a default",
                 hint="test presence with `key in self._items`, not with the truth of the stored value")


def test_lru_capacity_one(ex):
    cache = ex.LRUCache(1)
    cache.put("a", 1)
    cache.put("b", 2)
    expect_equal((cache.get("a"), cache.get("b"), len(cache)), (None, 2, 1), call="LRUCache(1): put a, put b",
                 hint="with capacity 1 every new key evicts the previous one")


@pytest.mark.parametrize("capacity", [0, -3])
def test_lru_bad_capacity(ex, capacity):
    expect_raises(ValueError, ex.LRUCache, capacity, call=f"LRUCache({capacity})", hint="capacity must be >= 1")


OPS = st.lists(st.one_of(st.tuples(st.just("get"), st.integers(0, 5)),
                         st.tuples(st.just("put"), st.integers(0, 5), st.integers(0, 99))), max_size=40)


@given(st.integers(1, 4), OPS)
def test_lru_matches_list_model(ex, capacity, ops):
    cache, model = ex.LRUCache(capacity), ListLRU(capacity)
    done = []
    for op in ops:
        done.append(f"{op[0]}{op[1:]}")
        trace = f"LRUCache({capacity}) after {', '.join(done)}"
        if op[0] == "get":
            expect_equal(cache.get(op[1]), model.get(op[1]), call=f"{trace}: the value of the last get",
                         hint="get refreshes the key; a missing key gives the default (None)")
        else:
            cache.put(op[1], op[2])
            model.put(op[1], op[2])
        expect_equal(len(cache), len(model.order), call=f"{trace}: len(cache)", hint="evict only when over capacity")
        for key in range(6):
            expect_equal(key in cache, key in model.values, call=f"{trace}: {key} in cache",
                         hint="evict the least recently used key: popitem(last=False) on an OrderedDict")


def test_lru_large(ex):
    rng = random.Random(20)
    capacity = 50_000
    cache = ex.LRUCache(capacity)
    for key in range(capacity):
        cache.put(key, key)
    hits = 0
    for _ in range(100_000):
        key = rng.randrange(2 * capacity)
        if cache.get(key) is not None:
            hits += 1
        else:
            cache.put(key, key)
    expect_true(len(cache) == capacity and hits > 0,
                message=f"after 2 * 10^5 operations: len(cache) = {len(cache)}, hits = {hits}",
                hint="get and put must be O(1): OrderedDict.move_to_end and popitem(last=False), no list scans")


# ------------------------------------------------------------------ 2. decode_string

INNERMOST = re.compile(r"([0-9]+)\[([^\[\]]*)\]")


def regex_decode(s: str) -> str:
    while True:
        expanded = INNERMOST.sub(lambda m: m[2] * int(m[1]), s)
        if expanded == s:
            return s
        s = expanded


DECODE_CASES = [
    pytest.param("", id="empty"),
    pytest.param("abc", id="no-groups"),
    pytest.param("3[a]2[bc]", id="adjacent"),
    pytest.param("3[a2[c]]", id="nested"),
    pytest.param("2[abc]3[cd]ef", id="trailing-literals"),
    pytest.param("x12[y]z", id="multi-digit"),
    pytest.param("a0[bcd]e", id="zero-count"),
    pytest.param("2[]", id="empty-body"),
    pytest.param("2[学 🐍]", id="unicode-and-space"),
    pytest.param("1[2[3[a]b]c]", id="three-levels"),
    pytest.param("007[z]", id="leading-zeros"),
]


@pytest.mark.parametrize("s", DECODE_CASES)
def test_decode_string_matches_regex_expansion(ex, s):
    expect_equal(ex.decode_string(s), regex_decode(s), call=f"decode_string({s!r})",
                 hint="on '[' push (text so far, count) and start a new text; on ']' pop and set "
                 "text = previous + text * count; counts may have several digits")


@pytest.mark.parametrize("s", ["3a", "a3", "[a]", "2[a", "a]", "2[a]]", "2[3]", "]["])
def test_decode_string_malformed(ex, s):
    expect_raises(ValueError, ex.decode_string, s, call=f"decode_string({s!r})",
                  hint="a count must be followed by '[', every '[' needs a count, and brackets must balance")


def test_decode_string_deep_nesting(ex):
    s = "1[" * 1000 + "ab" + "]" * 1000
    try:
        got = ex.decode_string(s)
    except RecursionError:
        expect_true(False, message="decode_string(<1000 nested 1[...] groups>) raised RecursionError",
                    hint="use an explicit stack (a list) instead of one recursive call per group")
    expect_equal(got, "ab", call="decode_string('1[' * 1000 + 'ab' + ']' * 1000)",
                 hint="each 1[...] group repeats its body once")


BODY = st.recursive(st.text(alphabet="ab", max_size=3),
                    lambda inner: st.one_of(st.tuples(st.integers(0, 3), inner).map(lambda t: f"{t[0]}[{t[1]}]"),
                                            st.tuples(inner, inner).map("".join)), max_leaves=6)


@given(BODY)
def test_decode_string_property(ex, s):
    expect_equal(ex.decode_string(s), regex_decode(s), call=f"decode_string({s!r})",
                 hint="expand each k[...] group, innermost first in effect")


# ------------------------------------------------------------------ 3. count_provinces


def closure_provinces(matrix) -> int:
    n = len(matrix)
    reach = [[bool(matrix[i][j]) or i == j for j in range(n)] for i in range(n)]
    for k in range(n):  # Warshall: can i reach j through cities 0..k?
        for i in range(n):
            if reach[i][k]:
                for j in range(n):
                    if reach[k][j]:
                        reach[i][j] = True
    return len({tuple(row) for row in reach})  # one distinct reach row per province


def matrix_from_edges(n, edges):
    m = [[1 if i == j else 0 for j in range(n)] for i in range(n)]
    for a, b in edges:
        m[a][b] = m[b][a] = 1
    return m


PROVINCE_CASES = [
    pytest.param([], id="no-cities"),
    pytest.param([[1]], id="one-city"),
    pytest.param([[1, 1, 0], [1, 1, 0], [0, 0, 1]], id="docstring"),
    pytest.param(matrix_from_edges(4, []), id="all-isolated"),
    pytest.param([[1] * 4 for _ in range(4)], id="all-linked"),
    pytest.param(matrix_from_edges(5, [(0, 1), (1, 2), (2, 3), (3, 4)]), id="chain-indirect"),
    pytest.param(matrix_from_edges(6, [(0, 5), (1, 4), (2, 3)]), id="pairs"),
]


@pytest.mark.parametrize("matrix", PROVINCE_CASES)
def test_count_provinces_matches_closure(ex, matrix):
    expect_equal(ex.count_provinces(matrix), closure_provinces(matrix), call=f"count_provinces({matrix!r})",
                 hint="cities linked through other cities are one province: flood fill or union-find")


def test_count_provinces_not_square(ex):
    expect_raises(ValueError, ex.count_provinces, [[1, 0], [0]], call="count_provinces([[1, 0], [0]])",
                  hint="check that every row has length n = len(matrix)")


def test_count_provinces_long_chain(ex):
    n = 1100
    matrix = matrix_from_edges(n, [(i, i + 1) for i in range(n - 2)])  # a chain 0-1-...-1098, and city 1099 alone
    try:
        got = ex.count_provinces(matrix)
    except RecursionError:
        expect_true(False, message="count_provinces(<1099-city chain + 1 isolated city>) raised RecursionError",
                    hint="use an explicit stack or union-find instead of one recursive call per city")
    expect_equal(got, 2, call="count_provinces(<chain 0-1-...-1098 and the isolated city 1099>)",
                 hint="a chain is one province, however long; the isolated city is another")


@given(st.integers(0, 7).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))), max_size=8))))
def test_count_provinces_property(ex, case):
    n, edges = case
    matrix = matrix_from_edges(n, edges if n else [])
    expect_equal(ex.count_provinces(matrix), closure_provinces(matrix), call=f"count_provinces({matrix!r})",
                 hint="count the connected components of the city graph")


# ------------------------------------------------------------------ 4. eval_rpn


def trunc_div(a: int, b: int) -> int:
    return math.trunc(Fraction(a, b))


RPN_CASES = [
    pytest.param(["42"], 42, id="single"),
    pytest.param(["-7"], -7, id="negative-token"),
    pytest.param(["+3"], 3, id="plus-sign-token"),
    pytest.param(["2", "1", "+", "3", "*"], 9, id="docstring-1"),
    pytest.param(["4", "13", "5", "/", "+"], 6, id="docstring-2"),
    pytest.param(["10", "6", "9", "3", "+", "-11", "*", "/", "*", "17", "+", "5", "+"], 22, id="classic"),
    pytest.param(["5", "8", "-"], -3, id="operand-order-minus"),
    pytest.param(["2", "8", "/"], 0, id="operand-order-divide"),
    pytest.param(["7", "2", "/"], 3, id="div-pos-pos"),
    pytest.param(["-7", "2", "/"], -3, id="div-neg-pos"),
    pytest.param(["7", "-2", "/"], -3, id="div-pos-neg"),
    pytest.param(["-7", "-2", "/"], 3, id="div-neg-neg"),
    pytest.param([str(10**20 + 1), "1", "/"], 10**20 + 1, id="big-exact-division"),
    pytest.param([str(-(3**60)), "7", "/"], trunc_div(-(3**60), 7), id="big-negative-division"),
]


@pytest.mark.parametrize("tokens,value", RPN_CASES)
def test_eval_rpn_known_values(ex, tokens, value):
    expect_equal(ex.eval_rpn(list(tokens)), value, call=f"eval_rpn({tokens!r})",
                 hint="pop the right operand first (b), then the left (a); a / b truncates toward zero, computed "
                 "as abs(a) // abs(b) with the sign fixed, never int(a / b) (floats lose digits past 2**53)")


@pytest.mark.parametrize("tokens", [["1", "0", "/"], ["3", "2", "2", "-", "/"]])
def test_eval_rpn_division_by_zero(ex, tokens):
    expect_raises(ZeroDivisionError, ex.eval_rpn, tokens, call=f"eval_rpn({tokens!r})",
                  hint="let the division by zero raise ZeroDivisionError")


@pytest.mark.parametrize("tokens", [[], ["+"], ["1", "+"], ["1", "2"], ["1", "2", "x"], ["1", "2", "**"],
                                    ["3.5"]])
def test_eval_rpn_malformed(ex, tokens):
    expect_raises(ValueError, ex.eval_rpn, tokens, call=f"eval_rpn({tokens!r})",
                  hint="an operator needs two operands on the stack; other tokens must be integers; exactly one "
                  "value must remain at the end (an IndexError from popping an empty list is not the contract)")


def test_eval_rpn_long_input(ex):
    tokens = ["1"] + ["2", "+"] * 50_000
    expect_equal(ex.eval_rpn(tokens), 100_001, call="eval_rpn(['1', '2', '+', '2', '+', ...]) with 10^5 tokens",
                 hint="one pass with a list as the stack")


def _leaf(value: int):
    return ([str(value)], value)


def _combine(left, op, right):
    (lt, lv), (rt, rv) = left, right
    if op == "/" and rv == 0:
        op = "*"  # keep generated trees free of division by zero
    value = {"+": lv + rv, "-": lv - rv, "*": lv * rv}.get(op) if op != "/" else trunc_div(lv, rv)
    return (lt + rt + [op], value)


TREES = st.recursive(st.integers(-20, 20).map(_leaf),
                     lambda inner: st.builds(_combine, inner, st.sampled_from("+-*/"), inner), max_leaves=10)


@given(TREES)
def test_eval_rpn_property(ex, tree):
    tokens, value = tree
    expect_equal(ex.eval_rpn(tokens), value, call=f"eval_rpn({tokens!r})",
                 hint="postfix of a random expression tree; division truncates toward zero")


# ------------------------------------------------------------------ 5. longest_unique_substring


def brute_longest(s: str) -> int:
    return max((j - i for i in range(len(s)) for j in range(i + 1, len(s) + 1) if len(set(s[i:j])) == j - i),
               default=0)


UNIQUE_CASES = ["", "a", "bbbbb", "abcabcbb", "pwwkew", "abba", "dvdf", "tmmzuxt", "aA", "a b c a", "学习学习强国",
                "🐍🦀🐍🦀🐪", "abcdef"]


@pytest.mark.parametrize("s", UNIQUE_CASES)
def test_longest_unique_matches_brute_force(ex, s):
    expect_equal(ex.longest_unique_substring(s), brute_longest(s), call=f"longest_unique_substring({s!r})",
                 hint="keep each character's last index; when it repeats inside the window, move the left edge "
                 "to last + 1, but never backwards ('abba')")


LARGE_UNIQUE = [
    pytest.param("abcdefghijklmnopqrstuvwxyz" * 4000, 26, id="alphabet-repeated"),
    pytest.param("a" * 100_000, 1, id="all-same"),
    pytest.param("".join(chr(0x4E00 + i) for i in range(20_000)) * 5, 20_000, id="cjk-all-distinct-blocks"),
]


@pytest.mark.parametrize("s,expected", LARGE_UNIQUE)
def test_longest_unique_large(ex, s, expected):
    expect_equal(ex.longest_unique_substring(s), expected, call=f"longest_unique_substring(<{len(s)} characters>)",
                 hint="one pass with a sliding window; do not rebuild a set for every window")


@given(st.text(alphabet="abcé ", max_size=25))
def test_longest_unique_property(ex, s):
    expect_equal(ex.longest_unique_substring(s), brute_longest(s), call=f"longest_unique_substring({s!r})",
                 hint="the longest window whose characters are all different")
