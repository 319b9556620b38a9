"""Day 13: the speed drill. Four short classics from weeks 1 and 2, against the clock.

``learn drill gym-13`` shows a 60-minute countdown while you work; press
Enter to grade whenever you like. Each problem has one tool that makes it
short:

- ``two_sum``: a dict from value to index (week 1);
- ``is_valid_parentheses``: a list used as a stack;
- ``kth_largest``: a min-heap of size k (day 10);
- ``first_bad_version``: binary search for the first true (day 11, the templates).

Read each contract first: the edge cases in it are the ones graded. Out of
scope: anything clever. A correct, plain solution to all four is the goal.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable


def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:
    """Return indices ``(i, j)`` with ``i < j`` and ``nums[i] + nums[j] == target``, or ``None``.

    Any valid pair is accepted when there are several. An element may not be
    paired with itself, but two equal elements at different indices may be
    paired (``two_sum([3, 3], 6) == (0, 1)``).

    Args:
        nums: integers, negatives and duplicates allowed; may be empty.
        target: the sum to reach.

    Returns:
        A tuple ``(i, j)`` with ``i < j``, or ``None`` if no pair exists.

    Example:
        >>> two_sum([2, 7, 11, 15], 9)
        (0, 1)

    Edge cases the tests try: empty and one-element lists (``None``), equal
    values (``[3, 3]``), a value that is half the target but appears once
    (``[3, 4]`` with target 6: ``None``), negatives and zero, no answer, and
    10^5 numbers whose only pair is at the very end.
    """
    # TODO: one pass with a dict {value: index}; look up target - x BEFORE
    # TODO: storing x. No double loop.
    # BEGIN SOLUTION
    seen: dict[int, int] = {}
    for j, x in enumerate(nums):
        i = seen.get(target - x)
        if i is not None:
            return (i, j)
        seen.setdefault(x, j)
    return None
    # END SOLUTION


PAIRS = {")": "(", "]": "[", "}": "{"}  # closing bracket -> its opening bracket


def is_valid_parentheses(s: str) -> bool:
    """Return whether every bracket in ``s`` is closed by the same kind, in the right order.

    The brackets are ``()``, ``[]`` and ``{}``. Every other character
    (letters, digits, spaces, ``<>``) is ignored, so ``"f(a[0])"`` is valid.

    Args:
        s: the text; may be empty.

    Returns:
        ``True`` when the brackets are balanced and properly nested
        (including when there are none), else ``False``.

    Example:
        >>> is_valid_parentheses("([]{})"), is_valid_parentheses("([)]")
        (True, False)

    Edge cases the tests try: the empty string, text without brackets, a
    lone closing bracket (an empty stack), an unclosed opening bracket,
    wrong order (``"([)]"``), wrong kind (``"(]"``), other characters in
    between, and 10^5 nested brackets (no recursion, please).
    """
    # TODO: a list as a stack of open brackets; a closing bracket must match
    # TODO: the top (mind the empty stack). Skip every other character.
    # BEGIN SOLUTION
    stack: list[str] = []
    for ch in s:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack.pop() != PAIRS[ch]:
                return False
    return not stack
    # END SOLUTION


def kth_largest(nums: list[int], k: int) -> int:
    """Return the ``k``-th largest element of ``nums`` (1-based, duplicates counted).

    Args:
        nums: integers; not modified.
        k: the rank, ``1 <= k <= len(nums)``.

    Returns:
        ``sorted(nums, reverse=True)[k - 1]``.

    Raises:
        ValueError: if ``k`` is out of range (also for an empty list).

    Example:
        >>> kth_largest([3, 2, 1, 5, 6, 4], 2)
        5
        >>> kth_largest([3, 2, 3, 1, 2, 4, 5, 5, 6], 4)
        4

    Edge cases the tests try: one element, ``k = 1`` and ``k = len(nums)``,
    duplicates (they count separately), negatives, ``k`` of 0 or beyond the
    length, and 10^5 numbers.
    """
    # TODO: keep a min-heap of the k largest seen so far: its top is the answer.
    # TODO: Raise ValueError for k outside 1..len(nums).
    # BEGIN SOLUTION
    if not 1 <= k <= len(nums):
        raise ValueError(f"k must be in 1..{len(nums)}, got {k}")
    heap = nums[:k]
    heapq.heapify(heap)
    for x in nums[k:]:
        if x > heap[0]:
            heapq.heapreplace(heap, x)
    return heap[0]
    # END SOLUTION


def first_bad_version(n: int, is_bad: Callable[[int], bool]) -> int:
    """Return the first bad version among versions ``1..n``.

    Versions are bad from some version on: ``is_bad`` is False, ..., False,
    True, ..., True over ``1..n``, and version ``n`` is always bad.

    Args:
        n: the number of versions, ``n >= 1`` (up to ``2**63``).
        is_bad: the (expensive) check; call it only on ``1 <= v <= n``, and
            about ``log2(n)`` times.

    Returns:
        The smallest ``v`` with ``is_bad(v)``.

    Example:
        >>> first_bad_version(5, lambda v: v >= 4)
        4

    Edge cases the tests try: ``n = 1``, the first version bad, only the
    last version bad, and ``n = 2**63 - 1``, where anything but binary search
    runs out of calls (the tests count them).
    """
    # TODO: binary search on [1, n]: if is_bad(mid) the answer is mid or
    # TODO: earlier, else it is after mid. Never call is_bad(0) or is_bad(n + 1).
    # BEGIN SOLUTION
    lo, hi = 1, n  # invariant: the first bad version is in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if is_bad(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo
    # END SOLUTION


if __name__ == "__main__":
    print(two_sum([2, 7, 11, 15], 9))
    print(is_valid_parentheses("([]{})"), is_valid_parentheses("([)]"))
    print(kth_largest([3, 2, 1, 5, 6, 4], 2))
    print(first_bad_version(5, lambda v: v >= 4))
