"""Attention four ways: naive vs FlashAttention-2 in PyTorch vs the Triton kernel vs SDPA; time and peak memory.

    learn bench attention
    learn bench attention --quick
    python -m benchmarks.attention --seq-lens 256 1024 4096 --dims 64 --causal 1 --repeats 3

The cases, each computing ``o = softmax(q k^T / sqrt(d)) v`` for q, k, v of
shape (batch * heads, n, d) (heads folded into the batch; default batch 1,
4 heads):

    naive          the textbook version: the (n, n) scores and probabilities are
                   materialised (torch.softmax), so memory grows as n^2; its
                   backward is autograd's, which keeps them
    flash-pytorch  the tiled FlashAttention-2 of sys-04 (forward, returning the
                   log-sum-exp) and sys-05 (backward by recomputation), the
                   reference solutions, with ``--flash-tile`` rows per tile:
                   O(n) extra memory, a Python loop over tiles
    flash-triton   CUDA only: the sys-06 Triton forward kernel
                   (``--triton-tile`` rows per tile), then sys-05's backward
    sdpa           ``F.scaled_dot_product_attention``, the library's fused kernel

Two passes are measured: *forward* (under ``torch.no_grad()``) and
*forward+backward* (the forward, then dq, dk, dv for a fixed random grad_o;
for naive and sdpa through autograd, for the flash cases by calling
``flash_backward`` with the forward's ``o`` and ``lse``, as the autograd
Functions do). Sweeps: sequence length n (256 to 8192; 16384 on CUDA), head
dimension d (64 and 128), causal and not. float32 on the CPU, bfloat16 on CUDA.

Time: the median of ``--repeats`` samples per case, cases alternated within
each repeat (``harness.sweep``), one call per sample after a warm-up call;
on CUDA each call ends with ``torch.cuda.synchronize()``.

Peak memory, honestly:

- on CUDA: ``torch.cuda.max_memory_allocated()`` during the call (after
  ``reset_peak_memory_stats()``), minus what was allocated just before it
  (the inputs): what the call itself needed at its peak;
- on the CPU, ``tracemalloc`` does not see torch's buffers, and a process's
  resident set keeps memory that earlier cases freed. So every (n, d, causal,
  case) is measured in a fresh Python subprocess: it allocates the inputs, runs
  the case once at a tiny n (so that libraries and thread pools are loaded),
  then per pass: ``gc.collect()``, ``malloc_trim(0)`` (glibc returns freed
  heap pages), resets the peak resident set (``/proc/self/clear_refs`` with
  ``5`` resets ``VmHWM``) and takes the resident set as baseline; the result
  is the peak resident set (``VmHWM``) during the pass minus that baseline.
  Linux only (the pass is skipped with a note elsewhere); values under one
  page (4 KiB) are reported as 4 KiB so that ratios and log plots stay defined.

Ratios: time tables show each case against sdpa, memory tables against
naive; the JSON's ``ratios`` hold both (``case/sdpa`` and ``case/naive``).
Goals reported in the description: flash-pytorch's peak memory at n = 8192 at
most 1/10 of naive's on the CPU; on CUDA the Triton forward at n = 4096 in
bfloat16 at least 0.8x sdpa's speed (sdpa time / triton time >= 0.8).

A full CPU run takes several minutes (naive's forward+backward at n = 8192
moves gigabytes; 72 memory subprocesses); ``--quick`` runs n = 64, 128, d = 32,
causal only: the timing takes a few seconds, the six memory subprocesses
(each imports torch) 10-20 s on a busy two-core machine. At such tiny n the
flash cases need *more* memory than naive (one tile is bigger than the whole
score matrix); the ratio flips past a few hundred tokens (measured on this
two-core CPU at n = 2048, d = 64, full attention: flash-pytorch/naive = 0.04
forward, 0.07 forward+backward).

Results go to ``benchmarks/results/attention.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks import harness
from benchmarks.vectorize import thread_count, torch_threads
from cs336.solutions.sys04_flash_forward import flash_forward
from cs336.solutions.sys05_flash_backward import flash_backward
from utils.device import get_device

NAME = "attention"
TITLE = "Attention: naive vs FlashAttention-2 (PyTorch, Triton) vs SDPA, time and peak memory"
FULL = {"seq_lens": (256, 512, 1024, 2048, 4096, 8192), "dims": (64, 128), "causal": (0, 1), "batch": 1,
        "heads": 4, "threads": 1, "repeats": 3}
QUICK = {"seq_lens": (64, 128), "dims": (32,), "causal": (1,), "batch": 1, "heads": 2, "threads": 1, "repeats": 3}
CUDA_EXTRA_SEQ = 16384  # added to the full sweep on CUDA
PASSES = ("forward", "forward+backward")
FLASH_TILE = 128  # rows per tile of the PyTorch flash: fewer Python iterations, still O(n) memory
TRITON_TILE = 64
PAGE = 4096
REPO = Path(__file__).resolve().parent.parent


def case_names(device: torch.device) -> list[str]:
    """``['naive', 'flash-pytorch', 'sdpa']``; CUDA adds ``'flash-triton'`` before sdpa."""
    names = ["naive", "flash-pytorch"]
    if device.type == "cuda":
        names.append("flash-triton")
    return names + ["sdpa"]


# ---------------------------------------------------------------- the cases


def naive_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool) -> torch.Tensor:
    """``softmax(q k^T / sqrt(d)) v`` with the (n_queries, n_keys) scores materialised."""
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (B, nq, nk)
    if is_causal:
        nq, nk = scores.shape[-2:]
        allowed = torch.ones(nq, nk, dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def make_inputs(n: int, *, d: int, batch: int, heads: int, device: torch.device, dtype: torch.dtype, seed: int = 0):
    """``(q, k, v, grad_o)``, each (batch * heads, n, d), standard normal, seeded."""
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(batch * heads, n, d, generator=g).to(device, dtype) for _ in range(4))


def case_fn(name: str, pass_: str, q, k, v, grad_o, is_causal: bool, *, tiles: dict) -> Callable[[], object]:
    """A zero-argument callable doing one pass of one case (synchronising on CUDA)."""
    sync = torch.cuda.synchronize if q.is_cuda else (lambda: None)

    def forward_of(name):
        if name == "naive":
            return lambda: naive_attention(q, k, v, is_causal)
        if name == "sdpa":
            return lambda: F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
        if name == "flash-pytorch":
            return lambda: flash_forward(q, k, v, is_causal, q_tile=tiles["flash"], k_tile=tiles["flash"])
        if name == "flash-triton":
            from cs336.solutions.sys06_flash_triton import flash_forward_triton

            return lambda: flash_forward_triton(q, k, v, is_causal, q_tile=tiles["triton"], k_tile=tiles["triton"])
        raise ValueError(f"unknown case {name!r}")

    fwd = forward_of(name)
    if pass_ == "forward":
        def run():
            with torch.no_grad():
                out = fwd()
            sync()
            return out
        return run

    if name in ("naive", "sdpa"):
        leaves = [t.detach().requires_grad_(True) for t in (q, k, v)]

        def run():
            ql, kl, vl = leaves
            o = naive_attention(ql, kl, vl, is_causal) if name == "naive" else \
                F.scaled_dot_product_attention(ql, kl, vl, is_causal=is_causal)
            grads = torch.autograd.grad(o, leaves, grad_o)
            sync()
            return grads
        return run

    def run():
        o, lse = fwd()
        grads = flash_backward(q, k, v, o, grad_o, lse, is_causal, q_tile=tiles["flash"], k_tile=tiles["flash"])
        sync()
        return grads
    return run


def make_cases(n: int, *, d: int, is_causal: bool, pass_: str, batch: int, heads: int, device: torch.device,
               tiles: dict) -> dict[str, harness.Case]:
    """The timed callables for one (n, d, causal, pass), after checking that the cases agree."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    q, k, v, grad_o = make_inputs(n, d=d, batch=batch, heads=heads, device=device, dtype=dtype)
    cases = {name: case_fn(name, pass_, q, k, v, grad_o, is_causal, tiles=tiles) for name in case_names(device)}
    if n <= 1024:  # a benchmark of wrong code measures nothing; checking at small n is enough
        check_agreement(cases, pass_, dtype)
    return cases


def check_agreement(cases: dict[str, harness.Case], pass_: str, dtype: torch.dtype) -> None:
    """Every case's output (o, or the three gradients) against sdpa's; raise ``RuntimeError`` if off."""
    tol = 3e-2 if dtype == torch.bfloat16 else 2e-4
    want = cases["sdpa"]()
    want = [want] if pass_ == "forward" else list(want)
    for name, fn in cases.items():
        got = fn()
        got = [got[0] if isinstance(got, tuple) else got] if pass_ == "forward" else list(got)
        for g, w in zip(got, want):
            err = float((g.float() - w.float()).abs().max())
            if not err <= tol * max(1.0, float(w.float().abs().max())):
                raise RuntimeError(f"{name} ({pass_}) differs from sdpa by {err:.3g} (max abs), over {tol}")


# ---------------------------------------------------------------- memory


def _status_bytes(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match.group(1)) * 1024


def _rss_peak_of(fn: Callable[[], object]) -> int:
    """Peak resident-set growth while ``fn()`` runs (Linux): VmHWM after, minus VmRSS before (peak reset)."""
    import ctypes

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: freed pages may stay resident, the baseline is then a little high
        pass
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
    before = _status_bytes("VmRSS")
    result = fn()  # noqa: F841  (alive until the peak is read)
    return max(_status_bytes("VmHWM") - before, PAGE)


def _memory_child(spec: dict) -> dict[str, int]:
    """Run in a fresh process: ``{pass: peak bytes}`` for one case at one (n, d, causal)."""
    torch.set_num_threads(spec["threads"])
    device = torch.device("cpu")
    tiles = spec["tiles"]
    common = {"d": spec["d"], "batch": spec["batch"], "heads": spec["heads"], "device": device,
              "dtype": torch.float32}
    warm = make_inputs(32, **common)
    for pass_ in PASSES:
        case_fn(spec["case"], pass_, *warm, bool(spec["causal"]), tiles=tiles)()
    del warm
    q, k, v, grad_o = make_inputs(spec["n"], **common)
    return {pass_: _rss_peak_of(case_fn(spec["case"], pass_, q, k, v, grad_o, bool(spec["causal"]), tiles=tiles))
            for pass_ in PASSES}


def cpu_memory(spec: dict) -> dict[str, int]:
    """``_memory_child(spec)`` in a fresh Python subprocess (the resident set is per process)."""
    code = ("import json, sys; from benchmarks.attention import _memory_child; "
            "print(json.dumps(_memory_child(json.loads(sys.argv[1]))))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], cwd=REPO, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory subprocess for {spec} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cuda_memory(fn: Callable[[], object]) -> int:
    """Peak CUDA bytes allocated during ``fn()``, above what was allocated just before it."""
    gc.collect()
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    result = fn()  # noqa: F841
    torch.cuda.synchronize()
    return max(torch.cuda.max_memory_allocated() - before, PAGE)


def memory_table(seq_lens, configs, *, batch, heads, threads, device, tiles, progress, console) -> dict:
    """``{(d, causal, pass): {n: {case: bytes}}}`` for every configuration, sequence length and case."""
    names = case_names(device)
    jobs = [(n, d, c, name) for d, c in configs for n in seq_lens for name in names]
    table: dict = {}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not progress) as bar:
        task = bar.add_task(f"{NAME} memory", total=len(jobs))
        if device.type == "cuda":
            for n, d, c, name in jobs:
                q, k, v, g = make_inputs(n, d=d, batch=batch, heads=heads, device=device, dtype=torch.bfloat16)
                for pass_ in PASSES:
                    fn = case_fn(name, pass_, q, k, v, g, bool(c), tiles=tiles)
                    fn()  # warm-up (Triton compiles, cuBLAS picks kernels)
                    table.setdefault((d, c, pass_), {}).setdefault(n, {})[name] = cuda_memory(fn)
                bar.advance(task)
        else:
            specs = [{"n": n, "d": d, "causal": c, "case": name, "batch": batch, "heads": heads,
                      "threads": threads, "tiles": tiles} for n, d, c, name in jobs]
            with ThreadPoolExecutor(max_workers=2) as pool:  # two children at a time; RSS is per process
                for (n, d, c, name), found in zip(jobs, pool.map(cpu_memory, specs)):
                    for pass_ in PASSES:
                        table.setdefault((d, c, pass_), {}).setdefault(n, {})[name] = found[pass_]
                    bar.advance(task)
    return table


# ---------------------------------------------------------------- the run


def _label(d: int, causal: int, pass_: str) -> str:
    return f"{pass_}, d={d}, {'causal' if causal else 'full'}"


def _with_all_ratios(points: list[dict]) -> list[dict]:
    for p in points:
        for base in ("naive", "sdpa"):
            p["ratios"].update(harness.ratios(p["stats"], base))
    return points


def _safe_slopes(points: list[dict]) -> dict:
    if len({p["x"] for p in points}) < 2:
        return {}
    return harness.slopes(points)


def run(
    seq_lens: Sequence[int] = FULL["seq_lens"],
    *,
    dims: Sequence[int] = FULL["dims"],
    causal: Sequence[int] = FULL["causal"],
    batch: int = FULL["batch"],
    heads: int = FULL["heads"],
    threads: int = FULL["threads"],
    repeats: int = FULL["repeats"],
    device: str | torch.device | None = None,
    memory: bool = True,
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time both passes of every case per (d, causal) at every n, measure peak memory; return the result dict.

    ``run((64, 128), dims=(32,), causal=(1,), heads=2, repeats=3)["parts"][0]["cases"]``
    ``-> ['naive', 'flash-pytorch', 'sdpa']`` on a CPU.
    """
    if not seq_lens or any(n < 1 for n in seq_lens):
        raise ValueError(f"seq_lens must be positive integers, got {list(seq_lens)}")
    if not dims or any(d < 16 or d & (d - 1) for d in dims):
        raise ValueError(f"dims must be powers of two, at least 16 (the Triton kernel's tl.dot), got {list(dims)}")
    if not causal or any(c not in (0, 1) for c in causal):
        raise ValueError(f"causal must be a list of 0 and 1, got {list(causal)}")
    device = device if isinstance(device, torch.device) else get_device(device)
    names = case_names(device)
    tiles = {"flash": FLASH_TILE, "triton": TRITON_TILE}
    configs = [(d, c) for d in dims for c in causal]
    parts = []
    with torch_threads(threads) as used_threads:
        for d, c in configs:
            for pass_ in PASSES:
                points = harness.sweep(
                    seq_lens,
                    lambda n: make_cases(n, d=d, is_causal=bool(c), pass_=pass_, batch=batch, heads=heads,
                                         device=device, tiles=tiles),
                    repeats=repeats, baseline="sdpa", number=1, progress=progress,
                    label=f"{NAME} {_label(d, c, pass_)}", console=console,
                )
                parts.append({"title": f"Time: {_label(d, c, pass_)}", "x_name": "n", "unit": "s",
                              "measure": "time per call", "cases": names, "baseline": "sdpa",
                              "points": _with_all_ratios(points), "slopes": _safe_slopes(points),
                              "slope_label": "log-log slope of time vs n (2 = quadratic)"})
        mem_note = None
        if memory and (device.type == "cuda" or Path("/proc/self/clear_refs").exists()):
            table = memory_table(seq_lens, configs, batch=batch, heads=heads, threads=used_threads, device=device,
                                 tiles=tiles, progress=progress, console=console)
            how = ("torch.cuda.max_memory_allocated() above the allocation before the call" if device.type == "cuda"
                   else "peak resident-set growth (VmHWM - VmRSS after a peak reset) in a fresh subprocess per case")
            for d, c in configs:
                for pass_ in PASSES:
                    points = []
                    for n in seq_lens:
                        values = table[(d, c, pass_)][n]
                        stats = {name: harness.summarize([float(values[name])]) for name in names}
                        points.append({"x": n, "number": {name: 1 for name in names},
                                       "samples": {name: [float(values[name])] for name in names},
                                       "stats": stats, "ratios": harness.ratios(stats, "naive")})
                    parts.append({"title": f"Peak memory: {_label(d, c, pass_)}", "x_name": "n", "unit": "B",
                                  "measure": "peak bytes", "description": how, "cases": names, "baseline": "naive",
                                  "points": _with_all_ratios(points), "slopes": _safe_slopes(points),
                                  "slope_label": "log-log slope of peak bytes vs n (2 = an n x n matrix)"})
        elif memory:
            mem_note = "peak memory not measured: the CPU method needs Linux's /proc/self/clear_refs"
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(parts, device=device, threads=used_threads, note=mem_note),
        "machine": {**harness.machine_info(), **_device_info(device)},
        "params": {"seq_lens": list(seq_lens), "dims": list(dims), "causal": list(causal), "batch": batch,
                   "heads": heads, "threads": threads, "repeats": repeats, "device": device.type,
                   "dtype": "bfloat16" if device.type == "cuda" else "float32", "flash_tile": FLASH_TILE,
                   "triton_tile": TRITON_TILE, "torch_threads_used": used_threads},
        "parts": parts,
    }


def _device_info(device: torch.device) -> dict:
    return {"cuda_device": torch.cuda.get_device_name(device)} if device.type == "cuda" else {}


def headline(parts: list[dict]) -> dict:
    """The goals' numbers: flash-pytorch/naive peak memory at the largest n (per memory part), and
    sdpa-time / triton-time for the forward at n = 4096 (or the largest n measured) on CUDA."""
    found = {"memory_flash_over_naive": {}, "triton_speed_vs_sdpa": {}}
    for part in parts:
        last = part["points"][-1]
        if part["unit"] == "B":
            found["memory_flash_over_naive"][part["title"]] = last["ratios"]["flash-pytorch/naive"]
        elif part["title"].startswith("Time: forward,") and "flash-triton" in part["cases"]:
            at = next((p for p in part["points"] if p["x"] == 4096), last)
            found["triton_speed_vs_sdpa"][f"{part['title']} at n={at['x']}"] = 1 / at["ratios"]["flash-triton/sdpa"]
    return found


def _description(parts, *, device: torch.device, threads: int, note: str | None) -> str:
    where = (f"CUDA ({torch.cuda.get_device_name(device)}), bfloat16" if device.type == "cuda"
             else f"the CPU ({threads} torch thread{'s' if threads > 1 else ''}), float32; no CUDA, so no Triton case")
    head = headline(parts)
    text = [f"Attention on {where}; q, k, v of shape (batch * heads, n, d)."]
    if head["memory_flash_over_naive"]:
        worst = max(head["memory_flash_over_naive"].values())
        n = parts[-1]["points"][-1]["x"]
        text.append(f"Peak memory of flash-pytorch over naive's at n={n}: at most {worst:.3f} over all "
                    f"configurations (goal on the CPU at n=8192: <= 0.1).")
    if head["triton_speed_vs_sdpa"]:
        worst = min(head["triton_speed_vs_sdpa"].values())
        text.append(f"Triton forward speed relative to sdpa (sdpa time / triton time): at least {worst:.2f} "
                    "(goal at n=4096 in bfloat16: >= 0.8).")
    if note:
        text.append(note + ".")
    return " ".join(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--seq-lens", type=harness.size_arg, nargs="+", default=None,
                        help=f"sequence lengths n {default('seq_lens')}; the full run adds {CUDA_EXTRA_SEQ} on CUDA")
    parser.add_argument("--dims", type=harness.positive_int, nargs="+", default=None,
                        help=f"head dimensions d {default('dims')}")
    parser.add_argument("--causal", type=int, choices=(0, 1), nargs="+", default=None,
                        help=f"0: full attention, 1: causal {default('causal')}")
    parser.add_argument("--batch", type=harness.positive_int, default=None, help=f"batch {default('batch')}")
    parser.add_argument("--heads", type=harness.positive_int, default=None,
                        help=f"heads, folded into the batch {default('heads')}")
    parser.add_argument("--threads", type=thread_count, default=None,
                        help=f"torch intra-op threads, 0 for torch's default {default('threads')}")
    parser.add_argument("--device", default=None,
                        help="cpu, cuda, cuda:N (default: $LEARN_DEVICE, else cuda when present)")
    parser.add_argument("--no-memory", action="store_true", help="time only, no peak-memory measurement")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    def pick(key: str):
        value = getattr(args, key)
        return preset[key] if value is None else value

    console = Console()
    start = time.perf_counter()
    try:
        device = get_device(args.device)
        seq_lens = pick("seq_lens")
        if args.seq_lens is None and not args.quick and device.type == "cuda":
            seq_lens = (*seq_lens, CUDA_EXTRA_SEQ)
        result = run(seq_lens, dims=pick("dims"), causal=pick("causal"), batch=pick("batch"), heads=pick("heads"),
                     threads=pick("threads"), repeats=pick("repeats"), device=device, memory=not args.no_memory,
                     progress=not args.no_progress, console=console)
    except ValueError as err:
        parser.error(str(err))
    harness.publish(result, out, console, started=start)
    console.print(result["description"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
