"""Grading tests for gym-27 (mock interview): the APPROACH checklist, merge_accounts, word_ladder_length.

The checklist is checked for structure only: every field filled in, an
example with "->", a complexity with O(...), at least two edge cases, a
test that names the function. Whether the reasoning is right is for the
learner to judge against the reference's checklist.

Oracles: for merge_accounts, merging email sets pairwise until nothing
changes (a fixed point, no union-find); for word_ladder_length, an explicit
graph built by comparing every pair of words and relaxed Bellman-Ford style
to a fixed point on small word lists, and a BFS that tries every letter of
the alphabet at every position on 3 125 words.
"""

from __future__ import annotations

import random
import re
from collections import deque
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-27")

PROBLEMS = ("merge_accounts", "word_ladder_length")
KEYS = ("clarify", "examples", "brute_force", "optimal", "complexity", "edge_cases", "tests")
PLACEHOLDERS = {"todo", "tbd", "...", "…", "略", "待定", "n/a", "none", "无"}


# ------------------------------------------------------------------ the checklist


def _entry(ex, problem: str) -> dict:
    approach = getattr(ex, "APPROACH", None)
    expect_true(isinstance(approach, dict) and isinstance(approach.get(problem), dict),
                message=f"APPROACH[{problem!r}] is missing or not a dict",
                hint="keep the APPROACH dict from the stub and fill in its strings; do not rename it")
    return approach[problem]


def _filled(text) -> bool:
    return isinstance(text, str) and len("".join(text.split())) >= 10 and text.strip().lower() not in PLACEHOLDERS


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("key", KEYS)
def test_checklist_field_is_filled(ex, problem, key):
    entry = _entry(ex, problem)
    value = entry.get(key)
    expect_true(_filled(value),
                message=f"APPROACH[{problem!r}][{key!r}] is {value!r}: it should hold at least 10 non-space characters",
                hint=f"say out loud what you would tell the interviewer for '{key}', then write it down (Chinese or English)")


@pytest.mark.parametrize("problem", PROBLEMS)
def test_checklist_structure(ex, problem):
    entry = _entry(ex, problem)
    where = f"APPROACH[{problem!r}]"
    examples, complexity = entry.get("examples", ""), entry.get("complexity", "")
    expect_true(_filled(examples) and ("->" in examples or "→" in examples),
                message=f"{where}['examples'] = {examples!r} shows no 'input -> output'",
                hint="work one small example by hand and write it as input -> expected output")
    expect_true(_filled(complexity) and re.search(r"O\(.+?\)", complexity) is not None,
                message=f"{where}['complexity'] = {complexity!r} names no O(...) bound",
                hint="state time and space with big-O, naming the variables (n accounts, E emails, N words of length L)")
    brute, optimal = entry.get("brute_force", ""), entry.get("optimal", "")
    expect_true(_filled(brute) and _filled(optimal) and brute.strip() != optimal.strip(),
                message=f"{where}: 'brute_force' and 'optimal' are empty or the same text",
                hint="first the obvious slow way (and why it is slow), then the better one")
    cases = [c for c in re.split(r"[\n;；]", entry.get("edge_cases", "")) if c.strip()]
    expect_true(len(cases) >= 2,
                message=f"{where}['edge_cases'] lists {len(cases)} case(s): {entry.get('edge_cases', '')!r}",
                hint="list at least two concrete cases, one per line or separated by ';' (empty input, duplicates, ...)")
    tests = entry.get("tests", "")
    expect_true(_filled(tests) and f"{problem}(" in tests,
                message=f"{where}['tests'] = {tests!r} does not name a call of {problem}(...)",
                hint=f"write the calls you would run, e.g. {problem}(...) == ..., small and edge cases first")


# ------------------------------------------------------------------ merge_accounts: oracle


def fixpoint_merge(accounts: list[list[str]]) -> list[list[str]]:
    """Merge any two groups whose email sets intersect, until no pair does."""
    groups = [(acc[0], set(acc[1:])) for acc in accounts]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if groups[i][1] & groups[j][1]:
                    groups[i] = (groups[i][0], groups[i][1] | groups[j][1])
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return sorted([name, *sorted(emails)] for name, emails in groups)


MERGE_CASES = [
    pytest.param([["John", "a@x", "b@x"], ["John", "c@x"], ["John", "b@x", "d@x"]], id="docstring"),
    pytest.param([], id="no-accounts"),
    pytest.param([["Ann"]], id="no-email"),
    pytest.param([["Ann"], ["Ann"]], id="two-without-email-stay-apart"),
    pytest.param([["Bob", "b@x"], ["Bob", "c@x"]], id="same-name-no-shared-email"),
    pytest.param([["Cy", "z@x", "z@x", "a@x"]], id="repeated-email"),
    pytest.param([["D", "1@x", "2@x"], ["D", "3@x"], ["D", "4@x", "3@x"], ["D", "2@x", "4@x"]], id="chain-linked-last"),
    pytest.param([["E", "e@x"], ["F", "f@x"], ["E", "e@x", "g@x"]], id="two-people"),
    pytest.param([["张三", "张@例子.中国"], ["张三", "z@x", "张@例子.中国"], ["李四", "li@x"]], id="unicode"),
]


@pytest.mark.parametrize("accounts", MERGE_CASES)
def test_merge_accounts_known_cases(ex, accounts):
    copy = [list(a) for a in accounts]
    expect_equal(ex.merge_accounts(copy), fixpoint_merge(accounts), call=f"merge_accounts({accounts!r})",
                 hint="union accounts that share an email; output [name, *sorted(set(emails))] per group, then sort the list")
    expect_equal(copy, accounts, call="the accounts after merge_accounts(accounts)",
                 hint="build new lists; do not sort or extend the caller's accounts")


def test_merge_accounts_empty_account_raises(ex):
    expect_raises(ValueError, ex.merge_accounts, [["A", "a@x"], []], call="merge_accounts([['A', 'a@x'], []])",
                  hint="an account without even a name is malformed: raise ValueError")


@st.composite
def account_lists(draw):
    """Accounts of a few people; a person's emails are '<person>.<k>', names repeat across people."""
    people = draw(st.integers(1, 4))
    accounts = []
    for _ in range(draw(st.integers(0, 8))):
        p = draw(st.integers(0, people - 1))
        emails = draw(st.lists(st.integers(0, 3).map(lambda k, p=p: f"{p}.{k}@x"), max_size=3))
        accounts.append([f"N{p % 2}", *emails])
    return accounts


@given(account_lists())
def test_merge_accounts_matches_fixpoint(ex, accounts):
    expect_equal(ex.merge_accounts(accounts), fixpoint_merge(accounts), call=f"merge_accounts({accounts!r})",
                 hint="merging is transitive; equal names alone do not merge; an account without emails is its own person")


def test_merge_accounts_large(ex):
    # 5000 accounts in 100 chains: account j of chain c holds emails c.j and c.(j+1), so each chain is one person.
    rng = random.Random(27)
    accounts = [[f"P{c % 7}", f"{c}.{j}@x", f"{c}.{j + 1}@x"] for c in range(100) for j in range(50)]
    rng.shuffle(accounts)
    expected = sorted([f"P{c % 7}", *sorted(f"{c}.{j}@x" for j in range(51))] for c in range(100))
    expect_equal(ex.merge_accounts(accounts), expected, call="merge_accounts(<5000 shuffled accounts forming 100 chains>)",
                 hint="union-find with path compression: comparing every pair of accounts is 12.5 million comparisons")


# ------------------------------------------------------------------ word_ladder_length: oracles


def relaxation_ladder(begin: str, end: str, words: list[str]) -> int:
    """Explicit graph by comparing every pair, then relax distances until nothing changes."""
    if begin == end:
        return 1
    nodes = sorted({begin, *(w for w in words if len(w) == len(begin))})
    if end not in set(words) or len(end) != len(begin):
        return 0
    adjacent = {u: [v for v in nodes if sum(a != b for a, b in zip(u, v)) == 1 and v != begin] for u in nodes}
    dist = {u: float("inf") for u in nodes}
    dist[begin] = 1
    changed = True
    while changed:
        changed = False
        for u in nodes:
            for v in adjacent[u]:
                if dist[u] + 1 < dist[v]:
                    dist[v] = dist[u] + 1
                    changed = True
    return 0 if dist[end] == float("inf") else int(dist[end])


def letters_bfs(begin: str, end: str, words: set[str], alphabet: str) -> int:
    """BFS trying every letter of a known alphabet at every position."""
    if begin == end:
        return 1
    if end not in words:
        return 0
    dist, queue = {begin: 1}, deque([begin])
    while queue:
        w = queue.popleft()
        for i, c in product(range(len(w)), alphabet):
            nxt = w[:i] + c + w[i + 1 :]
            if nxt in words and nxt not in dist:
                dist[nxt] = dist[w] + 1
                if nxt == end:
                    return dist[nxt]
                queue.append(nxt)
    return 0


LADDER_CASES = [
    pytest.param("hit", "cog", ["hot", "dot", "dog", "lot", "log", "cog"], 5, "", id="docstring"),
    pytest.param("hit", "cog", ["hot", "dot", "dog", "lot", "log"], 0, "end is not in words: no ladder", id="end-missing"),
    pytest.param("same", "same", [], 1, "begin == end: a ladder of one word", id="begin-is-end"),
    pytest.param("a", "c", ["a", "b", "c"], 2, "one-letter words: a -> c is a single change", id="one-letter"),
    pytest.param("hot", "dog", ["hot", "dog"], 0, "hot and dog differ in two places and nothing links them", id="no-ladder"),
    pytest.param("hot", "dog", ["hot", "dot", "dog", "dot"], 3, "", id="begin-in-words-and-duplicates"),
    pytest.param("cat", "cot", ["ct", "cats", "cot"], 2, "words of another length can never be used", id="other-lengths"),
    pytest.param("学习", "复习", ["复习", "学会"], 2, "", id="chinese"),
    pytest.param("aaa", "bbb", ["aab", "abb", "bbb", "baa"], 4, "", id="three-steps"),
]


@pytest.mark.parametrize("begin,end,words,expected,hint", LADDER_CASES)
def test_word_ladder_known_values(ex, begin, end, words, expected, hint):
    expect_equal(ex.word_ladder_length(begin, end, list(words)), expected,
                 call=f"word_ladder_length({begin!r}, {end!r}, {words!r})",
                 hint=hint or "count words, not steps: the answer is the BFS distance + 1")


def test_word_ladder_accepts_a_generator(ex):
    words = ["hot", "dot", "dog", "cog"]
    expect_equal(ex.word_ladder_length("hit", "cog", (w for w in words)), 5,
                 call="word_ladder_length('hit', 'cog', <generator of ['hot', 'dot', 'dog', 'cog']>)",
                 hint="a generator can be read once: turn words into a set first")


@given(
    st.text(alphabet="ab", min_size=3, max_size=3),
    st.text(alphabet="ab", min_size=3, max_size=3),
    st.lists(st.text(alphabet="abc", min_size=2, max_size=3), max_size=12),
)
def test_word_ladder_matches_relaxation(ex, begin, end, words):
    expect_equal(ex.word_ladder_length(begin, end, words), relaxation_ladder(begin, end, words),
                 call=f"word_ladder_length({begin!r}, {end!r}, {words!r})",
                 hint="0 when end is not in words (unless begin == end); mark words visited when you enqueue them")


@pytest.mark.parametrize("keep,seed", [(1.0, 0), (0.45, 1), (0.3, 2)], ids=["all-3125", "45-percent", "30-percent"])
def test_word_ladder_large(ex, keep, seed):
    rng = random.Random(seed)
    every = ["".join(t) for t in product("abcde", repeat=5)]
    words = {w for w in every if rng.random() < keep} | {"eeeee"}
    expected = letters_bfs("aaaaa", "eeeee", words, "abcde")
    expect_equal(ex.word_ladder_length("aaaaa", "eeeee", sorted(words)), expected,
                 call=f"word_ladder_length('aaaaa', 'eeeee', <{len(words)} five-letter words over 'abcde', seed {seed}>)",
                 hint="build wildcard buckets once (O(N L^2)); comparing every pair of words is ~5 million comparisons")
