"""Day 23: binary search on the answer.

When "can it be done with budget x?" is monotone in x (false, false, ...,
true, true), the smallest feasible x can be found with O(log range) calls to
a feasibility check, without ever listing the candidates:

- ``min_eating_speed``: the slowest bananas-per-hour speed that finishes every
  pile within ``h`` hours (Koko);
- ``split_array_min_largest_sum``: split a list into ``k`` contiguous parts so
  that the largest part sum is as small as possible (the same problem as
  "ship packages within D days").

In scope: a monotone predicate, the half-open ``[lo, hi)`` search, a greedy
feasibility check. Out of scope: the DP solution of the split problem (the
lesson compares it) and real-valued answers (bisection on floats).
"""

from __future__ import annotations


def min_eating_speed(piles: list[int], h: int) -> int:
    """Return the smallest integer speed ``v >= 1`` that eats every pile within ``h`` hours.

    Each hour the eater picks one pile and eats ``v`` bananas from it (or the
    whole pile if fewer are left) and never switches piles inside an hour, so
    a pile of ``p`` takes ``ceil(p / v)`` hours. The total over all piles must
    be at most ``h``.

    Args:
        piles: the pile sizes, each ``>= 1``; may be empty (then the answer is 1).
        h: the hours available.

    Returns:
        The minimum speed; never below 1.

    Raises:
        ValueError: if ``h < len(piles)`` (every pile needs at least one hour,
            so no speed is fast enough).

    Example:
        >>> min_eating_speed([3, 6, 7, 11], 8)
        4

        At speed 4 the piles take 1 + 2 + 2 + 3 = 8 hours; at speed 3 they
        take 1 + 2 + 3 + 4 = 10.

    Edge cases the tests try: no piles, one pile, ``h == len(piles)`` (the
    answer is ``max(piles)``), a huge ``h`` (the answer is 1), piles of
    10^9 bananas (a linear scan over speeds is hopeless), and ``h`` too small.
    """
    # TODO: binary search the speed over [1, max(piles)]; the feasibility check
    # TODO: sums ceil(p / v) as (p + v - 1) // v (integers only, no floats).
    # TODO: Do not try every speed one by one.
    raise NotImplementedError("gym-23: min_eating_speed is not written yet")


def split_array_min_largest_sum(nums: list[int], k: int) -> int:
    """Split ``nums`` into ``k`` non-empty contiguous parts; return the smallest possible largest part sum.

    Args:
        nums: non-negative integers, in the order they must stay in.
        k: the number of parts, ``1 <= k <= len(nums)``.

    Returns:
        ``min over all splits of max(sum(part) for part in split)``.

    Raises:
        ValueError: if ``k < 1`` or ``k > len(nums)`` (no such split).

    Example:
        >>> split_array_min_largest_sum([7, 2, 5, 10, 8], 2)
        18

        ``[7, 2, 5] | [10, 8]`` has sums 14 and 18; every other cut is worse.

    Edge cases the tests try: ``k == 1`` (the total), ``k == len(nums)``
    (the largest element), zeros, one element, an invalid ``k``, and 10^4
    numbers up to 10^6 (a linear scan over candidate sums is hopeless).
    """
    # TODO: binary search the answer over [max(nums), sum(nums)]; the check
    # TODO: greedily fills a part until the next number would exceed the limit and
    # TODO: counts the parts. Fewer than k parts is fine (a part can be split further).
    raise NotImplementedError("gym-23: split_array_min_largest_sum is not written yet")




if __name__ == "__main__":
    print(min_eating_speed([3, 6, 7, 11], 8))
    print(split_array_min_largest_sum([7, 2, 5, 10, 8], 2))
