"""Keeping a list sorted while inserting: ``bisect.insort`` vs append + sort vs a linear scan.

    learn bench insort
    learn bench insort --quick
    python -m benchmarks.insort --sizes 1000 2000 4000 8000 16000 --slow-max 16000 --repeats 7

What is timed: N random integers are drawn once (seeded, not timed). One timed
call starts from an empty list and inserts the N values one at a time, so that
the list is sorted after every insertion:

    insort:       bisect.insort(lst, v)
    append+sort:  lst.append(v); lst.sort()
    linear scan:  walk lst from the front to the first item > v, then lst.insert(i, v)

The measure is the *total* time of the N insertions (the table's cells), and
the slope is that of log(total time) against log(N). Before timing, each way's
final list is checked against ``sorted(values)``.

What to expect: ``insort`` finds the place in O(log N) comparisons, but
``list.insert`` still shifts the tail of the list, one ``memmove`` of up to N
pointers: O(N) per insertion, O(N**2) in total, with a tiny constant (a memmove
of 8-byte pointers runs at many GB/s). At small N the log N search and the
call overhead weigh as much as the shift, so the local slope is only about 1.4
around N = 1,000; as N grows the memmove takes over and the slope climbs
towards 2 (about 1.9 past N = 30,000 on the reference machine).

``append`` + ``sort`` re-sorts after every insertion: Timsort on an already
sorted list plus one item is only O(N) (it finds one long run, then merges one
item into it), but it is O(N) comparisons every time: slope about 2. The
linear scan is also O(N) per insertion but pays a Python bytecode loop per item
it walks past: slope about 2 with the largest constant.

The two quadratic-in-Python ways are only run up to ``--slow-max`` (default
16,000, where the linear scan already takes over a second per call); ``insort``
goes on to larger N, where its cells stand alone and its slope approaches 2.

Results go to ``benchmarks/results/insort.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import bisect
import random
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from benchmarks import harness

NAME = "insort"
TITLE = "Keeping a list sorted: bisect.insort vs append + sort vs linear scan"
FULL = {
    "sizes": (1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000),
    "slow_max": 16_000,
    "repeats": 7,
}
QUICK = {"sizes": (500, 1_000, 2_000, 4_000), "slow_max": 2_000, "repeats": 3}
CASES = ("insort", "append+sort", "linear scan")
SLOW = ("append+sort", "linear scan")


def build_with_insort(values: Sequence[int]) -> list[int]:
    """Insert every value with ``bisect.insort``: ``build_with_insort([3, 1, 2]) -> [1, 2, 3]``."""
    lst: list[int] = []
    insort = bisect.insort
    for v in values:
        insort(lst, v)
    return lst


def build_with_append_sort(values: Sequence[int]) -> list[int]:
    """Append each value, then sort the whole list again: ``[3, 1, 2] -> [1, 2, 3]``."""
    lst: list[int] = []
    for v in values:
        lst.append(v)
        lst.sort()
    return lst


def build_with_linear_scan(values: Sequence[int]) -> list[int]:
    """Walk to the first item greater than the value, insert there: ``[3, 1, 2] -> [1, 2, 3]``.

    Equal values go after the ones already there, as ``bisect.insort`` (insort_right) does.
    """
    lst: list[int] = []
    for v in values:
        for i, item in enumerate(lst):
            if item > v:
                break
        else:  # no larger item (or an empty list): append at the end
            i = len(lst)
        lst.insert(i, v)
    return lst


def make_cases(n: int, *, slow_max: int = FULL["slow_max"], seed: int = 0) -> dict[str, harness.Case]:
    """The timed callables for N = n (the slow two only when n <= slow_max), after checking their lists."""
    rng = random.Random(seed)
    values = [rng.randrange(10**9) for _ in range(n)]  # < 2**30: one-digit ints, the fast compare path
    builders = {
        "insort": build_with_insort,
        "append+sort": build_with_append_sort,
        "linear scan": build_with_linear_scan,
    }
    cases = {name: (lambda build=build: build(values)) for name, build in builders.items()
             if name not in SLOW or n <= slow_max}
    expected = sorted(values)
    for name, fn in cases.items():
        if fn() != expected:
            raise RuntimeError(f"{name} did not build sorted(values) at N={n}: the comparison is void")
    return cases


def run(
    sizes: Sequence[int] = FULL["sizes"],
    *,
    slow_max: int = FULL["slow_max"],
    repeats: int = FULL["repeats"],
    seed: int = 0,
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time the three ways at every N and return the result dict (see ``benchmarks.harness``).

    ``run((1000, 2000, 4000), repeats=3)["slopes"] -> {"insort": ~1.4, "append+sort": ~2, "linear scan": ~2}``
    """
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)}")
    if slow_max < 1:
        raise ValueError(f"slow_max must be at least 1, got {slow_max}")
    points = harness.sweep(
        sizes,
        lambda n: make_cases(n, slow_max=slow_max, seed=seed),
        repeats=repeats,
        baseline="insort",
        progress=progress,
        label=NAME,
        console=console,
    )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            "Total time to insert N random integers one by one into a list kept sorted: "
            "`bisect.insort(lst, v)`, `lst.append(v); lst.sort()`, and a linear scan to the first larger "
            f"item then `lst.insert(i, v)`. The last two run only up to N = {slow_max:,} (— beyond). "
            "Each way's final list was checked against `sorted(values)` before timing."
        ),
        "machine": harness.machine_info(),
        "params": {"sizes": list(sizes), "slow_max": slow_max, "repeats": repeats, "seed": seed},
        "x_name": "N",
        "unit": "s",
        "measure": "total time for N insertions",
        "cases": list(CASES),
        "baseline": "insort",
        "points": points,
        "slopes": harness.slopes(points) if len(set(sizes)) > 1 else {},
        "slope_label": "log-log slope of total time vs N (2 = quadratic)",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    parser.add_argument(
        "--sizes", type=harness.size_arg, nargs="+", default=None,
        help=f"numbers of insertions N (default {' '.join(map(str, FULL['sizes']))}; "
        f"--quick: {' '.join(map(str, QUICK['sizes']))})",
    )
    parser.add_argument(
        "--slow-max", type=harness.size_arg, default=None,
        help=f"largest N for append+sort and linear scan (default {FULL['slow_max']}; --quick: {QUICK['slow_max']})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random values (default 0)")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        args.sizes or preset["sizes"],
        slow_max=args.slow_max or preset["slow_max"],
        repeats=args.repeats or preset["repeats"],
        seed=args.seed,
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
