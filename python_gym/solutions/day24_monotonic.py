"""Day 24: the monotonic stack and the monotonic deque.

Keep only the candidates that can still matter, in sorted order, and every
element is pushed and popped at most once:

- ``largest_rectangle_in_histogram``: a stack of bar indices with increasing
  heights; popping a bar fixes the widest rectangle of its height;
- ``shortest_subarray_with_sum_at_least_k``: a deque of prefix-sum indices
  with increasing values; negative numbers allowed, so a plain sliding window
  does not work.

In scope: the stack / deque invariants, sentinels, prefix sums. Out of scope:
the 2-D maximal rectangle (it calls the histogram once per row; the lesson
mentions it) and segment trees.
"""

from __future__ import annotations

from collections import deque


def largest_rectangle_in_histogram(heights: list[int]) -> int:
    """Return the area of the largest axis-aligned rectangle inside the histogram.

    Bar ``i`` has width 1 and height ``heights[i]``; bars stand side by side.
    A rectangle spanning bars ``i..j`` can be at most ``min(heights[i:j + 1])``
    tall, so its area is that minimum times ``j - i + 1``.

    Args:
        heights: the bar heights, each ``>= 0``; may be empty. Not modified.

    Returns:
        The largest area; ``0`` for no bars or all-zero bars.

    Example:
        >>> largest_rectangle_in_histogram([2, 1, 5, 6, 2, 3])
        10

        Bars 2 and 3 (heights 5 and 6) hold a 5 x 2 rectangle.

    Edge cases the tests try: no bars, one bar, zeros, equal heights (the
    whole width counts), strictly increasing and decreasing heights, that
    ``heights`` is left unchanged, and 10^5 bars.
    """
    # TODO: a stack of indices whose heights increase. When a lower bar arrives,
    # TODO: pop the taller ones: each popped bar's rectangle spans from the new
    # TODO: stack top + 1 to the current index - 1. Flush with a height-0 sentinel.
    # TODO: O(n) overall: no pair of nested loops over the bars.
    # BEGIN SOLUTION
    best = 0
    stack: list[int] = []  # indices; heights[stack] strictly increasing from bottom to top
    for i, h in enumerate([*heights, 0]):  # the 0 at the end pops everything left
        while stack and heights[stack[-1]] >= h:
            top = stack.pop()
            left = stack[-1] + 1 if stack else 0  # the first bar not lower than heights[top]
            best = max(best, heights[top] * (i - left))  # spans left .. i - 1
        stack.append(i)
    return best
    # END SOLUTION


def shortest_subarray_with_sum_at_least_k(nums: list[int], k: int) -> int:
    """Return the length of the shortest non-empty contiguous subarray with sum ``>= k``, or -1.

    Numbers may be negative, so growing a window can lower its sum: the
    two-pointer window of positive arrays is not enough.

    Args:
        nums: the numbers; may be empty, negative or zero.
        k: the sum to reach; any integer (``k <= 0`` is allowed).

    Returns:
        The smallest ``j - i`` with ``0 <= i < j <= len(nums)`` and
        ``sum(nums[i:j]) >= k``; ``-1`` if no subarray qualifies (always for
        empty ``nums``).

    Example:
        >>> shortest_subarray_with_sum_at_least_k([2, -1, 2], 3)
        3

        Only the whole list sums to 3; ``[2]`` and ``[-1, 2]`` are too small.

    Edge cases the tests try: empty ``nums``, one element, no answer (-1),
    negative numbers and zeros, ``k <= 0``, the answer at either end, and
    10^5 numbers.
    """
    # TODO: prefix sums P[0..n]; the answer is the smallest j - i with
    # TODO: P[j] - P[i] >= k. Keep a deque of indices i with increasing P[i]:
    # TODO: pop from the front while it answers j, pop from the back while
    # TODO: P[back] >= P[j]. O(n), no nested loops.
    # BEGIN SOLUTION
    best = len(nums) + 1
    prefix = 0
    starts: deque[tuple[int, int]] = deque([(0, 0)])  # (index i, P[i]), P increasing front to back
    for j, x in enumerate(nums, start=1):
        prefix += x  # P[j]
        while starts and prefix - starts[0][1] >= k:
            best = min(best, j - starts[0][0])  # later j can only be longer for this start
            starts.popleft()
        while starts and starts[-1][1] >= prefix:
            starts.pop()  # a later start with a smaller or equal P is better in every way
        starts.append((j, prefix))
    return best if best <= len(nums) else -1
    # END SOLUTION


if __name__ == "__main__":
    print(largest_rectangle_in_histogram([2, 1, 5, 6, 2, 3]))
    print(shortest_subarray_with_sum_at_least_k([2, -1, 2], 3))
