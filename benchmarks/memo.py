"""Naive recursion vs ``functools.lru_cache`` vs bottom-up DP, on Fibonacci and grid paths.

    learn bench memo
    learn bench memo --quick
    python -m benchmarks.memo --fib-sizes 10 15 20 25 30 100 300 1000 3000 --fib-naive-max 30 --repeats 5

Two problems, one panel each, three ways to compute each:

    Fibonacci F(n)        F(0) = 0, F(1) = 1, F(n) = F(n-1) + F(n-2)
    grid paths P(n)       monotone lattice paths across an n x n grid (right or
                          down steps only): paths(i, j) = paths(i-1, j) + paths(i, j-1),
                          paths(0, j) = paths(i, 0) = 1, and P(n) = paths(n, n) = C(2n, n)

    naive      the recursion as written: it recomputes shared subproblems,
               F(n) makes about 2 F(n+1) calls, paths(n, n) about 2 C(2n, n)
    lru_cache  the same recursion under @functools.lru_cache(maxsize=None):
               each subproblem once (n of them for F, (n+1)**2 for paths)
    dp         bottom-up loops: two variables for F, one row of n+1 counts for paths

What is timed: one call computing the answer for n. The ``lru_cache`` case
clears its cache at the start of every call, so each sample is a cold
computation (the clear, which frees the last call's entries, is part of the
timed price); its recursion is n (F) or 2n (paths) frames deep, so the call
raises the recursion limit as needed. Before timing, the ways must agree and
P(n) must equal ``math.comb(2n, n)``; F(n) is checked against the identity
F(n) = sum over k of C(n-1-k, k) (shallow diagonals of Pascal's triangle).

What to expect: naive recursion is exponential, so it is only run up to a cap
(``--fib-naive-max``, ``--grid-naive-max``), and its fit is log(time) against
n: time is multiplied by about phi = 1.618 per step of n for F, and by almost
4 per step for paths (C(2n+2, n+1) / C(2n, n) = 2(2n+1)/(n+1), 3.6 to 3.85 for
n from 4 to 12, tending to 4). The other two are polynomial: fitted log-log
over the n beyond the naive cap, they have slope about 1 for F and 2 for paths
(a little more at large n, where the numbers become big integers and each
addition costs more). ``lru_cache`` pays a Python call and a hash lookup per
subproblem, so ``dp`` is several times faster still.

Results go to ``benchmarks/results/memo.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from rich.console import Console

from benchmarks import harness

NAME = "memo"
TITLE = "Memoization: naive recursion vs lru_cache vs bottom-up DP"
FULL = {
    "fib_sizes": (10, 15, 20, 25, 30, 100, 300, 1_000, 3_000),
    "fib_naive_max": 30,
    "grid_sizes": (4, 6, 8, 10, 12, 30, 100, 300),
    "grid_naive_max": 12,
    "repeats": 5,
}
QUICK = {
    "fib_sizes": (10, 14, 18, 100, 300),
    "fib_naive_max": 18,
    "grid_sizes": (3, 5, 7, 30, 60),
    "grid_naive_max": 7,
    "repeats": 3,
}
CASES = ("naive", "lru_cache", "dp")

# ---------------------------------------------------------------- Fibonacci


def fib_naive(n: int) -> int:
    """F(n) by the defining recursion: ``fib_naive(10) -> 55``; exponential time."""
    return n if n < 2 else fib_naive(n - 1) + fib_naive(n - 2)


@lru_cache(maxsize=None)
def fib_memo(n: int) -> int:
    """F(n), each F(k) computed once and cached: ``fib_memo(10) -> 55``; recursion n deep."""
    return n if n < 2 else fib_memo(n - 1) + fib_memo(n - 2)


def fib_dp(n: int) -> int:
    """F(n) bottom-up with two variables: ``fib_dp(10) -> 55``."""
    a, b = 0, 1  # F(i), F(i+1)
    for _ in range(n):
        a, b = b, a + b
    return a


def fib_oracle(n: int) -> int:
    """F(n) as a sum along a shallow diagonal of Pascal's triangle: ``fib_oracle(10) -> 55``."""
    return sum(math.comb(n - 1 - k, k) for k in range((n + 1) // 2)) if n > 0 else 0


# ---------------------------------------------------------------- grid paths


def paths_naive(i: int, j: int) -> int:
    """Monotone paths across an i x j grid by the recursion: ``paths_naive(2, 2) -> 6``; exponential time."""
    return 1 if i == 0 or j == 0 else paths_naive(i - 1, j) + paths_naive(i, j - 1)


@lru_cache(maxsize=None)
def paths_memo(i: int, j: int) -> int:
    """The same recursion, each (i, j) computed once: ``paths_memo(2, 2) -> 6``; recursion i + j deep."""
    return 1 if i == 0 or j == 0 else paths_memo(i - 1, j) + paths_memo(i, j - 1)


def paths_dp(n: int) -> int:
    """Paths across an n x n grid, one row of counts at a time: ``paths_dp(2) -> 6``.

    After processing row i, ``row[j]`` = paths(i, j); each cell adds the one above
    (its old value) and the one to the left (already updated).
    """
    row = [1] * (n + 1)  # paths(0, j) = 1
    for _ in range(n):
        for j in range(1, n + 1):
            row[j] += row[j - 1]
    return row[n]


# ---------------------------------------------------------------- cases


def _cold(memo: Callable, depth: int, *args: int) -> Callable[[], int]:
    """A call of ``memo(*args)`` on an empty cache, with room for ``depth`` nested frames."""

    def call() -> int:
        memo.cache_clear()
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 2 * depth + 100))  # 2: the C lru_cache wrapper counts as a level too
        try:
            return memo(*args)
        finally:
            sys.setrecursionlimit(limit)

    return call


def make_cases(problem: str, n: int, *, naive_max: int) -> dict[str, harness.Case]:
    """The timed callables for ``problem`` ('fib' or 'grid') at n (naive only when n <= naive_max), checked."""
    if problem == "fib":
        cases = {"naive": lambda: fib_naive(n), "lru_cache": _cold(fib_memo, n, n), "dp": lambda: fib_dp(n)}
        expected = fib_oracle(n)
    elif problem == "grid":
        cases = {"naive": lambda: paths_naive(n, n), "lru_cache": _cold(paths_memo, 2 * n, n, n),
                 "dp": lambda: paths_dp(n)}
        expected = math.comb(2 * n, n)
    else:
        raise ValueError(f"problem must be 'fib' or 'grid', got {problem!r}")
    if n > naive_max:
        del cases["naive"]
    for name, fn in cases.items():
        if (got := fn()) != expected:
            raise RuntimeError(f"{problem} {name}({n}) = {got}, expected {expected}: the comparison is void")
    fib_memo.cache_clear()
    paths_memo.cache_clear()
    return cases


def growth_per_step(ns: Sequence[int], times: Sequence[float]) -> float:
    """exp of the least-squares slope of log(time) against n: the factor time grows by per +1 of n.

    ``growth_per_step([10, 11, 12], [1.0, 1.6, 2.56]) -> 1.6``
    """
    slope, _intercept = np.polyfit(np.asarray(ns, dtype=float), np.log(np.asarray(times, dtype=float)), 1)
    return float(np.exp(slope))


def fits(points: Sequence[dict], naive_max: int) -> tuple[dict[str, float], dict[str, str]]:
    """Per case: naive's growth per step of n, and the others' log-log slopes for n > naive_max.

    Returns the ``slopes`` dict and the plot legend texts. A fit needs two distinct n.
    """
    found: dict[str, float] = {}
    legend: dict[str, str] = {}
    naive = [p for p in points if "naive" in p["stats"]]
    if len({p["x"] for p in naive}) > 1:
        found["naive"] = growth_per_step([p["x"] for p in naive], [p["stats"]["naive"]["median"] for p in naive])
        legend["naive"] = f"×{found['naive']:.2f} per +1 of n"
    large = [p for p in points if p["x"] > naive_max]
    if len({p["x"] for p in large}) < 2:
        large = points
    if len({p["x"] for p in large}) > 1:
        for name in ("lru_cache", "dp"):
            found[name] = harness.loglog_slope([p["x"] for p in large], [p["stats"][name]["median"] for p in large])
    return found, legend


def run(
    fib_sizes: Sequence[int] = FULL["fib_sizes"],
    grid_sizes: Sequence[int] = FULL["grid_sizes"],
    *,
    fib_naive_max: int = FULL["fib_naive_max"],
    grid_naive_max: int = FULL["grid_naive_max"],
    repeats: int = FULL["repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time the three ways on both problems and return the result dict, one part per problem.

    ``run((10, 20, 100, 200), (4, 8, 30, 60), fib_naive_max=20, grid_naive_max=8, repeats=3)``
    ``["parts"][0]["slopes"] -> {"naive": ~1.6, "lru_cache": ~1, "dp": ~1}``
    """
    problems = [
        ("fib", "Fibonacci F(n)", fib_sizes, fib_naive_max, "φ ≈ 1.618", "1"),
        ("grid", "Grid paths P(n) = C(2n, n)", grid_sizes, grid_naive_max, "≈ 3.7, tending to 4", "2"),
    ]
    parts = []
    for problem, title, sizes, naive_max, growth, degree in problems:
        if len(sizes) == 0 or any(n < 1 for n in sizes):
            raise ValueError(f"{problem} sizes must be positive integers, got {list(sizes)}")
        points = harness.sweep(
            sizes,
            lambda n, problem=problem, naive_max=naive_max: make_cases(problem, n, naive_max=naive_max),
            repeats=repeats,
            baseline="dp",
            progress=progress,
            label=f"{NAME} {problem}",
            console=console,
        )
        fib_memo.cache_clear()
        paths_memo.cache_clear()
        found, legend = fits(points, naive_max)
        parts.append(
            {
                "title": title,
                "x_name": "n",
                "unit": "s",
                "measure": "time per call",
                "cases": list(CASES),
                "baseline": "dp",
                "points": points,
                "slopes": found,
                "legend": legend,
                "naive_max": naive_max,
                "slope_label": (
                    f"naive: growth of time per +1 of n (expect {growth}); "
                    f"lru_cache, dp: log-log slope for n > {naive_max} (expect ~{degree})"
                ),
            }
        )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            "Time to compute the Fibonacci number F(n) and the number of monotone lattice paths across an "
            "n × n grid, C(2n, n): the naive recursion (exponential, run only for small n; — beyond), the same "
            "recursion under `functools.lru_cache` (cache cleared before every call: a cold computation), and a "
            "bottom-up loop (`dp`, the baseline of the ratios). All answers were checked before timing."
        ),
        "machine": harness.machine_info(),
        "params": {
            "fib_sizes": list(fib_sizes),
            "fib_naive_max": fib_naive_max,
            "grid_sizes": list(grid_sizes),
            "grid_naive_max": grid_naive_max,
            "repeats": repeats,
        },
        "parts": parts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    for problem, what in (("fib", "F(n)"), ("grid", "grid paths")):
        parser.add_argument(
            f"--{problem}-sizes", type=harness.size_arg, nargs="+", default=None,
            help=f"values of n for {what} (default {' '.join(map(str, FULL[f'{problem}_sizes']))}; "
            f"--quick: {' '.join(map(str, QUICK[f'{problem}_sizes']))})",
        )
        parser.add_argument(
            f"--{problem}-naive-max", type=harness.size_arg, default=None,
            help=f"largest n for naive {what} (default {FULL[f'{problem}_naive_max']}; "
            f"--quick: {QUICK[f'{problem}_naive_max']})",
        )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        args.fib_sizes or preset["fib_sizes"],
        args.grid_sizes or preset["grid_sizes"],
        fib_naive_max=args.fib_naive_max or preset["fib_naive_max"],
        grid_naive_max=args.grid_naive_max or preset["grid_naive_max"],
        repeats=args.repeats or preset["repeats"],
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
