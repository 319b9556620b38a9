"""Day 17: fast input, fast output, and string building without quadratic cost.

Two problems where the algorithm is easy and the constant factors decide
whether a solution passes:

- ``range_sum_queries``: the judge-style "sum of each query range" problem.
  Read all of the input with one ``read()``, split it into tokens once,
  answer each query in O(1) with prefix sums, and return the whole output
  as one string (written with one ``write``).
- ``zigzag_convert``: write a long string in a zigzag over several rows and
  read the rows back; each row is built as a list of characters and joined
  once, never by ``+=`` on strings stored in a list (quadratic).

Run problem 1 as a judge would (reads stdin, writes stdout)::

    printf '3 2\\n1 2 3\\n1 3\\n2 2\\n' | python -m python_gym.day17_fast_io

In scope: ``sys.stdin.buffer.read().split()``, ``int`` on ``bytes`` tokens,
prefix sums with ``itertools.accumulate``, ``"".join``. Out of scope:
measuring the speed-ups (that is ``learn bench fast-io``; the tests never
time anything).
"""

from __future__ import annotations

import sys
from itertools import accumulate
from typing import BinaryIO, TextIO

# ---------------------------------------------------------------- problem 1: range sums, fast I/O


def range_sum_queries(stream: BinaryIO | TextIO) -> str:
    """Answer "sum of a[l..r]" queries read from ``stream``; return the output text.

    Input (tokens separated by any whitespace; line breaks carry no meaning)::

        n q
        a_1 a_2 ... a_n
        l_1 r_1
        ...
        l_q r_q

    ``n >= 0`` integers ``a_i`` (any sign, any size), then ``q >= 0``
    queries with ``1 <= l <= r <= n`` (1-based, inclusive).

    Args:
        stream: a binary or text stream (``sys.stdin.buffer``,
            ``io.BytesIO``, ``io.StringIO``). It is read with exactly one
            ``stream.read()`` call: no ``readline``, no iterating line by line.

    Returns:
        One line per query, ``str(sum)`` followed by ``"\\n"``; ``""`` when
        ``q == 0``.

    Raises:
        ValueError: if the number of tokens is not ``2 + n + 2 * q``, a token
            is not an integer, or a query is out of range (the message names
            the 1-based query number, e.g. ``"query 2: ..."``).

    Example:
        >>> import io
        >>> range_sum_queries(io.BytesIO(b"5 3\\n1 2 3 4 5\\n1 5\\n2 3\\n4 4\\n"))
        '15\\n5\\n4\\n'

    Edge cases the tests try: ``q = 0`` (empty output), ``n = 0``, one
    element, negative values, integers beyond 64 bits, ``\\r\\n`` line ends,
    all tokens on one line, text instead of bytes, too few or too many
    tokens, ``l > r``, ``l = 0``, ``r > n``, a stream that counts its
    ``read``/``readline`` calls, and n = q = 10^5.
    """
    # TODO: tokens = stream.read().split() (int() accepts bytes tokens too);
    # TODO: build prefix sums once (prefix[i] = a_1 + ... + a_i, prefix[0] = 0);
    # TODO: collect the answers in a list and "\n".join them at the end.
    raise NotImplementedError("gym-17: range_sum_queries is not written yet")


# ---------------------------------------------------------------- problem 2: zigzag, building strings


def zigzag_convert(s: str, num_rows: int) -> str:
    """Write ``s`` in a zigzag over ``num_rows`` rows, then read the rows top to bottom.

    The characters go down rows ``0, 1, ..., num_rows - 1``, then diagonally
    back up ``num_rows - 2, ..., 1``, then down again, and so on. With
    ``s = "PAYPALISHIRING"`` and 3 rows::

        P   A   H   N
        A P L S I I G
        Y   I   R

    and the rows read left to right give ``"PAHNAPLSIIGYIR"``. With one row
    (or at least ``len(s)`` rows) the text is unchanged.

    Args:
        s: any string (one character is one code point); up to 10^6 of them.
        num_rows: the number of rows, ``>= 1``.

    Returns:
        The rows concatenated; a permutation of ``s``.

    Raises:
        ValueError: if ``num_rows < 1``.

    Example:
        >>> zigzag_convert("PAYPALISHIRING", 4)
        'PINALSIGYAHRPI'

    Edge cases the tests try: ``""``, one character, one row, more rows than
    characters, two rows (even and odd positions), spaces and newlines,
    Chinese and emoji, ``num_rows`` of 0 or less, and 10^6 characters over 2
    and 1000 rows. Build each row as a list of characters: ``rows[r] += ch``
    on strings stored in a list copies the whole row every time (CPython's
    in-place ``+=`` shortcut only applies to a plain local variable), which
    is quadratic: hopeless for 10^6 characters.
    """
    # TODO: one list per row; walk the characters with a row index that
    # TODO: bounces between 0 and num_rows - 1; append each character to its
    # TODO: row's list; "".join every row once at the end.
    raise NotImplementedError("gym-17: zigzag_convert is not written yet")


def main() -> None:
    """Judge entry point: read stdin as bytes, write all answers with one write."""
    sys.stdout.write(range_sum_queries(sys.stdin.buffer))


if __name__ == "__main__":
    main()
