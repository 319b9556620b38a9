"""Grading tests for core-11: run_concurrently, first_completed, with_timeout and ticker.

No test asserts a wall-clock time. Ordering is made deterministic by
counting event-loop iterations (``await asyncio.sleep(0)`` yields exactly
once), concurrency is checked from recorded start/end events, and cleanup
from a log that ``finally`` blocks append to. Every scenario runs under a
2-second guard, so an implementation that hangs fails with a message
instead of blocking the test run.
"""

from __future__ import annotations

import asyncio

import pytest

from curriculum.grading.testing import expect_equal, expect_raises, expect_true, run_async

pytestmark = pytest.mark.exercise("core-11")

LIMIT = 2.0  # seconds; every scenario below needs well under 0.2 s


def run(scenario):
    """Run ``scenario`` to completion, failing with a teaching message after LIMIT seconds."""
    return run_async(
        scenario,
        limit=LIMIT,
        hint="something awaits a task that never finishes, or swallows a CancelledError and keeps going",
    )


async def after(ticks, value):
    """Finish after exactly ``ticks`` event-loop iterations."""
    for _ in range(ticks):
        await asyncio.sleep(0)
    return value


async def fail_after(ticks, error):
    for _ in range(ticks):
        await asyncio.sleep(0)
    raise error


async def sleeper(log, name, seconds=10.0):
    """Sleeps far longer than any test; logs when it starts and when its cleanup runs."""
    log.append(f"{name} started")
    try:
        await asyncio.sleep(seconds)
        return name
    finally:
        log.append(f"{name} cleanup")


# ---------------------------------------------------------------- run_concurrently


def test_run_concurrently_keeps_input_order(ex):
    got = run(ex.run_concurrently([after(3, "a"), after(1, "b"), after(2, "c")]))
    expect_equal(got, ["a", "b", "c"], call="await run_concurrently([after(3, 'a'), after(1, 'b'), after(2, 'c')])",
                 hint="results in input order, whatever order the jobs finish in (gather does this)")


def test_run_concurrently_empty_and_single(ex):
    expect_equal(run(ex.run_concurrently([])), [], call="await run_concurrently([])", hint="no jobs: an empty list")
    expect_equal(run(ex.run_concurrently(iter([after(1, 42)]))), [42], call="await run_concurrently(iter([after(1, 42)]))",
                 hint="accept any iterable of awaitables")


def test_run_concurrently_overlaps_the_jobs(ex):
    events = []

    async def job(i):
        events.append(("start", i))
        await asyncio.sleep(0.01)
        events.append(("end", i))
        return i

    got = run(ex.run_concurrently([job(i) for i in range(4)]))
    expect_equal(got, [0, 1, 2, 3], call="await run_concurrently([job(0), ..., job(3)])", hint="results in input order")
    first_end = next(k for k, (kind, _) in enumerate(events) if kind == "end")
    expect_true(first_end == 4, message=f"events were {events}; every job should start before any job ends",
                hint="wrap every coroutine in a task first; `for c in coros: await c` runs them one after another")


def test_run_concurrently_accepts_tasks(ex):
    async def scenario():
        task = asyncio.ensure_future(after(2, "task"))
        return await ex.run_concurrently([task, after(1, "coro")])

    expect_equal(run(scenario()), ["task", "coro"], call="await run_concurrently([<a Task>, <a coroutine>])",
                 hint="asyncio.ensure_future leaves a task as it is and wraps a coroutine")


def test_run_concurrently_failure_cancels_the_others(ex):
    log = []

    async def scenario():
        try:
            await ex.run_concurrently([sleeper(log, "slow"), fail_after(2, ValueError("boom")), after(1, "quick")])
        except Exception as err:  # noqa: BLE001 - the test inspects what came out
            return err, list(log)
        return None, list(log)

    err, log_at_error = run(scenario())
    expect_true(type(err) is ValueError and str(err) == "boom",
                message=f"run_concurrently(...) with one job raising ValueError('boom') gave {err!r}",
                hint="re-raise the job's own exception, not None, an ExceptionGroup or a CancelledError")
    expect_equal(log_at_error, ["slow started", "slow cleanup"], call="log when the ValueError reached the caller",
                 hint="cancel the other tasks and await them before re-raising, so their finally blocks have run")


def test_run_concurrently_cancelled_from_outside(ex):
    log = []

    async def scenario():
        task = asyncio.ensure_future(ex.run_concurrently([sleeper(log, f"job{i}") for i in range(3)]))
        await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return task.cancelled(), sorted(log)

    cancelled, log_after = run(scenario())
    expect_equal(cancelled, True, call="task.cancelled() for a cancelled run_concurrently(...)",
                 hint="let CancelledError propagate after cleaning up")
    expect_equal(log_after, sorted([f"job{i} {what}" for i in range(3) for what in ("started", "cleanup")]),
                 call="log after cancelling run_concurrently(<three sleepers>)",
                 hint="all jobs run at once, and all are cancelled (their finally blocks run) when the caller is cancelled")


# ---------------------------------------------------------------- first_completed


@pytest.mark.parametrize(
    "ticks,winner",
    [([1], 0), ([3, 1, 2], 1), ([1, 2, 3], 0), ([4, 3, 2], 2), ([2, 1], 1), ([6, 5, 4, 7], 2)],
    ids=["single", "middle", "first", "last", "one-iteration-apart", "close-race"],
)
def test_first_completed_returns_the_true_first(ex, ticks, winner):
    got = run(ex.first_completed([after(t, f"value{i}") for i, t in enumerate(ticks)]))
    expect_equal(got, (winner, f"value{winner}"), call=f"await first_completed(<jobs finishing after {ticks} loop iterations>)",
                 hint="asyncio.wait(FIRST_COMPLETED) can report several tasks done, in an unordered set: use the order in "
                 "which they finish (asyncio.as_completed, or add_done_callback)")


def test_first_completed_cleans_up_the_losers(ex):
    log = []

    async def scenario():
        result = await ex.first_completed([sleeper(log, "a"), after(2, "fast"), sleeper(log, "b")])
        return result, sorted(log)

    result, log_at_return = run(scenario())
    expect_equal(result, (1, "fast"), call="await first_completed([sleeper a, after(2, 'fast'), sleeper b])", hint="")
    expect_equal(log_at_return, ["a cleanup", "a started", "b cleanup", "b started"], call="log when first_completed returned",
                 hint="cancel the losers and await them before returning, so their cleanup has already run")


def test_first_completed_winner_raises(ex):
    log = []

    async def scenario():
        try:
            await ex.first_completed([sleeper(log, "loser"), fail_after(1, KeyError("first"))])
        except Exception as err:  # noqa: BLE001
            return err, list(log)
        return None, list(log)

    err, log_at_error = run(scenario())
    expect_true(type(err) is KeyError, message=f"first_completed with a failing winner gave {err!r}, expected KeyError('first')",
                hint="if the first task to finish raised, re-raise its exception")
    expect_equal(log_at_error, ["loser started", "loser cleanup"], call="log when the KeyError arrived", hint="clean up the losers first")


def test_first_completed_empty(ex):
    run(ex.first_completed([after(0, "ok")]))  # a valid call must work first
    expect_raises(ValueError, run, ex.first_completed([]), call="await first_completed([])", hint="nothing to race: ValueError")


# ---------------------------------------------------------------- with_timeout


def test_with_timeout_fast_work(ex):
    expect_equal(run(ex.with_timeout(after(3, "done"), 1.0, default="late")), "done",
                 call="await with_timeout(after(3, 'done'), 1.0, default='late')", hint="finished in time: return its result")


@pytest.mark.parametrize("default", ["gave up", None, 0])
def test_with_timeout_slow_work_returns_default_after_cleanup(ex, default):
    log = []

    async def scenario():
        result = await ex.with_timeout(sleeper(log, "slow"), 0.02, default=default)
        return result, list(log)

    result, log_at_return = run(scenario())
    expect_true(result == default and type(result) is type(default),
                message=f"with_timeout(<10 s sleep>, 0.02, default={default!r}) returned {result!r}",
                hint="catch the TimeoutError from asyncio.wait_for and return default")
    expect_equal(log_at_return, ["slow started", "slow cleanup"], call="log when with_timeout returned",
                 hint="the slow work must be cancelled and finished (asyncio.wait_for waits for that)")


def test_with_timeout_exceptions_propagate(ex):
    expect_raises(ZeroDivisionError, run, ex.with_timeout(fail_after(1, ZeroDivisionError("x")), 1.0, default=0),
                  call="await with_timeout(<raises ZeroDivisionError>, 1.0, default=0)",
                  hint="only a timeout turns into the default; other errors propagate")


def test_with_timeout_zero_seconds(ex):
    expect_equal(run(ex.with_timeout(asyncio.sleep(1, result="late"), 0, default="now")), "now",
                 call="await with_timeout(asyncio.sleep(1), 0, default='now')", hint="0 seconds: give up at once")


def test_with_timeout_negative_seconds(ex):
    run(ex.with_timeout(after(0, 1), 1.0))  # a valid call must work first
    coro = after(1, "x")
    expect_raises(ValueError, run, ex.with_timeout(coro, -1), call="await with_timeout(coro, -1)", hint="a negative limit is a caller error")
    coro.close()


def test_with_timeout_outside_cancellation_is_not_a_timeout(ex):
    log = []

    async def scenario():
        task = asyncio.ensure_future(ex.with_timeout(sleeper(log, "work"), 5.0, default="default"))
        await asyncio.sleep(0.01)
        task.cancel()
        outcome = (await asyncio.gather(task, return_exceptions=True))[0]
        return task.cancelled(), outcome, list(log)

    cancelled, outcome, log_after = run(scenario())
    expect_true(cancelled, message=f"cancelling the task running with_timeout(...) gave {outcome!r} instead of a cancelled task",
                hint="do not catch CancelledError (or a bare except): the caller asked to stop, that is not a timeout")
    expect_equal(log_after, ["work started", "work cleanup"], call="log after cancelling with_timeout(...) from outside",
                 hint="the inner work is cancelled too")


# ---------------------------------------------------------------- ticker


def test_ticker_cancel_after_some_ticks(ex):
    log = []

    async def scenario():
        task = asyncio.ensure_future(ex.ticker(log, 0.005))
        await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return task.cancelled()

    cancelled = run(scenario())
    ticks = log[:-1]
    expect_equal(log[-1:], ["stopped"], call="last log entry after cancelling ticker(log, 0.005)",
                 hint="append 'stopped' in a finally block (or in except CancelledError before re-raising)")
    expect_equal(ticks, [f"tick {i}" for i in range(1, len(ticks) + 1)], call="the ticks before 'stopped'",
                 hint="'tick 1', 'tick 2', ... with nothing in between")
    expect_true(2 <= len(ticks) <= 40, message=f"{len(ticks)} ticks in about 0.05 s with interval 0.005",
                hint="tick, then await asyncio.sleep(interval); sleep(0) would spin thousands of times")
    expect_true(cancelled, message="task.cancelled() is False after cancelling ticker",
                hint="re-raise CancelledError after logging; returning normally hides the cancellation")


def test_ticker_cancel_right_after_the_first_tick(ex):
    log = []

    async def scenario():
        task = asyncio.ensure_future(ex.ticker(log, 10.0))
        await asyncio.sleep(0)  # one loop iteration: the ticker runs up to its first sleep
        first = list(log)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return first, task.cancelled()

    first, cancelled = run(scenario())
    expect_equal((first, log, cancelled), (["tick 1"], ["tick 1", "stopped"], True),
                 call="(log after one loop iteration, log after cancel, task.cancelled())",
                 hint="the first tick comes before the first sleep; 'stopped' exactly once")


@pytest.mark.parametrize("interval", [0, -1.0])
def test_ticker_rejects_bad_interval(ex, interval):
    log = []
    expect_raises(ValueError, run, ex.ticker(log, interval), call=f"await ticker(log, {interval})",
                  hint="check interval > 0 before the loop (and before the try, so nothing is logged)")
    expect_equal(log, [], call=f"log after ticker(log, {interval}) raised", hint="a rejected call logs nothing")
