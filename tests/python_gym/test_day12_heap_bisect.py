"""Grading tests for gym-12 (heap + binary search): kth smallest in a sorted matrix, MedianFinder.

Oracles: ``sorted(all entries)[k - 1]`` for both matrix solvers, and
``statistics.median`` (or a ``bisect.insort``-maintained list for long
streams) for the median. Both matrix solvers get every test; on a 300x300
matrix whose rows count their reads, the heap must read about ``rows + k``
entries and the value search about ``(rows + cols) * log2(range)`` — a
flatten-and-sort reads all 90 000. Work is counted, never timed.
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-12")

SOLVERS = ["kth_smallest_heap", "kth_smallest_binary_search"]


# ------------------------------------------------------------------ helpers and oracles


def sorted_matrix(rows: int, cols: int, rng: random.Random, *, step: int = 3, start: int = 0) -> list[list[int]]:
    """Each entry is max(above, left) plus a random step in 0..step: rows and columns non-decreasing."""
    m = [[0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            base = max(m[r - 1][c] if r else start, m[r][c - 1] if c else start)
            m[r][c] = base + rng.randint(0, step)
    return m


def oracle_kth(matrix, k):
    return sorted(x for row in matrix for x in row)[k - 1]


class Reads:
    """Shared read counter for the rows of one matrix, failing past a budget."""

    def __init__(self, budget: int, what: str):
        self.budget, self.what, self.count = budget, what, 0

    def add(self, n: int) -> None:
        self.count += n
        if self.count > self.budget:
            raise AssertionError(f"read more than {self.budget} matrix entries: {self.what}")


class CountingRow(Sequence):
    """A read-only row that reports every entry read to a Reads counter."""

    def __init__(self, values: list[int], reads: Reads):
        self._values, self._reads = values, reads

    def __len__(self):
        return len(self._values)

    def __getitem__(self, i):
        got = self._values[i]
        self._reads.add(len(got) if isinstance(i, slice) else 1)
        return got


def matrix_call(name, matrix, k):
    if len(matrix) <= 4 and all(len(row) <= 4 for row in matrix):
        return f"{name}({matrix!r}, {k})"
    return f"{name}(<{len(matrix)}x{len(matrix[0])} sorted matrix>, {k})"


# ------------------------------------------------------------------ kth smallest

EXAMPLE = [[1, 5, 9], [10, 11, 13], [12, 13, 15]]

MATRIX_CASES = [
    pytest.param(EXAMPLE, 8, id="docstring"),
    pytest.param(EXAMPLE, 1, id="k-first"),
    pytest.param(EXAMPLE, 9, id="k-last"),
    pytest.param([[-5]], 1, id="one-by-one"),
    pytest.param([[1, 3, 3, 7]], 3, id="one-row"),
    pytest.param([[2], [4], [4], [9]], 4, id="one-column"),
    pytest.param([[1, 2], [1, 3]], 2, id="duplicates-across-rows"),
    pytest.param([[1, 1, 1], [1, 1, 1]], 5, id="all-equal"),
    pytest.param([[-9, -4, 0], [-8, -1, 2]], 3, id="negatives"),
    pytest.param([[1, 2, 3, 4], [2, 3, 4, 5]], 6, id="rectangular-wide"),
    pytest.param([[1, 10], [2, 11], [3, 12], [20, 30]], 4, id="rectangular-tall"),
    pytest.param([[0, 10**18], [10**18, 10**18 + 1]], 2, id="huge-values"),
]


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize("matrix,k", MATRIX_CASES)
def test_kth_smallest_known_values(ex, name, matrix, k):
    expect_equal(
        getattr(ex, name)(matrix, k),
        oracle_kth(matrix, k),
        call=matrix_call(name, matrix, k),
        hint="k is 1-based and duplicates count separately: the answer is sorted(all entries)[k - 1]",
    )


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize("matrix,k", [([[1, 2], [3, 4]], 0), ([[1, 2], [3, 4]], 5), ([[1]], -1), ([], 1), ([[]], 1)])
def test_kth_smallest_rejects_bad_input(ex, name, matrix, k):
    expect_raises(ValueError, getattr(ex, name), matrix, k, call=f"{name}({matrix!r}, {k})",
                  hint="an empty matrix or k outside 1..rows * cols is a ValueError (_check_matrix does it)")


@pytest.mark.parametrize("name", SOLVERS)
def test_kth_smallest_does_not_modify_matrix(ex, name):
    matrix = [row[:] for row in EXAMPLE]
    getattr(ex, name)(matrix, 5)
    expect_equal(matrix, EXAMPLE, call=f"matrix after {name}(matrix, 5)", hint="read the matrix; do not pop from or sort its rows")


@pytest.mark.parametrize("name", SOLVERS)
@given(data=st.data(), rows=st.integers(1, 5), cols=st.integers(1, 5), seed=st.integers(0, 10**6))
def test_kth_smallest_property(ex, name, data, rows, cols, seed):
    matrix = sorted_matrix(rows, cols, random.Random(seed), step=2, start=-3)
    k = data.draw(st.integers(1, rows * cols), label="k")
    expect_equal(getattr(ex, name)(matrix, k), oracle_kth(matrix, k), call=f"{name}({matrix!r}, {k})",
                 hint="compare with sorted(all entries)[k - 1]")


def test_kth_smallest_heap_reads_only_what_it_needs(ex):
    rows = cols = 300
    k = 7
    matrix = sorted_matrix(rows, cols, random.Random(1))
    reads = Reads(2 * (rows + k) + 10, "the heap needs the first entry of (at most) each row plus one entry per pop; "
                  "do not flatten or sort the matrix")
    counted = [CountingRow(row, reads) for row in matrix]
    expect_equal(ex.kth_smallest_heap(counted, k), oracle_kth(matrix, k), call=matrix_call("kth_smallest_heap", matrix, k))


def test_kth_smallest_binary_search_reads_few_entries(ex):
    rows = cols = 300
    matrix = sorted_matrix(rows, cols, random.Random(2), step=50)
    k = rows * cols // 3
    span = matrix[-1][-1] - matrix[0][0] + 1
    budget = (rows + cols) * (math.ceil(math.log2(span)) + 2) + 10
    reads = Reads(budget, "each guess should count the entries <= mid with one staircase walk (O(rows + cols)), "
                  "and the guesses should halve the value range")
    counted = [CountingRow(row, reads) for row in matrix]
    expect_equal(ex.kth_smallest_binary_search(counted, k), oracle_kth(matrix, k),
                 call=matrix_call("kth_smallest_binary_search", matrix, k))
    expect_true(reads.count < rows * cols, message=f"kth_smallest_binary_search read {reads.count} entries of a {rows}x{cols} matrix",
                hint="the point of the value search is to read far fewer entries than the matrix holds")


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_kth_smallest_binary_search_answer_is_an_entry(ex, k):
    matrix = [[1, 100], [200, 300]]  # big gaps: a value search that stops early returns a number between entries
    expect_equal(ex.kth_smallest_binary_search(matrix, k), oracle_kth(matrix, k), call=f"kth_smallest_binary_search({matrix!r}, {k})",
                 hint="search for the FIRST value with count(<= v) >= k; that value is always an entry")


# ------------------------------------------------------------------ MedianFinder


def test_median_docstring_example(ex):
    mf = ex.MedianFinder()
    mf.add_num(1)
    mf.add_num(2)
    got = mf.find_median()
    expect_float(got, 1.5, call="mf.add_num(1); mf.add_num(2); mf.find_median()", hint="even count: the mean of the two middle numbers")
    mf.add_num(3)
    got = mf.find_median()
    expect_float(got, 2.0, call="...; mf.add_num(3); mf.find_median()", hint="odd count: the middle number")
    expect_true(isinstance(got, float), message=f"find_median() returned {got!r}, a {type(got).__name__}", hint="return a float: float(-low[0])")


def test_median_of_nothing_raises(ex):
    mf = ex.MedianFinder()
    expect_raises(ValueError, mf.find_median, call="MedianFinder().find_median()", hint="no numbers, no median: raise ValueError")


@pytest.mark.parametrize(
    "nums",
    [
        pytest.param([7], id="single"),
        pytest.param([1, 2, 3, 4, 5, 6], id="increasing"),
        pytest.param([6, 5, 4, 3, 2, 1], id="decreasing"),
        pytest.param([2, 2, 2, 1, 3], id="duplicates"),
        pytest.param([-5, -1, -3, -2], id="negatives"),
        pytest.param([0.5, -1.25, 3.75], id="floats"),
        pytest.param([5, 15, 1, 3, 8, 7, 9, 10, 20, 4], id="mixed"),
    ],
)
def test_median_after_every_add(ex, nums):
    mf = ex.MedianFinder()
    for i, x in enumerate(nums):
        mf.add_num(x)
        expected = statistics.median(nums[: i + 1])
        expect_float(mf.find_median(), expected, call=f"add {nums[: i + 1]!r} one by one; find_median()",
                     hint="keep len(low) == len(high) or len(high) + 1, every number in low <= every number in high")


def test_median_asking_twice_changes_nothing(ex):
    mf = ex.MedianFinder()
    for x in [4, 1, 9]:
        mf.add_num(x)
    first, second = mf.find_median(), mf.find_median()
    expect_float(second, first, call="add 4, 1, 9; find_median() twice", hint="find_median must not pop from the heaps")
    expect_float(second, 4.0, call="add 4, 1, 9; find_median()")


def test_median_instances_are_independent(ex):
    a, b = ex.MedianFinder(), ex.MedianFinder()
    a.add_num(100)
    b.add_num(1)
    expect_float(b.find_median(), 1.0, call="a.add_num(100); b.add_num(1); b.find_median()",
                 hint="create the heaps in __init__, not as class attributes")


def test_median_long_stream(ex):
    rng = random.Random(8)
    mf = ex.MedianFinder()
    ordered: list[int] = []
    for i in range(1, 50_001):
        x = rng.randint(-(10**6), 10**6)
        mf.add_num(x)
        bisect.insort(ordered, x)
        if i % 997 == 0 or i <= 5:
            n = len(ordered)
            expected = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
            got = mf.find_median()
            if got != expected:
                expect_float(got, expected, call=f"after {i} random add_num calls, find_median()",
                             hint="rebalance after every add; the heaps' tops are the middle numbers")


@given(st.lists(st.integers(-20, 20), min_size=1, max_size=30))
def test_median_property(ex, nums):
    mf = ex.MedianFinder()
    for x in nums:
        mf.add_num(x)
    expect_float(mf.find_median(), statistics.median(nums), call=f"add {nums!r} one by one; find_median()",
                 hint="the median of the sorted numbers: the middle one, or the mean of the middle two")
