"""Day 7: gap filling (variable-size sliding window, BFS over implicit states).

- ``min_window``: the shortest substring of ``s`` that contains every
  character of ``t`` (with multiplicity), with a Counter of what is still
  owed and a window that grows on the right and shrinks on the left.
- ``open_lock``: the fewest wheel turns from ``"0000"`` to a target code
  that avoids dead ends, a breadth-first search over states that are never
  stored as a graph: each state's neighbours are computed on the fly.

In scope: Counter, deque, the two templates. Out of scope: bidirectional BFS
and A* (faster on large state spaces; the lesson mentions them).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable


def min_window(s: str, t: str) -> str:
    """Return the shortest substring of ``s`` that contains every character of ``t``.

    Characters are counted with multiplicity (``t = "aa"`` needs two ``a``)
    and compared exactly (case-sensitive; one character is one code point of
    the ``str``). Among windows of the shortest length, return the leftmost.

    Args:
        s: the text to search.
        t: the characters the window must cover.

    Returns:
        The window as a substring of ``s``; ``""`` when no window covers
        ``t`` or when ``t`` is empty.

    Example:
        >>> min_window("XADOBECODEBANCY", "ABC")
        'BANC'

    Edge cases the tests try: empty ``s`` or ``t``, ``t`` longer than ``s``,
    ``s == t``, repeated characters in ``t``, a character of ``t`` missing
    from ``s``, upper versus lower case, two shortest windows (the leftmost
    wins), Chinese characters and emoji, and a 20 000-character ``s``.
    """
    # TODO: one left-to-right pass: a Counter of what t still needs plus an int
    # TODO: `missing`; grow the right end, and while nothing is missing record the
    # TODO: window and shrink the left end. No checking every substring.
    raise NotImplementedError("gym-07: min_window is not written yet")


def open_lock(deadends: Iterable[str], target: str) -> int:
    """Return the fewest turns that take a combination lock from all zeros to ``target``.

    The lock has ``len(target)`` wheels (4 in the classic puzzle), each
    showing a digit. One turn moves one wheel one step up or down, wrapping
    around (``9 -> 0`` and ``0 -> 9``). The lock jams for good if it ever
    shows a code in ``deadends``, so no path may pass through one.

    Args:
        deadends: forbidden codes, each ``len(target)`` digits; any iterable,
            duplicates allowed.
        target: the code to reach, a non-empty string of digits.

    Returns:
        The minimum number of turns, 0 when ``target`` is all zeros, and -1
        when the target cannot be reached (also when the start or the target
        is itself a dead end).

    Example:
        >>> open_lock(["0100", "0010", "0001", "0009", "0090", "0900"], "0111")
        5

        Every first move toward ``0111`` is a dead end, so the best path
        goes around: ``0000 1000 1100 1110 1111 0111``, 5 turns instead of 3.

    Edge cases the tests try: the target is the start (0), the start or the
    target is a dead end (-1), every neighbour of the target is a dead end
    (-1), wrap-around (``"0009"`` is 1 turn, ``"9999"`` is 4), duplicate dead
    ends, a set or a generator of dead ends, and 2- and 3-wheel locks.
    """
    # TODO: breadth-first search with collections.deque from "0" * len(target);
    # TODO: a dict of distances doubles as the visited set. Compute neighbours on
    # TODO: the fly; never build the 10 ** wheels graph up front.
    raise NotImplementedError("gym-07: open_lock is not written yet")
