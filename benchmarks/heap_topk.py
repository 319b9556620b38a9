"""The k largest of N numbers: ``heapq.nlargest`` vs sorting vs a bounded min-heap.

    learn bench heap-topk
    learn bench heap-topk --quick
    python -m benchmarks.heap_topk --sizes 1000 10000 100000 1000000 --ks 10 100 N/10 N/2 --repeats 5

What is timed: for each N, a list of N random floats is made once (seeded, not
timed); one timed call then picks its k largest values in one of three ways:

    nlargest:  heapq.nlargest(k, xs)
    sorted:    sorted(xs)[-k:]
    pushpop:   a min-heap h bounded to k items; for each x: heappush(h, x)
               while len(h) < k, then heappushpop(h, x) (keeps the k largest)

Before timing, the benchmark checks that the three give the same k values (as
multisets: ``nlargest`` is in descending order, ``sorted(...)[-k:]`` ascending,
the heap in heap order). The baseline is ``sorted``, so a ratio below 1 means
"faster than sorting everything".

k is given per panel, as a number (capped at N) or as a fraction ``N/d``
(``N // d``, at least 1). One table and one plot panel per k.

What to expect: sorting is O(N log N) whatever k is, but runs entirely in C.
A heap of size k costs O(N log k): one comparison per item against the heap's
smallest (``h[0]``), plus a sift (log k) for each item that enters the heap,
which for random data is only about k * ln(N / k) of them. For small k the heap
wins by a wide margin and its time grows like N; as k approaches N, every
item enters the heap and the Python-level loop with its log k sifts loses to
Timsort. ``heapq.nlargest`` is the same algorithm as the bounded heap, with
two differences. Its loop compares each item with the heap's smallest inline
and calls into the heap only when the item belongs in the top k, where
``pushpop`` makes a call for every item: for small k it is the fastest of the
three, by a factor of about 3 over ``pushpop``. And it decorates each heap
entry as ``(item, order)`` (so that equal items keep a stable order): for large
k, where most items enter the heap, those tuples make every comparison dearer
and it is the slowest of the three.

Results go to ``benchmarks/results/heap-topk.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import heapq
import random
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from benchmarks import harness

NAME = "heap-topk"
TITLE = "Top-k of N numbers: heapq.nlargest vs sorted vs a bounded heap"
FULL = {"sizes": (1_000, 10_000, 100_000, 1_000_000), "ks": ("10", "100", "N/10", "N/2"), "repeats": 5}
QUICK = {"sizes": (1_000, 10_000), "ks": ("10", "N/2"), "repeats": 3}
CASES = ("nlargest", "sorted", "pushpop")


def k_for(spec: str, n: int) -> int:
    """The k that a spec means at size n: ``k_for('100', 50) -> 50`` (capped), ``k_for('N/10', 1000) -> 100``."""
    if spec.startswith("N/"):
        return max(1, n // int(spec[2:]))
    return min(int(spec), n)


def bounded_heap_topk(xs: Sequence[float], k: int) -> list[float]:
    """The k largest of ``xs`` in heap order, keeping a min-heap of at most k items.

    ``sorted(bounded_heap_topk([5, 1, 4, 2, 3], 2)) -> [4, 5]``
    """
    heap: list[float] = []
    push, pushpop = heapq.heappush, heapq.heappushpop
    for x in xs:
        if len(heap) < k:
            push(heap, x)
        else:
            pushpop(heap, x)  # push x, then drop the smallest: x itself if x <= heap[0]
    return heap


def make_cases(n: int, k: int, *, seed: int = 0) -> dict[str, harness.Case]:
    """The three timed callables for N = n and this k, after checking they agree."""
    rng = random.Random(seed)
    xs = [rng.random() for _ in range(n)]
    cases = {
        "nlargest": lambda: heapq.nlargest(k, xs),
        "sorted": lambda: sorted(xs)[-k:],
        "pushpop": lambda: bounded_heap_topk(xs, k),
    }
    answers = {name: sorted(fn()) for name, fn in cases.items()}
    for name, got in answers.items():
        if got != answers["sorted"]:
            raise RuntimeError(f"{name} disagrees with sorted(xs)[-k:] at N={n}, k={k}: the comparison is void")
    return cases


def run(
    sizes: Sequence[int] = FULL["sizes"],
    *,
    ks: Sequence[str] = FULL["ks"],
    repeats: int = FULL["repeats"],
    seed: int = 0,
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time the three ways at every N, once per k spec; return the result dict with one part per k.

    ``run((1000, 100000), ks=("10",), repeats=3)["parts"][0]["points"][-1]["ratios"]``
    ``-> {"nlargest/sorted": ~0.1, "pushpop/sorted": ~0.3}`` (both heaps beat sorting for small k).
    """
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)}")
    if not ks:
        raise ValueError("ks needs at least one k, e.g. 10 or N/10")
    parts = []
    for spec in ks:
        points = harness.sweep(
            sizes,
            lambda n, spec=spec: make_cases(n, k_for(spec, n), seed=seed),
            repeats=repeats,
            baseline="sorted",
            progress=progress,
            label=f"{NAME} k={spec}",
            console=console,
        )
        for p in points:
            p["k"] = k_for(spec, p["x"])
        parts.append(
            {
                "title": f"k = {spec}",
                "x_name": "N",
                "unit": "s",
                "measure": "time per top-k call",
                "cases": list(CASES),
                "baseline": "sorted",
                "points": points,
                "slopes": harness.slopes(points) if len(set(sizes)) > 1 else {},
                "slope_label": "log-log slope of time vs N",
            }
        )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            "Time to pick the k largest of N random floats: `heapq.nlargest(k, xs)`, `sorted(xs)[-k:]`, "
            "and `pushpop`, a min-heap bounded to k items (`heappush` until it holds k, then `heappushpop`). "
            "Ratios are against `sorted`: below 1 is faster than sorting everything. "
            "All three were checked to return the same k values before timing."
        ),
        "machine": harness.machine_info(),
        "params": {"sizes": list(sizes), "ks": list(ks), "repeats": repeats, "seed": seed},
        "parts": parts,
    }


def _k_spec(text: str) -> str:
    """Parse a k: a positive integer (``'100'``) or a fraction of N (``'N/10'``)."""
    text = text.strip()
    number = text[2:] if text.startswith("N/") else text
    if not number.isdigit() or int(number) < 1:
        raise argparse.ArgumentTypeError(f"k must be a positive integer or N/d with d >= 1, got {text!r}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    parser.add_argument(
        "--sizes", type=harness.size_arg, nargs="+", default=None,
        help=f"list lengths N (default {' '.join(map(str, FULL['sizes']))}; "
        f"--quick: {' '.join(map(str, QUICK['sizes']))})",
    )
    parser.add_argument(
        "--ks", type=_k_spec, nargs="+", default=None,
        help=f"k per panel, a number or N/d (default {' '.join(FULL['ks'])})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random data (default 0)")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        args.sizes or preset["sizes"],
        ks=args.ks or preset["ks"],
        repeats=args.repeats or preset["repeats"],
        seed=args.seed,
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
