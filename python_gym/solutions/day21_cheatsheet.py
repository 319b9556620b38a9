"""Day 21: the standard-library cheat sheet, as tested code.

Twelve small functions, one standard-library idiom each, that together make
a reference page worth keeping open during an interview. Every function's
docstring names its idiom (the ``Idiom:`` line) and carries doctest
examples; the grading tests check each function against an independent
oracle *and* run the doctests, so the page cannot drift from the truth.

Print the page (Markdown, regenerated from the docstrings, with every
example run on the spot)::

    python -m python_gym.day21_cheatsheet > cheatsheet.md

In scope: ``collections`` (Counter, defaultdict, deque), ``heapq``,
``bisect``, ``itertools`` (pairwise, accumulate, groupby), ``functools``
(lru_cache, reduce), ``str`` methods, ``sorted`` with a key. Out of scope:
re-implementing what these tools do (that was weeks 1-3); here the point is
to call them correctly.
"""

from __future__ import annotations

import bisect
import doctest
import heapq
import operator
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache, reduce
from itertools import accumulate, groupby, pairwise
from typing import Any

# ---------------------------------------------------------------- collections


def top_k_frequent(items: Iterable[Hashable], k: int) -> list[tuple[Hashable, int]]:
    """The ``k`` most common items with their counts, most common first.

    Idiom: ``Counter(items).most_common(k)``

    Ties keep the order in which the items were first seen (``most_common``
    is a stable sort), not alphabetical order.

    Raises ``ValueError`` for ``k < 0`` (``most_common(-1)`` would silently
    return ``[]`` instead).

    >>> top_k_frequent("mississippi", 2)
    [('i', 4), ('s', 4)]
    >>> top_k_frequent(["b", "a", "b", "a", "c"], 5)
    [('b', 2), ('a', 2), ('c', 1)]
    >>> top_k_frequent([], 3)
    []
    """
    # TODO: one line with collections.Counter, after checking k.
    # BEGIN SOLUTION
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return Counter(items).most_common(k)
    # END SOLUTION


def group_by(pairs: Iterable[tuple[Hashable, Any]]) -> dict[Hashable, list[Any]]:
    """Group the values of ``(key, value)`` pairs by key, keeping their order.

    Idiom: ``groups = defaultdict(list); groups[key].append(value)``

    Returns a plain ``dict`` (``dict(groups)``), so reading a missing key
    raises ``KeyError`` instead of silently inserting an empty list. Keys
    appear in first-seen order.

    >>> group_by([("fruit", "apple"), ("veg", "leek"), ("fruit", "fig")])
    {'fruit': ['apple', 'fig'], 'veg': ['leek']}
    >>> group_by([])
    {}
    """
    # TODO: collections.defaultdict(list), then convert to a plain dict.
    # BEGIN SOLUTION
    groups: defaultdict[Hashable, list[Any]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return dict(groups)
    # END SOLUTION


def rotate_right(items: Iterable[Any], k: int) -> list[Any]:
    """Rotate ``items`` right by ``k`` steps (left for negative ``k``).

    Idiom: ``d = deque(items); d.rotate(k)``

    ``k`` may exceed the length; rotating an empty sequence gives ``[]``.

    >>> rotate_right([1, 2, 3, 4, 5], 2)
    [4, 5, 1, 2, 3]
    >>> rotate_right("abc", -1)
    ['b', 'c', 'a']
    >>> rotate_right([1, 2, 3], 7)
    [3, 1, 2]
    """
    # TODO: collections.deque and its rotate method.
    # BEGIN SOLUTION
    d = deque(items)
    d.rotate(k)
    return list(d)
    # END SOLUTION


# ---------------------------------------------------------------- heapq and bisect


def k_smallest(nums: Iterable[Any], k: int) -> list[Any]:
    """The ``k`` smallest values, in increasing order (all of them if ``k`` is larger).

    Idiom: ``heapq.nsmallest(k, nums)``

    O(n log k): better than ``sorted(nums)[:k]`` when ``k`` is much smaller
    than n. ``k <= 0`` gives ``[]``.

    >>> k_smallest([5, 1, 4, 1, 3], 3)
    [1, 1, 3]
    >>> k_smallest([2, 1], 10)
    [1, 2]
    """
    # TODO: one call into heapq.
    # BEGIN SOLUTION
    return heapq.nsmallest(k, nums)
    # END SOLUTION


def insert_by_time(events: list[tuple[int, str]], event: tuple[int, str]) -> None:
    """Insert ``event`` into ``events`` (sorted by time, the first field), in place.

    Idiom: ``bisect.insort(events, event, key=lambda e: e[0])``

    An event goes *after* the events that have the same time, so events at
    one time stay in arrival order (``insort`` is ``insort_right``). The
    ``key`` argument needs Python 3.10+. O(log n) comparisons, O(n) moves.

    >>> log = [(1, "boot"), (5, "login"), (9, "logout")]
    >>> insert_by_time(log, (5, "sudo"))
    >>> log
    [(1, 'boot'), (5, 'login'), (5, 'sudo'), (9, 'logout')]
    >>> insert_by_time(log, (0, "power"))
    >>> log[0]
    (0, 'power')
    """
    # TODO: one call into bisect, with a key. Modify events; return nothing.
    # BEGIN SOLUTION
    bisect.insort(events, event, key=operator.itemgetter(0))
    # END SOLUTION


# ---------------------------------------------------------------- itertools


def pairwise_differences(nums: Iterable[int]) -> list[int]:
    """The differences between neighbours: ``[b - a for each adjacent (a, b)]``.

    Idiom: ``[b - a for a, b in itertools.pairwise(nums)]``

    Fewer than two numbers give ``[]``. Works on any iterable, even a
    generator (no indexing needed).

    >>> pairwise_differences([1, 4, 9, 16])
    [3, 5, 7]
    >>> pairwise_differences([7])
    []
    """
    # TODO: itertools.pairwise (Python 3.10+) in a list comprehension.
    # BEGIN SOLUTION
    return [b - a for a, b in pairwise(nums)]
    # END SOLUTION


def prefix_sums(nums: Iterable[int]) -> list[int]:
    """Running totals with a leading 0: ``result[i] == sum(nums[:i])``.

    Idiom: ``list(itertools.accumulate(nums, initial=0))``

    The sum of ``nums[i:j]`` is then ``result[j] - result[i]``. The result
    has one more element than ``nums``.

    >>> prefix_sums([3, 1, 4])
    [0, 3, 4, 8]
    >>> prefix_sums([])
    [0]
    """
    # TODO: itertools.accumulate with initial=0.
    # BEGIN SOLUTION
    return list(accumulate(nums, initial=0))
    # END SOLUTION


def run_lengths(text: str) -> list[tuple[str, int]]:
    """Each run of one repeated character, with its length, in order.

    Idiom: ``[(ch, len(list(run))) for ch, run in itertools.groupby(text)]``

    ``groupby`` groups *adjacent* equal items only: ``"aba"`` has three runs.

    >>> run_lengths("aaabccaa")
    [('a', 3), ('b', 1), ('c', 2), ('a', 2)]
    >>> run_lengths("")
    []
    """
    # TODO: itertools.groupby; a run is an iterator (no len), so count it.
    # BEGIN SOLUTION
    return [(ch, sum(1 for _ in run)) for ch, run in groupby(text)]
    # END SOLUTION


# ---------------------------------------------------------------- functools


def grid_paths(rows: int, cols: int) -> int:
    """The number of paths from the top-left to the bottom-right cell, moving only right or down.

    Idiom: ``@functools.lru_cache(maxsize=None)`` on a recursive helper ``paths(r, c)``

    An empty grid (``rows == 0`` or ``cols == 0``) has no path; a single
    cell has one. The tests stay below 200 rows + columns (recursion depth).

    >>> grid_paths(3, 3)
    6
    >>> grid_paths(1, 10), grid_paths(0, 5)
    (1, 0)
    """
    # TODO: a memoised helper counting the paths from (r, c) to the corner.
    # BEGIN SOLUTION
    if rows <= 0 or cols <= 0:
        return 0

    @lru_cache(maxsize=None)
    def paths(r: int, c: int) -> int:
        if r == rows - 1 or c == cols - 1:
            return 1  # only straight on along the last row or column
        return paths(r + 1, c) + paths(r, c + 1)

    return paths(0, 0)
    # END SOLUTION


def product(nums: Iterable[int]) -> int:
    """The product of the numbers; ``1`` for none (the empty product).

    Idiom: ``functools.reduce(operator.mul, nums, 1)``

    The initial value ``1`` makes the empty case work; without it ``reduce``
    raises ``TypeError`` on an empty input. (``math.prod`` does the same job.)

    >>> product([2, 3, 7])
    42
    >>> product([])
    1
    """
    # TODO: functools.reduce with operator.mul and an initial value.
    # BEGIN SOLUTION
    return reduce(operator.mul, nums, 1)
    # END SOLUTION


# ---------------------------------------------------------------- str methods and sorting


def is_palindrome_phrase(text: str) -> bool:
    """Whether ``text`` reads the same backwards, ignoring case, spaces and punctuation.

    Idiom: ``s = "".join(ch.casefold() for ch in text if ch.isalnum()); s == s[::-1]``

    Letters and digits of any script count (``str.isalnum``); ``casefold``
    is the aggressive ``lower`` meant for comparisons (``"ß"`` becomes
    ``"ss"``). The empty phrase is a palindrome.

    >>> is_palindrome_phrase("A man, a plan, a canal: Panama")
    True
    >>> is_palindrome_phrase("race a car")
    False
    >>> is_palindrome_phrase("上海自来水来自海上")
    True
    """
    # TODO: filter with str.isalnum, fold case with str.casefold, compare with the reverse.
    # BEGIN SOLUTION
    s = "".join(ch.casefold() for ch in text if ch.isalnum())
    return s == s[::-1]
    # END SOLUTION


def rank_players(scores: dict[str, int]) -> list[str]:
    """Player names by score, highest first; equal scores in alphabetical order.

    Idiom: ``sorted(scores, key=lambda name: (-scores[name], name))``

    A tuple key sorts by its first field, then breaks ties by the next;
    negating the score gives descending order without ``reverse=True``
    (which would also reverse the alphabetical tie-break).

    >>> rank_players({"bo": 7, "al": 9, "cy": 7})
    ['al', 'bo', 'cy']
    """
    # TODO: one call to sorted with a tuple key.
    # BEGIN SOLUTION
    return sorted(scores, key=lambda name: (-scores[name], name))
    # END SOLUTION


# ---------------------------------------------------------------- the page (not part of the exercise)

#: The cheat sheet's sections, in page order: (tool, function).
CHEATSHEET: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("collections.Counter", top_k_frequent),
    ("collections.defaultdict", group_by),
    ("collections.deque", rotate_right),
    ("heapq", k_smallest),
    ("bisect", insert_by_time),
    ("itertools.pairwise", pairwise_differences),
    ("itertools.accumulate", prefix_sums),
    ("itertools.groupby", run_lengths),
    ("functools.lru_cache", grid_paths),
    ("functools.reduce", product),
    ("str methods", is_palindrome_phrase),
    ("sorted with a key", rank_players),
)


def check_examples(fn: Callable[..., Any]) -> tuple[int, int, str]:
    """Run the doctest examples of ``fn``: ``(failed, attempted, report)``.

    ``report`` is doctest's own description of the failures ("" when all
    pass). The examples run in a copy of the function's module namespace.
    """
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    for test in finder.find(fn, fn.__name__, module=False, globs=dict(fn.__globals__)):
        runner.run(test, out=out.append)
    return runner.failures, runner.tries, "".join(out)


def render_cheatsheet() -> str:
    """Build the cheat sheet page (Markdown) from the functions' docstrings.

    One section per entry of ``CHEATSHEET``: the tool, the function name, the
    summary line, the idiom, the doctest examples, and whether the examples
    pass right now (they are run while the page is built).
    """
    lines = [
        "# Python standard library cheat sheet",
        "",
        "Generated by `python -m python_gym.day21_cheatsheet` from the docstrings of",
        "`python_gym/day21_cheatsheet.py`; every example was run while this page was built.",
        "",
    ]
    parser = doctest.DocTestParser()
    for tool, fn in CHEATSHEET:
        doc = fn.__doc__ or ""
        summary = doc.strip().splitlines()[0] if doc.strip() else ""
        idiom = next((line.strip()[len("Idiom:"):].strip() for line in doc.splitlines()
                      if line.strip().startswith("Idiom:")), "")
        failed, attempted, _ = check_examples(fn)
        status = (f"examples verified: {attempted} of {attempted} pass" if failed == 0 and attempted
                  else f"examples FAILING: {failed} of {attempted} fail")
        lines += [f"## {tool}: `{fn.__name__}`", "", summary, "", f"Idiom: {idiom}", "", "```python"]
        for example in parser.get_examples(doc):
            source = example.source.rstrip("\n").splitlines()
            lines.append(f">>> {source[0]}")
            lines += [f"... {line}" for line in source[1:]]
            lines += example.want.rstrip("\n").splitlines()
        lines += ["```", "", f"*{status}*", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_cheatsheet())
