"""Time a block of code and print how long it took.

    >>> from utils.timing import time_block
    >>> with time_block("sum", quiet=True) as t:
    ...     total = sum(range(1000))
    >>> t.elapsed > 0
    True

Blocks nest: an inner block prints indented by its depth, and every block's
``elapsed`` covers exactly its own ``with`` body::

    with time_block("epoch"):
        with time_block("forward"):
            ...
    #   forward: 3.21 ms
    # epoch: 4.05 ms

GPU work is asynchronous: a CUDA kernel launch returns before the kernel has
run, so a timer must call ``torch.cuda.synchronize()`` before it starts and
before it stops. ``sync=None`` does that whenever torch is already imported and
CUDA is initialised. This module never imports torch itself, so pure-Python
code that times a block does not pay for it.

The clock is the module-level name ``perf_counter``; tests replace it with a
fake clock (``monkeypatch.setattr(utils.timing, "perf_counter", fake)``).

Out of scope: statistics over many runs (see ``benchmarks/``), profiling.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import perf_counter

# rich is imported here, not on first print, so that printing an inner block's
# line does not add an import to the enclosing block's time.
from rich.console import Console
from rich.text import Text

__all__ = ["BlockTiming", "format_duration", "time_block"]

# How many time_block bodies enclose the current code (per thread / async task).
_DEPTH: ContextVar[int] = ContextVar("time_block_depth", default=0)
_INDENT = "  "

# One console for the module; it looks up sys.stdout at print time, so capture works.
console = Console(highlight=False, soft_wrap=True)


def format_duration(seconds: float) -> str:
    """A duration in the unit that reads best, with three significant digits.

    ``0 -> '0 ns'``, ``4.2e-7 -> '420 ns'``, ``1.5e-5 -> '15.0 µs'``,
    ``0.00123 -> '1.23 ms'``, ``2.5 -> '2.50 s'``, ``75.25 -> '1 min 15.2 s'``.
    Negative durations keep their sign (``-0.002 -> '-2.00 ms'``).

    Raises:
        ValueError: ``seconds`` is NaN or infinite.
    """
    seconds = float(seconds)
    if not math.isfinite(seconds):
        raise ValueError(f"format_duration needs a finite number of seconds, got {seconds!r}")
    if seconds < 0:
        return "-" + format_duration(-seconds)
    if seconds >= 60:
        minutes, rest = divmod(round(seconds, 1), 60)
        return f"{int(minutes)} min {rest:.1f} s"
    for unit, scale in (("ns", 1e9), ("µs", 1e6), ("ms", 1e3), ("s", 1.0)):
        value = seconds * scale
        if unit == "ns" and round(value) < 1000:
            return f"{round(value)} ns"
        text = _three_digits(value)
        if float(text) < 1000 or unit == "s":
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _three_digits(value: float) -> str:
    """``1.234 -> '1.23'``, ``12.34 -> '12.3'``, ``123.4 -> '123'`` (value in [1, 1000))."""
    if round(value, 2) < 10:
        return f"{value:.2f}"
    if round(value, 1) < 100:
        return f"{value:.1f}"
    return f"{value:.0f}"


def _cuda_ready() -> bool:
    """True when torch is already imported and has initialised CUDA (never imports torch)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    try:
        return bool(torch.cuda.is_initialized())
    except AttributeError:  # a partially imported or stubbed torch
        return False


def _synchronize() -> None:
    sys.modules["torch"].cuda.synchronize()


class BlockTiming:
    """What ``time_block`` yields: the label, the depth and the elapsed time.

    ``elapsed`` (seconds) grows while the block runs and is frozen once it ends.
    """

    __slots__ = ("label", "depth", "synced", "_start", "_end")

    def __init__(self, label: str, depth: int, synced: bool, start: float):
        self.label = label
        self.depth = depth
        self.synced = synced
        self._start = start
        self._end: float | None = None

    @property
    def elapsed(self) -> float:
        end = self._end if self._end is not None else perf_counter()
        return end - self._start

    @property
    def done(self) -> bool:
        return self._end is not None

    def __repr__(self) -> str:
        state = format_duration(self.elapsed) + ("" if self.done else ", running")
        return f"BlockTiming({self.label!r}, {state})"


@contextmanager
def time_block(label: str = "block", *, sync: bool | None = None, quiet: bool = False) -> Iterator[BlockTiming]:
    """Time the body of a ``with`` statement and print ``label: <duration>``.

    Args:
        label: what is printed in front of the duration.
        sync: synchronise CUDA before starting and before stopping the clock.
            ``None`` (default): only if torch is already imported and CUDA is
            initialised; ``True``: whenever torch is imported and CUDA is
            available; ``False``: never (you time the launch, not the kernel).
        quiet: measure without printing (read ``.elapsed`` afterwards).

    Yields:
        a ``BlockTiming``; its ``.elapsed`` is the block's duration in seconds.

    An exception inside the block still stops the clock and prints the line,
    marked ``(raised ValueError)``; the exception propagates.

    Example::

        with time_block("matmul", sync=True) as t:
            c = a @ b
        print(f"{2 * n**3 / t.elapsed / 1e12:.1f} TFLOP/s")
    """
    if sync is None:
        do_sync = _cuda_ready()
    elif sync:
        torch = sys.modules.get("torch")
        do_sync = torch is not None and bool(torch.cuda.is_available())
    else:
        do_sync = False

    depth = _DEPTH.get()
    token = _DEPTH.set(depth + 1)
    if do_sync:
        _synchronize()
    timing = BlockTiming(str(label), depth, do_sync, perf_counter())
    raised: BaseException | None = None
    try:
        yield timing
    except BaseException as err:
        raised = err
        raise
    finally:
        if do_sync:
            _synchronize()
        timing._end = perf_counter()
        _DEPTH.reset(token)
        if not quiet:
            _report(timing, raised)


def _report(timing: BlockTiming, raised: BaseException | None) -> None:
    line = Text(_INDENT * timing.depth)
    line.append(timing.label, style="bold")
    line.append(": ")
    line.append(format_duration(timing.elapsed), style="cyan")
    if raised is not None:
        line.append(f" (raised {type(raised).__name__})", style="red")
    console.print(line)


if __name__ == "__main__":
    import time

    with time_block("outer"):
        with time_block("sleep 10 ms"):
            time.sleep(0.01)
        with time_block("sum of a million ints"):
            sum(range(1_000_000))
    for s in (0, 4.2e-7, 1.5e-5, 0.00123, 2.5, 75.25):
        print(f"{s!r:>10} -> {format_duration(s)}")
