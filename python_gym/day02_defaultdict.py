"""Day 2: collections.defaultdict for grouping and for building graphs.

Two interview classics where the first step is "put each item in its bucket":

- ``group_anagrams``: bucket words by a canonical key (their sorted letters);
- ``course_order``: build an adjacency list with ``defaultdict(list)``, then
  produce a topological order with Kahn's algorithm (or report a cycle).

In scope: ``defaultdict(list)`` / ``defaultdict(int)``, hashable keys, the
insertion order of dicts, BFS-style topological sort. Out of scope: Unicode
normalisation (characters compare by code point).
"""

from __future__ import annotations

from collections import defaultdict, deque


def group_anagrams(words: list[str]) -> list[list[str]]:
    """Group the words that are anagrams of each other.

    Two words are anagrams when they hold the same characters with the same
    multiplicities (case-sensitive, one code point each), so ``"listen"`` and
    ``"silent"`` are, ``"aab"`` and ``"abb"`` are not.

    The order is deterministic: groups appear in the order of their first
    word in ``words``, and each group keeps its words in input order,
    duplicates included.

    Args:
        words: the words; may be empty, may repeat, may contain ``""``.

    Returns:
        A list of groups (each a non-empty ``list[str]``). Concatenated, the
        groups hold exactly the input words.

    Example:
        >>> group_anagrams(["eat", "tea", "tan", "ate", "nat", "bat"])
        [['eat', 'tea', 'ate'], ['tan', 'nat'], ['bat']]

    Edge cases the tests try: no words, one word, the empty word, duplicate
    words, same letters with different counts, mixed case, Chinese and emoji,
    and 2 * 10^4 words.
    """
    # TODO: map each word to a hashable key that is equal for anagrams (a set
    # loses counts; a Counter is not hashable), and append the word to
    # defaultdict(list)[key]. Dicts remember insertion order: use that.
    raise NotImplementedError("gym-02: group_anagrams is not written yet")


def course_order(n: int, prerequisites: list[tuple[int, int]]) -> list[int]:
    """Return an order in which to take courses ``0 .. n-1``, or ``[]`` if none exists.

    Each pair ``(course, before)`` in ``prerequisites`` means that ``before``
    must be taken before ``course``. An order is valid when it lists every
    course exactly once and respects every pair. None exists when the pairs
    contain a cycle (a course that, through a chain of pairs, needs itself).

    Args:
        n: the number of courses, ``n >= 0``.
        prerequisites: ``(course, before)`` pairs of ints in ``0 .. n-1``;
            pairs may repeat.

    Returns:
        Any valid order, as a list of the ``n`` course numbers; ``[]`` if the
        pairs contain a cycle (and for ``n == 0``).

    Raises:
        ValueError: if a pair names a course outside ``0 .. n-1``.

    Example:
        >>> course_order(4, [(1, 0), (2, 0), (3, 1), (3, 2)])
        [0, 1, 2, 3]

        ``[0, 2, 1, 3]`` would be accepted too; ``course_order(2, [(0, 1), (1, 0)])``
        is ``[]``.

    Edge cases the tests try: no courses, no pairs, duplicate pairs, a course
    that requires itself, cycles of every length, out-of-range course numbers,
    and a chain of 10^4 courses (too deep for a recursive DFS at Python's
    default recursion limit).
    """
    # TODO: build graph = defaultdict(list) from `before` to `course` and count
    # each course's unmet prerequisites; start a queue with the courses that
    # have none (Kahn's algorithm). If fewer than n courses come out, there is
    # a cycle. Avoid recursion: the tests use chains of 10^4 courses.
    raise NotImplementedError("gym-02: course_order is not written yet")


if __name__ == "__main__":
    print(group_anagrams(["eat", "tea", "tan", "ate", "nat", "bat"]))
    print(course_order(4, [(1, 0), (2, 0), (3, 1), (3, 2)]))
