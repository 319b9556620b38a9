"""Day 27: a mock interview with two problems and a spoken-approach checklist.

Treat this file as a 60-minute interview. For each problem, first fill in its
entry of ``APPROACH`` (what you would say out loud before coding), then write
the function:

- ``merge_accounts``: merge accounts that share an email, with union-find
  (disjoint-set union, path compression and union by size);
- ``word_ladder_length``: the shortest chain of one-letter changes from one
  word to another, with breadth-first search over wildcard buckets.

The checklist is graded structurally only (every entry filled in, the
complexity names an O(...), at least two edge cases, ...): the grader cannot
judge whether your reasoning is right. Compare it with the reference's
checklist after you pass.

In scope: union-find, BFS over an implicit graph, talking through a problem.
Out of scope: bidirectional BFS and returning the ladders themselves (the
lesson discusses both).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

# The spoken-approach checklist: one entry per problem, every field a few
# sentences in Chinese or English. What the tests check (structure only):
# - every field holds at least 10 non-space characters and is not a placeholder;
# - "examples" shows an input and its output with "->" (or "→");
# - "brute_force" and "optimal" are different texts;
# - "complexity" names at least one O(...) bound (say time and space);
# - "edge_cases" lists at least two cases, one per line or separated by ";";
# - "tests" names the function you would call (e.g. "merge_accounts(").
APPROACH_KEYS = ("clarify", "examples", "brute_force", "optimal", "complexity", "edge_cases", "tests")

APPROACH: dict[str, dict[str, str]] = {
    "merge_accounts": {
        "clarify": "",
        "examples": "",
        "brute_force": "",
        "optimal": "",
        "complexity": "",
        "edge_cases": "",
        "tests": "",
    },
    "word_ladder_length": {
        "clarify": "",
        "examples": "",
        "brute_force": "",
        "optimal": "",
        "complexity": "",
        "edge_cases": "",
        "tests": "",
    },
}

# TODO: fill in both entries of APPROACH above before you write any code.


def merge_accounts(accounts: list[list[str]]) -> list[list[str]]:
    """Merge accounts that belong to the same person.

    Each account is ``[name, email, email, ...]``. Two accounts belong to
    the same person when they share at least one email, directly or through
    a chain of accounts (sharing is transitive). Equal names alone do not
    merge accounts; accounts that share an email always carry the same name.

    Args:
        accounts: the accounts; each has a name and zero or more emails
            (emails may repeat inside an account). Not modified.

    Returns:
        One ``[name, *emails]`` list per person, the emails distinct and
        sorted; the whole list sorted (``sorted(result)``). An account with
        no email is a person of its own: ``[name]``.

    Raises:
        ValueError: if an account is empty (has no name).

    Example:
        >>> merge_accounts([["John", "a@x", "b@x"], ["John", "c@x"], ["John", "b@x", "d@x"]])
        [['John', 'a@x', 'b@x', 'd@x'], ['John', 'c@x']]

    Edge cases the tests try: no accounts, accounts without emails, equal
    names that must stay apart, repeated emails, chains that merge
    transitively (also when the link comes last), Unicode names and emails,
    an empty account, and 5 000 accounts.
    """
    # TODO: union-find over account indices: remember the first account that
    # TODO: owns each email, union later owners with it. Then group emails by
    # TODO: root. Avoid comparing every pair of accounts (quadratic).
    raise NotImplementedError("gym-27: merge_accounts is not written yet")


def word_ladder_length(begin: str, end: str, words: Iterable[str]) -> int:
    """Return the number of words in the shortest ladder from ``begin`` to ``end``, or 0.

    A ladder is ``begin = w0, w1, ..., wk = end`` where consecutive words
    have the same length and differ in exactly one position, and every word
    after ``begin`` is in ``words``. ``begin`` itself need not be in ``words``.

    Args:
        begin: the first word.
        end: the last word; must be in ``words`` (unless it equals ``begin``).
        words: the allowed words; any iterable, duplicates allowed; words
            of another length than ``begin`` can never be used.

    Returns:
        ``k + 1`` for the shortest ladder (words counted, not steps); ``1``
        when ``begin == end``; ``0`` when no ladder exists.

    Example:
        >>> word_ladder_length("hit", "cog", ["hot", "dot", "dog", "lot", "log", "cog"])
        5

        ``hit -> hot -> dot -> dog -> cog``.

    Edge cases the tests try: ``end`` missing from ``words``, ``begin ==
    end``, one-letter words, ``begin`` inside ``words``, duplicates, words of
    other lengths, no ladder, Chinese characters, a generator of words, and
    3 125 five-letter words.
    """
    # TODO: BFS from begin with collections.deque. Find neighbours through
    # TODO: wildcard buckets (position i removed) built once, not by comparing
    # TODO: every pair of words and not by trying all 26 letters blindly.
    raise NotImplementedError("gym-27: word_ladder_length is not written yet")


if __name__ == "__main__":
    print(merge_accounts([["John", "a@x", "b@x"], ["John", "c@x"], ["John", "b@x", "d@x"]]))
    print(word_ladder_length("hit", "cog", ["hot", "dot", "dog", "lot", "log", "cog"]))
