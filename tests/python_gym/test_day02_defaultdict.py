"""Grading tests for gym-02 (defaultdict): group_anagrams and course_order.

Oracles: group_anagrams is compared with a grouping keyed by each word's
letter counts (``frozenset(Counter(word).items())``), a different canonical key
from sorted letters. course_order may return any valid order, so the tests
check validity directly and decide whether an order exists by brute force over
all permutations (small n) or by construction (chains with and without a
back edge).
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-02")


# ------------------------------------------------------------------ group_anagrams


def oracle_groups(words: list[str]) -> list[list[str]]:
    """Group by the multiset of characters; dicts keep first-appearance order."""
    groups: dict[frozenset, list[str]] = {}
    for word in words:
        groups.setdefault(frozenset(Counter(word).items()), []).append(word)
    return list(groups.values())


GROUP_CASES = [
    pytest.param([], id="empty"),
    pytest.param(["solo"], id="single"),
    pytest.param([""], id="empty-word"),
    pytest.param(["", "a", ""], id="empty-words-group"),
    pytest.param(["eat", "tea", "tan", "ate", "nat", "bat"], id="classic"),
    pytest.param(["abc", "abc", "cba"], id="duplicates-kept"),
    pytest.param(["aab", "abb", "bab", "aba"], id="same-letters-different-counts"),
    pytest.param(["Tea", "eat", "tEa", "aTe"], id="case-sensitive"),
    pytest.param(["学习", "习学", "学学", "🐍🦀", "🦀🐍"], id="unicode"),
    pytest.param(["zz", "yy", "xx"], id="first-appearance-not-alphabetical"),
]


@pytest.mark.parametrize("words", GROUP_CASES)
def test_group_anagrams_matches_oracle(ex, words):
    expect_equal(
        ex.group_anagrams(list(words)),
        oracle_groups(words),
        call=f"group_anagrams({words!r})",
        hint="key each word by ''.join(sorted(word)); groups in first-appearance order, words in input "
        "order (do not sort the groups); return a list of lists, e.g. list(groups.values())",
    )


def test_group_anagrams_counts_multiplicity(ex):
    expect_equal(ex.group_anagrams(["aab", "abb"]), [["aab"], ["abb"]], call="group_anagrams(['aab', 'abb'])",
                 hint="a set or frozenset of the letters forgets how often each occurs; sorted(word) keeps it")


def test_group_anagrams_large_input(ex):
    rng = random.Random(2)
    bases = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 8))) for _ in range(300)]
    words = []
    for _ in range(20_000):
        letters = list(rng.choice(bases))
        rng.shuffle(letters)
        words.append("".join(letters))
    expect_equal(ex.group_anagrams(words), oracle_groups(words), call="group_anagrams(<20000 shuffled words>)",
                 hint="one pass with a dict of groups is O(total letters * log); do not compare every pair of words")


@given(st.lists(st.text(alphabet="abé", max_size=4), max_size=15))
def test_group_anagrams_property(ex, words):
    expect_equal(ex.group_anagrams(words), oracle_groups(words), call=f"group_anagrams({words!r})",
                 hint="equal keys exactly for anagrams; groups and words keep input order")


# ------------------------------------------------------------------ course_order


def order_problem(n: int, pairs, order) -> str:
    """'' if ``order`` is a valid course order, else a sentence saying what is wrong."""
    if not isinstance(order, list):
        return f"returned a {type(order).__name__}, expected a list"
    if sorted(order) != list(range(n)):
        return f"{order!r} is not a permutation of 0..{n - 1}: every course must appear exactly once"
    position = {course: i for i, course in enumerate(order)}
    for course, before in pairs:
        if position[before] >= position[course]:  # >=: a course cannot come before itself
            return f"pair ({course}, {before}) says {before} comes before {course}, but the order does not"
    return ""


def order_exists(n: int, pairs) -> bool:
    """Brute force: does any permutation respect every pair? (n <= 7)"""
    return any(not order_problem(n, pairs, list(p)) for p in permutations(range(n)))


def check_course_order(ex, n: int, pairs, *, exists: bool) -> None:
    call = f"course_order({n}, {pairs!r})" if len(pairs) <= 12 else f"course_order({n}, <{len(pairs)} pairs>)"
    got = ex.course_order(n, list(pairs))
    if not exists:
        expect_equal(got, [], call=call,
                     hint="the pairs contain a cycle: when fewer than n courses ever reach 0 unmet "
                     "prerequisites, return []")
        return
    if n == 0:
        expect_equal(got, [], call=call, hint="no courses: the only order is []")
        return
    problem = order_problem(n, pairs, got)
    expect_true(not problem, message=f"{call} returned {got!r}: {problem}",
                hint="(course, before) means `before` is taken first: the edge goes before -> course")


COURSE_CASES = [
    pytest.param(0, [], id="no-courses"),
    pytest.param(1, [], id="one-course"),
    pytest.param(3, [], id="no-pairs"),
    pytest.param(2, [(1, 0)], id="one-pair"),
    pytest.param(2, [(0, 1)], id="one-pair-reversed"),
    pytest.param(4, [(1, 0), (2, 0), (3, 1), (3, 2)], id="diamond"),
    pytest.param(3, [(1, 0), (1, 0), (2, 1), (2, 1)], id="duplicate-pairs"),
    pytest.param(1, [(0, 0)], id="self-loop"),
    pytest.param(3, [(2, 2), (1, 0)], id="self-loop-among-others"),
    pytest.param(2, [(0, 1), (1, 0)], id="two-cycle"),
    pytest.param(5, [(1, 0), (2, 1), (3, 2), (1, 3)], id="cycle-reached-from-free-course"),
    pytest.param(6, [(0, 1), (1, 2), (2, 0), (4, 3)], id="cycle-plus-free-courses"),
    pytest.param(6, [(5, 4), (4, 3), (3, 2), (2, 1), (1, 0)], id="chain-listed-backwards"),
]


@pytest.mark.parametrize("n,pairs", COURSE_CASES)
def test_course_order_small_cases(ex, n, pairs):
    check_course_order(ex, n, pairs, exists=order_exists(n, pairs))


@pytest.mark.parametrize(
    "n,pairs",
    [
        pytest.param(2, [(2, 0)], id="course-too-large"),
        pytest.param(2, [(0, 2)], id="before-too-large"),
        pytest.param(3, [(1, -1)], id="negative-course"),
        pytest.param(0, [(0, 0)], id="pair-without-courses"),
    ],
)
def test_course_order_rejects_unknown_courses(ex, n, pairs):
    try:
        got = ex.course_order(n, pairs)
    except ValueError:
        return
    expect_true(False, message=f"course_order({n}, {pairs!r}) returned {got!r} instead of raising ValueError",
                hint="check 0 <= course < n and 0 <= before < n for every pair; a list index of -1 silently "
                "means the last course")


@pytest.mark.parametrize("with_back_edge", [False, True], ids=["chain", "chain-with-back-edge"])
def test_course_order_long_chain(ex, with_back_edge):
    n = 10_000
    pairs = [(i + 1, i) for i in range(n - 1)]
    random.Random(3).shuffle(pairs)
    if with_back_edge:
        pairs.append((0, n - 1))
    check_course_order(ex, n, pairs, exists=not with_back_edge)


@st.composite
def small_course_graphs(draw):
    n = draw(st.integers(0, 6))
    if n == 0:
        return 0, []
    course = st.integers(0, n - 1)
    return n, draw(st.lists(st.tuples(course, course), max_size=9))


@given(small_course_graphs())
def test_course_order_property(ex, graph):
    n, pairs = graph
    check_course_order(ex, n, pairs, exists=order_exists(n, pairs))
