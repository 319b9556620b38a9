"""Tests of curriculum.grading.distributed.run_ranks, the launcher the distributed exercises are graded with.

Each test spawns real processes joined by a gloo process group on 127.0.0.1.
The workers are top-level functions of this module: spawned children import
them by name.
"""

from __future__ import annotations

import os
import time

import psutil
import pytest
import torch
import torch.distributed as dist

from curriculum.grading import distributed
from curriculum.grading.distributed import RankFailed, free_port, run_ranks
from curriculum.grading.testing import expect_equal, expect_true


def _children() -> set[int]:
    """Live child processes of this test process, leaving out multiprocessing's resource tracker."""
    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "resource_tracker" in " ".join(child.cmdline()):
                continue
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            continue
        pids.add(child.pid)
    return pids


@pytest.fixture(autouse=True)
def no_children_left_behind():
    before = _children()
    yield
    left = _children() - before
    expect_true(not left, message=f"run_ranks left child processes running: {sorted(left)}")


# ---------------------------------------------------------------- workers (top level: children import them)


def rank_and_sum(rank, world_size, scale):
    if rank == 0:
        time.sleep(0.3)  # rank 0 finishes last: the order must come from the rank, not the arrival
    t = torch.full((2,), float(rank + 1))
    dist.all_reduce(t)
    return {"rank": rank, "world_size": world_size, "sum": t * scale, "env": (os.environ["RANK"], os.environ["LOCAL_RANK"])}


def one_rank_raises(rank, world_size):
    if rank == 1:
        raise ValueError("boom from rank 1")
    dist.barrier()  # rank 0 waits here for a rank that never comes
    return rank


def both_receive(rank, world_size):
    t = torch.zeros(1)
    dist.recv(t, src=1 - rank)  # each waits for the other: a deadlock only the timeout ends
    return t


def both_sleep(rank, world_size):
    time.sleep(120)  # stuck outside any collective: only the parent's deadline ends it


def stub_rank(rank, world_size):
    if rank == 0:
        raise NotImplementedError("sys-07: all_reduce_sum is not written yet")
    dist.barrier()


def hard_exit(rank, world_size):
    if rank == 1:
        os._exit(3)
    dist.barrier()


# ---------------------------------------------------------------- tests


def test_free_port_is_bindable():
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
    expect_true(0 < port < 65536, message=f"free_port() returned {port}")


def test_results_are_ordered_by_rank():
    results = run_ranks(rank_and_sum, 10.0, world_size=3, timeout=30)
    expect_equal([r["rank"] for r in results], [0, 1, 2], call="run_ranks(rank_and_sum, world_size=3)")
    expect_equal([r["env"] for r in results], [("0", "0"), ("1", "1"), ("2", "2")], call="RANK/LOCAL_RANK per rank")
    for r in results:
        expect_equal(r["world_size"], 3, call="world_size argument")
        torch.testing.assert_close(r["sum"], torch.full((2,), 60.0), msg="all_reduce over 3 ranks of 1+2+3, times 10")


def test_a_raising_rank_fails_fast_with_its_own_error():
    start = time.monotonic()
    with pytest.raises(RankFailed) as info:
        run_ranks(one_rank_raises, timeout=60)
    elapsed = time.monotonic() - start
    message = str(info.value)
    expect_true("rank 1" in message and "ValueError" in message and "boom from rank 1" in message, message=message)
    expect_true("one_rank_raises" in message, message=f"the traceback lines should name the worker: {message}")
    expect_equal(info.value.rank, 1, call="RankFailed.rank")
    expect_true(elapsed < 20, message=f"failure took {elapsed:.1f} s; the other rank must be stopped at once, not at the 60 s timeout")


@pytest.mark.slow
def test_a_deadlock_ends_with_a_timeout():
    timeout = 3.0
    start = time.monotonic()
    with pytest.raises(RankFailed) as info:
        run_ranks(both_receive, timeout=timeout)
    elapsed = time.monotonic() - start
    expect_true("timed out" in str(info.value).lower(), message=str(info.value))
    expect_true(elapsed < timeout + distributed.STARTUP_MARGIN + 5, message=f"a deadlock took {elapsed:.1f} s to end")


@pytest.mark.slow
def test_a_rank_stuck_outside_collectives_is_killed_at_the_deadline(monkeypatch):
    monkeypatch.setattr(distributed, "STARTUP_MARGIN", 3.0)
    start = time.monotonic()
    with pytest.raises(RankFailed) as info:
        run_ranks(both_sleep, timeout=2.0)
    elapsed = time.monotonic() - start
    expect_true("timed out after 5 s" in str(info.value), message=str(info.value))
    expect_true(elapsed < 12, message=f"the run took {elapsed:.1f} s; it should end at timeout + margin = 5 s")


def test_not_implemented_error_passes_through():
    with pytest.raises(NotImplementedError, match="sys-07: all_reduce_sum is not written yet"):
        run_ranks(stub_rank, timeout=30)


def test_a_rank_that_dies_is_reported():
    with pytest.raises(RankFailed, match="rank 1 exited with code 3"):
        run_ranks(hard_exit, timeout=30)


class _Interrupted(BaseException):
    pass


def test_children_are_reaped_when_the_parent_is_interrupted():
    """The grader's per-test timeout raises a BaseException from SIGALRM in the main thread."""
    import signal

    def on_alarm(signum, frame):
        raise _Interrupted()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 3.0)
    start = time.monotonic()
    try:
        with pytest.raises(_Interrupted):
            run_ranks(both_sleep, timeout=60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - start
    expect_true(elapsed < 10, message=f"an interrupted run_ranks took {elapsed:.1f} s to return")


def test_a_port_taken_before_the_bind_is_retried_once(monkeypatch):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        monkeypatch.setattr(distributed, "free_port", lambda: next(ports, None) or free_port())
        results = run_ranks(rank_and_sum, 1.0, world_size=2, timeout=30)
    expect_equal([r["rank"] for r in results], [0, 1], call="run_ranks after the first port was taken")
