"""Peak memory of a pipeline: lists at every stage vs generators (plus the time of each).

    learn bench generator-memory
    learn bench generator-memory --quick
    python -m benchmarks.generator_memory --sizes 1000 10000 100000 1000000 --repeats 5

The pipeline: square the numbers 0 .. N-1, keep the even squares, sum them.
Two ways to write it:

    list       squares = [x * x for x in range(n)]
               evens = [s for s in squares if s % 2 == 0]
               total = sum(evens)
    generator  the same with ( ... ) instead of [ ... ]: each stage pulls one
               item at a time from the one before, so no stage is ever stored

Both start from ``range(n)`` (lazy in both, so the input costs nothing) and
must return the closed form 4 * (M-1) M (2M-1) / 6 with M = ceil(N / 2) (the
sum of (2m)**2 for m < M), checked before measuring.

What is measured, two panels:

1. Peak memory: the peak bytes that Python allocated during one run, above
   what was allocated before it, from ``tracemalloc`` (``harness.peak_memory``).
   Memory does not wobble like time: ``--memory-repeats`` (default 3) samples
   are plenty, and they usually agree to the byte.
2. Time: one run, timed by the harness (cases alternated, medians), without
   tracemalloc (which slows every allocation down several times).

What to expect: the list pipeline holds all N squares (a 28-32 byte int object
each, plus an 8-byte pointer in the list) and then N/2 more pointers in
``evens``: about 44 N bytes, log-log slope 1. The generator pipeline holds two
suspended generator frames and a few ints, under a kilobyte whatever N is:
slope about 0. The ratio list/generator grows like N (thousands at 10**5). The
times are close, both O(N): the generator pays for resuming a frame per item,
the list for allocating and filling two lists.

Results go to ``benchmarks/results/generator-memory.{json,md,png}`` (full run)
or ``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks import harness

NAME = "generator-memory"
TITLE = "A pipeline's peak memory: list at every stage vs generators"
FULL = {"sizes": (1_000, 10_000, 100_000, 1_000_000), "repeats": 5, "memory_repeats": 3}
QUICK = {"sizes": (1_000, 10_000, 100_000), "repeats": 3, "memory_repeats": 2}
CASES = ("list", "generator")


def list_pipeline(n: int) -> int:
    """Squares, even squares, sum, each stage a full list: ``list_pipeline(5) -> 0 + 4 + 16 = 20``."""
    squares = [x * x for x in range(n)]
    evens = [s for s in squares if s % 2 == 0]
    return sum(evens)


def generator_pipeline(n: int) -> int:
    """The same stages as generators, one item in flight at a time: ``generator_pipeline(5) -> 20``."""
    squares = (x * x for x in range(n))
    evens = (s for s in squares if s % 2 == 0)
    return sum(evens)


def expected_sum(n: int) -> int:
    """Sum of the even squares below n**2, in closed form: ``expected_sum(5) -> 20``."""
    m = (n + 1) // 2  # the even x in range(n) are 2k for k < m
    return 4 * (m - 1) * m * (2 * m - 1) // 6


def make_cases(n: int) -> dict[str, harness.Case]:
    """The two pipelines for N = n as zero-argument callables, checked against the closed form."""
    cases = {"list": lambda: list_pipeline(n), "generator": lambda: generator_pipeline(n)}
    for name, fn in cases.items():
        if (got := fn()) != expected_sum(n):
            raise RuntimeError(f"{name} pipeline returned {got}, expected {expected_sum(n)} at N={n}")
    return cases


def memory_sweep(
    sizes: Sequence[int],
    *,
    repeats: int,
    baseline: str = "generator",
    progress: bool = False,
    console: Console | None = None,
) -> list[dict]:
    """Peak bytes of each case at every N, in the shape of ``harness.sweep``'s points.

    ``make_cases`` has already run each case once (its check doubles as the
    warm-up, so first-call allocations are not billed), then the cases
    alternate, ``repeats`` samples each.
    """
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    points = []
    with Progress(*columns, console=console, transient=True, disable=not progress) as bar:
        task = bar.add_task(f"{NAME} memory", total=len(sizes) * repeats)
        for n in sizes:
            cases = make_cases(n)
            samples: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(repeats):
                for name, fn in cases.items():
                    samples[name].append(float(harness.peak_memory(fn)))
                bar.advance(task)
            stats = {name: harness.summarize(v) for name, v in samples.items()}
            points.append(
                {"x": n, "number": {name: 1 for name in cases}, "samples": samples, "stats": stats,
                 "ratios": harness.ratios(stats, baseline)}
            )
    return points


def run(
    sizes: Sequence[int] = FULL["sizes"],
    *,
    repeats: int = FULL["repeats"],
    memory_repeats: int = FULL["memory_repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Measure peak memory, then time, at every N; return the result dict with a part for each.

    ``run((1000, 10000, 100000), repeats=3, memory_repeats=2)["parts"][0]["slopes"]``
    ``-> {"list": ~1, "generator": ~0}``
    """
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)}")
    if memory_repeats < 1:
        raise ValueError(f"memory_repeats must be at least 1, got {memory_repeats}")
    fit = len(set(sizes)) > 1
    memory = memory_sweep(sizes, repeats=memory_repeats, progress=progress, console=console)
    timing = harness.sweep(
        sizes, make_cases, repeats=repeats, baseline="generator", progress=progress, label=f"{NAME} time",
        console=console,
    )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            "Square 0..N-1, keep the even squares, sum them: with a list materialised at every stage, or with "
            "generators. Peak memory is measured with `tracemalloc` (bytes allocated by Python during one run), "
            "time without it. Both ways were checked against the closed-form sum first."
        ),
        "machine": harness.machine_info(),
        "params": {"sizes": list(sizes), "repeats": repeats, "memory_repeats": memory_repeats},
        "parts": [
            {
                "title": "Peak memory",
                "x_name": "N",
                "unit": "B",
                "measure": "peak memory",
                "cases": list(CASES),
                "baseline": "generator",
                "points": memory,
                "slopes": harness.slopes(memory) if fit else {},
                "slope_label": "log-log slope of peak bytes vs N (1 = grows with N, 0 = constant)",
            },
            {
                "title": "Time",
                "x_name": "N",
                "unit": "s",
                "measure": "time per run",
                "cases": list(CASES),
                "baseline": "generator",
                "points": timing,
                "slopes": harness.slopes(timing) if fit else {},
                "slope_label": "log-log slope of time vs N",
            },
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    parser.add_argument(
        "--sizes", type=harness.size_arg, nargs="+", default=None,
        help=f"pipeline lengths N (default {' '.join(map(str, FULL['sizes']))}; "
        f"--quick: {' '.join(map(str, QUICK['sizes']))})",
    )
    parser.add_argument(
        "--memory-repeats", type=harness.positive_int, default=None,
        help=f"peak-memory samples per case and size (default {FULL['memory_repeats']}; "
        f"--quick: {QUICK['memory_repeats']})",
    )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        args.sizes or preset["sizes"],
        repeats=args.repeats or preset["repeats"],
        memory_repeats=args.memory_repeats or preset["memory_repeats"],
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
