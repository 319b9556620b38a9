"""Day 28: a retrospective of your 28 days, written from your own attempt records.

``learn report`` summarises every track from the progress store. Here you
write the torch_days part yourself, over plain records, so that every number
in it is one you can explain:

- ``day_of``: which day an exercise id belongs to (``"torch-07"`` -> 7);
- ``day_summaries``: per day, the attempts, the first try, the first pass
  and the hours in between;
- ``quiz_summaries``: per quiz, the runs, the latest and the best score;
- ``retrospective``: all of it as one Markdown page.

A record is a mapping with the keys of one row of the progress store
(``dataclasses.asdict`` turns the store's ``Attempt`` objects into these)::

    {"exercise_id": "torch-03", "started_at": 1709280000.0, "duration_s": 2.1,
     "passed": False, "n_passed": 5, "n_failed": 2,
     "first_failure": "tests/torch_days/test_day03_broadcasting.py::test_pairwise_l2",
     "kind": "check"}

``started_at`` is Unix time; every date here is a UTC date. ``kind`` is
``"check"``, ``"watch"`` or ``"drill"`` for a grading, ``"quiz"`` for a quiz
run (then ``n_passed`` is the number of right answers and ``n_failed`` the
wrong ones). Records of other tracks (``gym-03``) and of practice projects
(``torch-p01``) are ignored.

In scope: grouping, ordering, UTC dates, exact text layout. Out of scope:
reading the SQLite store (``learn report`` does) and local time zones.

Run the demo: .venv/bin/python -m torch_days.day28_retro
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

Record = Mapping[str, Any]

DAYS = 29  # torch-00 .. torch-28
SLOWEST = 3  # rows in the "Slowest days" table
GRADED = ("check", "watch", "drill")


def day_of(exercise_id: str) -> int | None:
    """The day of a torch_days exercise id, or ``None`` for anything else.

    Only ``"torch-"`` followed by exactly two digits is a day.

    Example:
        >>> day_of("torch-07"), day_of("torch-28"), day_of("torch-p01"), day_of("gym-07"), day_of("torch-7")
        (7, 28, None, None, None)
    """
    # TODO: a regular expression with re.fullmatch, or careful slicing.
    raise NotImplementedError("torch-28: day_of is not written yet")




def day_summaries(records: Iterable[Record]) -> list[dict[str, Any]]:
    """One summary per torch_days day that has at least one graded attempt, ordered by day.

    Only graded attempts count (``kind`` in ``"check"``, ``"watch"``,
    ``"drill"``); quiz runs do not. Each summary is a dict::

        {"day": 3, "exercise_id": "torch-03", "attempts": 4,
         "first_try": date(2024, 3, 3), "passed_on": date(2024, 3, 4),
         "hours_to_pass": 26.5}

    - ``attempts``: graded attempts of that day, passing or not, including
      those after the first pass;
    - ``first_try``: UTC date of the earliest attempt;
    - ``passed_on``: UTC date of the earliest passing attempt, or ``None``;
    - ``hours_to_pass``: ``(earliest pass - earliest attempt) / 3600`` as a
      float (``0.0`` if the first attempt passed), or ``None``.

    "Earliest" is by ``started_at``; records may come in any order.

    Args:
        records: attempt records; any iterable.

    Returns:
        a list of dicts with exactly the keys above.

    Example:
        >>> t = datetime(2024, 3, 1, 9, tzinfo=timezone.utc).timestamp()
        >>> recs = [{"exercise_id": "torch-01", "started_at": t + 5400, "passed": True, "kind": "check"},
        ...         {"exercise_id": "torch-01", "started_at": t, "passed": False, "kind": "check"}]
        >>> day_summaries(recs)
        [{'day': 1, 'exercise_id': 'torch-01', 'attempts': 2, 'first_try': datetime.date(2024, 3, 1), 'passed_on': datetime.date(2024, 3, 1), 'hours_to_pass': 1.5}]

    Edge cases the tests try: no records, only quiz records, other tracks,
    practice projects, records out of order, a day never passed, attempts
    after the first pass, an attempt at 23:30 UTC (the next day in Beijing,
    and the tests run with the local zone at UTC+8).
    """
    # TODO: group the graded torch-day records by day (a dict of lists), then
    # build one dict per day in ascending day order. Use the UTC date.
    raise NotImplementedError("torch-28: day_summaries is not written yet")


def quiz_summaries(records: Iterable[Record]) -> list[tuple[str, int, str, str]]:
    """Per torch_days quiz: ``(exercise_id, runs, latest, best)``, ordered by id.

    Only records with ``kind == "quiz"`` and a torch-day id count. A run's
    score is ``f"{n_passed}/{n_passed + n_failed}"``; ``latest`` is the run
    with the largest ``started_at``, ``best`` the run with the most right
    answers (the earliest such run on a tie).

    Example:
        >>> recs = [{"exercise_id": "torch-26", "kind": "quiz", "started_at": 2.0, "n_passed": 9, "n_failed": 9},
        ...         {"exercise_id": "torch-26", "kind": "quiz", "started_at": 1.0, "n_passed": 12, "n_failed": 6}]
        >>> quiz_summaries(recs)
        [('torch-26', 2, '9/18', '12/18')]

    Edge cases the tests try: no quiz runs, one run, several quizzes,
    records out of order, graded records mixed in (ignored).
    """
    # TODO: group quiz runs by id; sort each group by started_at.
    raise NotImplementedError("torch-28: quiz_summaries is not written yet")


def retrospective(records: Iterable[Record]) -> str:
    """The Markdown retrospective of the torch_days track, in exactly this layout.

    With no torch_days records at all (graded or quiz) the text is
    ``"# PyTorch in 28 days: retrospective\\n\\nNo torch_days attempts yet.\\n"``.
    Otherwise::

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

    Rules:

    - "days passed": days with a passing graded attempt, out of ``DAYS`` (29);
    - "graded attempts": the sum of ``attempts`` over ``day_summaries``;
    - "period": UTC dates of the earliest and latest torch-day record,
      quiz runs included;
    - "Days": one row per ``day_summaries`` entry; ``passed`` is the
      ``passed_on`` date or ``not yet``; when there is no graded attempt the
      table is replaced by the line ``No graded attempts yet.``;
    - "Slowest days": the ``SLOWEST`` (3) passed days with the largest
      ``hours_to_pass`` (ties: the lower day first), hours with one decimal
      (``f"{h:.1f}"``); when no day has passed, the line ``No day passed yet.``;
    - "Quizzes": one row per ``quiz_summaries`` entry; when there is none,
      the line ``No quiz taken yet.``;
    - "Next": ``- not passed yet: `` and the ids of tried-but-not-passed days
      joined by ``", "`` in day order, or ``- every day tried has passed``;
      then the two fixed lines above;
    - one blank line between blocks, a single newline at the end.

    Args:
        records: attempt records; any iterable (read once).

    Returns:
        the Markdown text.

    Edge cases the tests try: no records, only other tracks, only quiz
    runs, nothing passed, everything passed, more than three passed days
    (ties in hours), an attempt at 23:30 UTC with the local zone at UTC+8,
    a generator of records, and the full example above.
    """
    # TODO: records = list(records) first (a generator can be read once);
    # reuse day_summaries and quiz_summaries; build a list of lines and
    # return "\n".join(lines) + "\n".
    raise NotImplementedError("torch-28: retrospective is not written yet")


if __name__ == "__main__":
    t0 = datetime(2024, 3, 1, 9, tzinfo=timezone.utc).timestamp()
    demo = [
        {"exercise_id": "torch-00", "started_at": t0, "duration_s": 1.0, "passed": True, "n_passed": 9, "n_failed": 0,
         "first_failure": "", "kind": "check"},
        {"exercise_id": "torch-26", "started_at": t0 + 86400, "duration_s": 300.0, "passed": False, "n_passed": 14,
         "n_failed": 4, "first_failure": "", "kind": "quiz"},
    ]
    print(retrospective(demo))
