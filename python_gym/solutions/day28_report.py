"""Day 28: a mistake report over your own attempt records.

``learn report`` summarises the real progress store. Here you write the
analysis yourself, over plain records, so that every number in the report is
one you can explain:

- ``most_attempted``: which exercises took the most tries;
- ``most_failed_tests``: which tests stopped you most often;
- ``time_per_week``: practice time per week, by UTC date;
- ``render_report``: all of it as one Markdown page.

A record is a mapping with the keys of one row of the progress store:

    {"exercise_id": "gym-03", "started_at": 1704103200.0, "duration_s": 1.8,
     "passed": False, "n_passed": 5, "n_failed": 2,
     "first_failure": "tests/python_gym/test_day03_deque.py::test_bfs_walls",
     "kind": "check"}

``started_at`` is Unix time (seconds since 1970-01-01 00:00 UTC); every
attempt counts, whatever its ``kind``. ``dataclasses.asdict`` turns the
store's ``Attempt`` objects into such records.

In scope: Counter, ordering with tuple keys, UTC dates, building text with
``str.join``. Out of scope: reading the SQLite store (``learn report`` does)
and local time zones (everything here is UTC on purpose).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

Record = Mapping[str, Any]

TOP = 5  # rows in the "most attempted" and "most failed tests" tables of the report


def most_attempted(records: Iterable[Record], n: int) -> list[tuple[str, int]]:
    """Return the ``n`` exercises with the most attempts, as ``(exercise_id, attempts)``.

    Ordered by attempts, most first; ties by ``exercise_id`` ascending
    (plain string order: ``"gym-10" < "gym-9"``).

    Args:
        records: attempt records (see the module docstring); may be empty.
        n: how many exercises to return, ``n >= 0``; all of them if ``n``
            exceeds the number of distinct exercises.

    Returns:
        At most ``n`` tuples.

    Raises:
        ValueError: if ``n`` is negative.

    Example:
        >>> recs = [{"exercise_id": e} for e in ["gym-02", "gym-01", "gym-02", "gym-03", "gym-01"]]
        >>> most_attempted(recs, 2)
        [('gym-01', 2), ('gym-02', 2)]

    Edge cases the tests try: no records, ``n = 0``, ``n`` larger than the
    number of exercises, ties, one record, a generator of records, and a
    negative ``n``.
    """
    # TODO: count exercise ids with Counter, order by (-count, id), keep n.
    # TODO: Counter.most_common breaks ties by first appearance: not enough.
    # BEGIN SOLUTION
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    counts = Counter(r["exercise_id"] for r in records)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    # END SOLUTION


def most_failed_tests(records: Iterable[Record], n: int) -> list[tuple[str, int]]:
    """Return the ``n`` tests that were most often the first failure, as ``(test_id, failures)``.

    Only failed attempts (``passed`` false) with a non-empty
    ``first_failure`` count. Ordered by failures, most first; ties by test
    id ascending.

    Args:
        records: attempt records; may be empty.
        n: how many tests to return, ``n >= 0``.

    Returns:
        At most ``n`` tuples; ``[]`` when nothing failed.

    Raises:
        ValueError: if ``n`` is negative.

    Example:
        >>> recs = [
        ...     {"passed": False, "first_failure": "t.py::test_b"},
        ...     {"passed": False, "first_failure": "t.py::test_a"},
        ...     {"passed": False, "first_failure": "t.py::test_b"},
        ...     {"passed": True, "first_failure": ""},
        ... ]
        >>> most_failed_tests(recs, 5)
        [('t.py::test_b', 2), ('t.py::test_a', 1)]

    Edge cases the tests try: no records, only passing attempts, a failed
    attempt with an empty ``first_failure`` (not counted), a passing attempt
    that still names a test (not counted), ties, ``n = 0``, a negative ``n``.
    """
    # TODO: count first_failure over the failed attempts only; same ordering as
    # TODO: most_attempted.
    # BEGIN SOLUTION
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    counts = Counter(r["first_failure"] for r in records if not r["passed"] and r["first_failure"])
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    # END SOLUTION


def time_per_week(records: Iterable[Record], start_date: date) -> list[float]:
    """Return the seconds practised in each week from ``start_date`` on.

    Week ``w`` holds the attempts whose start falls on a UTC date ``d`` with
    ``(d - start_date).days // 7 == w``; the whole ``duration_s`` of an
    attempt counts in the week it started in (no splitting at midnight).
    Attempts before ``start_date`` are left out. Dates are UTC dates, never
    the local time zone of the machine running the code.

    Args:
        records: attempt records; may be empty.
        start_date: the first day of week 0 (any weekday).

    Returns:
        ``[seconds in week 0, seconds in week 1, ...]`` up to the last week
        with an attempt; weeks without attempts hold ``0.0``; ``[]`` when no
        attempt is on or after ``start_date``.

    Example:
        >>> jan1 = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
        >>> recs = [{"started_at": jan1 + 3600, "duration_s": 60.0},
        ...         {"started_at": jan1 + 15 * 86400, "duration_s": 30.0}]
        >>> time_per_week(recs, date(2024, 1, 1))
        [60.0, 0.0, 30.0]

    Edge cases the tests try: no records, attempts only before
    ``start_date``, an attempt at 23:59 UTC on the last day of a week and
    one at 00:00 UTC on the next day, an attempt late on a Sunday UTC that
    is already Monday in Beijing (the tests run with the local time zone set
    to UTC+8), and records in any order.
    """
    # TODO: the UTC date is datetime.fromtimestamp(ts, tz=timezone.utc).date();
    # TODO: plain datetime.fromtimestamp(ts) or date.fromtimestamp(ts) use local time.
    # BEGIN SOLUTION
    weeks: dict[int, float] = {}
    for r in records:
        day = datetime.fromtimestamp(r["started_at"], tz=timezone.utc).date()
        w = (day - start_date).days // 7  # floor division: days -1..-7 give week -1
        if w >= 0:
            weeks[w] = weeks.get(w, 0.0) + r["duration_s"]
    if not weeks:
        return []
    return [weeks.get(w, 0.0) for w in range(max(weeks) + 1)]
    # END SOLUTION


def render_report(records: Iterable[Record]) -> str:
    """Return a Markdown report of the attempts, in exactly this layout.

    With no records the report is ``"# Practice report\\n\\nNo attempts yet.\\n"``.
    Otherwise (``S`` is the UTC date of the earliest attempt; minutes are
    ``seconds / 60`` with one decimal, ``f"{seconds / 60:.1f}"``)::

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

    Rules:

    - "exercises": distinct exercise ids tried, and how many of them have at
      least one passing attempt;
    - "period": the UTC dates of the earliest and the latest attempt start;
    - "Most attempted" and "Most failed tests": ``most_attempted(records, TOP)``
      and ``most_failed_tests(records, TOP)``; when no test failed, the table
      is replaced by the line ``No failed tests.``;
    - "Time per week": ``time_per_week(records, S)``, one row per week,
      the row's date is ``S + 7 * week`` days;
    - "Not yet passed": tried exercises without a passing attempt, sorted by
      id, one ``- id`` line each; when there are none, the line
      ``Every exercise tried has passed.``;
    - one blank line between blocks, a single newline at the end, no
      trailing spaces.

    Args:
        records: attempt records; any iterable (read once).

    Returns:
        The Markdown text.

    Edge cases the tests try: no records, one record, no failures,
    everything passed, a gap week, a generator of records, and the full
    example above.
    """
    # TODO: turn records into a list first (it may be a generator), then reuse
    # TODO: your three functions. Build the lines in a list and "\n".join them.
    # BEGIN SOLUTION
    records = list(records)
    if not records:
        return "# Practice report\n\nNo attempts yet.\n"
    tried = {r["exercise_id"] for r in records}
    passed = {r["exercise_id"] for r in records if r["passed"]}
    days = [datetime.fromtimestamp(r["started_at"], tz=timezone.utc).date() for r in records]
    start = min(days)
    total = sum(r["duration_s"] for r in records)

    lines = [
        "# Practice report",
        "",
        f"- attempts: {len(records)}",
        f"- exercises: {len(tried)} tried, {len(passed)} passed",
        f"- time: {total / 60:.1f} min",
        f"- period: {start.isoformat()} .. {max(days).isoformat()} (UTC)",
        "",
        "## Most attempted",
        "",
        *_table(("exercise", "attempts"), most_attempted(records, TOP)),
        "",
        "## Most failed tests",
        "",
    ]
    failed = most_failed_tests(records, TOP)
    lines += _table(("test", "failures"), failed) if failed else ["No failed tests."]
    weeks = [((start + timedelta(days=7 * w)).isoformat(), f"{s / 60:.1f}") for w, s in enumerate(time_per_week(records, start))]
    lines += ["", "## Time per week", "", *_table(("week from", "minutes"), weeks), "", "## Not yet passed", ""]
    pending = sorted(tried - passed)
    lines += [f"- {e}" for e in pending] if pending else ["Every exercise tried has passed."]
    return "\n".join(lines) + "\n"
    # END SOLUTION


# BEGIN SOLUTION
def _table(header: tuple[str, str], rows: Iterable[tuple[Any, Any]]) -> list[str]:
    """A two-column Markdown table, the second column right-aligned: ``| a | b |`` lines."""
    return [f"| {header[0]} | {header[1]} |", "| --- | ---: |", *(f"| {a} | {b} |" for a, b in rows)]
# END SOLUTION


if __name__ == "__main__":
    jan1 = datetime(2024, 1, 1, 9, tzinfo=timezone.utc).timestamp()
    demo = [
        {"exercise_id": "gym-01", "started_at": jan1, "duration_s": 600.0, "passed": False, "n_passed": 3,
         "n_failed": 1, "first_failure": "tests/python_gym/test_day01_counter.py::test_top_k_property", "kind": "check"},
        {"exercise_id": "gym-01", "started_at": jan1 + 900, "duration_s": 300.0, "passed": True, "n_passed": 4,
         "n_failed": 0, "first_failure": "", "kind": "check"},
    ]
    print(render_report(demo))
