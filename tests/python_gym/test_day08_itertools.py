"""Grading tests for gym-08 (itertools): letter_case_permutations and pivot_index.

Oracles, written without itertools: a hand-written recursion that branches on
every ASCII letter (lower case first), and a brute-force pivot search that
sums both sides of every index. Hypothesis compares both with the exercise on
small inputs; the large pivot inputs are built so that the answer is known.
"""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-08")


# ------------------------------------------------------------------ oracles


def recursive_case_variants(s: str) -> list[str]:
    """Branch on the first character (lower case before upper case), recurse on the rest."""
    if not s:
        return [""]
    head, rest = s[0], recursive_case_variants(s[1:])
    options = [head.lower(), head.upper()] if head in string.ascii_letters else [head]
    return [option + tail for option in options for tail in rest]


def brute_pivot(nums: list[int]) -> int:
    """Sum both sides of every index: O(n^2), obviously right."""
    for i in range(len(nums)):
        if sum(nums[:i]) == sum(nums[i + 1 :]):
            return i
    return -1


# ------------------------------------------------------------------ letter_case_permutations

CASE_CASES = [
    pytest.param("", id="empty"),
    pytest.param("a", id="one-lower"),
    pytest.param("A", id="one-upper"),
    pytest.param("a1B", id="docstring"),
    pytest.param("3z4", id="letter-between-digits"),
    pytest.param("12345", id="digits-only"),
    pytest.param("aa", id="repeated-letter"),
    pytest.param("a-b c", id="punctuation-and-space"),
    pytest.param("é", id="accented-stays"),
    pytest.param("ßx", id="sharp-s-stays"),
    pytest.param("中a文", id="chinese-stays"),
    pytest.param("🐍Py", id="emoji"),
]


@pytest.mark.parametrize("s", CASE_CASES)
def test_letter_case_matches_recursion(ex, s):
    expect_equal(
        ex.letter_case_permutations(s),
        recursive_case_variants(s),
        call=f"letter_case_permutations({s!r})",
        hint="one choice tuple per character, (lower, upper) for an ASCII letter and (c,) otherwise, "
        "then itertools.product(*choices); lower case comes first",
    )


def test_letter_case_lower_first_even_for_upper_input(ex):
    expect_equal(
        ex.letter_case_permutations("Ab"),
        ["ab", "aB", "Ab", "AB"],
        call="letter_case_permutations('Ab')",
        hint="each letter offers (c.lower(), c.upper()) in that order, whatever its case in the input",
    )


@pytest.mark.parametrize("s", ["é", "Ωmega", "ß", "中文", "ǅ"])
def test_letter_case_only_ascii_letters_change(ex, s):
    got = ex.letter_case_permutations(s)
    expected = recursive_case_variants(s)
    expect_equal(
        got,
        expected,
        call=f"letter_case_permutations({s!r})",
        hint="str.isalpha() is True for 'é', 'Ω' and '中'; test c.isascii() and c.isalpha() together",
    )


def test_letter_case_fourteen_letters(ex):
    s = "abcdefgHIJKLMN"
    got = ex.letter_case_permutations(s)
    expect_true(isinstance(got, list), message=f"letter_case_permutations({s!r}) returned a {type(got).__name__}, not a list",
                hint="product() is a lazy iterator: build the list of joined strings")
    expect_equal(len(got), 2**14, call=f"len(letter_case_permutations({s!r}))", hint="14 letters, 2 forms each")
    expect_equal(len(set(got)), 2**14, call=f"number of distinct strings in letter_case_permutations({s!r})",
                 hint="every variant appears exactly once")
    expect_equal(got, recursive_case_variants(s), call=f"letter_case_permutations({s!r})",
                 hint="product order: the leftmost letter changes slowest")


@given(st.text(alphabet="aBz09-é中", max_size=8))
def test_letter_case_property(ex, s):
    expect_equal(ex.letter_case_permutations(s), recursive_case_variants(s), call=f"letter_case_permutations({s!r})",
                 hint="2 ** (number of ASCII letters) variants in product order, lower case first")


# ------------------------------------------------------------------ pivot_index

PIVOT_CASES = [
    pytest.param([1, 7, 3, 6, 5, 6], 3, id="docstring"),
    pytest.param([], -1, id="empty"),
    pytest.param([5], 0, id="single"),
    pytest.param([1, 2, 3], -1, id="none"),
    pytest.param([2, 1, -1], 0, id="first-index"),
    pytest.param([-1, 1, 2], 2, id="last-index"),
    pytest.param([0, 0, 0], 0, id="all-zero-leftmost"),
    pytest.param([-1, -1, -1, -1, -1, 0], 2, id="negatives"),
    pytest.param([1, -1, 5, 1, -1], 2, id="negatives-around"),
    pytest.param([3, 0, 0, 3], 1, id="two-pivots-leftmost"),
]


@pytest.mark.parametrize("nums,expected", PIVOT_CASES)
def test_pivot_known_values(ex, nums, expected):
    expect_equal(brute_pivot(nums), expected, call=f"(oracle) brute_pivot({nums!r})")  # the table itself is right
    expect_equal(
        ex.pivot_index(list(nums)),
        expected,
        call=f"pivot_index({nums!r})",
        hint="right = total - left - nums[i]; the element at i is on neither side; return the leftmost pivot or -1",
    )


def test_pivot_does_not_modify_input(ex):
    nums = [1, 7, 3, 6, 5, 6]
    ex.pivot_index(nums)
    expect_equal(nums, [1, 7, 3, 6, 5, 6], call="nums after pivot_index(nums)", hint="read the list; do not turn it into prefix sums in place")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pivot_large_input_with_planted_pivot(ex, seed):
    rng = random.Random(seed)
    cut = rng.randrange(30_000, 70_000)
    nums = [rng.randint(1, 1000) for _ in range(cut + 1)]  # the left side and the pivot itself
    remaining = sum(nums[:cut])
    while remaining:  # a right side of positive numbers with the same sum
        x = rng.randint(1, min(1000, remaining))
        nums.append(x)
        remaining -= x
    # Every number is positive, so the left sum only grows and the right sum only shrinks: one pivot at most.
    expect_true(sum(nums[:cut]) == sum(nums[cut + 1 :]), message="(test set-up) the planted pivot is wrong")
    expect_equal(ex.pivot_index(nums), cut, call=f"pivot_index(<{len(nums)} positive numbers with a pivot at {cut}>)",
                 hint="compute the prefix sums once (accumulate); calling sum() for every index is O(n^2)")


def test_pivot_large_input_without_pivot(ex):
    nums = [1] * 100_000  # left sum i, right sum n - 1 - i: equal only at i = 49 999.5
    expect_equal(ex.pivot_index(nums), -1, call="pivot_index([1] * 100000)", hint="return -1 when no index balances")


@given(st.lists(st.integers(min_value=-3, max_value=3), max_size=12))
def test_pivot_property(ex, nums):
    expect_equal(ex.pivot_index(list(nums)), brute_pivot(nums), call=f"pivot_index({nums!r})",
                 hint="compare sum(nums[:i]) with sum(nums[i + 1:]) without recomputing them: keep a running left sum")
