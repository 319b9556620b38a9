"""Day 16: functools: memoised search with lru_cache, and cached_property.

Two problems where the same work would otherwise be done again and again:

- ``word_break`` and ``count_decodings``: recursive searches over the
  positions of a string. Without a cache they take exponential time; with
  ``functools.lru_cache`` on a function of the position alone, each position
  is solved once.
- ``Corpus``: a class whose derived statistics (tokens, document
  frequencies) are computed on first use and then kept, with
  ``functools.cached_property``.

In scope: ``lru_cache`` / ``cache``, hashable cache keys, recursion depth,
``cached_property``, ``partial`` (the default tokenizer). Out of scope:
thread safety of the caches, and cache invalidation when data changes (a
``Corpus`` is treated as immutable).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache, partial

# ---------------------------------------------------------------- problem 1: memoised search


def word_break(s: str, words: Iterable[str]) -> bool:
    """Return whether ``s`` can be split into a sequence of words from ``words``.

    Words may be reused any number of times. Matching is exact
    (case-sensitive, code point by code point). The empty string splits into
    zero words, so ``word_break("", words)`` is ``True``. Empty strings in
    ``words`` are ignored (they would let the search stand still forever).

    Args:
        s: the text, at most 200 characters in the tests.
        words: the dictionary, any iterable of strings (a list, a set, a
            generator); may contain duplicates.

    Returns:
        ``True`` if some split exists, else ``False``.

    Example:
        >>> word_break("applepenapple", ["apple", "pen"])
        True
        >>> word_break("catsandog", ["cats", "dog", "sand", "and", "cat"])
        False

    Edge cases the tests try: an empty ``s``, an empty dictionary, ``""`` in
    the dictionary, words longer than ``s``, overlapping prefixes
    (``"aaaa"`` with ``["a", "aa", "aaa"]``), case, Chinese text, a
    dictionary given as a one-shot generator, and ``"a" * 150 + "b"`` with
    ``["a", "aa", ..., "aaaaa"]``, where a search without a cache must try
    astronomically many splits.
    """
    # TODO: freeze the words into a set first (a list cannot be a cache key,
    # TODO: and a generator can be read only once). Then memoise a helper of
    # TODO: ONE hashable argument, the start index i, with @lru_cache(maxsize=None).
    raise NotImplementedError("gym-16: word_break is not written yet")


def count_decodings(digits: str) -> int:
    """Return the number of ways to decode ``digits`` with ``A=1, B=2, ..., Z=26``.

    A decoding cuts ``digits`` into pieces, each the code of one letter:
    ``"1"``..``"9"`` or ``"10"``..``"26"``. A piece never starts with ``"0"``
    (``"06"`` is not ``"6"``), so a ``"0"`` must end a ``"10"`` or ``"20"``.
    The empty string has exactly one decoding, the empty message.

    Args:
        digits: ASCII digits ``0-9`` only; up to 10^4 of them.

    Returns:
        The number of decodings (an exact ``int``; it grows like the
        Fibonacci numbers, e.g. ``"1" * 100`` has 573147844013817084101).

    Raises:
        ValueError: if ``digits`` contains anything but ``0-9``.

    Example:
        >>> count_decodings("226")     # "2 2 6", "22 6", "2 26"
        3
        >>> count_decodings("06")
        0

    Edge cases the tests try: ``""``, ``"0"``, ``"10"``, ``"27"``, ``"100"``,
    ``"101"``, runs of zeros, non-digits (``"12a"``, ``" 12"``, ``"١٢"``), and
    ``"1" * 3000``. A recursion that goes one level deeper per digit hits
    Python's recursion limit (about 1000 frames) long before 3000 digits:
    warm the cache from the end (call the helper for i = n, n-1, ..., 0 so
    each call finds its subproblems cached) or iterate bottom-up.
    """
    # TODO: validate, then memoise ways(i) = number of decodings of digits[i:].
    # TODO: Keep the recursion shallow for 3000+ digits (see the docstring).
    raise NotImplementedError("gym-16: count_decodings is not written yet")


# ---------------------------------------------------------------- problem 2: cached_property

# The default tokenizer: every run of word characters (letters, digits, _),
# e.g. default_tokenize("Hi, hi!") -> ['Hi', 'hi']. partial fixes the pattern argument.
default_tokenize: Callable[[str], list[str]] = partial(re.findall, r"\w+")


class Corpus:
    """A fixed collection of documents, with statistics computed on first use.

    Example:
        >>> corpus = Corpus(["the cat", "the dog", "a cat and a cat"])
        >>> corpus.tokens[2]
        ['a', 'cat', 'and', 'a', 'cat']
        >>> corpus.doc_freq["cat"], corpus.doc_freq["the"], corpus.doc_freq["fish"]
        (2, 2, 0)
        >>> round(corpus.idf("dog"), 4)     # ln((1 + 3) / (1 + 1)) + 1
        1.6931

    Each document is tokenized exactly once per ``Corpus``, however often
    ``tokens``, ``doc_freq`` and ``idf`` are used, and ``doc_freq`` is built
    once (the same object is returned every time). Two ``Corpus`` objects
    never share cached results.

    Edge cases the tests try: no documents, an empty document, repeated
    words inside one document (counted once in ``doc_freq``), case-sensitive
    tokens, Chinese and emoji text with a custom tokenizer, a term that
    occurs nowhere, a one-shot generator of documents, and a tokenizer that
    counts its calls.
    """

    # TODO: tokens and doc_freq are @cached_property; idf is a plain method
    # TODO: that reads self.doc_freq. Do not put @lru_cache on methods: the
    # TODO: cache would be shared by all instances and would keep them alive.

    def __init__(self, docs: Iterable[str], tokenize: Callable[[str], list[str]] = default_tokenize) -> None:
        """Store the documents (as a tuple, so a generator is read once) and the tokenizer."""
        self.docs: tuple[str, ...] = tuple(docs)
        self.tokenize = tokenize

    @cached_property
    def tokens(self) -> list[list[str]]:
        """The tokens of each document: ``tokens[i] == tokenize(docs[i])``, computed once."""
        raise NotImplementedError("gym-16: tokens is not written yet")

    @cached_property
    def doc_freq(self) -> Counter[str]:
        """For each token, the number of documents that contain it at least once.

        A ``Counter``, so a token that occurs nowhere reads as 0.
        """
        raise NotImplementedError("gym-16: doc_freq is not written yet")

    def idf(self, term: str) -> float:
        """The smoothed inverse document frequency ``ln((1 + N) / (1 + df)) + 1``.

        ``N`` is the number of documents and ``df = doc_freq[term]``. A term in
        every document gets 1.0; a term in none gets ``ln(1 + N) + 1``.
        """
        raise NotImplementedError("gym-16: idf is not written yet")


if __name__ == "__main__":
    print(word_break("leetcode", ["leet", "code"]), count_decodings("11106"))
    corpus = Corpus(["the cat sat", "the dog sat", "a cat"])
    print(corpus.doc_freq.most_common(3), round(corpus.idf("cat"), 3))
