"""Day 11: bisect for searching and for keeping a sequence sorted as it grows.

Two interview problems where a sorted list plus binary search replaces a
linear scan:

- ``count_smaller``: for every element, how many elements to its right are
  strictly smaller (scan from the right, keep what you have seen sorted);
- ``TimeMap``: a key-value store that keeps every version of a value and
  answers "what was the value of this key at time t?".

In scope: ``bisect_left``/``bisect_right``, ``insort``, the "last index
``<= t``" pattern, parallel sorted lists. Out of scope: balanced trees or
Fenwick trees (``insort`` shifts the list, O(n) per insert, which is a
fast ``memmove`` in practice; the lesson says when that stops being enough).
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable
from typing import Any


def count_smaller(nums: list[int]) -> list[int]:
    """Return ``counts`` where ``counts[i]`` is how many ``nums[j]`` with ``j > i`` are strictly smaller than ``nums[i]``.

    Args:
        nums: integers (negatives and duplicates allowed); may be empty.
            Not modified.

    Returns:
        A new list of the same length as ``nums``.

    Example:
        >>> count_smaller([5, 2, 6, 1])
        [2, 1, 1, 0]

        Right of 5 are 2, 6, 1: two are smaller. The last element always gets 0.

    Edge cases the tests try: no numbers, one number, all equal (equal is
    not smaller: all zeros), strictly increasing (all zeros) and strictly
    decreasing, negatives, and 2 * 10^4 numbers, where the O(n^2) double
    loop is far too slow.
    """
    # TODO: walk from the right keeping a sorted list of the numbers seen; the
    # TODO: count for x is how many of them are < x (a bisect position). Then
    # TODO: bisect.insort x into the list. No nested loop over the suffix.
    # BEGIN SOLUTION
    seen: list[int] = []  # the numbers right of the current one, sorted
    counts = []
    for x in reversed(nums):
        counts.append(bisect.bisect_left(seen, x))  # how many in seen are < x
        bisect.insort(seen, x)
    counts.reverse()
    return counts
    # END SOLUTION


class TimeMap:
    """A key-value store that remembers every version of every key.

    ``set(key, value, timestamp)`` records a version; ``get(key, t)``
    returns the value whose timestamp is the largest one ``<= t``, or
    ``None`` when the key has no version at or before ``t``. Timestamps may
    arrive in any order; setting the same key at the same timestamp again
    replaces that version.

    Example:
        >>> tm = TimeMap()
        >>> tm.set("foo", "bar", 1)
        >>> tm.get("foo", 1), tm.get("foo", 3), tm.get("foo", 0)
        ('bar', 'bar', None)
        >>> tm.set("foo", "bar2", 4)
        >>> tm.get("foo", 4), tm.get("foo", 5), tm.get("foo", 3)
        ('bar2', 'bar2', 'bar')

    ``get`` is O(log m) for a key with m versions; ``set`` is O(log m) to
    find the place plus the list shift when a timestamp arrives out of order.

    Edge cases the tests try: an unknown key, ``t`` before the first version,
    exactly on a version, between and after versions, out-of-order and
    repeated timestamps, negative timestamps, falsy values (``0``, ``""``:
    real answers, not "missing"), several keys that do not interfere,
    separate instances, and 10^5 operations.
    """

    # TODO: per key, two parallel lists kept sorted by timestamp (times and
    # TODO: values). get: bisect_right(times, t) - 1 is the last version <= t.
    # TODO: set: bisect_left finds the place; an equal timestamp is overwritten.

    def __init__(self) -> None:
        """Start with no keys."""
        # BEGIN SOLUTION
        self._times: dict[Hashable, list[int]] = {}  # key -> sorted timestamps
        self._values: dict[Hashable, list[Any]] = {}  # key -> values, aligned with _times
        # END SOLUTION

    def set(self, key: Hashable, value: Any, timestamp: int) -> None:
        """Record ``value`` as the version of ``key`` at ``timestamp`` (replacing one at the same timestamp)."""
        # BEGIN SOLUTION
        times = self._times.setdefault(key, [])
        values = self._values.setdefault(key, [])
        i = bisect.bisect_left(times, timestamp)
        if i < len(times) and times[i] == timestamp:
            values[i] = value  # same timestamp: replace that version
        else:
            times.insert(i, timestamp)
            values.insert(i, value)
        # END SOLUTION

    def get(self, key: Hashable, timestamp: int) -> Any | None:
        """Return the value of ``key`` with the largest timestamp ``<= timestamp``, or ``None``."""
        # BEGIN SOLUTION
        times = self._times.get(key)
        if not times:
            return None
        i = bisect.bisect_right(times, timestamp) - 1  # last version at or before timestamp
        return self._values[key][i] if i >= 0 else None
        # END SOLUTION


if __name__ == "__main__":
    print(count_smaller([5, 2, 6, 1]))
    tm = TimeMap()
    tm.set("foo", "bar", 1)
    tm.set("foo", "bar2", 4)
    print(tm.get("foo", 3), tm.get("foo", 5), tm.get("foo", 0))
