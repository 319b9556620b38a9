"""Day 14: the templates week 2 adds to python_gym/templates.py, each graded.

Week 1's templates (``first_true``, ``lower_bound``, ``k_smallest``,
``merge_sorted``, ``bfs_distances``...) stay where they are; this module adds
the ones that week 2's problems kept needing:

- binary search on the answer: ``binary_search_answer`` (the smallest
  feasible value of a monotone predicate) and one use of it,
  ``min_eating_speed``;
- heaps: ``top_k_frequent`` (count, then a size-k selection) and
  ``KthLargestStream`` (a bounded min-heap that answers after every add);
- graphs: ``dijkstra`` (shortest paths with non-negative weights, a heap
  with lazy deletion).

Out of scope: negative weights (Bellman-Ford, which the tests use as the
oracle), decrease-key heaps, and A*.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import count

# ---------------------------------------------------------------- binary search on the answer


def binary_search_answer(lo: int, hi: int, feasible: Callable[[int], bool]) -> int:
    """Return the smallest ``x`` in the closed range ``[lo, hi]`` with ``feasible(x)`` true.

    ``feasible`` must be monotone on ``[lo, hi]``: False, ..., False, True,
    ..., True (once a value works, every larger value works too). This is
    "binary search on the answer": the minimum speed, capacity or time that
    is enough.

    Args:
        lo: the smallest candidate (may be negative).
        hi: the largest candidate, ``hi >= lo``.
        feasible: the monotone predicate; called only on ``lo <= x <= hi``
            and about ``log2(hi - lo + 2)`` times.

    Returns:
        The first feasible value.

    Raises:
        ValueError: if ``lo > hi``, or if no value in ``[lo, hi]`` is
            feasible (then ``feasible(hi)`` is False).

    Example:
        >>> binary_search_answer(0, 100, lambda x: x * x >= 50)
        8

    Edge cases the tests try: a one-value range, every value feasible (``lo``),
    only ``hi`` feasible, none feasible (ValueError), ``lo > hi``
    (ValueError), negative bounds, and ranges as wide as ``10**30``, where
    the calls are counted.
    """
    # TODO: search the half-open [lo, hi + 1): while lo < hi + 1 ... never call
    # TODO: feasible(hi + 1); a result of hi + 1 means "none": raise ValueError.
    raise NotImplementedError("gym-14: binary_search_answer is not written yet")


def min_eating_speed(piles: list[int], h: int) -> int:
    """Return the slowest integer eating speed that finishes every pile within ``h`` hours.

    At speed ``v`` (bananas per hour) a pile of ``p`` takes ``ceil(p / v)``
    hours; a pile is eaten one at a time, and an hour's leftover speed is not
    carried to the next pile.

    Args:
        piles: pile sizes, each ``>= 1``; at least one pile.
        h: the hours available, ``h >= len(piles)`` (one hour per pile at least).

    Returns:
        The minimum speed ``v >= 1``; never more than ``max(piles)``.

    Raises:
        ValueError: for no piles, a pile below 1, or ``h < len(piles)``.

    Example:
        >>> min_eating_speed([3, 6, 7, 11], 8)
        4

        At 4 per hour: 1 + 2 + 2 + 3 = 8 hours. At 3: 1 + 2 + 3 + 4 = 10.

    Edge cases the tests try: one pile, ``h == len(piles)`` (the answer is
    ``max(piles)``), a lot of time (speed 1), piles of ``10**9``, and the
    invalid inputs above.
    """
    # TODO: binary_search_answer over speeds 1..max(piles); the hours at speed
    # TODO: v are sum((p + v - 1) // v for p in piles) (integer ceil, no floats).
    raise NotImplementedError("gym-14: min_eating_speed is not written yet")


# ---------------------------------------------------------------- heaps


def top_k_frequent(nums: Iterable[Hashable], k: int) -> list[Hashable]:
    """Return the ``k`` most frequent distinct values, most frequent first, ties by smaller value.

    Args:
        nums: values that are hashable and comparable with each other (ints,
            or strings); read once.
        k: how many, ``k >= 0``; more than the distinct values means all.

    Returns:
        A new list of ``min(k, distinct)`` values.

    Raises:
        ValueError: if ``k`` is negative.

    Example:
        >>> top_k_frequent([1, 1, 1, 2, 2, 3], 2)
        [1, 2]
        >>> top_k_frequent([4, 4, 5, 5, 6], 2)
        [4, 5]

    Edge cases the tests try: no values, ``k = 0``, ``k`` beyond the number
    of distinct values, ties (smaller value first, not first seen),
    negatives, strings, a generator, and 10^5 values.
    """
    # TODO: Counter, then a heap selection of size k over the distinct values:
    # TODO: heapq.nsmallest(k, counts, key=lambda x: (-counts[x], x)).
    raise NotImplementedError("gym-14: top_k_frequent is not written yet")


class KthLargestStream:
    """The ``k``-th largest of all numbers seen so far, after every ``add``.

    Keeps only the ``k`` largest numbers in a min-heap: its top is the
    ``k``-th largest. A number below the top can never matter again.

    Example:
        >>> s = KthLargestStream(3, [4, 5, 8, 2])
        >>> s.add(3), s.add(5), s.add(10), s.add(9), s.add(4)
        (4, 5, 5, 8, 8)

    ``add`` is O(log k) time (a constant number of heap operations on at most
    ``k`` items) and the object holds O(k) numbers, however long the stream.

    Edge cases the tests try: ``k = 1`` (the running maximum), fewer than
    ``k`` numbers so far (``None``), duplicates, negatives, ``k < 1``
    (ValueError), separate instances, and a stream of 20 000 numbers after
    which the object may still hold only about ``k`` of them (a list of
    everything fails).
    """

    # TODO: __init__ keeps k and a min-heap; add pushes, then pops while the heap
    # TODO: holds more than k (or uses heapreplace when the new number beats the top).

    def __init__(self, k: int, nums: Iterable[float] = ()) -> None:
        """Start with the numbers in ``nums``; ``k >= 1`` (ValueError otherwise)."""
        raise NotImplementedError("gym-14: __init__ is not written yet")

    def add(self, val: float) -> float | None:
        """Add ``val``; return the ``k``-th largest so far, or ``None`` while fewer than ``k`` numbers were seen."""
        raise NotImplementedError("gym-14: add is not written yet")


# ---------------------------------------------------------------- graphs


def dijkstra(graph: Mapping[Hashable, Iterable[tuple[Hashable, float]]], source: Hashable) -> dict[Hashable, float]:
    """Return the shortest distance from ``source`` to every node it can reach.

    ``graph`` maps a node to its outgoing edges ``(neighbour, weight)``;
    weights are non-negative ints or floats. A node that appears only as a
    neighbour has no outgoing edges. Nodes are hashable but need not be
    comparable with each other (``"a"`` and ``1`` in one graph).

    Args:
        graph: directed adjacency lists (re-iterable, e.g. lists); parallel
            edges and self-loops allowed. Not modified (read it with
            ``graph.get(u, ())``, even if it is a ``defaultdict``).
        source: the start node; it need not be a key of ``graph``.

    Returns:
        ``{node: distance}`` for ``source`` (0) and every reachable node;
        unreachable nodes are absent.

    Raises:
        ValueError: if any edge in ``graph`` has a negative weight.

    Example:
        >>> dijkstra({"a": [("b", 4), ("c", 1)], "c": [("b", 2)]}, "a")
        {'a': 0, 'b': 3, 'c': 1}

        The direct edge a -> b costs 4; a -> c -> b costs 3.

    Edge cases the tests try: a source with no edges, unreachable nodes,
    zero weights, parallel edges, self-loops, a longer path that is cheaper,
    float weights, nodes that cannot be compared (``"a"`` and ``1``), a
    negative weight (ValueError), and a 100x100 grid graph.
    """
    # TODO: heap entries (distance, counter, node): the counter breaks ties so
    # TODO: nodes are never compared. Skip an entry whose distance is larger
    # TODO: than the best known (lazy deletion). Check for negative weights first.
    raise NotImplementedError("gym-14: dijkstra is not written yet")


if __name__ == "__main__":
    print(binary_search_answer(0, 100, lambda x: x * x >= 50), min_eating_speed([3, 6, 7, 11], 8))
    print(top_k_frequent([1, 1, 1, 2, 2, 3], 2))
    s = KthLargestStream(3, [4, 5, 8, 2])
    print([s.add(x) for x in [3, 5, 10, 9, 4]])
    print(dijkstra({"a": [("b", 4), ("c", 1)], "c": [("b", 2)]}, "a"))
