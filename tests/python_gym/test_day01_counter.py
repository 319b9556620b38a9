"""Grading tests for gym-01 (Counter): top_k_frequent_words and find_anagrams.

Oracles, written plainly here without Counter: a dict-and-selection brute force
for the top-k words, and a sort-every-window brute force for the anagram
indices. Hypothesis compares both with the exercise on small alphabets, where
ties and repeated letters are common.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-01")


# ------------------------------------------------------------------ oracles


def brute_top_k(words: list[str], k: int) -> list[str]:
    """Count with a plain dict, then pick the best remaining word k times."""
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    chosen: list[str] = []
    remaining = set(counts)
    while remaining and len(chosen) < k:
        best = None
        for word in remaining:
            if best is None or counts[word] > counts[best] or (counts[word] == counts[best] and word < best):
                best = word
        chosen.append(best)
        remaining.remove(best)
    return chosen


def brute_anagrams(s: str, p: str) -> list[int]:
    """Sort every window and compare: O(len(s) * len(p) log len(p)), obviously right."""
    m = len(p)
    target = sorted(p)
    return [i for i in range(len(s) - m + 1) if sorted(s[i : i + m]) == target]


# ------------------------------------------------------------------ top_k_frequent_words

TOP_K_CASES = [
    pytest.param([], 0, id="empty-k0"),
    pytest.param([], 3, id="empty-k3"),
    pytest.param(["solo"], 1, id="single"),
    pytest.param(["a", "b", "a"], 0, id="k-zero"),
    pytest.param(["b", "a", "c", "a", "b", "d"], 2, id="tie-for-first"),
    pytest.param(["x", "y", "z"], 10, id="k-larger-than-distinct"),
    pytest.param("the cat and the dog and the bird".split(), 3, id="sentence"),
    pytest.param(["apple", "Apple", "apple", "Apple", "APPLE"], 3, id="case-sensitive"),
    pytest.param(["été", "zoo", "été", "zoo", "apple", "apple", "Zoo", "Zoo"], 4, id="code-point-order"),
    pytest.param(["猫", "狗", "猫", "🐍", "🐍", "狗"], 2, id="unicode"),
    pytest.param(["", "", "a"], 1, id="empty-string-word"),
]


@pytest.mark.parametrize("words,k", TOP_K_CASES)
def test_top_k_matches_brute_force(ex, words, k):
    expect_equal(
        ex.top_k_frequent_words(list(words), k),
        brute_top_k(words, k),
        call=f"top_k_frequent_words({words!r}, {k})",
        hint="order the distinct words by (-count, word); return at most k of them",
    )


def test_top_k_ties_are_alphabetical_not_first_seen(ex):
    words = ["pear", "fig", "pear", "fig", "apple", "apple"]  # all three occur twice
    expect_equal(
        ex.top_k_frequent_words(words, 2),
        ["apple", "fig"],
        call=f"top_k_frequent_words({words!r}, 2)",
        hint="Counter.most_common keeps ties in first-seen order; sort with key=lambda w: (-counts[w], w)",
    )


def test_top_k_does_not_modify_input(ex):
    words = ["b", "a", "b"]
    ex.top_k_frequent_words(words, 1)
    expect_equal(words, ["b", "a", "b"], call="the words list after top_k_frequent_words(words, 1)",
                 hint="sort a new list (sorted(...)) instead of calling words.sort()")


def test_top_k_negative_k_raises(ex):
    try:
        got = ex.top_k_frequent_words(["a", "b"], -1)
    except ValueError:
        return
    expect_true(False, message=f"top_k_frequent_words(['a', 'b'], -1) returned {got!r} instead of raising ValueError",
                hint="a negative k is a caller error; note that lst[:-1] silently drops the last item")


def test_top_k_large_input(ex):
    rng = random.Random(1)
    vocab = [f"w{i:03d}" for i in range(500)]
    words = [rng.choice(vocab) for _ in range(100_000)]
    expect_equal(ex.top_k_frequent_words(words, 25), brute_top_k(words, 25),
                 call="top_k_frequent_words(<100000 words over 500 distinct>, 25)",
                 hint="count once with Counter; do not call words.count(w) for each word")


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "B", "é"]), max_size=20), st.integers(0, 7))
def test_top_k_property(ex, words, k):
    expect_equal(ex.top_k_frequent_words(words, k), brute_top_k(words, k),
                 call=f"top_k_frequent_words({words!r}, {k})",
                 hint="most frequent first, ties alphabetical (by code point), at most k words")


# ------------------------------------------------------------------ find_anagrams

ANAGRAM_CASES = [
    pytest.param("cbaebabacd", "abc", id="two-matches"),
    pytest.param("abab", "ab", id="overlapping"),
    pytest.param("", "a", id="empty-text"),
    pytest.param("", "", id="both-empty"),
    pytest.param("abc", "", id="empty-pattern"),
    pytest.param("ab", "abc", id="pattern-longer"),
    pytest.param("a", "a", id="single-match"),
    pytest.param("a", "b", id="single-miss"),
    pytest.param("aaaa", "aa", id="all-same"),
    pytest.param("abbaab", "aab", id="repeated-letters"),
    pytest.param("aAbBAa", "Aa", id="case-sensitive"),
    pytest.param("学习习学学习", "习学", id="chinese"),
    pytest.param("🐍🐍🦀🐍", "🐍🦀", id="emoji"),
    pytest.param("xyz", "zyx", id="whole-string"),
]


@pytest.mark.parametrize("s,p", ANAGRAM_CASES)
def test_find_anagrams_matches_brute_force(ex, s, p):
    expect_equal(
        ex.find_anagrams(s, p),
        brute_anagrams(s, p),
        call=f"find_anagrams({s!r}, {p!r})",
        hint="slide a window of len(p) characters; compare its Counter with Counter(p) at every position",
    )


def test_find_anagrams_counts_multiplicity(ex):
    # "abb" has the same *set* of letters as "aab" but not the same counts.
    expect_equal(ex.find_anagrams("abb", "aab"), [], call="find_anagrams('abb', 'aab')",
                 hint="compare counts (Counter), not sets: set('abb') == set('aab')")


def test_find_anagrams_large_input(ex):
    rng = random.Random(7)
    s = "".join(rng.choice("ab") for _ in range(100_000))
    p = "aabab"
    expect_equal(ex.find_anagrams(s, p), brute_anagrams(s, p),
                 call="find_anagrams(<100000 random a/b characters>, 'aabab')",
                 hint="update the window Counter in O(1) per step instead of rebuilding it")


@given(st.text(alphabet="abc", max_size=25), st.text(alphabet="abc", max_size=4))
def test_find_anagrams_property(ex, s, p):
    expect_equal(ex.find_anagrams(s, p), brute_anagrams(s, p), call=f"find_anagrams({s!r}, {p!r})",
                 hint="after adding the entering character, remove the leaving one, s[i - len(p)]; "
                 "check the window before the loop too (index 0)")
