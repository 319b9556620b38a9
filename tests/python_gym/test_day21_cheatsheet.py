"""Grading tests for gym-21 (the cheat sheet): twelve stdlib idioms, their doctests, the page.

Each function is compared with an oracle written without the idiom it
teaches (index loops, slicing, ``math.comb``, ``math.prod``, selection by
hand), with Hypothesis where inputs are cheap; then every docstring's
doctest examples are run, and ``render_cheatsheet`` must show every function,
every example, and a verified status for each section.
"""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-21")

FUNCTIONS = [
    "top_k_frequent", "group_by", "rotate_right", "k_smallest", "insert_by_time", "pairwise_differences",
    "prefix_sums", "run_lengths", "grid_paths", "product", "is_palindrome_phrase", "rank_players",
]


# ------------------------------------------------------------------ collections


def brute_top_k(items, k):
    counts, first = {}, {}
    for i, item in enumerate(items):
        counts[item] = counts.get(item, 0) + 1
        first.setdefault(item, i)
    chosen = []
    remaining = list(counts)
    while remaining and len(chosen) < k:
        best = remaining[0]
        for item in remaining:
            if counts[item] > counts[best] or (counts[item] == counts[best] and first[item] < first[best]):
                best = item
        chosen.append((best, counts[best]))
        remaining.remove(best)
    return chosen


@pytest.mark.parametrize("items,k", [("mississippi", 2), ("", 3), ("abc", 0), (["b", "a", "b", "a", "c"], 5),
                                     ([3, 1, 3, 2, 1, 3], 2), (list("学习学习习"), 1)])
def test_top_k_frequent(ex, items, k):
    expect_equal(ex.top_k_frequent(items, k), brute_top_k(list(items), k), call=f"top_k_frequent({items!r}, {k})",
                 hint="Counter(items).most_common(k): ties stay in first-seen order")


def test_top_k_frequent_negative_k(ex):
    expect_raises(ValueError, ex.top_k_frequent, "aab", -1, call="top_k_frequent('aab', -1)",
                  hint="most_common(-1) silently returns [] instead of failing: check k first")


@given(st.lists(st.sampled_from("abcd"), max_size=15), st.integers(0, 5))
def test_top_k_frequent_property(ex, items, k):
    expect_equal(ex.top_k_frequent(items, k), brute_top_k(items, k), call=f"top_k_frequent({items!r}, {k})",
                 hint="most common first; equal counts in the order first seen")


def test_group_by(ex):
    pairs = [("fruit", "apple"), ("veg", "leek"), ("fruit", "fig"), ("nut", None), ("veg", "leek")]
    expected: dict = {}
    for key, value in pairs:
        expected.setdefault(key, []).append(value)
    got = ex.group_by(iter(pairs))
    expect_equal(got, expected, call=f"group_by({pairs!r})",
                 hint="append each value to defaultdict(list)[key]; return dict(groups), a plain dict")
    expect_equal(list(got), ["fruit", "veg", "nut"], call="the key order of group_by(...)",
                 hint="dicts keep insertion order: keys in first-seen order")
    expect_raises(KeyError, lambda: got["missing"], call="group_by(...)['missing']",
                  hint="return a plain dict: a defaultdict would silently insert [] for a missing key")


@pytest.mark.parametrize("items,k", [([1, 2, 3, 4, 5], 2), ("abc", -1), ([1, 2, 3], 7), ([], 3), ([9], -4),
                                     ([1, 2, 3], 0), ([1, 2, 3], -3)])
def test_rotate_right(ex, items, k):
    seq = list(items)
    expected = seq[-(k % len(seq)):] + seq[: -(k % len(seq))] if seq and k % len(seq) else seq
    expect_equal(ex.rotate_right(items, k), expected, call=f"rotate_right({items!r}, {k})",
                 hint="deque(items).rotate(k) moves k items from the right end to the left (negative k: the other "
                 "way); return a list")


@given(st.lists(st.integers(0, 9), max_size=8), st.integers(-20, 20))
def test_rotate_right_property(ex, items, k):
    n = len(items)
    expected = [items[(i - k) % n] for i in range(n)]
    expect_equal(ex.rotate_right(items, k), expected, call=f"rotate_right({items!r}, {k})",
                 hint="element i moves to position (i + k) % n")


# ------------------------------------------------------------------ heapq and bisect


@given(st.lists(st.integers(-50, 50), max_size=20), st.integers(-2, 25))
def test_k_smallest_property(ex, nums, k):
    expect_equal(ex.k_smallest(iter(nums), k), sorted(nums)[: max(k, 0)], call=f"k_smallest({nums!r}, {k})",
                 hint="heapq.nsmallest(k, nums) returns them in increasing order; k <= 0 gives []")


@pytest.mark.parametrize("nums,k", [([5, 1, 4, 1, 3], 3), ([2, 1], 10), ([], 2), ([3.5, -1.0, 2.25], 2),
                                    (["pear", "fig", "apple"], 1)])
def test_k_smallest(ex, nums, k):
    expect_equal(ex.k_smallest(nums, k), sorted(nums)[:k], call=f"k_smallest({nums!r}, {k})",
                 hint="heapq.nsmallest works for any comparable values")


@pytest.mark.parametrize("events,event", [
    ([(1, "boot"), (5, "login"), (9, "logout")], (5, "sudo")),
    ([(1, "boot"), (5, "login"), (9, "logout")], (0, "power")),
    ([(1, "boot"), (5, "login"), (9, "logout")], (10, "halt")),
    ([], (3, "only")),
    ([(2, "z"), (2, "y"), (2, "x")], (2, "a")),
])
def test_insert_by_time(ex, events, event):
    log = list(events)
    returned = ex.insert_by_time(log, event)
    expected = sorted(events + [event], key=lambda e: e[0])  # stable: the new event after equal times
    expect_equal(log, expected, call=f"log = {events!r}; insert_by_time(log, {event!r}); log",
                 hint="bisect.insort(events, event, key=lambda e: e[0]) inserts in place, after equal times; "
                 "comparing whole tuples would order equal times by name instead")
    expect_true(returned is None, message=f"insert_by_time returned {returned!r}; it should modify the list and "
                "return None", hint="like list.sort and bisect.insort, an in-place operation returns None")


# ------------------------------------------------------------------ itertools


@given(st.lists(st.integers(-100, 100), max_size=12))
def test_pairwise_differences(ex, nums):
    expected = [nums[i + 1] - nums[i] for i in range(len(nums) - 1)]
    expect_equal(ex.pairwise_differences(iter(nums)), expected, call=f"pairwise_differences(iter({nums!r}))",
                 hint="[b - a for a, b in itertools.pairwise(nums)]; it must work on a one-shot iterator")


@given(st.lists(st.integers(-100, 100), max_size=12))
def test_prefix_sums(ex, nums):
    expected = [sum(nums[:i]) for i in range(len(nums) + 1)]
    expect_equal(ex.prefix_sums(iter(nums)), expected, call=f"prefix_sums(iter({nums!r}))",
                 hint="list(itertools.accumulate(nums, initial=0)): one more element than nums, starting at 0")


def scan_runs(text):
    runs = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        runs.append((text[i], j - i))
        i = j
    return runs


@pytest.mark.parametrize("text", ["aaabccaa", "", "a", "aba", "  xx", "学学习🐍🐍🐍", "aA"])
def test_run_lengths(ex, text):
    expect_equal(ex.run_lengths(text), scan_runs(text), call=f"run_lengths({text!r})",
                 hint="groupby groups adjacent equal characters; count each group with sum(1 for _ in run)")


@given(st.text(alphabet="abé", max_size=20))
def test_run_lengths_property(ex, text):
    expect_equal(ex.run_lengths(text), scan_runs(text), call=f"run_lengths({text!r})",
                 hint="one (char, length) pair per maximal run, in order")


# ------------------------------------------------------------------ functools


@pytest.mark.parametrize("rows,cols", [(3, 3), (1, 10), (10, 1), (1, 1), (0, 5), (5, 0), (3, 7), (80, 90)])
def test_grid_paths(ex, rows, cols):
    expected = math.comb(rows + cols - 2, rows - 1) if rows > 0 and cols > 0 else 0
    expect_equal(ex.grid_paths(rows, cols), expected, call=f"grid_paths({rows}, {cols})",
                 hint="paths(r, c) = paths(r + 1, c) + paths(r, c + 1), 1 on the last row or column; memoise with "
                 "@lru_cache or the 80 x 90 grid takes forever; an empty grid has 0 paths")


@pytest.mark.parametrize("nums", [[2, 3, 7], [], [5], [-2, 3, -4], [0, 10**9], [10**20, 10**20]])
def test_product(ex, nums):
    expect_equal(ex.product(iter(nums)), math.prod(nums), call=f"product(iter({nums!r}))",
                 hint="functools.reduce(operator.mul, nums, 1): the initial 1 handles the empty input")


# ------------------------------------------------------------------ str methods and sorting


def loop_palindrome(text: str) -> bool:
    kept = []
    for ch in text:
        if ch.isalnum():
            kept.extend(ch.casefold())
    i, j = 0, len(kept) - 1
    while i < j:
        if kept[i] != kept[j]:
            return False
        i, j = i + 1, j - 1
    return True


@pytest.mark.parametrize("text", ["A man, a plan, a canal: Panama", "race a car", "", " .,!", "上海自来水来自海上",
                                  "No 'x' in Nixon", "0P", "ßS", "Was it a car or a cat I saw?", "ab2a"])
def test_is_palindrome_phrase(ex, text):
    expect_equal(ex.is_palindrome_phrase(text), loop_palindrome(text), call=f"is_palindrome_phrase({text!r})",
                 hint="keep only str.isalnum characters, fold with str.casefold ('ß' -> 'ss', which lower() does "
                 "not do), then compare with the reverse")


@given(st.text(alphabet="aAbB ,.1ß", max_size=12))
def test_is_palindrome_phrase_property(ex, text):
    expect_equal(ex.is_palindrome_phrase(text), loop_palindrome(text), call=f"is_palindrome_phrase({text!r})",
                 hint="compare the folded alphanumeric characters with their reverse")


def select_ranking(scores):
    remaining, ranking = dict(scores), []
    while remaining:
        best = min(remaining, key=lambda n: (-remaining[n], n))
        ranking.append(best)
        del remaining[best]
    return ranking


@pytest.mark.parametrize("scores", [{"bo": 7, "al": 9, "cy": 7}, {}, {"solo": 0}, {"b": -1, "a": -1, "c": 5},
                                    {"Zed": 3, "amy": 3, "Émile": 3}])
def test_rank_players(ex, scores):
    expect_equal(ex.rank_players(dict(scores)), select_ranking(scores), call=f"rank_players({scores!r})",
                 hint="sorted(scores, key=lambda name: (-scores[name], name)); reverse=True would also reverse "
                 "the alphabetical tie-break")


# ------------------------------------------------------------------ the doctests and the page


@pytest.mark.parametrize("name", FUNCTIONS)
def test_doctest_examples_pass(ex, name):
    fn = getattr(ex, name)
    tests = doctest.DocTestFinder(recurse=False).find(fn, name, module=False, globs=dict(fn.__globals__))
    runner = doctest.DocTestRunner()
    out: list[str] = []
    for test in tests:
        runner.run(test, out=out.append)
    expect_true(runner.tries >= 1, message=f"{name} has no doctest examples in its docstring",
                hint="keep the >>> examples of the docstring; they are part of the cheat sheet")
    expect_true(runner.failures == 0, message=f"{runner.failures} of {runner.tries} doctest example(s) of {name} "
                f"fail:\n{''.join(out)[-1500:]}", hint="run python -m doctest -v on your file to see each example")


def test_render_cheatsheet_shows_every_idiom_verified(ex):
    page = ex.render_cheatsheet()
    parser = doctest.DocTestParser()
    for name in FUNCTIONS:
        fn = getattr(ex, name)
        expect_true(f"`{name}`" in page, message=f"the cheat sheet has no section for {name}",
                    hint="render_cheatsheet walks CHEATSHEET; do not remove entries")
        for example in parser.get_examples(fn.__doc__ or ""):
            first = example.source.splitlines()[0]
            expect_true(f">>> {first}" in page and example.want.strip() in page,
                        message=f"the cheat sheet lacks the example >>> {first} -> {example.want.strip()}",
                        hint="keep the examples in the docstrings")
    failing = [line for line in page.splitlines() if "FAILING" in line]
    expect_true(page.count("examples verified") == len(FUNCTIONS) and not failing,
                message=f"the cheat sheet reports failing examples: {failing}",
                hint="python -m python_gym.day21_cheatsheet shows which section fails; fix that function")
