"""Day 9: itertools.groupby for runs of equal (or related) neighbours.

Two interview problems about *consecutive* segments, which is exactly what
``groupby`` groups:

- ``rle_encode`` / ``rle_decode``: run-length encoding, ``"aaab" <-> "3a1b"``;
  decoding groups the code itself into digit runs and character runs;
- ``summary_ranges``: ``[0, 1, 2, 4, 5, 7] -> ["0->2", "4->5", "7"]``, with
  the "value minus index is constant inside a run" key.

In scope: ``groupby`` with and without a ``key``, consuming each group once,
validating input. Out of scope: encodings that allow digits in the text
(they need an escape or a separator), and unsorted input for the ranges.
"""

from __future__ import annotations

from itertools import groupby

DIGITS = "0123456789"  # the only characters a count is written with (str.isdigit also accepts "²" and "٣")


def rle_encode(s: str) -> str:
    """Return the run-length encoding of ``s``: each run of one character as ``<count><char>``.

    The count is always written, even for a run of one, in decimal without
    leading zeros. Runs are maximal: ``"aab"`` is ``"2a1b"``, never
    ``"1a1a1b"``. Characters are compared exactly (case-sensitive, by code
    point), and any character other than an ASCII digit may appear: spaces,
    ``"é"``, ``"中"``, emoji.

    Args:
        s: the text; may be empty.

    Returns:
        The code; ``""`` for the empty text.

    Raises:
        ValueError: if ``s`` contains an ASCII digit ``0``-``9`` (the code
            could not tell it from a count). Other digits, such as ``"²"``,
            are ordinary characters.

    Example:
        >>> rle_encode("aaabccddd")
        '3a1b2c3d'

    Edge cases the tests try: the empty string, one character, a run longer
    than 9 (``"12x"``), runs that differ only in case (``"aA"``), runs
    separated by others (``"aabaa"`` is ``"2a1b2a"``), spaces, Unicode, an
    ASCII digit in the text, and 10^5 characters.
    """
    # TODO: `for ch, run in groupby(s)`; a run is an iterator with no len(),
    # TODO: so count it while consuming it. Reject ASCII digits with ValueError.
    raise NotImplementedError("gym-09: rle_encode is not written yet")


def rle_decode(code: str) -> str:
    """Return the text that ``code`` encodes: the inverse of ``rle_encode``.

    A valid code is a sequence of runs, each a count (one or more ASCII
    digits, value at least 1; leading zeros are tolerated) followed by
    exactly one character that is not an ASCII digit. Adjacent runs of the
    same character are allowed (``"2a3a"`` decodes to ``"aaaaa"``).

    Args:
        code: the encoded text; may be empty.

    Returns:
        The decoded text; ``""`` for the empty code.

    Raises:
        ValueError: for a malformed code, saying what is wrong: a character
            without a count (``"a"``, ``"3ab"``), a count without a character
            (``"3"``, ``"2a5"``), or a zero count (``"0a"``).

    Example:
        >>> rle_decode("3a1b2c")
        'aaabcc'
        >>> rle_decode("12x")
        'xxxxxxxxxxxx'

    Edge cases the tests try: the empty code, multi-digit counts, a count of
    one, Unicode and space characters, ``"²"`` as the character (not a
    count), every malformed form above, and round trips ``rle_decode(rle_encode(s)) == s``.
    """
    # TODO: group the code itself with groupby(code, key=lambda c: c in DIGITS):
    # TODO: digit groups and character groups must alternate, starting with digits,
    # TODO: and each character group holds exactly one character.
    raise NotImplementedError("gym-09: rle_decode is not written yet")


def summary_ranges(nums: list[int]) -> list[str]:
    """Summarise strictly increasing integers as maximal ranges of consecutive values.

    A range ``a, a+1, ..., b`` is written ``"a->b"`` when ``a < b`` and
    ``"a"`` when it holds one number. Negative numbers are written with their
    sign: ``"-3->-1"``.

    Args:
        nums: integers in strictly increasing order (no duplicates); may be empty.

    Returns:
        The ranges, in increasing order; ``[]`` for no numbers.

    Raises:
        ValueError: if ``nums`` is not strictly increasing (a duplicate or a
            step down), naming the first offending position.

    Example:
        >>> summary_ranges([0, 1, 2, 4, 5, 7])
        ['0->2', '4->5', '7']

    Edge cases the tests try: no numbers, one number, all consecutive, no two
    consecutive, negatives and ranges across zero, huge integers, duplicates
    and unsorted input (ValueError), and 10^5 numbers.
    """
    # TODO: inside a run, value - index is the same for every element: group
    # TODO: enumerate(nums) by that key. Check the order first (ValueError).
    raise NotImplementedError("gym-09: summary_ranges is not written yet")


if __name__ == "__main__":
    print(rle_encode("aaabccddd"), rle_decode("3a1b2c"))
    print(summary_ranges([0, 1, 2, 4, 5, 7]))
