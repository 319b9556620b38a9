"""Day 1: collections.Counter for frequencies and anagram windows.

Two interview classics that are, at heart, "count things, then compare counts":

- ``top_k_frequent_words``: the k most frequent words, ties broken alphabetically;
- ``find_anagrams``: every start index where an anagram of ``p`` begins in ``s``,
  with a sliding window whose Counter is updated in O(1) per step.

In scope: ``Counter`` construction, arithmetic on counts, ordering by a tuple
key. Out of scope: Unicode normalisation (strings compare by code point, so
``"é"`` and ``"e\u0301"`` are different words).
"""

from __future__ import annotations

from collections import Counter


def top_k_frequent_words(words: list[str], k: int) -> list[str]:
    """Return the ``k`` most frequent distinct words, most frequent first.

    Words with the same count are ordered alphabetically, which for Python
    strings means by code point: ``"Zoo" < "apple" < "zoo" < "été"``.
    Words are case-sensitive (``"Apple"`` and ``"apple"`` are different).

    Args:
        words: the words, in any order; may be empty and may repeat.
        k: how many words to return; ``k >= 0``. If ``k`` exceeds the number
            of distinct words, all distinct words are returned.

    Returns:
        A new list of at most ``k`` distinct words.

    Raises:
        ValueError: if ``k`` is negative.

    Example:
        >>> top_k_frequent_words(["b", "a", "c", "a", "b", "d"], 2)
        ['a', 'b']

        ``"a"`` and ``"b"`` both occur twice; ``"a"`` wins the tie alphabetically.

    Edge cases the tests try: no words, ``k = 0``, ``k`` larger than the number
    of distinct words, ties (where ``Counter.most_common`` alone is wrong),
    mixed case, non-ASCII words, a negative ``k``, and 10^5 words.
    """
    # TODO: count with collections.Counter, then order the distinct words by
    # (-count, word). Counter.most_common(k) alone breaks ties by first
    # appearance, not alphabetically. Raise ValueError for a negative k.
    # BEGIN SOLUTION
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    counts = Counter(words)
    return sorted(counts, key=lambda word: (-counts[word], word))[:k]
    # END SOLUTION


def find_anagrams(s: str, p: str) -> list[int]:
    """Return, in increasing order, every index ``i`` where ``s[i:i + len(p)]`` is an anagram of ``p``.

    Two strings are anagrams when they hold the same characters with the same
    multiplicities (``"abb"`` and ``"bab"`` are; ``"ab"`` and ``"abb"`` are not).
    Characters are compared exactly: case-sensitive, one code point each.

    Args:
        s: the text to search; may be empty.
        p: the pattern. The empty pattern is an anagram of the empty window at
            every position, so ``find_anagrams(s, "")`` is ``list(range(len(s) + 1))``.

    Returns:
        The start indices, in increasing order. ``[]`` if ``len(p) > len(s)``.

    Example:
        >>> find_anagrams("cbaebabacd", "abc")
        [0, 6]

        ``s[0:3] == "cba"`` and ``s[6:9] == "bac"``. Windows may overlap:
        ``find_anagrams("abab", "ab") == [0, 1, 2]``.

    Edge cases the tests try: empty ``s`` or ``p``, ``p`` longer than ``s``,
    repeated letters (``"aab"`` is not an anagram of ``"abb"``), mixed case,
    Chinese characters and emoji, and a text of 10^5 characters.
    """
    # TODO: keep a Counter of the current window of len(p) characters. Slide it
    # one step at a time: add the character that enters, remove the one that
    # leaves. Do not rebuild or sort each window (that is O(len(s) * len(p))).
    # BEGIN SOLUTION
    m = len(p)
    if m > len(s):
        return []
    need = Counter(p)
    window = Counter(s[:m])
    found = [0] if window == need else []
    for right in range(m, len(s)):
        window[s[right]] += 1  # the character entering on the right
        left = s[right - m]  # the character leaving on the left
        window[left] -= 1
        if window[left] == 0:
            del window[left]  # keep the Counter small; equality ignores zeros anyway
        if window == need:
            found.append(right - m + 1)
    return found
    # END SOLUTION


if __name__ == "__main__":
    print(top_k_frequent_words("the cat and the dog and the bird".split(), 2))
    print(find_anagrams("cbaebabacd", "abc"))
