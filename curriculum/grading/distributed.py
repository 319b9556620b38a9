"""Run a function on several local processes joined by ``torch.distributed``.

The distributed exercises (cs336 systems, sys-07 onwards) are graded on one
machine: a test starts ``world_size`` processes (spawn start method), each
joins a process group on 127.0.0.1, runs the same top-level function with its
own rank, and sends its return value back::

    from curriculum.grading.distributed import run_ranks

    def worker(rank, world_size, scale):          # top level of an importable module
        t = torch.full((2,), float(rank + 1)) * scale
        dist.all_reduce(t)
        return t

    run_ranks(worker, 10.0, world_size=2)         # [tensor([30., 30.]), tensor([30., 30.])]

With ``exercise="sys-07"`` the exercise's module (from the tree ``impl``) is
loaded in each child and passed as the third argument:
``fn(rank, world_size, module, *args)``.

What the parent guarantees:

- results come back ordered by rank (tensors moved to CPU; they must pickle);
- a rank that raises stops the run at once: the other ranks are terminated
  and ``RankFailed`` names the rank, the error and the last traceback lines;
- a stub's ``NotImplementedError`` is re-raised as ``NotImplementedError`` with
  the child's message, so the grader says "not written yet";
- a run that outlives ``timeout`` (plus a start-up margin) is killed and
  ``RankFailed`` says it timed out: usually one rank waits in a collective
  that another rank never called;
- every child is reaped, also when the parent is interrupted (test timeout,
  Ctrl-C). It never hangs.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue as queue_module
import socket
import sys
import time
import traceback
from datetime import timedelta
from typing import Any, Callable

STARTUP_MARGIN = 20.0  # seconds allowed on top of `timeout` for starting Python, torch and the group
TRACEBACK_LINES = 12  # how many of a failing rank's traceback lines RankFailed shows


class RankFailed(Exception):
    """One rank of a ``run_ranks`` run failed (raised, crashed or timed out)."""

    def __init__(self, message: str, *, rank: int | None = None):
        super().__init__(message)
        self.rank = rank


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_ranks(
    fn: Callable[..., Any],
    *args: Any,
    world_size: int = 2,
    backend: str = "gloo",
    timeout: float = 60.0,
    exercise: str | None = None,
    impl: str | None = None,
) -> list:
    """Run ``fn(rank, world_size, [module,] *args)`` on ``world_size`` processes; return the results by rank.

    Args:
        fn: a top-level function of an importable module (spawned children
            import it by name; a test module works).
        *args: extra arguments, pickled to every rank.
        world_size: number of processes (ranks 0 .. world_size - 1).
        backend: "gloo" (CPU) or "nccl" (one CUDA device per rank: cuda:rank).
        timeout: seconds for the process group's collectives and for the whole
            run (plus ``STARTUP_MARGIN`` for start-up).
        exercise: a catalogue id; its module is loaded in each child from tree
            ``impl`` and passed as the third argument.
        impl: "learner", "solution" or "pristine" (default: ``LEARN_IMPL`` or learner).

    Returns:
        ``[result of rank 0, result of rank 1, ...]``.

    Raises:
        RankFailed: a rank raised, died or the run timed out.
        NotImplementedError: a rank hit an unwritten stub.
    """
    if world_size < 1:
        raise ValueError(f"world_size must be >= 1, got {world_size}")
    if exercise is not None and impl is None:
        from curriculum.grading.loader import impl_from_env

        impl = impl_from_env()
    try:
        return _run_once(fn, args, world_size, backend, timeout, exercise, impl)
    except _PortInUse:
        pass
    try:
        return _run_once(fn, args, world_size, backend, timeout, exercise, impl)  # one retry on a new port
    except _PortInUse as err:
        raise RankFailed(f"rank 0 could not listen on a free port twice in a row: {err}", rank=0) from None


class _PortInUse(Exception):
    pass


def _run_once(fn, args, world_size, backend, timeout, exercise, impl) -> list:
    ctx = mp.get_context("spawn")
    results_queue = ctx.Queue()
    port = free_port()
    procs = [
        ctx.Process(
            target=_child_main,
            args=(fn, args, rank, world_size, backend, port, timeout, exercise, impl, results_queue),
            name=f"rank{rank}",
            daemon=True,
        )
        for rank in range(world_size)
    ]
    results: dict[int, Any] = {}
    deadline = time.monotonic() + timeout + STARTUP_MARGIN
    dead_since: dict[int, float] = {}
    try:
        for proc in procs:
            proc.start()
        while len(results) < world_size:
            try:
                message = results_queue.get(timeout=0.05)
            except queue_module.Empty:
                message = None
            if message is not None:
                rank, kind, payload = message
                if kind == "ok":
                    results[rank] = pickle.loads(payload)
                    continue
                _raise_failure(_first_cause(message, results_queue, procs, results), timeout)
            now = time.monotonic()
            if now > deadline:
                raise RankFailed(
                    f"timed out after {timeout + STARTUP_MARGIN:g} s (a rank is probably waiting in a "
                    f"collective the other never called); ranks that finished: {sorted(results) or 'none'}"
                )
            for rank, proc in enumerate(procs):
                if rank in results or proc.is_alive():
                    continue
                # Dead without a message yet: give its last message a moment to arrive through the pipe.
                first_seen = dead_since.setdefault(rank, now)
                if now - first_seen > 1.0:
                    raise RankFailed(
                        f"rank {rank} exited with code {proc.exitcode} without reporting a result "
                        "(a crash, os._exit or a signal)",
                        rank=rank,
                    )
        return [results[rank] for rank in range(world_size)]
    finally:
        _reap(procs)
        results_queue.close()
        results_queue.cancel_join_thread()


_PEER_GONE = ("connection closed by peer", "connection reset by peer", "broken pipe", "connection refused")


def _first_cause(first, results_queue, procs, results: dict):
    """Among the failures reported within a moment of ``first``, the one that caused the others.

    When one rank raises or dies, the ranks waiting for it in a collective fail
    too ("connection closed by peer"); the learner needs the original error.
    """
    failures = [first]
    reported = set(results) | {first[0]}
    end = time.monotonic() + 0.5
    while len(reported) < len(procs) and time.monotonic() < end:
        try:
            message = results_queue.get(timeout=0.05)
        except queue_module.Empty:
            continue
        reported.add(message[0])
        if message[1] != "ok":
            failures.append(message)
    for message in failures:
        rank, kind, payload = message
        if kind == "notimpl" or not any(p in payload["message"].lower() for p in _PEER_GONE):
            return message
    for rank, proc in enumerate(procs):  # a rank that died without a word (os._exit, a signal, a crash)
        if rank not in reported and not proc.is_alive() and proc.exitcode not in (None, 0):
            raise RankFailed(
                f"rank {rank} exited with code {proc.exitcode} without reporting a result "
                "(a crash, os._exit or a signal)",
                rank=rank,
            )
    return first


def _raise_failure(message, timeout: float):
    rank, kind, payload = message
    if kind == "notimpl":
        raise NotImplementedError(payload["message"])
    text = f"{payload['type']}: {payload['message']}"
    if "address already in use" in text.lower() or "eaddrinuse" in text.lower():
        raise _PortInUse(text)  # another program took the port between free_port() and the bind
    lowered = text.lower()
    note = ""
    if "timed out" in lowered or "timeout" in lowered:
        note = (
            f"\n(a collective timed out after {timeout:g} s: a rank is probably waiting in a collective "
            "the other never called, or the ranks called collectives in different orders)"
        )
    elif any(p in lowered for p in _PEER_GONE):
        note = (
            "\n(another rank ended while this one waited in a collective: every rank must call the same "
            "collectives in the same order)"
        )
    raise RankFailed(
        f"rank {rank} raised {text}{note}\n--- last lines of rank {rank}'s traceback ---\n{payload['traceback']}",
        rank=rank,
    )


def _reap(procs) -> None:
    """Terminate, then kill, then join every child that is still running."""
    for proc in procs:
        if proc.pid is not None and proc.is_alive():
            proc.terminate()
    end = time.monotonic() + 2.0
    for proc in procs:
        if proc.pid is None:
            continue
        proc.join(max(0.0, end - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(2.0)


# ---------------------------------------------------------------- in the child


def _child_main(fn, args, rank, world_size, backend, port, timeout, exercise, impl, results_queue) -> None:
    os.environ.update(
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=str(rank),
    )
    if backend == "gloo" and "GLOO_SOCKET_IFNAME" not in os.environ:
        loopback = {"linux": "lo", "darwin": "lo0"}.get(sys.platform)
        if loopback:
            os.environ["GLOO_SOCKET_IFNAME"] = loopback  # every rank is local: talk over loopback
    try:
        import torch
        import torch.distributed as dist

        torch.set_num_threads(1)
        if backend == "nccl":
            torch.cuda.set_device(rank)
        dist.init_process_group(backend, rank=rank, world_size=world_size, timeout=timedelta(seconds=timeout))
        try:
            if exercise is not None:
                module = _load_exercise(exercise, impl)
                result = fn(rank, world_size, module, *args)
            else:
                result = fn(rank, world_size, *args)
            results_queue.put((rank, "ok", pickle.dumps(_to_cpu(result))))
        except BaseException as err:  # noqa: BLE001 - every failure must reach the parent
            _report(results_queue, rank, err)  # before leaving the group, so this error arrives first
        finally:
            if dist.is_initialized():
                dist.destroy_process_group()
    except BaseException as err:  # noqa: BLE001 - start-up failures (import, init_process_group)
        _report(results_queue, rank, err)


def _report(results_queue, rank: int, err: BaseException) -> None:
    kind = "notimpl" if isinstance(err, NotImplementedError) else "error"
    lines = "".join(traceback.format_exception(err)).rstrip().splitlines()
    payload = {"type": type(err).__name__, "message": str(err), "traceback": "\n".join(lines[-TRACEBACK_LINES:])}
    results_queue.put((rank, kind, payload))


def _load_exercise(exercise: str, impl: str):
    from curriculum.course import load
    from curriculum.grading.loader import load_module
    from curriculum.paths import workspace_root

    return load_module(load().exercise(exercise), impl, workspace_root())


def _to_cpu(value):
    """Move every tensor inside lists, tuples and dicts to the CPU (detached)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_to_cpu(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(v) for v in value)
    return value


# ---------------------------------------------------------------- grading helpers


def attempt(fn: Callable[..., Any], *args: Any, expected: tuple[type[BaseException], ...] = (ValueError,), **kwargs: Any):
    """Run one part of a worker: ``("ok", value)``, ``("not written", message)`` or ``("raised", "Type: message")``.

    Use it in a child for a call that raises before any message is sent (a
    stub's NotImplementedError, an argument check), so the other parts of the
    same run still happen on every rank. Other exceptions propagate.
    """
    try:
        return ("ok", fn(*args, **kwargs))
    except NotImplementedError as err:
        return ("not written", str(err))
    except expected as err:
        return ("raised", f"{type(err).__name__}: {err}")


def unwrap(outcome, what: str):
    """The value of an ``attempt`` outcome, in the parent; "not written" fails the test as an unwritten stub."""
    from curriculum.grading.plugin import NotWrittenYet

    kind, value = outcome
    if kind == "not written":
        raise NotWrittenYet(value)
    if kind != "ok":
        raise AssertionError(f"{what} raised {value}")
    return value
