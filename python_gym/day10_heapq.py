"""Day 10: heapq for top-k selection and for simulating "what frees up first".

Two interview problems that need the smallest item again and again, never
the whole order:

- ``k_closest_points``: the k points nearest the origin, keeping only k
  candidates (``heapq.nsmallest`` with a key, or a bounded max-heap);
- ``meeting_rooms_needed``: the fewest rooms for a set of meetings, with a
  min-heap of the times the rooms in use become free.

In scope: ``heappush``/``heappop``/``heapreplace``/``heapify``,
``nsmallest`` with ``key``, tuples as heap entries. Out of scope: which room
each meeting gets (a follow-up: keep ``(end, room)`` in the heap).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

Point = tuple[int, int]


def k_closest_points(points: Iterable[Point], k: int) -> list[Point]:
    """Return the ``k`` points closest to the origin ``(0, 0)``, closest first.

    Distance is Euclidean; compare squared distances ``x * x + y * y``
    (exact integers, no ``sqrt``). Points at the same distance keep their
    input order, so the answer always equals
    ``sorted(points, key=squared_distance)[:k]``.

    Args:
        points: ``(x, y)`` integer pairs, read once (may be a generator);
            duplicates are separate points.
        k: how many to return, ``k >= 0``; more than there are means all.

    Returns:
        A new list of ``min(k, n)`` points, in increasing distance.

    Raises:
        ValueError: if ``k`` is negative.

    Example:
        >>> k_closest_points([(3, 3), (5, -1), (-2, 4), (1, 0)], 2)
        [(1, 0), (3, 3)]

        Squared distances: 18, 26, 20, 1.

    Edge cases the tests try: no points, ``k = 0``, ``k`` beyond the number
    of points, ties (``(1, 0)`` and ``(0, -1)``: input order), duplicates,
    negative and large coordinates (``10**9``), a generator, and 10^5 points.
    """
    # TODO: a heap of at most k candidates: heapq.nsmallest(k, points, key=...)
    # TODO: or your own bounded max-heap. Do not sort all the points.
    raise NotImplementedError("gym-10: k_closest_points is not written yet")


def meeting_rooms_needed(intervals: Iterable[tuple[int, int]]) -> int:
    """Return the fewest rooms that can hold every meeting without overlap.

    A meeting ``(start, end)`` occupies its room for the half-open time
    ``[start, end)``: a room freed at time ``t`` can host a meeting starting
    at ``t``.

    Args:
        intervals: ``(start, end)`` pairs with ``start < end``, in any order;
            times may be negative. Read once.

    Returns:
        The largest number of meetings in progress at the same moment; 0 for
        no meetings.

    Raises:
        ValueError: if some meeting has ``end <= start`` (name it).

    Example:
        >>> meeting_rooms_needed([(0, 30), (5, 10), (15, 20)])
        2

        ``(5, 10)`` and ``(15, 20)`` can share the second room.

    Edge cases the tests try: no meetings, one meeting, a meeting that starts
    exactly when another ends (one room), identical meetings, nested
    meetings, unsorted input, negative times, a zero-length or reversed
    meeting (ValueError), and 10^5 meetings.
    """
    # TODO: sort by start; keep a min-heap of the end times of the rooms in use.
    # TODO: If the earliest end is <= start, reuse that room (heapreplace);
    # TODO: otherwise open a new one (heappush). The answer is the heap's size.
    raise NotImplementedError("gym-10: meeting_rooms_needed is not written yet")


if __name__ == "__main__":
    print(k_closest_points([(3, 3), (5, -1), (-2, 4), (1, 0)], 2))
    print(meeting_rooms_needed([(0, 30), (5, 10), (15, 20)]))
