"""Day 12: heaps and binary search together, on one problem each way.

Two interview problems:

- the k-th smallest value of a matrix whose rows and columns are sorted,
  solved twice: ``kth_smallest_heap`` (a k-way merge of the rows, popped k
  times) and ``kth_smallest_binary_search`` (binary search over the *values*,
  counting the entries ``<= mid`` with a staircase walk);
- ``MedianFinder``: the median of a growing stream, with a max-heap for the
  lower half and a min-heap for the upper half.

In scope: ``heapq`` with tuple entries, binary search on an answer rather
than an index, keeping two heaps balanced. Out of scope: deleting from the
stream (a sliding-window median needs lazy deletion; see the lesson).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def _check_matrix(matrix: Sequence[Sequence[int]], k: int) -> tuple[int, int]:
    """Return ``(rows, cols)`` after checking the shape and ``k``; raise ValueError otherwise."""
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    if rows == 0 or cols == 0:
        raise ValueError("the matrix must have at least one row and one column")
    if not 1 <= k <= rows * cols:
        raise ValueError(f"k must be in 1..{rows * cols} for a {rows}x{cols} matrix, got {k}")
    return rows, cols


def kth_smallest_heap(matrix: Sequence[Sequence[int]], k: int) -> int:
    """Return the ``k``-th smallest entry (1-based, duplicates counted) of a row- and column-sorted matrix, with a heap.

    Treat each row as a sorted list and merge them lazily: the heap holds one
    ``(value, row, col)`` entry per row still in play; pop the smallest, push
    the next entry of the same row, and the ``k``-th pop is the answer.

    Args:
        matrix: ``rows x cols`` integers (``rows, cols >= 1``, all rows the
            same length), each row and each column non-decreasing. Read
            only; not modified.
        k: the rank, ``1 <= k <= rows * cols``.

    Returns:
        The entry that would sit at index ``k - 1`` if all entries were sorted.

    Raises:
        ValueError: for an empty matrix or ``k`` out of range (say which).

    Example:
        >>> kth_smallest_heap([[1, 5, 9], [10, 11, 13], [12, 13, 15]], 8)
        13

        Sorted: 1 5 9 10 11 12 13 13 15; the 8th is 13.

    Edge cases the tests try: a 1x1 matrix, one row, one column, ``k = 1``
    and ``k = rows * cols``, duplicates, negatives, a rectangular matrix,
    ``k`` out of range, and a 300x300 matrix with a small ``k``, where the
    heap must read only about ``rows + k`` entries (not flatten and sort).
    """
    # TODO: rows, cols = _check_matrix(matrix, k) validates the input for you.
    # TODO: push (matrix[r][0], r, 0) for the first min(rows, k) rows; pop k - 1
    # TODO: times, pushing the right neighbour of each popped entry; the next
    # TODO: pop (or heap[0]) is the answer. Do not flatten and sort the matrix.
    raise NotImplementedError("gym-12: kth_smallest_heap is not written yet")


def kth_smallest_binary_search(matrix: Sequence[Sequence[int]], k: int) -> int:
    """Return the same value as ``kth_smallest_heap``, by binary search over the values.

    The answer is the smallest value ``v`` such that at least ``k`` entries
    are ``<= v``. That count is monotone in ``v`` and takes one staircase walk,
    O(rows + cols), from the bottom-left corner: move right while the entry
    is ``<= v`` (the whole column above it counts), up otherwise.

    Args:
        matrix: as for ``kth_smallest_heap``; entries must be integers (the
            search halves an integer range).
        k: the rank, ``1 <= k <= rows * cols``.

    Returns:
        The ``k``-th smallest entry; it is always an entry of the matrix.

    Raises:
        ValueError: for an empty matrix or ``k`` out of range.

    Example:
        >>> kth_smallest_binary_search([[1, 5, 9], [10, 11, 13], [12, 13, 15]], 8)
        13

    Edge cases the tests try: those of ``kth_smallest_heap``, values up to
    ``10**18`` (about 60 halvings), and a 300x300 matrix, where the search
    may read only about ``(rows + cols) * log2(max - min)`` entries.
    """
    # TODO: validate with _check_matrix; lo, hi = matrix[0][0], matrix[-1][-1];
    # TODO: while lo < hi: mid = (lo + hi) // 2;
    # TODO: if count(<= mid) >= k then hi = mid else lo = mid + 1. Count with
    # TODO: a staircase walk, not by scanning every entry.
    raise NotImplementedError("gym-12: kth_smallest_binary_search is not written yet")


class MedianFinder:
    """The median of a stream of numbers, updated one number at a time.

    ``low`` is a max-heap (stored negated) of the smaller half and ``high``
    a min-heap of the larger half, with ``len(low) == len(high)`` or
    ``len(low) == len(high) + 1``. Then the median is ``-low[0]`` (odd count)
    or the mean of ``-low[0]`` and ``high[0]`` (even count).

    Example:
        >>> mf = MedianFinder()
        >>> mf.add_num(1); mf.add_num(2)
        >>> mf.find_median()
        1.5
        >>> mf.add_num(3)
        >>> mf.find_median()
        2.0

    ``add_num`` is O(log n); ``find_median`` is O(1).

    Edge cases the tests try: no numbers yet (ValueError), one number,
    duplicates, negatives, floats, numbers arriving in increasing or
    decreasing order (the halves must rebalance), asking twice in a row
    (same answer), separate instances, and 5 * 10^4 numbers.
    """

    # TODO: add_num pushes into low, moves low's largest to high, and moves
    # TODO: high's smallest back when high gets bigger than low. Do not sort
    # TODO: or scan the numbers on find_median.

    def __init__(self) -> None:
        """Start with no numbers."""
        raise NotImplementedError("gym-12: __init__ is not written yet")

    def add_num(self, num: float) -> None:
        """Add ``num`` (an int or a float) to the stream."""
        raise NotImplementedError("gym-12: add_num is not written yet")

    def find_median(self) -> float:
        """Return the median of the numbers so far, as a float.

        Raises:
            ValueError: if no number has been added yet.
        """
        raise NotImplementedError("gym-12: find_median is not written yet")


if __name__ == "__main__":
    m = [[1, 5, 9], [10, 11, 13], [12, 13, 15]]
    print(kth_smallest_heap(m, 8), kth_smallest_binary_search(m, 8))
    mf = MedianFinder()
    for x in [5, 15, 1, 3]:
        mf.add_num(x)
        print(mf.find_median())
