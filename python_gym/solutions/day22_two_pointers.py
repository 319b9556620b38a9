"""Day 22: two pointers and the sliding window.

Two interview classics where a second index replaces an inner loop:

- ``three_sum``: every distinct triple of values that sums to a target, by
  sorting once and walking two pointers inward (O(n^2) instead of O(n^3));
- ``longest_substring_k_distinct``: the longest substring with at most ``k``
  distinct characters, with a window whose left end only moves forward.

In scope: opposite-direction pointers on a sorted list, skipping duplicates,
the grow-right / shrink-left window with a Counter. Out of scope: k-sum for
general k (the lesson sketches the recursion) and Unicode normalisation
(characters are code points).
"""

from __future__ import annotations

from collections import Counter


def three_sum(nums: list[int], target: int = 0) -> list[tuple[int, int, int]]:
    """Return every distinct triple of values from ``nums`` that sums to ``target``.

    A triple uses three different positions of ``nums`` (a value may appear
    twice in a triple only if it appears at least twice in ``nums``). Each
    triple is sorted ascending, and triples that are equal as values are
    reported once.

    Args:
        nums: the numbers, in any order; may be empty, repeat and be negative.
            It is not modified.
        target: the sum to reach (keyword, default 0).

    Returns:
        A list of ``(a, b, c)`` tuples with ``a <= b <= c`` and
        ``a + b + c == target``, sorted ascending, without duplicates.

    Example:
        >>> three_sum([-1, 0, 1, 2, -1, -4])
        [(-1, -1, 2), (-1, 0, 1)]

        ``-1`` appears twice, so ``(-1, -1, 2)`` is allowed; ``(-1, 0, 1)``
        can be made from either ``-1`` but is listed once.

    Edge cases the tests try: fewer than three numbers, all zeros
    (``[(0, 0, 0)]`` once), a value used twice only when it occurs twice,
    heavy duplicates, a non-zero ``target``, negative numbers, that ``nums``
    is left unchanged, and 1 000 numbers with many repeats.
    """
    # TODO: sort a copy, fix the smallest value nums[i], then move two pointers
    # TODO: lo/hi inward; skip equal values at every level so each triple is
    # TODO: found once. No set of all triples and no three nested loops.
    # BEGIN SOLUTION
    values = sorted(nums)
    n = len(values)
    found: list[tuple[int, int, int]] = []
    for i in range(n - 2):
        if i > 0 and values[i] == values[i - 1]:
            continue  # this smallest value was already fixed
        lo, hi = i + 1, n - 1
        while lo < hi:
            total = values[i] + values[lo] + values[hi]
            if total < target:
                lo += 1
            elif total > target:
                hi -= 1
            else:
                found.append((values[i], values[lo], values[hi]))
                lo += 1
                hi -= 1
                while lo < hi and values[lo] == values[lo - 1]:
                    lo += 1  # same middle value again would repeat the triple
    return found  # i increases, and for one i the middle value increases: already sorted
    # END SOLUTION


def longest_substring_k_distinct(s: str, k: int) -> int:
    """Return the length of the longest substring of ``s`` with at most ``k`` distinct characters.

    A substring is contiguous. Characters are compared exactly:
    case-sensitive, one code point each (``"a"`` and ``"A"`` are different).

    Args:
        s: the text; may be empty.
        k: the most distinct characters allowed, ``k >= 0``.

    Returns:
        The length of the longest qualifying substring; ``0`` for an empty
        ``s`` or ``k == 0``; ``len(s)`` when ``s`` has at most ``k``
        distinct characters.

    Raises:
        ValueError: if ``k`` is negative.

    Example:
        >>> longest_substring_k_distinct("eceba", 2)
        3

        ``"ece"`` uses two distinct characters; every longer substring
        uses three.

    Edge cases the tests try: empty ``s``, ``k = 0``, ``k`` at least the
    number of distinct characters, one repeated character, mixed case,
    Chinese characters and emoji, a negative ``k``, and 10^5 characters.
    """
    # TODO: grow the window on the right, and while it has more than k distinct
    # TODO: characters shrink it on the left (a Counter; delete keys that reach 0).
    # TODO: Each index enters and leaves the window once: O(len(s)).
    # BEGIN SOLUTION
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    window: Counter[str] = Counter()
    best = left = 0
    for right, ch in enumerate(s):
        window[ch] += 1
        while len(window) > k:  # too many distinct: drop characters from the left
            gone = s[left]
            window[gone] -= 1
            if window[gone] == 0:
                del window[gone]  # len(window) must count only characters still inside
            left += 1
        best = max(best, right - left + 1)
    return best
    # END SOLUTION


if __name__ == "__main__":
    print(three_sum([-1, 0, 1, 2, -1, -4]))
    print(longest_substring_k_distinct("eceba", 2))
