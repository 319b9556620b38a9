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
    # BEGIN SOLUTION
    parts = []
    for ch, run in groupby(s):
        if ch in DIGITS:
            raise ValueError(f"cannot encode {s!r}: it contains the digit {ch!r}, which would read as a count")
        parts.append(f"{sum(1 for _ in run)}{ch}")
    return "".join(parts)
    # END SOLUTION


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
    # BEGIN SOLUTION
    parts = []
    count = None  # the count just read, waiting for its character
    for is_count, group in groupby(code, key=lambda c: c in DIGITS):
        text = "".join(group)
        if is_count:
            count = int(text)
            if count == 0:
                raise ValueError(f"malformed run-length code {code!r}: a count of 0 ({text!r})")
            continue
        if count is None:
            raise ValueError(f"malformed run-length code {code!r}: the character {text[0]!r} has no count before it")
        if len(text) > 1:
            raise ValueError(f"malformed run-length code {code!r}: {text[1]!r} after {count}{text[0]} has no count before it")
        parts.append(text * count)
        count = None
    if count is not None:
        raise ValueError(f"malformed run-length code {code!r}: it ends with the count {count} and no character")
    return "".join(parts)
    # END SOLUTION


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
    # BEGIN SOLUTION
    for i in range(1, len(nums)):
        if nums[i] <= nums[i - 1]:
            raise ValueError(f"nums must be strictly increasing, but nums[{i - 1}] = {nums[i - 1]} and nums[{i}] = {nums[i]}")
    ranges = []
    for _, group in groupby(enumerate(nums), key=lambda pair: pair[1] - pair[0]):
        run = [value for _, value in group]
        ranges.append(f"{run[0]}->{run[-1]}" if len(run) > 1 else f"{run[0]}")
    return ranges
    # END SOLUTION


if __name__ == "__main__":
    print(rle_encode("aaabccddd"), rle_decode("3a1b2c"))
    print(summary_ranges([0, 1, 2, 4, 5, 7]))
