"""Day 5: mixed collections quiz (Counter + heapq + deque, Counter + deque).

Two interview problems where one container is not enough:

- ``least_interval``: the task scheduler. Counter counts the work, a max-heap
  picks the task with the most copies left, a deque holds the tasks that are
  cooling down, in the order they become ready again.
- ``FirstUnique``: the first non-repeated item of a growing stream. Counter
  knows how often each item has been seen; a deque keeps the candidates in
  arrival order and drops stale ones lazily from the left.

In scope: the containers from days 1-4 used together. Out of scope: the
closed-form answer to the scheduler (the tests use it as a check; deriving it
is a good follow-up once the simulation works).
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Hashable, Iterable


def least_interval(tasks: list[Hashable], n: int) -> int:
    """Return the fewest time units a CPU needs to run every task.

    Each task takes one unit. Two runs of the same task must be at least
    ``n`` units apart: between them sit ``n`` other units (other tasks or
    idle). Tasks may run in any order.

    Args:
        tasks: task labels (any hashable: ``"A"``, ``"编译"``, ``7``);
            duplicates are separate runs of the same task.
        n: the cooldown, ``n >= 0``.

    Returns:
        The length of the shortest schedule, idle units included.

    Raises:
        ValueError: if ``n < 0`` (say which value was given).

    Example:
        >>> least_interval(["A", "A", "A", "B", "B", "C"], 2)
        7

        One best schedule is ``A B C A B idle A``.

    Edge cases the tests try: no tasks (0), ``n == 0`` (no idle ever, the
    answer is ``len(tasks)``), one kind of task (``(count - 1) * (n + 1) + 1``),
    many kinds so that no idle is needed, ties for the most frequent task,
    Unicode and integer labels, a cooldown far larger than the task list,
    and 100 000 tasks.
    """
    # TODO: Counter the tasks; run the kind with the most copies left (heapq
    # TODO: max-heap via negated counts); park a run task in a deque with the
    # TODO: time it is ready again. When nothing is ready, jump the clock to
    # TODO: the deque's front instead of idling one unit at a time.
    raise NotImplementedError("gym-05: least_interval is not written yet")


class FirstUnique:
    """The first item of a stream that has been seen exactly once so far.

    Example:
        >>> fu = FirstUnique([2, 3, 5])
        >>> fu.first_unique()
        2
        >>> fu.add(5); fu.add(2)
        >>> fu.first_unique()
        3
        >>> fu.add(3)
        >>> fu.first_unique() is None
        True

    ``add`` and ``first_unique`` are amortised O(1): each item enters the
    queue of candidates once and leaves it once.

    Edge cases the tests try: an empty stream (``None``), every item
    repeated (``None``), falsy items such as ``0`` and ``""`` (a real answer,
    not "no answer"), an item that becomes unique again never (a third copy
    keeps it repeated), asking twice in a row (same answer, nothing
    changes), Unicode strings, and long streams.
    """

    # TODO: keep a Counter of how often each item was seen and a deque of
    # TODO: candidates in arrival order; first_unique pops stale candidates
    # TODO: (count > 1) off the left before answering. No scanning the whole history.

    def __init__(self, items: Iterable[Hashable] = ()) -> None:
        """Start the stream with ``items`` (in order); ``None`` is not a valid item."""
        raise NotImplementedError("gym-05: __init__ is not written yet")

    def add(self, item: Hashable) -> None:
        """Append ``item`` to the stream."""
        raise NotImplementedError("gym-05: add is not written yet")

    def first_unique(self) -> Hashable | None:
        """Return the earliest item seen exactly once, or ``None`` if there is none."""
        raise NotImplementedError("gym-05: first_unique is not written yet")
