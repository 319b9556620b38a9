"""Grading tests for gym-07: min_window and open_lock.

Oracles: for min_window, every substring tried from the shortest up (leftmost
first) on small inputs, and constructed inputs with a known answer on large
ones; for open_lock, the closed form ``sum(min(d, 10 - d))`` when nothing is
blocked, Dijkstra with heapq on 3- and 4-wheel locks, and Bellman-Ford style
relaxation to a fixed point on 2-wheel locks.
"""

import heapq
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal

pytestmark = pytest.mark.exercise("gym-07")


# ---------------------------------------------------------------- oracles


def brute_force_min_window(s, t):
    if not t:
        return ""
    need = Counter(t)
    for length in range(len(t), len(s) + 1):
        for start in range(len(s) - length + 1):
            have = Counter(s[start : start + length])
            if all(have[c] >= n for c, n in need.items()):
                return s[start : start + length]
    return ""


def neighbours(code):
    digits = [int(c) for c in code]
    out = []
    for i in range(len(digits)):
        for delta in (1, 9):  # +9 mod 10 is -1
            turned = digits.copy()
            turned[i] = (turned[i] + delta) % 10
            out.append("".join(map(str, turned)))
    return out


def dijkstra_lock(deadends, target):
    blocked = set(deadends)
    start = "0" * len(target)
    if start in blocked or target in blocked:
        return -1
    best = {start: 0}
    heap = [(0, start)]
    while heap:
        d, code = heapq.heappop(heap)
        if code == target:
            return d
        if d > best[code]:
            continue
        for nxt in neighbours(code):
            if nxt not in blocked and d + 1 < best.get(nxt, float("inf")):
                best[nxt] = d + 1
                heapq.heappush(heap, (d + 1, nxt))
    return -1


def relaxation_lock(deadends, target):
    wheels = len(target)
    codes = [f"{v:0{wheels}d}" for v in range(10**wheels)]
    blocked = set(deadends)
    inf = float("inf")
    dist = dict.fromkeys(codes, inf)
    if "0" * wheels not in blocked:
        dist["0" * wheels] = 0
    changed = True
    while changed:
        changed = False
        for code in codes:
            if code in blocked or dist[code] == inf:
                continue
            for nxt in neighbours(code):
                if nxt not in blocked and dist[code] + 1 < dist[nxt]:
                    dist[nxt] = dist[code] + 1
                    changed = True
    return -1 if dist[target] == inf else dist[target]


# ---------------------------------------------------------------- min_window


@pytest.mark.parametrize(
    "s,t,expected,hint",
    [
        pytest.param("XADOBECODEBANCY", "ABC", "BANC", "", id="docstring"),
        pytest.param("", "a", "", "nothing to search: return ''", id="empty-s"),
        pytest.param("abc", "", "", "an empty t is covered by the empty window: return ''", id="empty-t"),
        pytest.param("a", "aa", "", "t longer than s: no window can cover it", id="t-longer"),
        pytest.param("abc", "abc", "abc", "", id="s-equals-t"),
        pytest.param("baab", "aa", "aa", "count t with multiplicity: 'aa' needs two a", id="repeated-in-t"),
        pytest.param("abcabdebac", "aab", "abca", "", id="repeated-mixed"),
        pytest.param("abc", "d", "", "a character of t missing from s: return ''", id="missing-char"),
        pytest.param("aA", "A", "A", "characters are case-sensitive", id="case"),
        pytest.param("xbaxab", "ab", "ba", "ties: keep the first shortest window (update only when strictly shorter)", id="tie-leftmost"),
        pytest.param("我爱北京天安门", "京爱", "爱北京", "", id="chinese"),
        pytest.param("🍎🍌🍎🍇", "🍇🍎", "🍎🍇", "", id="emoji"),
    ],
)
def test_min_window_known_values(ex, s, t, expected, hint):
    expect_equal(ex.min_window(s, t), expected, call=f"min_window({s!r}, {t!r})", hint=hint)


@given(s=st.text(alphabet="abc", max_size=12), t=st.text(alphabet="abcd", max_size=4))
def test_min_window_matches_brute_force(ex, s, t):
    expect_equal(
        ex.min_window(s, t),
        brute_force_min_window(s, t),
        call=f"min_window({s!r}, {t!r})",
        hint="grow the right end until nothing is missing, then shrink the left end while nothing is missing; keep the first shortest",
    )


@pytest.mark.parametrize(
    "s,t,expected",
    [
        pytest.param("a" * 10_000 + "b" + "a" * 10_000, "ab", "ab", id="20001-chars-tie"),
        pytest.param("a" * 10_000 + "b" + "a" * 10_000, "aab", "aab", id="20001-chars-multiplicity"),
        pytest.param("xyz" * 7_000 + "q", "qx", "xyzq", id="21001-chars-at-the-end"),
    ],
)
def test_min_window_large_input(ex, s, t, expected):
    expect_equal(
        ex.min_window(s, t),
        expected,
        call=f"min_window(<{len(s)} characters>, {t!r})",
        hint="keep a running count of what is missing; re-counting every window is too slow here",
    )


# ---------------------------------------------------------------- open_lock


@pytest.mark.parametrize(
    "deadends,target,expected,hint",
    [
        pytest.param([], "0000", 0, "the lock already shows the target", id="target-is-start"),
        pytest.param(["0000"], "1234", -1, "the start itself is a dead end: the lock is jammed", id="start-dead"),
        pytest.param(["0000"], "0000", -1, "a dead-end start is jammed even when it is the target", id="start-dead-and-target"),
        pytest.param(["1234"], "1234", -1, "the target is a dead end: it can never be shown safely", id="target-dead"),
        pytest.param([], "0009", 1, "wheels wrap around: 0 -> 9 is one turn down", id="wrap-down"),
        pytest.param([], "9999", 4, "", id="wrap-all"),
        pytest.param(["0100", "0010", "0001", "0009", "0090", "0900"], "0111", 5, "", id="docstring-detour"),
        pytest.param(["1202", "9202", "0302", "0102", "0212", "0292", "0203", "0201"], "0202", -1, "all neighbours of the target are dead ends", id="target-walled-in"),
        pytest.param(["0001", "0001", "0009"], "0002", 4, "", id="duplicate-deadends"),
        pytest.param([], "55", 10, "the number of wheels is len(target)", id="two-wheels"),
        pytest.param(["10", "90", "01", "09"], "11", -1, "", id="two-wheels-start-walled-in"),
    ],
)
def test_open_lock_known_values(ex, deadends, target, expected, hint):
    expect_equal(ex.open_lock(deadends, target), expected, call=f"open_lock({deadends!r}, {target!r})", hint=hint)


@pytest.mark.parametrize("target", ["1234", "5555", "0505", "9182"])
def test_open_lock_without_deadends_is_the_sum_of_wheel_distances(ex, target):
    expected = sum(min(int(d), 10 - int(d)) for d in target)
    expect_equal(
        ex.open_lock([], target),
        expected,
        call=f"open_lock([], {target!r})",
        hint="turn each wheel the short way round; one turn moves one wheel by one",
    )


@pytest.mark.parametrize("kind", ["set", "generator"])
def test_open_lock_accepts_any_iterable(ex, kind):
    codes = ["0001", "0009"]
    deadends = set(codes) if kind == "set" else (c for c in codes)
    expect_equal(ex.open_lock(deadends, "0002"), 4, call=f"open_lock(<{kind} of {codes!r}>, '0002')", hint="turn deadends into a set once, at the start")


@pytest.mark.parametrize(
    "wheels,blocked,seed",
    [(3, 500, 3), (3, 600, 4), (4, 5000, 6), (4, 7000, 2)],
    ids=["3-wheels-detour", "3-wheels-unreachable", "4-wheels-detour", "4-wheels-long-detour"],
)
def test_open_lock_matches_dijkstra(ex, wheels, blocked, seed):
    rng = random.Random(seed)
    deadends = [f"{rng.randrange(10**wheels):0{wheels}d}" for _ in range(blocked)]
    deadends = [d for d in deadends if d != "0" * wheels]
    target = f"{rng.randrange(10**wheels):0{wheels}d}"
    while target in deadends:
        target = f"{rng.randrange(10**wheels):0{wheels}d}"
    expect_equal(
        ex.open_lock(deadends, target),
        dijkstra_lock(deadends, target),
        call=f"open_lock(<{len(deadends)} random dead ends, seed {seed}>, {target!r})",
        hint="breadth-first from the start: mark a code visited when you enqueue it, skip dead ends, answer when you pop the target",
    )


_two_wheel_code = st.integers(min_value=0, max_value=99).map(lambda v: f"{v:02d}")


@given(deadends=st.lists(_two_wheel_code, max_size=40), target=_two_wheel_code)
def test_open_lock_matches_relaxation_on_two_wheels(ex, deadends, target):
    expect_equal(
        ex.open_lock(deadends, target),
        relaxation_lock(deadends, target),
        call=f"open_lock({deadends!r}, {target!r})",
        hint="-1 when the target is a dead end, the start is a dead end, or dead ends cut it off",
    )
