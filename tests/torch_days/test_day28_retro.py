"""Grading torch-28: day_of, day_summaries, quiz_summaries, retrospective.

Oracles: hand-worked values — a worked example with every date, count,
hour and line of text written out below, and small cases worked out by hand.
Tests that involve dates run with the process's local zone at UTC+8
(``TZ=CST-8``), so code that uses local dates gets other answers: the
worked example has records at 23:30 and 20:00 UTC, already the next day in
Beijing.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timezone

import pytest

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("torch-28")

def ts(year, month, day, hour=0, minute=0) -> float:
    """Unix time of a UTC wall-clock moment."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc).timestamp()


def rec(exercise_id, started_at, passed=False, kind="check", n_passed=3, n_failed=1):
    return {
        "exercise_id": exercise_id, "started_at": started_at, "duration_s": 2.0, "passed": passed,
        "n_passed": n_passed, "n_failed": 0 if passed and kind != "quiz" else n_failed,
        "first_failure": "" if passed else "tests/torch_days/test_x.py::test_y", "kind": kind,
    }


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


# ---------------------------------------------------------------- day_of


@pytest.mark.parametrize(
    "exercise_id,expected",
    [("torch-00", 0), ("torch-07", 7), ("torch-28", 28), ("torch-99", 99), ("torch-p01", None), ("gym-07", None),
     ("torch-7", None), ("torch-123", None), ("xtorch-01", None), ("torch-01 ", None), ("torch-０１", None), ("", None)],
)
def test_day_of(ex, exercise_id, expected):
    expect_equal(ex.day_of(exercise_id), expected, call=f"day_of({exercise_id!r})",
                 hint="exactly 'torch-' and two ASCII digits; \\d in a regex also accepts full-width and other scripts' digits")


# ---------------------------------------------------------------- the worked example (retrospective's docstring)

WORKED = [
    rec("torch-00", ts(2024, 3, 1, 9), passed=True),
    rec("torch-01", ts(2024, 3, 2, 10)),
    rec("torch-01", ts(2024, 3, 2, 18), kind="watch"),
    rec("torch-01", ts(2024, 3, 3, 12, 30), passed=True),  # 26.5 hours after the first try
    rec("torch-22", ts(2024, 3, 27, 23, 30)),  # 2024-03-28 07:30 in Beijing
    rec("torch-22", ts(2024, 3, 28, 8)),
    rec("torch-26", ts(2024, 3, 26, 20), kind="quiz", n_passed=12, n_failed=6),
    rec("torch-26", ts(2024, 3, 28, 20), kind="quiz", n_passed=9, n_failed=9),  # the latest record: 03-29 in Beijing
    rec("gym-03", ts(2024, 2, 1, 8), passed=True),  # another track: ignored
    rec("torch-p01", ts(2024, 3, 30, 8)),  # a practice project: ignored
]

WORKED_DAYS = [
    {"day": 0, "exercise_id": "torch-00", "attempts": 1, "first_try": date(2024, 3, 1), "passed_on": date(2024, 3, 1), "hours_to_pass": 0.0},
    {"day": 1, "exercise_id": "torch-01", "attempts": 3, "first_try": date(2024, 3, 2), "passed_on": date(2024, 3, 3), "hours_to_pass": 26.5},
    {"day": 22, "exercise_id": "torch-22", "attempts": 2, "first_try": date(2024, 3, 27), "passed_on": None, "hours_to_pass": None},
]

WORKED_TEXT = """\
# PyTorch in 28 days: retrospective

- days passed: 2 of 29
- graded attempts: 6
- period: 2024-03-01 .. 2024-03-28 (UTC)

## Days

| day | exercise | attempts | first try | passed |
| ---: | --- | ---: | --- | --- |
| 0 | torch-00 | 1 | 2024-03-01 | 2024-03-01 |
| 1 | torch-01 | 3 | 2024-03-02 | 2024-03-03 |
| 22 | torch-22 | 2 | 2024-03-27 | not yet |

## Slowest days

| exercise | hours to pass |
| --- | ---: |
| torch-01 | 26.5 |
| torch-00 | 0.0 |

## Quizzes

| quiz | runs | latest | best |
| --- | ---: | ---: | ---: |
| torch-26 | 2 | 9/18 | 12/18 |

## Next

- not passed yet: torch-22
- run `learn report` for the mistake report of every track
- then start cs336: `learn list cs336`
"""


def shuffled(records, seed=0):
    out = list(records)
    random.Random(seed).shuffle(out)
    return out


def test_day_summaries_worked_example(ex, beijing_local_time):
    got = ex.day_summaries(shuffled(WORKED))
    expect_equal(got, WORKED_DAYS, call="day_summaries(<the worked example, shuffled>) with the local zone at UTC+8",
                 hint="group graded torch-NN records by day; earliest by started_at; dates with datetime.fromtimestamp(t, tz=timezone.utc).date()")


@pytest.mark.parametrize(
    "records,expected",
    [
        ([], []),
        ([rec("torch-26", ts(2024, 3, 1), kind="quiz")], []),
        ([rec("gym-01", ts(2024, 3, 1), passed=True), rec("torch-p02", ts(2024, 3, 1), passed=True)], []),
        (
            [rec("torch-05", ts(2024, 3, 5, 12), passed=True, kind="drill"), rec("torch-05", ts(2024, 3, 5, 11), passed=True)],
            [{"day": 5, "exercise_id": "torch-05", "attempts": 2, "first_try": date(2024, 3, 5), "passed_on": date(2024, 3, 5),
              "hours_to_pass": 0.0}],
        ),
    ],
    ids=["empty", "quiz-only", "other-tracks", "passed-twice"],
)
def test_day_summaries_small_cases(ex, records, expected):
    expect_equal(ex.day_summaries(records), expected, call=f"day_summaries({records!r})",
                 hint="only kinds check/watch/drill of ids torch-NN count; the first pass counts from the earliest attempt")


def test_quiz_summaries_worked_example(ex):
    expect_equal(ex.quiz_summaries(shuffled(WORKED, seed=1)), [("torch-26", 2, "9/18", "12/18")],
                 call="quiz_summaries(<the worked example, shuffled>)", hint="latest = the run with the largest started_at; best = most right answers")


def test_quiz_summaries_ties_and_several_quizzes(ex):
    records = [
        rec("torch-26", 30.0, kind="quiz", n_passed=10, n_failed=8),
        rec("torch-13", 10.0, kind="quiz", n_passed=4, n_failed=1),
        rec("torch-26", 10.0, kind="quiz", n_passed=10, n_failed=8),
        rec("torch-26", 20.0, kind="quiz", n_passed=7, n_failed=11),
        rec("torch-26", 40.0, kind="check", passed=True),  # not a quiz run
        rec("gym-07", 50.0, kind="quiz", n_passed=1, n_failed=1),  # another track
    ]
    expect_equal(ex.quiz_summaries(records), [("torch-13", 1, "4/5", "4/5"), ("torch-26", 3, "10/18", "10/18")],
                 call="quiz_summaries(<two quizzes, a tie for best, a check and a gym quiz mixed in>)",
                 hint="order by exercise id; only kind == 'quiz' and torch-NN ids")
    expect_equal(ex.quiz_summaries([]), [], call="quiz_summaries([])")


# ---------------------------------------------------------------- retrospective


def compare_text(got: str, expected: str, call: str) -> None:
    expect_true(isinstance(got, str), message=f"{call} should return a str, got {type(got).__name__}")
    got_lines, want_lines = got.split("\n"), expected.split("\n")
    for i, (g, w) in enumerate(zip(got_lines, want_lines), start=1):
        if g != w:
            expect_equal(g, w, call=f"{call}: line {i}", hint="compare with the layout in the docstring, character by character")
    expect_equal(len(got_lines), len(want_lines), call=f"{call}: number of lines (the text must end with exactly one newline)")


def test_retrospective_worked_example(ex, beijing_local_time):
    compare_text(ex.retrospective(iter(shuffled(WORKED, seed=2))), WORKED_TEXT,
                 "retrospective(<the worked example as a generator>) with the local zone at UTC+8")


@pytest.mark.parametrize("records", [[], [rec("gym-01", ts(2024, 3, 1), passed=True), rec("torch-p01", ts(2024, 3, 1))]], ids=["empty", "other-tracks"])
def test_retrospective_without_torch_records(ex, records):
    expect_equal(ex.retrospective(records), "# PyTorch in 28 days: retrospective\n\nNo torch_days attempts yet.\n",
                 call=f"retrospective({records!r})")


def test_retrospective_quiz_only(ex):
    records = [rec("torch-26", ts(2024, 4, 1, 10), kind="quiz", n_passed=15, n_failed=3)]
    expected = """\
# PyTorch in 28 days: retrospective

- days passed: 0 of 29
- graded attempts: 0
- period: 2024-04-01 .. 2024-04-01 (UTC)

## Days

No graded attempts yet.

## Slowest days

No day passed yet.

## Quizzes

| quiz | runs | latest | best |
| --- | ---: | ---: | ---: |
| torch-26 | 1 | 15/18 | 15/18 |

## Next

- every day tried has passed
- run `learn report` for the mistake report of every track
- then start cs336: `learn list cs336`
"""
    compare_text(ex.retrospective(records), expected, "retrospective(<one quiz run, no graded attempt>)")


def test_retrospective_slowest_days_with_ties(ex):
    t = ts(2024, 5, 1, 8)
    records = [
        rec("torch-02", t), rec("torch-02", t + 2 * 3600, passed=True),  # 2.0 h
        rec("torch-03", t), rec("torch-03", t + 2 * 3600, passed=True),  # 2.0 h (tie: lower day first)
        rec("torch-04", t), rec("torch-04", t + 5 * 3600 + 1800, passed=True),  # 5.5 h
        rec("torch-05", t), rec("torch-05", t + 3 * 3600, passed=True),  # 3.0 h
        rec("torch-06", t, passed=True),  # 0.0 h
        rec("torch-07", t),  # not passed
    ]
    expected = """\
# PyTorch in 28 days: retrospective

- days passed: 5 of 29
- graded attempts: 10
- period: 2024-05-01 .. 2024-05-01 (UTC)

## Days

| day | exercise | attempts | first try | passed |
| ---: | --- | ---: | --- | --- |
| 2 | torch-02 | 2 | 2024-05-01 | 2024-05-01 |
| 3 | torch-03 | 2 | 2024-05-01 | 2024-05-01 |
| 4 | torch-04 | 2 | 2024-05-01 | 2024-05-01 |
| 5 | torch-05 | 2 | 2024-05-01 | 2024-05-01 |
| 6 | torch-06 | 1 | 2024-05-01 | 2024-05-01 |
| 7 | torch-07 | 1 | 2024-05-01 | not yet |

## Slowest days

| exercise | hours to pass |
| --- | ---: |
| torch-04 | 5.5 |
| torch-05 | 3.0 |
| torch-02 | 2.0 |

## Quizzes

No quiz taken yet.

## Next

- not passed yet: torch-07
- run `learn report` for the mistake report of every track
- then start cs336: `learn list cs336`
"""
    compare_text(ex.retrospective(shuffled(records, seed=3)), expected, "retrospective(<six days, two tied at 2.0 hours>)")
