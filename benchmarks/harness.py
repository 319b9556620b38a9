"""The shared core of every benchmark: time cases side by side, then report.

A benchmark module builds, for each value of a swept parameter (``N``, a
sequence length, a vocabulary size, ...), a few *cases*: zero-argument callables
that do the same work in different ways. The harness

1. times the cases in one run, alternating them (A, B, A, B, ... once per
   repeat) so that drift (CPU frequency, a noisy neighbour, a warm cache) hits
   every case alike; each sample runs with the garbage collector paused;
2. reduces the samples to a median and a spread (min, quartiles, max) and the
   ratio of medians against a baseline case;
3. fits log-log slopes (how time grows with the swept parameter);
4. writes a JSON record (machine, parameters, raw samples, medians, ratios), a
   Markdown table and a PNG plot, and prints a rich table.

Out of scope: statistics beyond medians and quartiles, GPU timing (a case that
launches CUDA work must synchronize inside its own callable), and any layer of
classes. ``benchmarks/list_vs_deque.py`` is the smallest complete user.

The result dict every writer reads::

    {
      "name": "list-vs-deque", "title": "...", "description": "...",
      "machine": machine_info(), "params": {...},
      "x_name": "N", "unit": "s/op", "cases": ["list", "deque"], "baseline": "deque",
      "points": [
        {"x": 1000, "number": {"list": 4, "deque": 30},
         "samples": {"list": [...], "deque": [...]},          # seconds per op
         "stats": {"list": {"median": ..., "min": ..., "q1": ..., "q3": ..., "max": ..., "n": 7}, ...},
         "ratios": {"list/deque": 6.6}},
        ...
      ],
      "slopes": {"list": 0.98, "deque": 0.02},
      "slope_label": "log-log slope of time per op vs N",
    }

Optional, for benchmarks that need them (the writers handle all of these):

- a case may be missing from some points (a slow case capped to small x): its
  cells read "—", its slope is fitted over the points that have it;
- ``"measure"`` names what is measured (default: time per operation), and
  ``"unit": "B"`` marks bytes (see :func:`peak_memory`) instead of seconds;
- ``"legend": {case: text}`` replaces a case's "slope ..." label in the plot;
- ``"parts": [part, ...]`` instead of one table: each part is a dict with its
  own ``title``, ``x_name``, ``unit``, ``cases``, ``baseline``, ``points``,
  ``slopes``, ... (the keys above, less name, machine and params); the writers
  print one table and draw one panel per part.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import tracemalloc
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from time import perf_counter

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

RESULTS_DIR = Path(__file__).resolve().parent / "results"
QUICK_DIR = RESULTS_DIR / "quick"  # git-ignored: smoke runs never overwrite committed results

Case = Callable[[], object]

# ---------------------------------------------------------------- timing


def time_calls(fn: Case, number: int) -> float:
    """Seconds per call of ``fn``, averaged over ``number`` back-to-back calls.

    The garbage collector is paused while timing (as ``timeit`` does), so a
    collection triggered by one case is not billed to another.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = perf_counter()
        for _ in range(number):
            fn()
        return (perf_counter() - start) / number
    finally:
        if gc_was_enabled:
            gc.enable()


def peak_memory(fn: Case) -> int:
    """Peak bytes that Python allocated while ``fn()`` ran, above what was allocated before it.

    Measured with :mod:`tracemalloc` (Python allocations only, not C buffers
    outside the Python allocators), with the garbage collector paused as in
    :func:`time_calls`. The value ``fn`` returns is still alive at the end, so
    it counts. ``peak_memory(lambda: [0] * 1000) -> ~8000`` (1000 pointers of
    8 bytes; the list header may come from a free list) on 64-bit CPython.
    """
    was_tracing = tracemalloc.is_tracing()
    gc_was_enabled = gc.isenabled()
    if not was_tracing:
        tracemalloc.start()
    gc.disable()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()  # noqa: F841  (kept alive until the peak is read)
        _, peak = tracemalloc.get_traced_memory()
        return peak - before
    finally:
        if gc_was_enabled:
            gc.enable()
        if not was_tracing:
            tracemalloc.stop()


def alternate(
    cases: Mapping[str, Case],
    *,
    repeats: int,
    number: int | None = None,
    min_time: float = 0.002,
    on_repeat: Callable[[], None] | None = None,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time every case ``repeats`` times, alternating them within each repeat.

    Each case is called once untimed first (warm-up). Unless ``number`` is
    given, that call also calibrates how many calls one sample averages over,
    so a sample lasts at least ``min_time`` seconds (tiny cases are otherwise
    lost in timer noise).

    Call order for cases ``{"a": ..., "b": ...}`` and ``repeats=3``:
    ``a b`` (warm-up), then ``a b a b a b`` (times ``number`` each).

    Returns:
        ``(samples, numbers)``: seconds per call for each case (``repeats``
        samples each, in the order taken) and the calls per sample used.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    if not cases:
        raise ValueError("alternate() needs at least one case")
    numbers: dict[str, int] = {}
    for name, fn in cases.items():
        warm = time_calls(fn, 1)
        numbers[name] = number or max(1, math.ceil(min_time / max(warm, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            samples[name].append(time_calls(fn, numbers[name]))
        if on_repeat is not None:
            on_repeat()
    return samples, numbers


# ---------------------------------------------------------------- statistics


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """Median and spread of the samples.

    ``summarize([3, 1, 2, 5, 4]) -> {"median": 3, "min": 1, "q1": 2, "q3": 4, "max": 5, "n": 5}``
    (quartiles use the inclusive method: with one sample, all equal it).
    """
    if not samples:
        raise ValueError("summarize() needs at least one sample")
    values = sorted(samples)
    if len(values) > 1:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return {
        "median": statistics.median(values),
        "min": values[0],
        "q1": q1,
        "q3": q3,
        "max": values[-1],
        "n": len(values),
    }


def ratios(stats: Mapping[str, Mapping[str, float]], baseline: str) -> dict[str, float]:
    """Median of every other case divided by the baseline's median.

    ``ratios({"list": {"median": 6.0}, "deque": {"median": 2.0}}, "deque") -> {"list/deque": 3.0}``
    """
    base = stats[baseline]["median"]
    return {f"{name}/{baseline}": s["median"] / base for name, s in stats.items() if name != baseline}


def loglog_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log(y) against log(x): the exponent k in y ~ x**k.

    ``loglog_slope([10, 100, 1000], [2, 20, 200]) -> 1.0``; constant ys give 0.0.
    """
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"xs and ys must be 1-D and the same length, got {x.shape} and {y.shape}")
    if len(np.unique(x)) < 2:
        raise ValueError("a slope needs at least two distinct x values")
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("log-log fit needs positive xs and ys")
    slope, _intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope)


# ---------------------------------------------------------------- the sweep


def sweep(
    xs: Iterable[int | float],
    make_cases: Callable[[int | float], Mapping[str, Case]],
    *,
    repeats: int,
    baseline: str,
    ops_per_call: int = 1,
    number: int | None = None,
    min_time: float = 0.002,
    progress: bool = True,
    label: str = "timing",
    console: Console | None = None,
) -> list[dict]:
    """Run :func:`alternate` at every x and return the result's ``points``.

    ``make_cases(x)`` builds the cases for one x (its setup is not timed).
    Each case's callable does ``ops_per_call`` operations; samples are stored
    as seconds per operation. A rich progress bar advances once per repeat.
    """
    xs = list(xs)
    points = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not progress) as bar:
        task = bar.add_task(label, total=len(xs) * repeats)
        for x in xs:
            bar.update(task, description=f"{label}  x={x:,}")
            cases = make_cases(x)
            if baseline not in cases:
                raise ValueError(f"baseline {baseline!r} is not one of the cases {list(cases)}")
            per_call, numbers = alternate(
                cases, repeats=repeats, number=number, min_time=min_time, on_repeat=lambda: bar.advance(task)
            )
            samples = {name: [s / ops_per_call for s in values] for name, values in per_call.items()}
            stats = {name: summarize(values) for name, values in samples.items()}
            points.append(
                {"x": x, "number": numbers, "samples": samples, "stats": stats, "ratios": ratios(stats, baseline)}
            )
    return points


def slopes(points: Sequence[dict]) -> dict[str, float]:
    """Log-log slope of each case's median against x, over the points that have the case.

    A case missing from some points (capped to small x) gets no slope unless it
    was measured at two distinct x at least.
    """
    found = {}
    for name in dict.fromkeys(name for p in points for name in p["stats"]):
        have = [p for p in points if name in p["stats"]]
        if len(have) == len(points) or len({p["x"] for p in have}) > 1:
            found[name] = loglog_slope([p["x"] for p in have], [p["stats"][name]["median"] for p in have])
    return found


# ---------------------------------------------------------------- machine


def machine_info() -> dict:
    """Where the numbers come from: Python, OS, CPU, and torch only if already imported."""
    info = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or _cpu_model(),
        "cpu_count": os.cpu_count(),
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    torch = sys.modules.get("torch")  # never import torch here: it costs seconds and memory
    if torch is not None:
        info["torch"] = getattr(torch, "__version__", "unknown")
    return info


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), where platform.processor() is empty."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


# ---------------------------------------------------------------- reporting


def format_seconds(t: float) -> str:
    """Human units: ``format_seconds(2.5e-7) -> '250 ns'``, ``format_seconds(0.0123) -> '12.3 ms'``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def format_bytes(n: float) -> str:
    """Binary units: ``format_bytes(512) -> '512 B'``, ``format_bytes(40_000_000) -> '38.1 MiB'``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.3g} B"


def format_ratio(r: float) -> str:
    """Three significant-ish digits: ``1408.3 -> '1,408×'``, ``15.04 -> '15.0×'``, ``0.5 -> '0.50×'``."""
    return f"{r:,.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def _rows(result: dict, *, compact: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the summary table, shared by the console and Markdown.

    A time cell is the median with its spread: ``[min, max]`` in full, or
    ``±`` half the min..max range in percent of the median when ``compact``.
    """
    cases, baseline = result["cases"], result["baseline"]
    ratio_keys = [f"{c}/{baseline}" for c in cases if c != baseline]
    header = [result["x_name"]] + cases + ratio_keys
    fmt = format_bytes if result.get("unit") == "B" else format_seconds
    rows = []
    for p in result["points"]:
        cells = [f"{p['x']:,}"]
        for c in cases:
            s = p["stats"].get(c)
            if s is None:  # not measured at this x
                cells.append("—")
            elif compact:
                spread = 50 * (s["max"] - s["min"]) / s["median"] if s["median"] else 0.0
                cells.append(f"{fmt(s['median'])} [dim]±{spread:.0f}%[/dim]")
            else:
                low, high = fmt(s["min"]), fmt(s["max"])
                cells.append(f"{fmt(s['median'])} [{low}, {high}]")
        cells += [format_ratio(p["ratios"][k]) if k in p["ratios"] else "—" for k in ratio_keys]
        rows.append(cells)
    return header, rows


def _parts(result: dict) -> list[dict]:
    """What a result reports, one table and one panel each: ``result["parts"]``, or the result itself."""
    return result.get("parts") or [result]


def _measure(part: dict, default: str) -> str:
    return part.get("measure") or default


def _slopes_line(result: dict) -> str:
    found = result.get("slopes") or {}
    parts = [f"{name} {round(value, 2) + 0.0:.2f}" for name, value in found.items()]  # + 0.0: no "-0.00"
    return f"{result.get('slope_label', 'log-log slope')}: " + ", ".join(parts) if parts else ""


def _machine_line(machine: dict) -> str:
    torch = f", torch {machine['torch']}" if "torch" in machine else ""
    return (
        f"{machine['processor'] or machine['machine']} ({machine['cpu_count']} CPUs), {machine['platform']}, "
        f"{machine['implementation']} {machine['python']}{torch}, {machine['timestamp']}"
    )


def print_table(result: dict, console: Console | None = None) -> None:
    """The summary as a rich table (one per part), with the slopes and the machine underneath."""
    console = console or Console()
    parts = _parts(result)
    if len(parts) > 1:
        console.rule(result["title"])
    for part in parts:
        header, rows = _rows(part, compact=True)
        caption = f"{_measure(part, 'time per op')}, median of {_n(part)} repeats ± half range"
        table = Table(title=part["title"], caption=caption)
        for i, name in enumerate(header):
            table.add_column(name, justify="right", style="bold" if i == 0 else None)
        for cells in rows:
            table.add_row(*cells)
        console.print(table)
        if line := _slopes_line(part):
            console.print(line)
    console.print(f"[dim]machine: {_machine_line(result['machine'])}[/dim]")


def _n(result: dict) -> int:
    first = result["points"][0]["stats"]
    return next(iter(first.values()))["n"]


def to_markdown(result: dict, plot_name: str | None = None) -> str:
    """The summary as a Markdown document: title, table(s), slopes, machine, parameters."""
    lines = [f"# {result['title']}", ""]
    if result.get("description"):
        lines += [result["description"], ""]
    for part in _parts(result):
        if part is not result:  # a section per part
            if lines[-1]:
                lines.append("")
            lines += [f"## {part['title']}", ""]
            if part.get("description"):
                lines += [part["description"], ""]
        header, rows = _rows(part, compact=False)
        measure = _measure(part, "time per operation")
        lines += ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in rows]
        lines += ["", f"{measure[:1].upper()}{measure[1:]}: median [min, max] of {_n(part)} repeats, "
                  "cases alternated in each repeat."]
        if line := _slopes_line(part):
            lines += ["", line + "."]
    if plot_name:
        lines += ["", f"![{result['title']}]({plot_name})"]
    params = ", ".join(f"`{k}={v}`" for k, v in result["params"].items())
    lines += ["", f"Machine: {_machine_line(result['machine'])}.", "", f"Parameters: {params}.", ""]
    return "\n".join(lines)


def plot(result: dict, path: Path) -> None:
    """A log-log PNG (one panel per part): median against x for each case, min-max band shaded."""
    # Lazy import and no pyplot: the Agg canvas needs no display and touches no global state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    parts = _parts(result)
    ncols = min(len(parts), 2)
    nrows = math.ceil(len(parts) / ncols)
    size = (7, 4.5) if len(parts) == 1 else (6 * ncols, 4.2 * nrows + 0.4)
    fig = Figure(figsize=size, dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, part in zip(axes, parts):
        _draw(ax, part)
    for ax in axes[len(parts):]:
        ax.set_visible(False)
    if len(parts) > 1:
        fig.suptitle(result["title"])
    machine = result["machine"]
    fig.text(
        0.01, 0.005, f"{machine['processor']} · {machine['cpu_count']} CPUs · Python {machine['python']}",
        fontsize=7, color="gray",
    )
    fig.savefig(path)


def _draw(ax, part: dict) -> None:
    """One panel: each case's medians (over the x it was measured at) with its min..max band."""
    found = part.get("slopes") or {}
    legend = part.get("legend") or {}
    for name in part["cases"]:
        have = [p for p in part["points"] if name in p["stats"]]
        xs = [p["x"] for p in have]
        med = [p["stats"][name]["median"] for p in have]
        lo = [p["stats"][name]["min"] for p in have]
        hi = [p["stats"][name]["max"] for p in have]
        if name in legend:
            label = f"{name} ({legend[name]})"
        else:
            label = f"{name} (slope {round(found[name], 2) + 0.0:.2f})" if name in found else name
        (line,) = ax.plot(xs, med, marker="o", label=label)
        ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    xs = [p["x"] for p in part["points"]]
    if max(xs) < 100 * min(xs):  # under two decades: "30" reads better than "3×10^1", and they do not overlap
        from matplotlib.ticker import FuncFormatter

        def plain(v: float, _pos=None) -> str:
            return f"{v:,.0f}" if v >= 1 else f"{v:g}"

        ax.xaxis.set_major_formatter(FuncFormatter(plain))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _pos: plain(v) if f"{v:e}"[0] in "235" else ""))
    ax.set_xlabel(part["x_name"])
    ax.set_ylabel(f"{_measure(part, 'time per operation')} ({'bytes' if part.get('unit') == 'B' else 's'})")
    ax.set_title(part["title"])
    ax.grid(True, which="major", alpha=0.4)
    ax.grid(True, which="minor", alpha=0.1)
    ax.legend(title=f"median of {_n(part)} repeats; band: min..max", title_fontsize=8)


def save(result: dict, out_dir: Path) -> dict[str, Path]:
    """Write ``<name>.json``, ``<name>.md`` and ``<name>.png`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / f"{result['name']}.{kind}" for kind in ("json", "md", "png")}
    paths["json"].write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot(result, paths["png"])
    paths["md"].write_text(to_markdown(result, plot_name=paths["png"].name), encoding="utf-8")
    return paths


# ---------------------------------------------------------------- command line


def add_common_args(parser: argparse.ArgumentParser, *, repeats: int) -> None:
    """The options every benchmark shares: ``--quick``, ``--repeats``, ``--out``, ``--no-progress``."""
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats: a smoke run for CI")
    parser.add_argument(
        "--repeats", type=positive_int, default=None, help=f"timed samples per case and size (default {repeats})"
    )
    parser.add_argument(
        "--out", type=Path, default=None,
        help=f"output folder (default {RESULTS_DIR.relative_to(RESULTS_DIR.parent.parent)}/, "
        "or its quick/ subfolder with --quick)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def positive_int(text: str) -> int:
    """An argparse type: ``'5' -> 5``; zero, negatives and non-numbers are usage errors."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def size_arg(text: str) -> int:
    """An argparse type for sizes: ``'1000'``, ``'1_000'`` and ``'1e6'`` are fine; 0, 1.5 and words are not."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"a size must be a positive integer, got {text!r}")
    return int(value)


def default_out(quick: bool) -> Path:
    """``benchmarks/results/`` for full runs, ``benchmarks/results/quick/`` for ``--quick``."""
    return QUICK_DIR if quick else RESULTS_DIR


def publish(result: dict, out: Path, console, *, started: float) -> dict:
    """The end of every benchmark's ``main``: print the table, save JSON/Markdown/PNG, say where and how long."""
    print_table(result, console)
    paths = save(result, out)
    console.print(f"wrote {', '.join(str(p) for p in paths.values())} in {perf_counter() - started:.1f} s")
    return paths
