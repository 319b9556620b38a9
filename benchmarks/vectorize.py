"""Vectorisation: Python loops vs NumPy vs torch on two array computations.

    learn bench vectorize
    learn bench vectorize --quick
    python -m benchmarks.vectorize --sizes 1000 10000 100000 --pair-sizes 100 200 400 800 --loop-max 10000 --repeats 9

Two computations, each written three ways that return the same numbers:

1. Standardise the columns of an (N, 28) array (28 features, as in a small
   tabular data set): ``z[i, j] = (x[i, j] - mean_j) / std_j`` with the
   population standard deviation (``ddof=0``, torch's ``correction=0``).
2. The pairwise squared-distance matrix of N points in d dimensions:
   ``D[i, j] = sum_k (x[i, k] - x[j, k]) ** 2``, an (N, N) matrix.

The three ways:

    loop   plain Python on lists of floats: a loop per row, column and term
    numpy  whole-array NumPy: ``x.mean(axis=0)``, ``x.std(axis=0)``, and for the
           distances ``|a|^2 + |b|^2 - 2 a.b`` with one matrix product (``x @ x.T``)
    torch  the same formulas in torch on the CPU (``x.mean(0)``, ``x.std(0,
           correction=0)``, ``x @ x.T``)

All three work in float64 (Python floats are doubles), so the comparison is
about how the work is done, not about precision. The inputs are drawn once per
size (seeded); converting them to lists or tensors happens outside the timing.
Before timing, the three results are compared (``np.allclose``); a benchmark
of code that disagrees would measure nothing.

What to expect: the loop pays a bytecode dispatch and a boxed float per scalar
operation (tens of ns each), the vectorised versions a few ns or less per
element plus a fixed call overhead (µs), so at small N the overhead keeps the
ratio modest. Standardising does a few flops per element and NumPy's passes
over the array are limited by memory: the loop ends up tens of times slower
(20-60x on the machine of the committed results). The distance matrix is a
matrix product on BLAS, which does many flops per element loaded: there the
loop is hundreds of times slower. Standardising is O(N) for every way (log-log
slope ~1 once the overhead is amortised); the distance matrix is O(N^2 d)
(slope ~2). NumPy and torch land within a small factor of each other: both
call compiled kernels; torch adds a little dispatch overhead per call, and its
column reductions over an (N, 28) float64 array are slower than NumPy's.

Threads: with ``--threads 1`` (the default) torch runs one intra-op thread
(``torch.set_num_threads``) and NumPy's BLAS one thread too (through
``threadpoolctl``, installed with scikit-learn; without it NumPy keeps its
default, and the parameters say so), so each way uses one core, like the loop.
On a busy two-core machine a two-thread parallel region waits for whichever
thread the OS has descheduled: a 40x8 matrix product was seen to take 30 ms
instead of 4 µs that way. ``--threads 0`` leaves both libraries at their
defaults.

The loop is only run up to ``--loop-max`` rows for standardising and
``--pair-loop-max`` points for the distances (a loop over 800^2 pairs takes
seconds per call); above those its cells read "—" and its slope is fitted over
the sizes it has. The table's ratio columns divide by NumPy (``loop/numpy`` is
how many times slower the loop is); the JSON also stores, per size, the
speed-up of NumPy and of torch over the loop (``speedup_vs_loop``), and each
part's description quotes them at the largest size the loop ran.

Results go to ``benchmarks/results/vectorize.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from rich.console import Console

from benchmarks import harness

NAME = "vectorize"
TITLE = "Vectorisation: Python loops vs NumPy vs torch"
FEATURES = 28  # columns of the standardised array
FULL = {
    "sizes": (100, 1_000, 10_000, 100_000),
    "loop_max": 100_000,
    "pair_sizes": (50, 100, 200, 400, 800, 1_600),
    "pair_loop_max": 400,
    "dim": 16,
    "threads": 1,
    "repeats": 9,
}
QUICK = {
    "sizes": (100, 1_000),
    "loop_max": 1_000,
    "pair_sizes": (20, 40),
    "pair_loop_max": 40,
    "dim": 8,
    "threads": 1,
    "repeats": 3,
}
CASES = ("loop", "numpy", "torch")
BASELINE = "numpy"
RTOL, ATOL = 1e-9, 1e-9  # float64 everywhere: only summation order differs


# ---------------------------------------------------------------- standardise the columns


def standardize_loop(rows: list[list[float]]) -> list[list[float]]:
    """Column-standardise a list of rows in plain Python (population std).

    ``standardize_loop([[1.0, 10.0], [3.0, 10.0 + 2.0]]) -> [[-1.0, -1.0], [1.0, 1.0]]``.
    A constant column divides by zero, as the vectorised versions would (they give nan/inf).
    """
    n, m = len(rows), len(rows[0])
    means = [0.0] * m
    for row in rows:
        for j in range(m):
            means[j] += row[j]
    means = [s / n for s in means]
    variances = [0.0] * m
    for row in rows:
        for j in range(m):
            d = row[j] - means[j]
            variances[j] += d * d
    stds = [(v / n) ** 0.5 for v in variances]
    return [[(row[j] - means[j]) / stds[j] for j in range(m)] for row in rows]


def standardize_numpy(x: np.ndarray) -> np.ndarray:
    """(N, m) -> (N, m), each column with mean 0 and population std 1."""
    return (x - x.mean(axis=0)) / x.std(axis=0)


def standardize_torch(x: torch.Tensor) -> torch.Tensor:
    """(N, m) -> (N, m), as :func:`standardize_numpy`; ``correction=0`` is NumPy's ``ddof=0``."""
    return (x - x.mean(dim=0)) / x.std(dim=0, correction=0)


# ---------------------------------------------------------------- pairwise squared distances


def pairwise_loop(points: list[list[float]]) -> list[list[float]]:
    """The (N, N) squared distances of N points, straight from the definition.

    ``pairwise_loop([[0.0, 0.0], [3.0, 4.0]]) -> [[0.0, 25.0], [25.0, 0.0]]``.
    """
    out = []
    for a in points:
        row = []
        for b in points:
            s = 0.0
            for u, v in zip(a, b):
                d = u - v
                s += d * d
            row.append(s)
        out.append(row)
    return out


def pairwise_numpy(x: np.ndarray) -> np.ndarray:
    """(N, d) -> (N, N) via ``|a|^2 + |b|^2 - 2 a.b``: one matrix product instead of an (N, N, d) temporary.

    Rounding can make a distance that should be 0 come out as -1e-16, hence the
    clip at zero (and the diagonal, exactly 0 in the definition, is set to 0).
    """
    sq = (x * x).sum(axis=1)  # (N,)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)  # (N, N)
    np.maximum(d, 0.0, out=d)
    np.fill_diagonal(d, 0.0)
    return d


def pairwise_torch(x: torch.Tensor) -> torch.Tensor:
    """(N, d) -> (N, N), as :func:`pairwise_numpy` (``torch.cdist(x, x) ** 2`` computes the same)."""
    sq = (x * x).sum(dim=1)  # (N,)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)  # (N, N)
    d.clamp_(min=0.0)
    d.fill_diagonal_(0.0)
    return d


# ---------------------------------------------------------------- cases


@contextmanager
def torch_threads(n: int) -> Iterator[int]:
    """Run the block with ``torch.set_num_threads(n)`` (``n=0``: leave torch's default); restore after.

    Yields the thread count in effect. ``with torch_threads(1): ...`` times
    torch single-threaded, like NumPy's element-wise code.
    """
    if n < 0:
        raise ValueError(f"threads must be 0 (torch's default) or more, got {n}")
    before = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


@contextmanager
def numpy_blas_threads(n: int) -> Iterator[int | None]:
    """Limit NumPy's BLAS (used by ``x @ x.T``) to ``n`` threads for the block (``n=0``: leave it).

    Needs ``threadpoolctl`` (installed with scikit-learn); without it the
    block runs unchanged. Yields the limit in effect, or None if unknown.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield None
        return
    if not n:
        yield None
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield n


PROBLEMS = {
    "standardize": (standardize_loop, standardize_numpy, standardize_torch),
    "pairwise": (pairwise_loop, pairwise_numpy, pairwise_torch),
}


def make_input(problem: str, n: int, *, dim: int = FULL["dim"], seed: int = 0) -> np.ndarray:
    """The seeded float64 input: (n, 28) for ``standardize``, (n, dim) for ``pairwise``.

    The columns of the standardised array get different means and scales
    (column j ~ Normal(j, 1 + j)) so that a mix-up of axes shows in the check.
    """
    rng = np.random.default_rng(seed)
    if problem == "standardize":
        j = np.arange(FEATURES)
        return rng.standard_normal((n, FEATURES)) * (1.0 + j) + j
    if problem == "pairwise":
        return rng.standard_normal((n, dim))
    raise ValueError(f"problem must be one of {list(PROBLEMS)}, got {problem!r}")


def make_cases(
    problem: str, n: int, *, loop_max: int, dim: int = FULL["dim"], seed: int = 0
) -> dict[str, harness.Case]:
    """The timed callables for one problem at size ``n`` (the loop only if ``n <= loop_max``).

    Every case is run once here and checked against NumPy's answer
    (``np.allclose``, rtol=atol=1e-9); a disagreement raises ``RuntimeError``.
    """
    x = make_input(problem, n, dim=dim, seed=seed)  # raises for an unknown problem
    loop_fn, numpy_fn, torch_fn = PROBLEMS[problem]
    xt = torch.from_numpy(x.copy())  # its own memory: torch and NumPy do not share a cache-warm buffer
    cases: dict[str, harness.Case] = {}
    if n <= loop_max:
        rows = x.tolist()
        cases["loop"] = lambda: loop_fn(rows)
    cases["numpy"] = lambda: numpy_fn(x)
    cases["torch"] = lambda: torch_fn(xt)
    check_agreement(problem, {name: fn() for name, fn in cases.items()})
    return cases


def check_agreement(problem: str, answers: dict[str, object]) -> None:
    """Raise ``RuntimeError`` unless every answer matches NumPy's (rtol=atol=1e-9)."""
    expected = np.asarray(answers["numpy"])
    for name, got in answers.items():
        got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=RTOL, atol=ATOL):
            worst = np.max(np.abs(got - expected)) if got.shape == expected.shape else "shape differs"
            raise RuntimeError(
                f"{problem}: the {name} version disagrees with numpy (shape {got.shape} vs {expected.shape}, "
                f"max abs difference {worst}); fix it before timing it"
            )


def speedups(points: Sequence[dict]) -> None:
    """Add ``speedup_vs_loop`` (loop median / case median) to every point where the loop ran."""
    for p in points:
        if "loop" in p["stats"]:
            loop = p["stats"]["loop"]["median"]
            p["speedup_vs_loop"] = {c: loop / p["stats"][c]["median"] for c in CASES if c != "loop"}


def _speedup_sentence(points: Sequence[dict]) -> str:
    """``'At N=1,000 (the largest the loop ran), numpy is 120× and torch 95× faster than the loop.'``"""
    have = [p for p in points if "speedup_vs_loop" in p]
    if not have:
        return "The loop was not run at any size."
    p = have[-1]
    s = p["speedup_vs_loop"]
    return (
        f"At N={p['x']:,} (the largest size the loop ran), numpy is {harness.format_ratio(s['numpy'])} "
        f"and torch {harness.format_ratio(s['torch'])} faster than the loop."
    )


def run(
    sizes: Sequence[int] = FULL["sizes"],
    pair_sizes: Sequence[int] = FULL["pair_sizes"],
    *,
    loop_max: int = FULL["loop_max"],
    pair_loop_max: int = FULL["pair_loop_max"],
    dim: int = FULL["dim"],
    threads: int = FULL["threads"],
    repeats: int = FULL["repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time loop, NumPy and torch on both problems; return the result dict with a part for each.

    ``threads`` is torch's intra-op thread count for the run, and NumPy's BLAS thread
    count where threadpoolctl can set it (0: leave both at their defaults).

    ``run((100, 1000), (20, 40), loop_max=1000, pair_loop_max=40, dim=8, repeats=3)["parts"][1]["slopes"]``
    ``-> {"loop": ~2, "numpy": <2, "torch": <2}`` (the vectorised ones flatten at small N: call overhead)
    """
    for label, values in (("sizes", sizes), ("pair_sizes", pair_sizes)):
        if not values or any(n < 2 for n in values):
            raise ValueError(f"{label} must be integers of at least 2 (a std needs two rows), got {list(values)}")
    if dim < 1:
        raise ValueError(f"dim must be at least 1, got {dim}")
    specs = (  # (problem, sizes, loop cap, title): one part each
        ("standardize", sizes, loop_max, f"Standardise the columns of an (N, {FEATURES}) array"),
        ("pairwise", pair_sizes, pair_loop_max, f"Pairwise squared distances of N points in {dim} dimensions"),
    )
    with torch_threads(threads) as used_threads, numpy_blas_threads(threads) as blas_threads:
        parts = [
            _part(problem, xs, cap, title, dim=dim, repeats=repeats, progress=progress, console=console)
            for problem, xs, cap, title in specs
        ]
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            "The same float64 computation as plain Python loops over lists, as NumPy array expressions and as "
            f"torch tensor expressions on the CPU ({used_threads} torch thread{'s' if used_threads > 1 else ''}, "
            f"NumPy's BLAS {blas_threads or 'at its default'} thread{'s' if blas_threads != 1 else ''}), "
            "checked to agree (np.allclose) before timing. Ratio columns divide by NumPy; `speedup_vs_loop` in "
            "the JSON divides the loop by each."
        ),
        "machine": harness.machine_info(),
        "params": {
            "sizes": list(sizes),
            "loop_max": loop_max,
            "pair_sizes": list(pair_sizes),
            "pair_loop_max": pair_loop_max,
            "dim": dim,
            "threads": threads,
            "repeats": repeats,
            "torch_threads_used": used_threads,
            "numpy_blas_threads": blas_threads if blas_threads is not None else "default",
        },
        "parts": parts,
    }


def _part(
    problem: str, xs: Sequence[int], cap: int, title: str, *, dim: int, repeats: int, progress: bool,
    console: Console | None,
) -> dict:
    """Sweep one problem over its sizes and describe it as one part of the result."""
    points = harness.sweep(
        xs,
        lambda n: make_cases(problem, n, loop_max=cap, dim=dim),
        repeats=repeats,
        baseline=BASELINE,
        progress=progress,
        label=f"{NAME} {problem}",
        console=console,
    )
    speedups(points)
    work, grows = ("O(N) per call", "1") if problem == "standardize" else ("O(N^2 d) per call", "2")
    return {
        "title": title,
        "description": f"{work}; the loop ran up to N={cap:,}. {_speedup_sentence(points)}",
        "x_name": "N",
        "unit": "s",
        "measure": "time per call",
        "cases": list(CASES),
        "baseline": BASELINE,
        "points": points,
        "slopes": harness.slopes(points) if len(set(xs)) > 1 else {},
        "slope_label": f"log-log slope of time vs N ({grows} = the work's own growth; "
        "less = fixed overhead still counts)",
    }


def thread_count(text: str) -> int:
    """An argparse type: ``'1' -> 1``, ``'0' -> 0`` (torch's default); negatives and words are usage errors."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (torch's default) or more, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"rows N of the (N, {FEATURES}) array to standardise {default('sizes')}")
    parser.add_argument("--loop-max", type=harness.size_arg, default=None,
                        help=f"largest N the standardising loop runs at {default('loop_max')}")
    parser.add_argument("--pair-sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"points N of the distance matrix {default('pair_sizes')}")
    parser.add_argument("--pair-loop-max", type=harness.size_arg, default=None,
                        help=f"largest N the distance loop runs at {default('pair_loop_max')}")
    parser.add_argument("--dim", type=harness.positive_int, default=None,
                        help=f"dimensions d of each point {default('dim')}")
    parser.add_argument("--threads", type=thread_count, default=None,
                        help=f"torch intra-op threads, 0 for torch's default {default('threads')}")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    def pick(key: str):
        value = getattr(args, key)
        return preset[key] if value is None else value

    console = Console()
    start = time.perf_counter()
    try:
        result = run(
            pick("sizes"),
            pick("pair_sizes"),
            loop_max=pick("loop_max"),
            pair_loop_max=pick("pair_loop_max"),
            dim=pick("dim"),
            threads=pick("threads"),
            repeats=pick("repeats"),
            progress=not args.no_progress,
            console=console,
        )
    except ValueError as err:
        parser.error(str(err))
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
