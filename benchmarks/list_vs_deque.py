"""Head insertion and removal: ``list`` versus ``collections.deque``.

    learn bench list-vs-deque
    learn bench list-vs-deque --quick
    python -m benchmarks.list_vs_deque --sizes 1000 10000 100000 1000000 --repeats 11 --ops 1000

What is timed: for each size N, a list and a deque are pre-filled with N items
(not timed). One timed call then does ``ops`` pairs of (insert at the head,
remove from the head):

    list:   lst.insert(0, x); lst.pop(0)
    deque:  dq.appendleft(x); dq.popleft()

so the container holds N or N + 1 items throughout and the call can be repeated.
The time per operation is the call's time divided by ``2 * ops``. Both cases
pay the same Python loop overhead, which is most of the deque's few tens of ns.

What to expect: a CPython list is one array of pointers, so every head
insertion or removal shifts all N of them: O(N) per operation (filling a list
of N items by head insertion is therefore O(N**2) in total). A deque is a
doubly linked list of fixed-size blocks, so the head is O(1). We fit the
log-log slope of the *median time per operation* against N: about 1 for list
(time per op grows linearly with N), about 0 for deque. The ratio list/deque is
reported per N.

The whole list would take hours at N = 10**6 if we timed N head operations;
a fixed number of operations on a container of size N shows the per-operation
cost honestly and keeps a full run to seconds.

Results go to ``benchmarks/results/list-vs-deque.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from benchmarks import harness

NAME = "list-vs-deque"
TITLE = "Head insertion and removal: list vs deque"
FULL_SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000, 100_000)
FULL = {"repeats": 11, "ops": 1000}
QUICK = {"repeats": 3, "ops": 200}


def make_cases(n: int, ops: int) -> dict[str, harness.Case]:
    """The two timed callables for size ``n``; each does ``ops`` (insert, remove) pairs at the head."""
    items = [0] * n
    lst = list(items)
    dq = deque(items)

    def list_head() -> None:
        insert, pop = lst.insert, lst.pop
        for _ in range(ops):
            insert(0, None)
            pop(0)

    def deque_head() -> None:
        appendleft, popleft = dq.appendleft, dq.popleft
        for _ in range(ops):
            appendleft(None)
            popleft()

    return {"list": list_head, "deque": deque_head}


def run(
    sizes: Sequence[int] = FULL_SIZES,
    *,
    repeats: int = FULL["repeats"],
    ops: int = FULL["ops"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time list against deque at every size and return the result dict (see ``benchmarks.harness``).

    ``run((1000, 10000), repeats=3, ops=100)["slopes"] -> {"list": ~1, "deque": ~0}``
    """
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)}")
    if ops < 1:
        raise ValueError(f"ops must be at least 1, got {ops}")
    points = harness.sweep(
        sizes,
        lambda n: make_cases(n, ops),
        repeats=repeats,
        baseline="deque",
        ops_per_call=2 * ops,
        progress=progress,
        label=NAME,
        console=console,
    )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            f"Time per operation of {ops} (insert at head, remove from head) pairs on a container "
            "pre-filled to N items: `list.insert(0, x)` / `list.pop(0)` versus "
            "`deque.appendleft(x)` / `deque.popleft()`."
        ),
        "machine": harness.machine_info(),
        "params": {"sizes": list(sizes), "repeats": repeats, "ops": ops},
        "x_name": "N",
        "unit": "s/op",
        "cases": ["list", "deque"],
        "baseline": "deque",
        "points": points,
        "slopes": harness.slopes(points) if len(set(sizes)) > 1 else {},
        "slope_label": "log-log slope of time per op vs N (1 = O(N) per op, 0 = O(1))",
    }


def _size(text: str) -> int:
    """Parse a size such as ``1000``, ``1_000`` or ``1e6``."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"a size must be a positive integer, got {text!r}")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="learn bench list-vs-deque", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    parser.add_argument(
        "--sizes", type=_size, nargs="+", default=None,
        help=f"container sizes N (default {' '.join(map(str, FULL_SIZES))}; "
        f"--quick: {' '.join(map(str, QUICK_SIZES))})",
    )
    parser.add_argument(
        "--ops", type=harness.positive_int, default=None,
        help=f"(insert, remove) pairs per timed call (default {FULL['ops']}; --quick: {QUICK['ops']})",
    )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        sizes,
        repeats=args.repeats or preset["repeats"],
        ops=args.ops or preset["ops"],
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
