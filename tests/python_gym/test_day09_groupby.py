"""Grading tests for gym-09 (groupby): rle_encode, rle_decode and summary_ranges.

Oracles, written without groupby: a two-pointer run scanner for the encoder,
a regular-expression parser for the decoder, and a plain loop that extends
the current range for the summaries. Round trips (decode after encode) and
Hypothesis inputs over small alphabets, where long runs are common, check
the three functions against the oracles and against each other.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises

pytestmark = pytest.mark.exercise("gym-09")


# ------------------------------------------------------------------ oracles


def scan_encode(s: str) -> str:
    """Two pointers: extend j while s[j] == s[i], then emit the run."""
    out, i = [], 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out.append(f"{j - i}{s[i]}")
        i = j
    return "".join(out)


_RUN = re.compile(r"([0-9]+)([^0-9])")


def regex_decode(code: str) -> str:
    """Decode a code known to be valid: every run is digits then one non-digit."""
    return "".join(ch * int(count) for count, ch in _RUN.findall(code))


def loop_ranges(nums: list[int]) -> list[str]:
    """Extend the current [start, end] while the next number is end + 1."""
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}->{nums[j]}")
        i = j + 1
    return out


# ------------------------------------------------------------------ rle_encode

ENCODE_CASES = [
    pytest.param("", "", id="empty"),
    pytest.param("a", "1a", id="single"),
    pytest.param("aaabccddd", "3a1b2c3d", id="docstring"),
    pytest.param("x" * 12, "12x", id="run-longer-than-9"),
    pytest.param("aA", "1a1A", id="case-sensitive"),
    pytest.param("aabaa", "2a1b2a", id="same-char-in-two-runs"),
    pytest.param("  a ", "2 1a1 ", id="spaces"),
    pytest.param("学学习", "2学1习", id="chinese"),
    pytest.param("🐍🐍🐍", "3🐍", id="emoji"),
    pytest.param("x²²", "1x2²", id="superscript-is-a-character"),
    pytest.param("a\n\nb", "1a2\n1b", id="newlines"),
]


@pytest.mark.parametrize("s,expected", ENCODE_CASES)
def test_rle_encode_known_values(ex, s, expected):
    expect_equal(scan_encode(s), expected, call=f"(oracle) scan_encode({s!r})")
    expect_equal(
        ex.rle_encode(s),
        expected,
        call=f"rle_encode({s!r})",
        hint="one <count><char> per maximal run, count always written; groupby groups consecutive equal characters only",
    )


@pytest.mark.parametrize("s", ["a1", "0", "ab9ba", "x" * 5 + "7"])
def test_rle_encode_rejects_ascii_digits(ex, s):
    expect_raises(ValueError, ex.rle_encode, s, call=f"rle_encode({s!r})",
                  hint="a digit in the text would be read back as part of a count: raise ValueError")


def test_rle_encode_large_input(ex):
    rng = random.Random(9)
    s = "".join(rng.choice("ab") * rng.randint(1, 30) for _ in range(10_000))
    expect_equal(ex.rle_encode(s), scan_encode(s), call=f"rle_encode(<{len(s)} characters in runs of a and b>)",
                 hint="count each run once; do not use str.count or rescan the text")


@given(st.text(alphabet="aab é中", max_size=30))
def test_rle_encode_property(ex, s):
    expect_equal(ex.rle_encode(s), scan_encode(s), call=f"rle_encode({s!r})",
                 hint="runs are maximal: a character equal to its left neighbour extends the run")


# ------------------------------------------------------------------ rle_decode

DECODE_CASES = [
    pytest.param("", "", id="empty"),
    pytest.param("1a", "a", id="single"),
    pytest.param("3a1b2c", "aaabcc", id="docstring"),
    pytest.param("12x", "x" * 12, id="multi-digit-count"),
    pytest.param("2a3a", "aaaaa", id="adjacent-same-char"),
    pytest.param("3 1-", "   -", id="space-and-dash"),
    pytest.param("2学1习", "学学习", id="chinese"),
    pytest.param("3²", "²²²", id="superscript-is-a-character"),
    pytest.param("02z", "zz", id="leading-zero"),
    pytest.param("1\n2\t", "\n\t\t", id="whitespace-characters"),
]


@pytest.mark.parametrize("code,expected", DECODE_CASES)
def test_rle_decode_known_values(ex, code, expected):
    expect_equal(regex_decode(code), expected, call=f"(oracle) regex_decode({code!r})")
    expect_equal(
        ex.rle_decode(code),
        expected,
        call=f"rle_decode({code!r})",
        hint="group the code with key=lambda c: c in '0123456789': a digit group is a count, the next group its character",
    )


MALFORMED = [
    pytest.param("a", "a character with no count before it", id="no-count"),
    pytest.param("3ab", "'b' has no count of its own", id="two-chars-after-count"),
    pytest.param("3", "a count with no character after it", id="only-count"),
    pytest.param("2a5", "the code ends with a count", id="trailing-count"),
    pytest.param("0a", "a run of zero characters is not a run", id="zero-count"),
    pytest.param("2a00b", "a run of zero characters is not a run", id="zero-count-later"),
    pytest.param("²a", "'²' is a character, not a count: str.isdigit('²') is True, but it is no ASCII digit", id="superscript-count"),
]


@pytest.mark.parametrize("code,why", MALFORMED)
def test_rle_decode_rejects_malformed_codes(ex, code, why):
    expect_raises(ValueError, ex.rle_decode, code, call=f"rle_decode({code!r})", hint=f"malformed: {why}; raise ValueError")


@given(st.text(alphabet="aab é中²", max_size=30))
def test_rle_round_trip(ex, s):
    code = scan_encode(s)
    expect_equal(ex.rle_decode(code), s, call=f"rle_decode({code!r})  # = rle_encode({s!r})",
                 hint="each <count><char> run expands to char * count")


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=120), st.sampled_from("ab中 ")), max_size=8))
def test_rle_decode_property(ex, runs):
    code = "".join(f"{count}{ch}" for count, ch in runs)
    expect_equal(ex.rle_decode(code), regex_decode(code), call=f"rle_decode({code!r})",
                 hint="counts may have several digits: join the whole digit group before int()")


def test_rle_decode_large_input(ex):
    rng = random.Random(4)
    code = "".join(f"{rng.randint(1, 50)}{rng.choice('xyz')}" for _ in range(20_000))
    expect_equal(ex.rle_decode(code), regex_decode(code), call="rle_decode(<20000 random runs>)",
                 hint="build a list of pieces and join once; repeated string += can be quadratic")


# ------------------------------------------------------------------ summary_ranges

RANGE_CASES = [
    pytest.param([], [], id="empty"),
    pytest.param([5], ["5"], id="single"),
    pytest.param([0, 1, 2, 4, 5, 7], ["0->2", "4->5", "7"], id="docstring"),
    pytest.param([0, 2, 3, 4, 6, 8, 9], ["0", "2->4", "6", "8->9"], id="leetcode"),
    pytest.param([1, 2, 3, 4], ["1->4"], id="all-consecutive"),
    pytest.param([1, 3, 5], ["1", "3", "5"], id="none-consecutive"),
    pytest.param([-3, -2, -1, 1], ["-3->-1", "1"], id="negatives"),
    pytest.param([-1, 0, 1], ["-1->1"], id="across-zero"),
    pytest.param([10**20, 10**20 + 1], [f"{10**20}->{10**20 + 1}"], id="huge"),
]


@pytest.mark.parametrize("nums,expected", RANGE_CASES)
def test_summary_ranges_known_values(ex, nums, expected):
    expect_equal(loop_ranges(nums), expected, call=f"(oracle) loop_ranges({nums!r})")
    expect_equal(
        ex.summary_ranges(list(nums)),
        expected,
        call=f"summary_ranges({nums!r})",
        hint="group enumerate(nums) by value - index; a group of one is written 'a', longer ones 'a->b'",
    )


@pytest.mark.parametrize(
    "nums",
    [pytest.param([1, 1, 2], id="duplicate"), pytest.param([3, 2], id="step-down"), pytest.param([0, 1, 2, 5, 4], id="late-step-down")],
)
def test_summary_ranges_rejects_unsorted(ex, nums):
    expect_raises(ValueError, ex.summary_ranges, nums, call=f"summary_ranges({nums!r})",
                  hint="check nums[i] > nums[i - 1] for every i before grouping; the key trick silently misgroups unsorted input")


def test_summary_ranges_large_input(ex):
    rng = random.Random(5)
    nums = sorted(rng.sample(range(200_000), 100_000))
    expect_equal(ex.summary_ranges(nums), loop_ranges(nums), call="summary_ranges(<100000 sorted distinct numbers>)",
                 hint="one pass with groupby; do not rescan from the start of each range")


@given(st.sets(st.integers(min_value=-15, max_value=15), max_size=20))
def test_summary_ranges_property(ex, values):
    nums = sorted(values)
    expect_equal(ex.summary_ranges(nums), loop_ranges(nums), call=f"summary_ranges({nums!r})",
                 hint="x - i stays constant along a run of consecutive values and jumps at a gap")
