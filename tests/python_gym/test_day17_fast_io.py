"""Grading tests for gym-17 (fast I/O): range_sum_queries, rle_encode, rle_decode.

Oracles: range sums are compared with ``sum(a[l - 1:r])`` on small inputs
and with ``itertools.accumulate`` on large ones; the input stream counts its
``read``/``readline``/iteration calls, so reading line by line is caught
structurally (nothing is timed). The zigzag is compared with a 2-D grid
simulation (characters placed at explicit row/column cells) and, for large
inputs, with a slicing formula (the pattern repeats every 2 * (rows - 1)
characters); the two oracles are checked against each other too.
"""

from __future__ import annotations

import io
import random
from itertools import accumulate, zip_longest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises

pytestmark = pytest.mark.exercise("gym-17")


class CountingBytesIO(io.BytesIO):
    """A BytesIO that records which reading methods were used."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.calls: list[str] = []

    def read(self, *args):
        self.calls.append("read")
        return super().read(*args)

    def readline(self, *args):
        self.calls.append("readline")
        return super().readline(*args)

    def readlines(self, *args):
        self.calls.append("readlines")
        return super().readlines(*args)

    def __iter__(self):
        self.calls.append("iter")
        return super().__iter__()

    def __next__(self):
        self.calls.append("next")
        return super().__next__()


# ------------------------------------------------------------------ range_sum_queries


def make_input(a: list[int], queries: list[tuple[int, int]], *, sep: str = "\n") -> str:
    lines = [f"{len(a)} {len(queries)}", " ".join(map(str, a))] + [f"{l} {r}" for l, r in queries]
    return sep.join(lines) + sep


def naive_answers(a: list[int], queries: list[tuple[int, int]]) -> str:
    return "".join(f"{sum(a[l - 1:r])}\n" for l, r in queries)


RANGE_CASES = [
    pytest.param([1, 2, 3, 4, 5], [(1, 5), (2, 3), (4, 4)], id="docstring"),
    pytest.param([7], [(1, 1)], id="single"),
    pytest.param([3, -1, 4], [], id="no-queries"),
    pytest.param([-5, -10, 20, 0], [(1, 2), (2, 4), (3, 3), (1, 4)], id="negatives"),
    pytest.param([10**30, 10**30, -1], [(1, 2), (1, 3)], id="big-integers"),
    pytest.param([4, 4, 4], [(1, 3)] * 4, id="repeated-query"),
]


@pytest.mark.parametrize("a,queries", RANGE_CASES)
def test_range_sums_match_naive_sums(ex, a, queries):
    data = make_input(a, queries)
    expect_equal(ex.range_sum_queries(io.BytesIO(data.encode())), naive_answers(a, queries),
                 call=f"range_sum_queries(io.BytesIO({data.encode()!r}))",
                 hint="prefix[i] = a_1 + ... + a_i with prefix[0] = 0; the sum of a[l..r] is prefix[r] - prefix[l - 1]; "
                 "each answer on its own line, ending with a newline")


def test_range_sums_empty_array_and_no_queries(ex):
    expect_equal(ex.range_sum_queries(io.BytesIO(b"0 0\n")), "", call="range_sum_queries(io.BytesIO(b'0 0\\n'))",
                 hint="no queries: the output is the empty string")


@pytest.mark.parametrize("sep", ["\r\n", " ", "\n\n\t"], ids=["crlf", "one-line", "blank-lines-and-tabs"])
def test_range_sums_any_whitespace(ex, sep):
    a, queries = [5, 6, 7], [(1, 2), (2, 3)]
    data = make_input(a, queries, sep=sep).encode()
    expect_equal(ex.range_sum_queries(io.BytesIO(data)), naive_answers(a, queries),
                 call=f"range_sum_queries(io.BytesIO({data!r}))",
                 hint="split the whole input into tokens with .split() (no argument); lines do not matter")


def test_range_sums_text_stream(ex):
    a, queries = [1, 2, 3], [(1, 3)]
    expect_equal(ex.range_sum_queries(io.StringIO(make_input(a, queries))), "6\n",
                 call="range_sum_queries(io.StringIO('3 1\\n1 2 3\\n1 3\\n'))",
                 hint="str.split() and bytes.split() both work, and int() accepts str and bytes tokens")


def test_range_sums_reads_the_stream_once(ex):
    stream = CountingBytesIO(make_input([1, 2, 3, 4], [(1, 2), (3, 4), (1, 4)]).encode())
    ex.range_sum_queries(stream)
    expect_equal(stream.calls, ["read"], call="the reading methods range_sum_queries called on the stream",
                 hint="read everything with one stream.read(), then split; readline() or `for line in stream` "
                 "per query is the slow pattern this exercise replaces")


BAD_INPUTS = [
    pytest.param(b"", "", id="empty-input"),
    pytest.param(b"3 1\n1 2\n1 2\n", "", id="too-few-tokens"),
    pytest.param(b"2 1\n1 2\n1 2\n5\n", "", id="too-many-tokens"),
    pytest.param(b"2 1\n1 x\n1 2\n", "", id="not-an-integer"),
    pytest.param(b"3 2\n1 2 3\n1 3\n3 2\n", "query 2", id="l-greater-than-r"),
    pytest.param(b"3 1\n1 2 3\n0 2\n", "query 1", id="l-zero"),
    pytest.param(b"3 2\n1 2 3\n1 1\n2 4\n", "query 2", id="r-past-end"),
]


@pytest.mark.parametrize("data,match", BAD_INPUTS)
def test_range_sums_bad_input_raises(ex, data, match):
    expect_raises(ValueError, ex.range_sum_queries, io.BytesIO(data), call=f"range_sum_queries(io.BytesIO({data!r}))",
                  match=match, hint="check the token count (2 + n + 2q) and 1 <= l <= r <= n; name the 1-based "
                  "query number in the message, e.g. 'query 2: ...'")


def test_range_sums_large_input(ex):
    rng = random.Random(17)
    n = q = 100_000
    a = [rng.randint(-10**9, 10**9) for _ in range(n)]
    queries = []
    for _ in range(q):
        l, r = sorted((rng.randint(1, n), rng.randint(1, n)))
        queries.append((l, r))
    prefix = list(accumulate(a, initial=0))
    expected = "".join(f"{prefix[r] - prefix[l - 1]}\n" for l, r in queries)
    expect_equal(ex.range_sum_queries(io.BytesIO(make_input(a, queries).encode())), expected,
                 call="range_sum_queries(<n = q = 10^5>)",
                 hint="summing each range is O(n * q), about 10^10 steps here; prefix sums make each query O(1)")


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12), st.data())
def test_range_sums_property(ex, a, data):
    n = len(a)
    queries = data.draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)).map(lambda t: tuple(sorted(t))),
                                 max_size=8))
    text = make_input(a, queries)
    expect_equal(ex.range_sum_queries(io.BytesIO(text.encode())), naive_answers(a, queries),
                 call=f"range_sum_queries({text!r})", hint="1-based inclusive ranges: prefix[r] - prefix[l - 1]")


# ------------------------------------------------------------------ zigzag_convert


def grid_zigzag(s: str, num_rows: int) -> str:
    """The oracle: place every character in a 2-D grid of (row, column) cells, then read row by row."""
    if num_rows == 1:
        return s
    cells: dict[tuple[int, int], str] = {}
    row = col = 0
    going_down = True
    for ch in s:
        cells[(row, col)] = ch
        if going_down and row == num_rows - 1:
            going_down = False
        elif not going_down and row == 0:
            going_down = True
        if going_down:
            row += 1
        else:
            row, col = row - 1, col + 1  # the diagonal moves up and to the right
    return "".join(cells[key] for key in sorted(cells))


def sliced_zigzag(s: str, num_rows: int) -> str:
    """A second oracle, by formula: the zigzag repeats with period 2 * (num_rows - 1).

    Row 0 and the last row take one character per period; a middle row r
    takes two, at offsets r and period - r, interleaved.
    """
    if num_rows == 1:
        return s
    period = 2 * (num_rows - 1)
    rows = [s[0::period]]
    for r in range(1, num_rows - 1):
        down, up = s[r::period], s[period - r :: period]
        rows.append("".join(a + b for a, b in zip_longest(down, up, fillvalue="")))
    rows.append(s[num_rows - 1 :: period])
    return "".join(rows)


ZIGZAG_CASES = [
    pytest.param("PAYPALISHIRING", 3, "PAHNAPLSIIGYIR", id="classic-3-rows"),
    pytest.param("PAYPALISHIRING", 4, "PINALSIGYAHRPI", id="classic-4-rows"),
    pytest.param("", 3, "", id="empty"),
    pytest.param("A", 1, "A", id="one-char"),
    pytest.param("ABCDE", 1, "ABCDE", id="one-row"),
    pytest.param("ABC", 5, "ABC", id="more-rows-than-chars"),
    pytest.param("ABCDEFG", 2, "ACEGBDF", id="two-rows"),
    pytest.param("ABCD", 4, "ABCD", id="rows-equal-length"),
]


@pytest.mark.parametrize("s,num_rows,expected", ZIGZAG_CASES)
def test_zigzag_known_values(ex, s, num_rows, expected):
    expect_equal(ex.zigzag_convert(s, num_rows), expected, call=f"zigzag_convert({s!r}, {num_rows})",
                 hint="the row index goes 0, 1, ..., num_rows - 1, then back up to 0, and so on; read row 0 first")


@pytest.mark.parametrize("s,num_rows", [
    pytest.param("hello, world\n 你好 🐍🦀 e\u0301", 3, id="spaces-unicode"),
    pytest.param("学而时习之不亦说乎", 2, id="chinese-two-rows"),
    pytest.param("abcdefghijklmnopqrstuvwxyz", 5, id="alphabet-5"),
    pytest.param("abcdefghijklmnopqrstuvwxyz", 25, id="alphabet-25"),
])
def test_zigzag_matches_grid(ex, s, num_rows):
    expect_equal(ex.zigzag_convert(s, num_rows), grid_zigzag(s, num_rows), call=f"zigzag_convert({s!r}, {num_rows})",
                 hint="every character lands in exactly one row; rows are read in order, each left to right")


@pytest.mark.parametrize("num_rows", [0, -2])
def test_zigzag_rejects_bad_row_count(ex, num_rows):
    expect_raises(ValueError, ex.zigzag_convert, "abc", num_rows, call=f"zigzag_convert('abc', {num_rows})",
                  hint="fewer than one row is a caller error: raise ValueError")


@pytest.mark.parametrize("num_rows", [2, 1000])
def test_zigzag_large_input(ex, num_rows):
    s = "".join(random.Random(num_rows).choices("abcdefgh学🐍", k=1_000_000))
    expected = sliced_zigzag(s, num_rows)
    expect_equal(ex.zigzag_convert(s, num_rows), expected, call=f"zigzag_convert(<10^6 characters>, {num_rows})",
                 hint="keep each row as a list of characters and ''.join once: rows[r] += ch on strings in a list "
                 "copies the row every time (quadratic; CPython's += shortcut works only for a plain local name)")


@given(st.text(alphabet="ab学🐍 ", max_size=30), st.integers(1, 8))
def test_zigzag_property(ex, s, num_rows):
    expected = grid_zigzag(s, num_rows)
    expect_equal(sliced_zigzag(s, num_rows), expected, call=f"the two oracles on ({s!r}, {num_rows})",
                 hint="(a bug in the tests: please report it)")
    expect_equal(ex.zigzag_convert(s, num_rows), expected, call=f"zigzag_convert({s!r}, {num_rows})",
                 hint="down the rows, diagonally back up, repeat; then read the rows top to bottom")
