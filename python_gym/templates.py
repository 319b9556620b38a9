"""Interview templates: the few helpers worth writing from memory.

Each one is short, has one invariant to remember, and is graded like any
exercise, so the version you carry into an interview is known to be right.

- input: ``read_ints``, ``read_grid`` (parse all of stdin at once, the way
  competitive programming does: ``read_ints(sys.stdin.buffer.read())``);
- binary search: ``first_true`` (the general form over a monotone
  predicate), ``lower_bound`` and ``upper_bound`` (two uses of it);
- heaps: ``k_smallest`` (a bounded max-heap), ``merge_sorted`` (k-way merge);
- graphs: ``bfs_distances`` (unweighted shortest paths with a deque).

Out of scope: the library shortcuts these imitate (``bisect``,
``heapq.nsmallest``, ``heapq.merge``); the tests use them as oracles.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

# ---------------------------------------------------------------- input


def read_ints(text: str | bytes) -> list[int]:
    """Return every integer in ``text``, in order, whatever whitespace separates them.

    Args:
        text: the whole input, ``str`` or ``bytes`` (``sys.stdin.read()`` or
            the faster ``sys.stdin.buffer.read()``).

    Returns:
        The integers as a list; ``[]`` for empty or blank input.

    Raises:
        ValueError: a token is not an integer (``"1 two 3"``).

    Example:
        >>> read_ints("3\\n10 -2\\t7\\n")
        [3, 10, -2, 7]

    Edge cases the tests try: empty and blank text, several spaces, tabs,
    ``\\r\\n`` line ends, signs (``-5``, ``+6``), leading zeros, integers
    beyond 64 bits, bytes input, and 100 000 numbers.
    """
    # TODO: split on any run of whitespace and convert each token; no regex needed.
    raise NotImplementedError("gym-templates: read_ints is not written yet")


def read_grid(text: str) -> list[list[str]]:
    """Return the character grid in ``text``: one list of one-character strings per line.

    Lines are split with ``str.splitlines`` (so ``\\n`` and ``\\r\\n`` both
    work and the line end is never a cell). Blank lines (empty or only
    whitespace) are skipped; every other line is kept exactly, spaces
    included, and rows may differ in length.

    Args:
        text: the grid as text.

    Returns:
        ``grid[r][c]`` is the character in row ``r``, column ``c``; every
        row is its own list.

    Example:
        >>> read_grid("#.#\\n..#\\n")
        [['#', '.', '#'], ['.', '.', '#']]

    Edge cases the tests try: empty text, blank lines around and between
    rows, ``\\r\\n``, a space inside a row, ragged rows, Unicode cells, and
    that changing one cell changes no other row.
    """
    # TODO: one list per non-blank line. Beware [row] * n style aliasing.
    raise NotImplementedError("gym-templates: read_grid is not written yet")


# ---------------------------------------------------------------- binary search


def first_true(lo: int, hi: int, pred: Callable[[int], bool]) -> int:
    """Return the smallest ``i`` in ``[lo, hi)`` with ``pred(i)`` true, or ``hi`` if there is none.

    ``pred`` must be monotone on ``[lo, hi)``: false, ..., false, true, ..., true.

    Args:
        lo: first candidate (may be negative).
        hi: one past the last candidate, ``hi >= lo``.
        pred: the monotone predicate; it is called only on ``lo <= i < hi``
            and about ``log2(hi - lo)`` times.

    Returns:
        The first index where ``pred`` holds, ``hi`` when it never does.

    Example:
        >>> first_true(0, 100, lambda i: i * i >= 50)
        8

    Edge cases the tests try: an empty range (``lo == hi``: return ``hi``
    without calling ``pred``), ``pred`` always true (``lo``) or never
    (``hi``), negative bounds, and ranges as wide as ``10**40``, where a
    linear scan could never finish (``pred`` counts its calls).
    """
    # TODO: half-open binary search, `while lo < hi`; never call pred(hi).
    raise NotImplementedError("gym-templates: first_true is not written yet")


def lower_bound(a: Sequence[Any], x: Any) -> int:
    """Return the first index ``i`` with ``a[i] >= x`` in the sorted sequence ``a`` (``len(a)`` if none).

    Same answer as ``bisect.bisect_left(a, x)``, without calling it.

    Example:
        >>> lower_bound([1, 2, 2, 2, 5], 2)
        1

    Edge cases the tests try: an empty sequence, ``x`` below or above every
    element, runs of duplicates, strings, and a sequence of a million
    elements that counts how many it is asked for (O(log n), please).
    """
    # TODO: binary search (first_true helps); do not use bisect or a linear scan.
    raise NotImplementedError("gym-templates: lower_bound is not written yet")


def upper_bound(a: Sequence[Any], x: Any) -> int:
    """Return the first index ``i`` with ``a[i] > x`` in the sorted sequence ``a`` (``len(a)`` if none).

    Same answer as ``bisect.bisect_right(a, x)``; ``upper_bound(a, x) -
    lower_bound(a, x)`` is how many times ``x`` occurs.

    Example:
        >>> upper_bound([1, 2, 2, 2, 5], 2)
        4

    Edge cases: as for ``lower_bound``.
    """
    # TODO: the same search with a strict comparison; do not use bisect.
    raise NotImplementedError("gym-templates: upper_bound is not written yet")


# ---------------------------------------------------------------- heaps


def k_smallest(iterable: Iterable[float], k: int) -> list[float]:
    """Return the ``k`` smallest numbers of ``iterable`` in ascending order.

    Keeps at most ``k`` numbers at a time (a max-heap of the best so far),
    so memory is O(k) and time O(n log k), however long the input.

    Args:
        iterable: numbers (int or float), read once; may be a generator.
        k: how many to keep, ``k >= 0``; more than the input has means all.

    Returns:
        A new list of ``min(k, n)`` numbers, ascending, duplicates kept.

    Raises:
        ValueError: ``k < 0``.

    Example:
        >>> k_smallest([5, 1, 4, 1, 3], 3)
        [1, 1, 3]

    Edge cases the tests try: empty input, ``k == 0``, ``k`` larger than the
    input, duplicates, negatives and floats, a generator, and 100 000 numbers.
    """
    # TODO: heapq is a min-heap: store -x to get a max-heap of size <= k, and
    # TODO: push out the largest when a smaller number arrives. Do not sort the
    # TODO: whole input and do not call heapq.nsmallest.
    raise NotImplementedError("gym-templates: k_smallest is not written yet")


def merge_sorted(lists: Iterable[Iterable[Any]]) -> list[Any]:
    """Merge sorted iterables into one sorted list with a heap of one entry per input.

    Stable: equal values come out in the order of the inputs they came from
    (input 0 first), and in their own order within one input.

    Args:
        lists: ascending iterables (lists, generators...); any number of
            them, any of them empty. They are read, never modified.

    Returns:
        All values, ascending.

    Example:
        >>> merge_sorted([[1, 4, 9], [2, 3], [], [0, 9]])
        [0, 1, 2, 3, 4, 9, 9]

    Edge cases the tests try: no inputs, only empty inputs, one input,
    duplicates across inputs (where a heap entry of ``(value, iterator)``
    raises ``TypeError`` on a tie), stability with equal values of
    different types (``1``, ``1.0``, ``True``), generators, and 100 000
    values in 200 inputs.
    """
    # TODO: heap entries (value, input index, ...); the index breaks ties, so
    # TODO: iterators are never compared. Do not call heapq.merge or sort everything.
    raise NotImplementedError("gym-templates: merge_sorted is not written yet")


# ---------------------------------------------------------------- graphs


def bfs_distances(graph: Mapping[Hashable, Iterable[Hashable]], start: Hashable) -> dict[Hashable, int]:
    """Return the fewest edges from ``start`` to every node it can reach.

    ``graph`` is a directed adjacency mapping ``node -> neighbours``. A node
    that appears only as a neighbour (not as a key) has no outgoing edges.

    Args:
        graph: adjacency lists; not modified (not even a ``defaultdict``,
            so read it with ``graph.get(u, ())``).
        start: the source node; it need not be a key of ``graph``.

    Returns:
        ``{node: distance}`` for ``start`` (distance 0) and every node
        reachable from it; unreachable nodes are absent.

    Example:
        >>> bfs_distances({"a": ["b", "c"], "b": ["d"], "c": ["d"]}, "a")
        {'a': 0, 'b': 1, 'c': 1, 'd': 2}

    Edge cases the tests try: an empty graph, ``start`` without edges,
    neighbours that are not keys, self-loops and cycles, one-way edges, a
    short path listed after a long one (depth-first search gets it wrong),
    Unicode and tuple nodes, a ``defaultdict`` graph, and a 20 000-node path.
    """
    # TODO: a deque of nodes to visit and a dict of distances that doubles as
    # TODO: the visited set (set it when a node is queued, not when popped).
    raise NotImplementedError("gym-templates: bfs_distances is not written yet")
