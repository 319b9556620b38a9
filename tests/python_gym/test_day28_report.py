"""Grading tests for gym-28 (the mistake report): most_attempted, most_failed_tests, time_per_week, render_report.

Oracles: plain-dict counting with selection of the best remaining key (no
Counter, no sort); UTC dates computed by hand from Unix time (whole days
since 1970-01-01, no datetime time-zone handling); a hand-written report for
a worked example. The time-zone tests set the process's local zone to UTC+8
(TZ=CST-8), so code that uses local dates gets different answers.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-28")

EPOCH = date(1970, 1, 1)


# ------------------------------------------------------------------ helpers and oracles


def ts(year, month, day, hour=0, minute=0) -> float:
    """Unix time of a UTC wall-clock moment."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc).timestamp()


def rec(exercise_id, started_at, duration_s=60.0, passed=False, first_failure="", kind="check"):
    return {
        "exercise_id": exercise_id, "started_at": started_at, "duration_s": duration_s, "passed": passed,
        "n_passed": 3 if passed else 1, "n_failed": 0 if passed else 2, "first_failure": first_failure, "kind": kind,
    }


def brute_top(keys: list[str], n: int) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    chosen = []
    while counts and len(chosen) < n:
        best = None
        for k, c in counts.items():
            if best is None or c > counts[best] or (c == counts[best] and k < best):
                best = k
        chosen.append((best, counts.pop(best)))
    return chosen


def utc_day(seconds: float) -> date:
    return EPOCH + timedelta(days=int(seconds // 86_400))


def brute_weeks(records, start: date) -> list[float]:
    weeks: list[float] = []
    for r in records:
        offset = (utc_day(r["started_at"]) - start).days
        if offset < 0:
            continue
        w = offset // 7
        weeks.extend([0.0] * (w + 1 - len(weeks)))
        weeks[w] += r["duration_s"]
    return weeks


@pytest.fixture
def beijing_local_time(monkeypatch):
    """Run the test with the local time zone at UTC+8 (POSIX TZ string, no tz database needed)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "CST-8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# ------------------------------------------------------------------ the worked example (render_report's docstring)

WORKED = [
    rec("gym-01", ts(2024, 1, 1, 9), 600.0, False, "tests/python_gym/test_day01_counter.py::test_top_k_property"),
    rec("gym-01", ts(2024, 1, 1, 9, 20), 300.0, True),
    rec("gym-03", ts(2024, 1, 2, 20), 600.0, False, "tests/python_gym/test_day03_deque.py::test_bfs_walls"),
    rec("gym-03", ts(2024, 1, 3, 21), 300.0, False, "tests/python_gym/test_day03_deque.py::test_bfs_walls", kind="watch"),
    rec("gym-03", ts(2024, 1, 15, 8), 930.0, True),
    rec("gym-05", ts(2024, 1, 16, 10), 600.0, False, "tests/python_gym/test_day05_mixed.py::test_first_unique"),
    rec("gym-05", ts(2024, 1, 16, 23, 30), 600.0, False, ""),  # a collection error: no test id
]

WORKED_REPORT = """\
# Practice report

- attempts: 7
- exercises: 3 tried, 2 passed
- time: 65.5 min
- period: 2024-01-01 .. 2024-01-16 (UTC)

## Most attempted

| exercise | attempts |
| --- | ---: |
| gym-03 | 3 |
| gym-01 | 2 |
| gym-05 | 2 |

## Most failed tests

| test | failures |
| --- | ---: |
| tests/python_gym/test_day03_deque.py::test_bfs_walls | 2 |
| tests/python_gym/test_day01_counter.py::test_top_k_property | 1 |
| tests/python_gym/test_day05_mixed.py::test_first_unique | 1 |

## Time per week

| week from | minutes |
| --- | ---: |
| 2024-01-01 | 30.0 |
| 2024-01-08 | 0.0 |
| 2024-01-15 | 35.5 |

## Not yet passed

- gym-05
"""


def expect_same_text(got, expected: str, *, call: str) -> None:
    expect_true(isinstance(got, str), message=f"{call} returned {type(got).__name__}, not a str")
    got_lines, want_lines = got.split("\n"), expected.split("\n")
    for i, (g, w) in enumerate(zip(got_lines, want_lines), start=1):
        if g != w:
            expect_equal(g, w, call=f"{call}, line {i}", hint="compare with the layout in render_report's docstring, character by character")
    expect_equal(len(got_lines), len(want_lines), call=f"{call}: number of lines (split on '\\n')",
                 hint="one blank line between blocks and exactly one newline at the very end")


# ------------------------------------------------------------------ most_attempted

ATTEMPT_CASES = [
    pytest.param([], 3, id="no-records"),
    pytest.param(["gym-01"], 1, id="one-record"),
    pytest.param(["gym-02", "gym-01", "gym-02", "gym-03", "gym-01"], 2, id="docstring-tie"),
    pytest.param(["gym-02", "gym-01", "gym-02"], 0, id="n-zero"),
    pytest.param(["gym-02", "gym-01", "gym-02"], 10, id="n-too-big"),
    pytest.param(["gym-9", "gym-10", "gym-9", "gym-10"], 2, id="string-order-tie"),
    pytest.param(["core-03", "gym-01", "torch-02", "gym-01", "torch-02", "torch-02"], 3, id="mixed-tracks"),
]


@pytest.mark.parametrize("ids,n", ATTEMPT_CASES)
def test_most_attempted_matches_brute_force(ex, ids, n):
    records = [rec(e, ts(2024, 1, 1) + i) for i, e in enumerate(ids)]
    expect_equal(ex.most_attempted(records, n), brute_top(ids, n), call=f"most_attempted(<records for {ids!r}>, {n})",
                 hint="order by (-attempts, exercise_id); Counter.most_common keeps ties in first-seen order")


def test_most_attempted_accepts_a_generator(ex):
    records = [rec("gym-02", 0.0), rec("gym-01", 1.0), rec("gym-02", 2.0)]
    expect_equal(ex.most_attempted((r for r in records), 5), [("gym-02", 2), ("gym-01", 1)],
                 call="most_attempted(<generator of 3 records>, 5)", hint="iterate over the records once")


@given(st.lists(st.sampled_from(["gym-01", "gym-02", "gym-10", "gym-9", "core-01"]), max_size=15), st.integers(0, 6))
def test_most_attempted_property(ex, ids, n):
    records = [rec(e, float(i)) for i, e in enumerate(ids)]
    expect_equal(ex.most_attempted(records, n), brute_top(ids, n), call=f"most_attempted(<records for {ids!r}>, {n})",
                 hint="(exercise_id, attempts) tuples, most attempts first, ties by id, at most n")


# ------------------------------------------------------------------ most_failed_tests


def test_most_failed_tests_docstring(ex):
    records = [
        {"passed": False, "first_failure": "t.py::test_b"},
        {"passed": False, "first_failure": "t.py::test_a"},
        {"passed": False, "first_failure": "t.py::test_b"},
        {"passed": True, "first_failure": ""},
    ]
    expect_equal(ex.most_failed_tests(records, 5), [("t.py::test_b", 2), ("t.py::test_a", 1)],
                 call="most_failed_tests(<the docstring's records>, 5)", hint="count first_failure over failed attempts")


FAILED_CASES = [
    pytest.param([], 3, id="no-records"),
    pytest.param([(True, ""), (True, "")], 3, id="only-passes"),
    pytest.param([(False, ""), (False, "a::t1")], 3, id="empty-first-failure-not-counted"),
    pytest.param([(True, "a::t1"), (False, "a::t2")], 3, id="pass-naming-a-test-not-counted"),
    pytest.param([(False, "b::t"), (False, "a::t"), (False, "b::t"), (False, "a::t"), (False, "c::t")], 2, id="ties"),
    pytest.param([(False, "a::t")], 0, id="n-zero"),
]


@pytest.mark.parametrize("outcomes,n", FAILED_CASES)
def test_most_failed_tests_matches_brute_force(ex, outcomes, n):
    records = [rec("gym-01", float(i), passed=p, first_failure=f) for i, (p, f) in enumerate(outcomes)]
    expected = brute_top([f for p, f in outcomes if not p and f], n)
    expect_equal(ex.most_failed_tests(records, n), expected, call=f"most_failed_tests(<records {outcomes!r}>, {n})",
                 hint="only attempts with passed False and a non-empty first_failure count; order by (-failures, test id)")


@pytest.mark.parametrize("fn", ["most_attempted", "most_failed_tests"])
def test_negative_n_raises(ex, fn):
    expect_raises(ValueError, getattr(ex, fn), [rec("gym-01", 0.0)], -1, call=f"{fn}(<1 record>, -1)",
                  hint="a negative n is a caller error; lst[:-1] would silently drop the last item")


# ------------------------------------------------------------------ time_per_week

WEEK_CASES = [
    pytest.param([], date(2024, 1, 1), id="no-records"),
    pytest.param([(ts(2023, 12, 31, 23, 59), 50.0)], date(2024, 1, 1), id="only-before-start"),
    pytest.param([(ts(2024, 1, 1, 1), 60.0), (ts(2024, 1, 16, 12), 30.0)], date(2024, 1, 1), id="docstring-gap-week"),
    pytest.param([(ts(2024, 1, 7, 23, 59), 10.0), (ts(2024, 1, 8, 0, 0), 20.0)], date(2024, 1, 1), id="midnight-week-boundary"),
    pytest.param([(ts(2024, 1, 7, 23, 30), 3600.0)], date(2024, 1, 1), id="long-attempt-not-split"),
    pytest.param([(ts(2024, 3, 20, 5), 1.5), (ts(2024, 3, 3, 5), 2.5), (ts(2024, 2, 29, 5), 4.0)], date(2024, 2, 29), id="unordered-leap-day"),
    pytest.param([(ts(2024, 1, 3), 5.0), (ts(2023, 12, 30), 7.0)], date(2024, 1, 3), id="before-and-after"),
    pytest.param([(ts(2024, 1, 10), 5.0)], date(2024, 1, 10), id="wednesday-start"),
]


@pytest.mark.parametrize("moments,start", WEEK_CASES)
def test_time_per_week_matches_hand_computed(ex, moments, start):
    records = [rec("gym-01", t, d) for t, d in moments]
    expect_equal(ex.time_per_week(records, start), brute_weeks(records, start),
                 call=f"time_per_week(<{len(records)} records>, {start!r})",
                 hint="week = (UTC date - start_date).days // 7; leave out weeks < 0; fill gaps with 0.0; [] if nothing counts")


def test_time_per_week_uses_utc_not_local_time(ex, beijing_local_time):
    # Sunday 2024-01-07 20:00 UTC is already Monday 2024-01-08 04:00 in Beijing.
    records = [rec("gym-01", ts(2024, 1, 7, 20), 120.0)]
    expect_equal(ex.time_per_week(records, date(2024, 1, 1)), [120.0],
                 call="time_per_week(<one attempt on 2024-01-07 20:00 UTC>, date(2024, 1, 1)) with local time UTC+8",
                 hint="use datetime.fromtimestamp(t, tz=timezone.utc).date(); datetime.fromtimestamp(t) is local time (Monday in Beijing)")


@given(
    st.lists(st.tuples(st.integers(0, 60 * 86_400), st.integers(0, 7_200)), max_size=12),
    st.integers(0, 30),
)
def test_time_per_week_property(ex, moments, start_offset):
    base = ts(2024, 1, 1)
    records = [rec("gym-01", base + t, d / 2) for t, d in moments]  # halves: sums are exact in binary
    start = date(2024, 1, 1) + timedelta(days=start_offset)
    expect_equal(ex.time_per_week(records, start), brute_weeks(records, start),
                 call=f"time_per_week(<records at {[round(t / 86400, 2) for t, _ in moments]} days after 2024-01-01>, {start!r})",
                 hint="one list entry per week up to the last week with an attempt; the whole duration goes to the start week")


# ------------------------------------------------------------------ render_report


def test_render_report_empty(ex):
    expect_same_text(ex.render_report([]), "# Practice report\n\nNo attempts yet.\n", call="render_report([])")


def test_render_report_worked_example(ex, beijing_local_time):
    expect_same_text(ex.render_report(WORKED), WORKED_REPORT, call="render_report(<the 7 records of the docstring example>)")


def test_render_report_accepts_a_generator(ex):
    expect_same_text(ex.render_report(r for r in WORKED), WORKED_REPORT, call="render_report(<generator of the 7 records>)")


def test_render_report_one_passing_record(ex):
    expected = """\
# Practice report

- attempts: 1
- exercises: 1 tried, 1 passed
- time: 1.5 min
- period: 2024-02-29 .. 2024-02-29 (UTC)

## Most attempted

| exercise | attempts |
| --- | ---: |
| gym-22 | 1 |

## Most failed tests

No failed tests.

## Time per week

| week from | minutes |
| --- | ---: |
| 2024-02-29 | 1.5 |

## Not yet passed

Every exercise tried has passed.
"""
    expect_same_text(ex.render_report([rec("gym-22", ts(2024, 2, 29, 12), 90.0, True)]), expected,
                     call="render_report(<one passing attempt on 2024-02-29>)")


def test_render_report_keeps_only_the_top_five(ex):
    ids = [f"gym-{i:02d}" for i in range(22, 29)]  # 7 exercises, gym-22 tried 7 times, gym-23 six times, ...
    records = [rec(e, ts(2024, 3, 1) + 60 * k) for i, e in enumerate(ids) for k in range(7 - i)]
    text = ex.render_report(records)
    expect_true(isinstance(text, str), message=f"render_report returned {type(text).__name__}, not a str")
    section = text.split("## Most attempted\n\n", 1)[-1].split("\n\n", 1)[0].splitlines()
    expected_rows = [f"| {e} | {c} |" for e, c in brute_top([r["exercise_id"] for r in records], 5)]
    expect_equal(section[2:], expected_rows, call="the rows of the 'Most attempted' table for 7 exercises",
                 hint="the table holds most_attempted(records, TOP) with TOP = 5")
