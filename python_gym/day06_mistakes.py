"""Day 6: mistakes revisited (prefix sums with a Counter, set-based runs).

Two problems picked because the first attempt is usually subtly wrong:

- ``subarray_sum_count``: counting subarrays with a given sum. A sliding
  window breaks as soon as a number is negative; prefix sums with a Counter
  work, but only if the empty prefix is counted (``{0: 1}``).
- ``longest_consecutive``: the longest run of consecutive integers in O(n)
  with a set, counting up only from the start of each run.

In scope: Counter, set, one pass. Out of scope: sorting-based answers (they are
correct but O(n log n); the tests use one as the oracle).
"""

from __future__ import annotations

from collections import Counter


def subarray_sum_count(nums: list[int], k: int) -> int:
    """Return how many contiguous, non-empty subarrays of ``nums`` sum to ``k``.

    Args:
        nums: integers, negatives and zeros allowed; may be empty.
        k: the target sum (any integer, negative included).

    Returns:
        The number of index pairs ``i < j`` with ``sum(nums[i:j]) == k``.

    Example:
        >>> subarray_sum_count([1, 2, 3, -3, 3], 3)
        5

        The five are ``[1, 2]``, ``[3]`` (twice), ``[3, -3, 3]`` and ``[1, 2, 3, -3]``.

    Edge cases the tests try: an empty list (0), one element equal or not
    equal to ``k``, ``k == 0`` with runs of zeros (``[0, 0, 0]`` has 6),
    negative numbers and a negative ``k``, a subarray that starts at index 0
    (the one that needs the empty prefix), and a few thousand elements.
    """
    # TODO: one pass with a running prefix sum and a Counter of the prefix sums
    # TODO: seen so far. Do not try all (i, j) pairs; do not use a two-pointer
    # TODO: window (it is wrong once a number is negative).
    raise NotImplementedError("gym-06: subarray_sum_count is not written yet")


def longest_consecutive(nums: list[int]) -> int:
    """Return the length of the longest run of consecutive integers in ``nums``.

    The numbers may come in any order; a run uses each value once, so
    duplicates do not lengthen it.

    Args:
        nums: integers, in any order, duplicates and negatives allowed.

    Returns:
        The largest ``L`` such that some ``x, x + 1, ..., x + L - 1`` all occur
        in ``nums``; 0 for an empty list.

    Example:
        >>> longest_consecutive([100, 4, 200, 1, 3, 2])
        4

    Edge cases the tests try: empty (0), one element (1), duplicates
    (``[1, 2, 2, 3]`` gives 3), runs that cross zero (``[-1, 0, 1]`` gives 3),
    two runs of equal length, huge gaps between values, and a shuffled run of
    10 000 values.
    """
    # TODO: O(n) with a set: start counting only at values x whose x - 1 is
    # TODO: absent. Do not sort.
    raise NotImplementedError("gym-06: longest_consecutive is not written yet")
