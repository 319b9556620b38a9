"""Day 8: itertools for generating candidates and accumulate for prefix sums.

Two interview problems where the standard library writes the loops for you:

- ``letter_case_permutations``: every way to write a string with its ASCII
  letters in either case, as one ``itertools.product`` over per-character
  choices (the "nested loops of unknown depth" pattern);
- ``pivot_index``: the first index whose left sum equals its right sum, with
  the prefix sums from ``itertools.accumulate``.

In scope: ``product`` with ``*`` unpacking, ``accumulate`` with ``initial``,
lazy iterators. Out of scope: case rules beyond ASCII (``"ß".upper()`` is
``"SS"``, two characters), so only ``a-z`` and ``A-Z`` change case here.
"""

from __future__ import annotations

from itertools import accumulate, product


def letter_case_permutations(s: str) -> list[str]:
    """Return every string made from ``s`` by writing each ASCII letter in lower or upper case.

    Only ``a-z`` and ``A-Z`` have two forms; every other character (digits,
    spaces, punctuation, ``"é"``, ``"中"``, emoji) is kept as it is. The
    result lists the variants in ``itertools.product`` order, where each
    letter offers its lower-case form first, then its upper-case form: the
    leftmost letter changes slowest.

    Args:
        s: the string; may be empty.

    Returns:
        A new list of ``2 ** (number of ASCII letters)`` distinct strings.
        ``[""]`` for the empty string (one way to write nothing).

    Example:
        >>> letter_case_permutations("a1B")
        ['a1b', 'a1B', 'A1b', 'A1B']

    Edge cases the tests try: the empty string, digits only (one variant),
    one letter in either case, repeated letters (``"aa"`` has four variants,
    not two), non-ASCII letters that stay fixed (``"é"``, ``"ß"``, Chinese),
    and a 14-letter string (16 384 variants).
    """
    # TODO: build one tuple of choices per character (("a", "A") for a letter,
    # TODO: ("1",) for anything else) and take itertools.product(*choices).
    # TODO: No recursion needed; str.isalpha() alone also accepts "é" and "中".
    # BEGIN SOLUTION
    choices = [(c.lower(), c.upper()) if c.isascii() and c.isalpha() else (c,) for c in s]
    return ["".join(chars) for chars in product(*choices)]
    # END SOLUTION


def pivot_index(nums: list[int]) -> int:
    """Return the leftmost index ``i`` with ``sum(nums[:i]) == sum(nums[i + 1:])``, or ``-1``.

    The element at ``i`` belongs to neither side. An empty side sums to 0, so
    ``i = 0`` is a pivot when everything after it sums to 0.

    Args:
        nums: integers, negative ones allowed; may be empty.

    Returns:
        The smallest pivot index, or ``-1`` when there is none (always for an
        empty list).

    Example:
        >>> pivot_index([1, 7, 3, 6, 5, 6])
        3

        Left of index 3: ``1 + 7 + 3 == 11``; right of it: ``5 + 6 == 11``.

    Edge cases the tests try: an empty list, one element (index 0: both sides
    are empty), a pivot at the first or the last index, negatives and zeros,
    several pivots (the leftmost wins), and 10^5 elements, where computing
    ``sum`` for each index is quadratic.
    """
    # TODO: one pass for the prefix sums (itertools.accumulate with initial=0),
    # TODO: then the right sum is total - left - nums[i]. Do not call sum() per index.
    # BEGIN SOLUTION
    total = sum(nums)
    for i, (left, x) in enumerate(zip(accumulate(nums, initial=0), nums)):
        if left == total - left - x:
            return i
    return -1
    # END SOLUTION


if __name__ == "__main__":
    print(letter_case_permutations("a1B"))
    print(pivot_index([1, 7, 3, 6, 5, 6]))
