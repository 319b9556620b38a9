"""Grading tests for gym-04 (sorting): reorder_log_files and largest_number.

Oracles: the logs are split into letter- and digit-logs by hand and the
letter-logs placed by a plain insertion sort (no key function, no library
sort). largest_number is checked by brute force over every permutation for
small inputs, and for large inputs by an independent key: comparing ``a + b``
with ``b + a`` is the same as comparing the infinite repetitions ``aaa...``
and ``bbb...``, and two such repetitions that agree on their first
``len(a) + len(b)`` characters are equal (Fine and Wilf), so a repetition cut
at twice the longest number is an exact sort key.
"""

from __future__ import annotations

import random
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-04")


# ------------------------------------------------------------------ reorder_log_files


def oracle_logs(logs: list[str]) -> list[str]:
    letter_logs: list[tuple[str, str, str]] = []  # (content, identifier, line), placed by insertion sort
    digit_logs: list[str] = []
    for line in logs:
        identifier, content = line.split(" ", 1)
        if content[0] in "0123456789":
            digit_logs.append(line)
            continue
        i = len(letter_logs)
        while i > 0:
            prev_content, prev_identifier, _ = letter_logs[i - 1]
            if prev_content < content or (prev_content == content and prev_identifier <= identifier):
                break
            i -= 1
        letter_logs.insert(i, (content, identifier, line))
    return [line for _, _, line in letter_logs] + digit_logs


LOG_CASES = [
    pytest.param([], id="empty"),
    pytest.param(["a1 9 2 3"], id="single-digit-log"),
    pytest.param(["g1 act car"], id="single-letter-log"),
    pytest.param(["d1 8 1 5", "g7 act zoo", "d2 3 6", "a9 act car", "b4 act zoo"], id="docstring-example"),
    pytest.param(["z 9", "a 1", "m 5 5", "b 0"], id="only-digit-logs-keep-order"),
    pytest.param(["x1 9", "x1 1", "x1 5"], id="digit-logs-same-identifier"),
    pytest.param(["c beta", "a gamma", "b alpha"], id="only-letter-logs"),
    pytest.param(["b1 abc", "a1 abd"], id="content-before-identifier"),
    pytest.param(["z same words", "a same words", "m same words"], id="equal-content"),
    pytest.param(["a2 art", "a10 art", "a1 art"], id="identifiers-compare-as-strings"),
    pytest.param(["x art can", "y art", "z art ca"], id="content-prefixes"),
    pytest.param(["q dup log", "q dup log", "p 1 1", "p 1 1"], id="identical-lines"),
    pytest.param(["123 abc", "abc 123", "7 zz"], id="numeric-identifier-letter-log"),
    pytest.param(["d1 3 1", "l1 zz", "d2 2", "l2 aa", "d0 1"], id="interleaved"),
]


@pytest.mark.parametrize("logs", LOG_CASES)
def test_reorder_log_files_matches_oracle(ex, logs):
    expect_equal(
        ex.reorder_log_files(list(logs)),
        oracle_logs(logs),
        call=f"reorder_log_files({logs!r})",
        hint="classify by the first character of the *content* (after the identifier); letter-logs sort by "
        "(content, identifier); digit-logs must keep their input order, so give them equal keys",
    )


def test_reorder_log_files_does_not_modify_input(ex):
    logs = ["d1 8 1", "a1 act", "b1 act"]
    ex.reorder_log_files(logs)
    expect_equal(logs, ["d1 8 1", "a1 act", "b1 act"], call="the logs list after reorder_log_files(logs)",
                 hint="return sorted(logs, key=...) instead of calling logs.sort()")


def random_log(rng: random.Random, identifiers: list[str], letters: str) -> str:
    words = rng.randint(1, 3)
    if rng.random() < 0.4:
        content = " ".join(str(rng.randint(0, 99)) for _ in range(words))
    else:
        content = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(1, 3))) for _ in range(words))
    return f"{rng.choice(identifiers)} {content}"


def test_reorder_log_files_large_input(ex):
    rng = random.Random(4)
    identifiers = [f"id{i}" for i in range(40)]
    logs = [random_log(rng, identifiers, "abcd") for _ in range(5_000)]
    expect_equal(ex.reorder_log_files(logs), oracle_logs(logs), call="reorder_log_files(<5000 random logs>)",
                 hint="one sorted() call with a tuple key is O(n log n)")


@given(st.lists(st.integers(0, 2**32), max_size=12))
def test_reorder_log_files_property(ex, seeds):
    logs = [random_log(random.Random(s), ["a", "b", "a1", "10"], "ab") for s in seeds]
    expect_equal(ex.reorder_log_files(list(logs)), oracle_logs(logs), call=f"reorder_log_files({logs!r})",
                 hint="letter-logs first by (content, identifier); digit-logs last, in input order")


# ------------------------------------------------------------------ largest_number


def brute_largest(nums: list[int]) -> str:
    """Try every arrangement (len(nums) <= 7); int() strips leading zeros."""
    return str(max(int("".join(map(str, p))) for p in permutations(nums)))  # short: int() is safe here


def repetition_key_largest(nums: list[int]) -> str:
    strings = [str(x) for x in nums]
    width = 2 * max(len(s) for s in strings)
    ordered = sorted(strings, key=lambda s: (s * width)[:width], reverse=True)
    return "".join(ordered).lstrip("0") or "0"  # not int(): over 4300 digits it raises ValueError


LARGEST_CASES = [
    pytest.param([7], id="single"),
    pytest.param([0], id="single-zero"),
    pytest.param([0, 0, 0], id="all-zeros"),
    pytest.param([0, 0, 1], id="zeros-and-one"),
    pytest.param([10, 2], id="ten-and-two"),
    pytest.param([3, 30, 34, 5, 9], id="docstring-example"),
    pytest.param([12, 121], id="prefix-12-121"),
    pytest.param([121, 12], id="prefix-121-12"),
    pytest.param([824, 8247], id="prefix-824-8247"),
    pytest.param([5, 5, 5], id="repeats"),
    pytest.param([1, 10, 100, 1000], id="powers-of-ten"),
    pytest.param([999999999, 1000000000, 9], id="large-numbers"),
    pytest.param([20, 1, 0, 0], id="zeros-at-the-end"),
]


@pytest.mark.parametrize("nums", LARGEST_CASES)
def test_largest_number_matches_brute_force(ex, nums):
    expect_equal(
        ex.largest_number(list(nums)),
        brute_largest(nums),
        call=f"largest_number({nums!r})",
        hint="put a before b when str(a) + str(b) > str(b) + str(a) (functools.cmp_to_key); "
        "plain string order gets '3' vs '30' wrong; all zeros give '0'",
    )


@pytest.mark.parametrize("nums", [[], [-1], [3, -30, 4]], ids=["empty", "negative", "negative-among-others"])
def test_largest_number_rejects_bad_input(ex, nums):
    try:
        got = ex.largest_number(nums)
    except ValueError:
        return
    expect_true(False, message=f"largest_number({nums!r}) returned {got!r} instead of raising ValueError",
                hint="there is no number to build from an empty list, and '-' cannot be placed in the middle: "
                "raise ValueError with the reason")


def test_largest_number_large_input(ex):
    rng = random.Random(6)
    nums = [rng.choice([rng.randint(0, 9), rng.randint(0, 999), rng.randint(0, 10**6)]) for _ in range(2000)]
    expect_equal(ex.largest_number(nums), repetition_key_largest(nums), call="largest_number(<2000 random ints>)",
                 hint="sort once with cmp_to_key(compare), where compare looks at a + b versus b + a")


TRICKY = st.sampled_from([30, 34, 121, 212, 9, 90, 909, 100])


@given(st.lists(st.one_of(st.integers(0, 12), TRICKY), min_size=1, max_size=6))
def test_largest_number_property(ex, nums):
    expect_equal(ex.largest_number(nums), brute_largest(nums), call=f"largest_number({nums!r})",
                 hint="the comparison must return -1 when a should come first (a + b > b + a), 1 for the "
                 "opposite and 0 when a + b == b + a")
