"""Day 25: heaps for greedy choices and a running top-k.

Two interview problems where the greedy step is "take the best of what is
available now", and a heap makes that step O(log n):

- ``reorganize_string``: rearrange letters so no two neighbours are equal,
  always placing the most frequent letter that is allowed next;
- ``furthest_building``: climb with bricks and ladders, keeping the ladders
  on the largest climbs seen so far (a size-k min-heap of the top k climbs).

In scope: ``heapq`` as a max-heap with negated keys, tuple entries, a bounded
heap for "the k largest so far". Out of scope: ``heapq.nlargest`` on a whole
list (week 2) and rearrangements with a distance larger than 1 (the lesson
sketches them).
"""

from __future__ import annotations

import heapq
from collections import Counter


def reorganize_string(s: str) -> str:
    """Return a rearrangement of ``s`` in which no two adjacent characters are equal, or ``""``.

    Any valid rearrangement is accepted: the tests check the property
    (same characters with the same counts, no equal neighbours), not one
    particular string. Characters are code points, compared exactly.

    Args:
        s: the text; may be empty.

    Returns:
        A permutation of ``s`` with ``out[i] != out[i + 1]`` for every ``i``;
        ``""`` when none exists (which happens exactly when some character
        occurs more than ``(len(s) + 1) // 2`` times) and for ``s == ""``.

    Example:
        >>> reorganize_string("aab")
        'aba'
        >>> reorganize_string("aaab")
        ''

    Edge cases the tests try: empty and one-character text, a single
    character repeated (impossible from two on), the tight case where one
    character fills every other slot, case sensitivity, Chinese characters
    and emoji, and 10^5 characters.
    """
    # TODO: count with Counter; a max-heap (negated counts) gives the most frequent
    # TODO: character. Place it unless it equals the last one placed: then place the
    # TODO: runner-up and push the first back. O(n log k) for k distinct characters.
    raise NotImplementedError("gym-25: reorganize_string is not written yet")


def furthest_building(heights: list[int], bricks: int, ladders: int) -> int:
    """Return the index of the furthest building reachable from building 0.

    Moving from building ``i`` to ``i + 1`` is free if ``heights[i + 1] <=
    heights[i]``. Otherwise the climb ``d = heights[i + 1] - heights[i]``
    costs either ``d`` bricks or one ladder (a ladder covers any height).
    Bricks and ladders are used up; you choose which climbs get which.

    Args:
        heights: building heights, at least one building.
        bricks: bricks available, ``>= 0``.
        ladders: ladders available, ``>= 0``.

    Returns:
        The largest index ``j`` such that buildings ``0..j`` can all be
        visited in order.

    Raises:
        ValueError: if ``heights`` is empty, or ``bricks`` or ``ladders``
            is negative.

    Example:
        >>> furthest_building([4, 2, 7, 6, 9, 14, 12], bricks=5, ladders=1)
        4

        Reaching building 4 takes the climbs 5 (2 -> 7) and 3 (6 -> 9):
        the ladder covers the 5, bricks the 3. The next climb, 5 (9 -> 14),
        would need 5 more bricks, but only 2 are left.

    Edge cases the tests try: one building, only descents, no bricks and
    no ladders, more ladders than climbs, a climb that only a ladder can
    pay, equal heights, and 10^5 buildings.
    """
    # TODO: walk left to right; push each climb onto a min-heap that should hold
    # TODO: the climbs paid with ladders. When the heap holds more than `ladders`
    # TODO: climbs, pop the smallest and pay it with bricks; stop when bricks run out.
    raise NotImplementedError("gym-25: furthest_building is not written yet")


if __name__ == "__main__":
    print(reorganize_string("aab"), repr(reorganize_string("aaab")))
    print(furthest_building([4, 2, 7, 6, 9, 14, 12], bricks=5, ladders=1))
