"""Core day 11: asyncio -- coroutines vs tasks, running things concurrently, timeouts, cancellation.

asyncio is cooperative multitasking on one thread: an event loop runs one
task at a time, and a task gives the loop back only at an ``await`` that
has to wait. There are no data races between two ``await`` points (unlike
``std::thread``), but one task that never awaits blocks every other task.

- ``run_concurrently``: like ``asyncio.gather`` (results in input order), but
  if one job fails the others are cancelled and awaited before the error
  propagates, so nothing keeps running in the background;
- ``first_completed``: a race -- the result of whichever awaitable finishes
  first, the losers cancelled and cleaned up;
- ``with_timeout``: a result or a default after ``seconds``, with the slow
  work cancelled, and outside cancellation left alone;
- ``ticker``: a long-running task that cleans up when cancelled and lets the
  cancellation propagate.

In scope: ``async def``/``await``, ``asyncio.create_task``, ``gather``,
``wait``/``as_completed``, ``wait_for``, ``Task.cancel`` and
``CancelledError``. Out of scope: threads and executors, ``TaskGroup``'s
``ExceptionGroup`` handling (mentioned in the lesson), and sockets (core-12).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")




async def run_concurrently(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Run awaitables concurrently and return their results in input order.

    Every awaitable (usually a coroutine object) is wrapped in a task first,
    so all of them are running before any of them finishes: three jobs
    that each sleep 10 ms take about 10 ms, not 30.

    If a job raises, the other jobs are cancelled, ``run_concurrently`` waits
    until they have finished cancelling (so their ``finally`` blocks have
    run), and then re-raises the *first* exception itself (not wrapped in an
    ``ExceptionGroup``). If ``run_concurrently`` itself is cancelled, it
    cancels all jobs the same way and lets the ``CancelledError`` propagate.

    Args:
        aws: awaitables (coroutine objects, tasks, futures); may be empty.

    Returns:
        ``[result_0, result_1, ...]`` in the order of ``aws``.

    Example:
        >>> async def double(x):
        ...     await asyncio.sleep(0.01)
        ...     return 2 * x
        >>> asyncio.run(run_concurrently([double(1), double(2)]))
        [2, 4]

    Edge cases the tests try: no jobs, one job, jobs finishing in reverse
    order (results still in input order), overlap checked by recorded
    start/end events, a failing job while others are still sleeping (their
    cleanup must have run when the error arrives), cancellation from outside.
    """
    # TODO: create the tasks first (asyncio.ensure_future / create_task), then
    # TODO: await them together. Awaiting coroutines one by one in a loop is
    # TODO: sequential. On any exception: cancel the rest, await them, re-raise.
    raise NotImplementedError("core-11: run_concurrently is not written yet")


async def first_completed(aws: Iterable[Awaitable[T]]) -> tuple[int, T]:
    """Race awaitables: return ``(index, result)`` of the one that finishes first.

    "First" is the order in which the tasks really finish. Before returning
    (or raising), every other task is cancelled and awaited, so their
    cleanup has run and nothing is left running.

    If the first one to finish raised, that exception propagates (after the
    others are cancelled). ``asyncio.wait(..., return_when=FIRST_COMPLETED)``
    may report several tasks as done at once; its ``done`` set is unordered.

    Args:
        aws: a non-empty iterable of awaitables.

    Returns:
        ``(index in aws, result)``.

    Raises:
        ValueError: if ``aws`` is empty.

    Example:
        >>> async def after(ticks, value):
        ...     for _ in range(ticks):
        ...         await asyncio.sleep(0)
        ...     return value
        >>> asyncio.run(first_completed([after(3, "slow"), after(1, "fast")]))
        (1, 'fast')

    Edge cases the tests try: one awaitable, the winner at every position,
    two finishing one loop iteration apart (the true first must win), a
    winner that raises, losers whose ``finally`` must have run, empty input.
    """
    # TODO: asyncio.as_completed yields in completion order; wrap each
    # TODO: awaitable in a small coroutine that returns (index, await aw) so
    # TODO: you know which one won. Cancel and await the rest in a finally.
    raise NotImplementedError("core-11: first_completed is not written yet")


async def with_timeout(aw: Awaitable[T], seconds: float, default: T | None = None) -> T | None:
    """Return ``await aw``, or ``default`` if it takes longer than ``seconds``.

    On timeout the work is cancelled and ``with_timeout`` waits until it has
    finished cancelling (its ``finally`` blocks have run) before returning
    ``default``. An exception raised by ``aw`` propagates unchanged. If the
    task running ``with_timeout`` is itself cancelled, the ``CancelledError``
    propagates: outside cancellation is not a timeout.

    ``seconds == 0`` gives up at once unless ``aw`` is already done.

    Args:
        aw: an awaitable (usually a coroutine object).
        seconds: the time limit, ``>= 0``.
        default: what to return on timeout.

    Raises:
        ValueError: if ``seconds < 0`` (the awaitable is then closed unawaited).

    Example:
        >>> asyncio.run(with_timeout(asyncio.sleep(10, result="late"), 0.01, default="gave up"))
        'gave up'

    Edge cases the tests try: fast work, slow work (cleanup must have run),
    ``default`` values including ``None`` and ``0``, an exception inside,
    ``seconds == 0``, negative seconds, cancellation from outside.
    """
    # TODO: asyncio.wait_for does the cancelling and waiting for you; catch
    # TODO: TimeoutError only. Never catch CancelledError here.
    raise NotImplementedError("core-11: with_timeout is not written yet")


async def ticker(log: list[str], interval: float) -> None:
    """Append ``"tick 1"``, ``"tick 2"``, ... to ``log`` forever, one every ``interval`` seconds.

    The first tick is appended immediately, then the coroutine sleeps
    ``interval`` seconds between ticks. It never returns on its own: run it
    as a task and cancel it. When cancelled it appends ``"stopped"`` and
    re-raises ``CancelledError``, so the task ends up *cancelled*
    (``task.cancelled()`` is true) rather than finished normally.

    Args:
        log: the list to append to.
        interval: seconds between ticks, ``> 0``.

    Raises:
        ValueError: if ``interval <= 0`` (when awaited; nothing is logged).
        asyncio.CancelledError: always, in the end.

    Example:
        >>> async def demo():
        ...     log = []
        ...     task = asyncio.create_task(ticker(log, 0.01))
        ...     await asyncio.sleep(0.025)
        ...     task.cancel()
        ...     try:
        ...         await task
        ...     except asyncio.CancelledError:
        ...         pass
        ...     return log
        >>> asyncio.run(demo())  # doctest: +SKIP
        ['tick 1', 'tick 2', 'tick 3', 'stopped']

    Edge cases the tests try: cancelling after a few ticks, cancelling right
    after the first tick, "stopped" logged exactly once, the task reported
    as cancelled, a bad interval.
    """
    # TODO: while True: append, await asyncio.sleep(interval). Put the
    # TODO: "stopped" in a finally block (or except CancelledError: ...; raise).
    raise NotImplementedError("core-11: ticker is not written yet")


if __name__ == "__main__":

    async def demo() -> None:
        async def after(ticks: int, value: str) -> str:
            for _ in range(ticks):
                await asyncio.sleep(0)
            return value

        print(await run_concurrently([after(2, "a"), after(1, "b")]))
        print(await first_completed([after(3, "slow"), after(1, "fast")]))
        print(await with_timeout(asyncio.sleep(10, result="late"), 0.01, default="gave up"))
        log: list[str] = []
        task = asyncio.create_task(ticker(log, 0.01))
        await asyncio.sleep(0.025)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        print(log, task.cancelled())

    asyncio.run(demo())
