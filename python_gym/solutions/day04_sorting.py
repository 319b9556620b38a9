"""Day 4: sorting with key functions, tuple keys, stability and cmp_to_key.

Two interview classics where the whole answer is choosing the right order:

- ``reorder_log_files``: a tuple key for the letter-logs, and the stability of
  Python's sort to keep the digit-logs exactly as they came;
- ``largest_number``: an order that is not a key at all but a pairwise
  comparison (``a + b`` against ``b + a``), turned into a key with
  ``functools.cmp_to_key``.

In scope: ``sorted`` / ``list.sort`` with ``key=`` and ``reverse=``, tuple
keys, stability, ``cmp_to_key``. Out of scope: writing a sorting algorithm.
"""

from __future__ import annotations

from functools import cmp_to_key


def reorder_log_files(logs: list[str]) -> list[str]:
    """Reorder log lines: letter-logs first, sorted; digit-logs after, in their original order.

    Each log is an identifier, then one or more content words, separated by
    single spaces (``"g7 act zoo"``: identifier ``"g7"``, content ``"act zoo"``).
    The content words are either all lowercase ASCII letters (a *letter-log*)
    or all ASCII digits (a *digit-log*).

    - Letter-logs come before every digit-log.
    - Letter-logs are ordered by their content (as a string); logs with equal
      content are ordered by their identifier (as a string, so ``"a10" < "a2"``).
    - Digit-logs keep their relative order from the input.

    Args:
        logs: the log lines; may be empty and may repeat. It is not modified.

    Returns:
        A new list with the same lines, reordered.

    Example:
        >>> reorder_log_files(["d1 8 1 5", "g7 act zoo", "d2 3 6", "a9 act car", "b4 act zoo"])
        ['a9 act car', 'b4 act zoo', 'g7 act zoo', 'd1 8 1 5', 'd2 3 6']

    Edge cases the tests try: no logs, only digit-logs (already in the right
    order, even if not sorted), only letter-logs, equal contents with
    different identifiers, identical lines, identifiers that look like
    numbers, contents that are prefixes of each other, and 5000 logs.
    """
    # TODO: split each log once into identifier and content (str.split(" ", 1)).
    # One sort with a tuple key does it: letter-logs get (0, content, identifier),
    # digit-logs a key that ties with each other, so the stable sort keeps their order.
    # BEGIN SOLUTION
    def key(log: str) -> tuple:
        identifier, content = log.split(" ", 1)
        if content[0].isdigit():
            return (1,)  # all digit-logs tie; stability keeps their input order
        return (0, content, identifier)

    return sorted(logs, key=key)
    # END SOLUTION


def largest_number(nums: list[int]) -> str:
    """Arrange non-negative integers so that their concatenation is the largest number.

    Args:
        nums: one or more non-negative ints, in any order, repeats allowed.

    Returns:
        The largest number, as a decimal string without leading zeros
        (``"0"`` when every number is 0).

    Raises:
        ValueError: if ``nums`` is empty or holds a negative number.

    Example:
        >>> largest_number([3, 30, 34, 5, 9])
        '9534330'

        Sorting the numbers as strings in reverse gives ``"9534303"``: ``"30"``
        sorts before ``"3"`` that way, but ``"3" + "30" > "30" + "3"``.

    Edge cases the tests try: one number, all zeros, zeros mixed with other
    numbers, numbers that are prefixes of each other (``12`` and ``121``),
    repeats, large numbers, an empty list, negatives, and 2000 numbers.
    """
    # TODO: the order is defined pairwise: a goes first when str(a) + str(b) >
    # str(b) + str(a). Write that comparison (returning -1, 0 or 1) and sort with
    # key=functools.cmp_to_key(...). Strip leading zeros at the end ("00" -> "0").
    # BEGIN SOLUTION
    if not nums:
        raise ValueError("nums must hold at least one number")
    if any(x < 0 for x in nums):
        raise ValueError(f"nums must be non-negative, got {min(nums)}")

    def first_goes_first(a: str, b: str) -> int:
        if a + b > b + a:
            return -1  # a before b
        if a + b < b + a:
            return 1
        return 0

    digits = sorted(map(str, nums), key=cmp_to_key(first_goes_first))
    joined = "".join(digits)
    return "0" if joined[0] == "0" else joined  # the largest starts with 0 only if all are 0
    # END SOLUTION


if __name__ == "__main__":
    print(reorder_log_files(["d1 8 1 5", "g7 act zoo", "d2 3 6", "a9 act car", "b4 act zoo"]))
    print(largest_number([3, 30, 34, 5, 9]))
