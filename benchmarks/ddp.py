"""Data-parallel training on 2 CPU processes: naive vs overlapped vs bucketed DDP, and ZeRO-1 optimizer memory.

    learn bench ddp
    learn bench ddp --quick
    python -m benchmarks.ddp --d-models 64 128 --layers 4 --bucket-mb 0.25 1 4 --repeats 9

The workload: the reference ``cs336.solutions.transformer_lm.TransformerLM``
(``--layers`` blocks of width ``d_model``, 4 heads, ``d_ff = 4 d_model``,
vocabulary ``--vocab``), trained with AdamW on seeded random tokens. Two
processes (``curriculum.grading.distributed.run_ranks``: spawn, gloo over
127.0.0.1, one torch thread each) each take half of the global batch.

What is timed, per rank: one training step, forward + backward + gradient
synchronisation + ``optimizer.step()``, for each way of averaging gradients:

    naive         sys-08 ``allreduce_gradients``: after backward, one blocking
                  ``dist.all_reduce`` per parameter
    overlap       sys-09 ``DDPOverlap``: one asynchronous all-reduce per
                  parameter, started by its post-accumulate-grad hook during backward
    bucket-<X>MB  sys-10 ``DDPBucketed(bucket_size_mb=X)``: one asynchronous
                  all-reduce per bucket of flattened gradients

Each case has its own copy of the same initial weights. The cases are
alternated in every repeat (naive, overlap, bucket..., naive, ...); before each
sample both ranks meet at a barrier, and a sample is the slower rank's time
(an all-reduce MAX after the step, not timed). Reported: the median over the
repeats and the ratio to naive.

Counted, in one extra step per case: the calls of ``torch.distributed``
collectives (``all_reduce``, ``broadcast``, ...) and the elements they carry.

Measured for memory (exact bytes, no timing): the optimizer state a rank holds
after one AdamW step, unsharded (``torch.optim.AdamW``: every rank holds all of
it) against sys-11's ``ShardedOptimizer`` (each rank its shard: about 1/2).

On this CPU/gloo setup communication is a memcpy through the loopback socket
and the two ranks share the machine's cores with each other: the absolute
numbers say little about NCCL on GPUs, where overlap matters more; the
counts and bytes are exact everywhere.

Results go to ``benchmarks/results/ddp.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks import harness

NAME = "ddp"
TITLE = "Data-parallel training on 2 processes: naive vs overlapped vs bucketed DDP, and a sharded optimizer"
FULL = {"d_models": (64, 128), "layers": 4, "vocab": 1024, "seq": 64, "batch": 8, "bucket_mb": (0.25, 1.0, 4.0),
        "repeats": 9}
QUICK = {"d_models": (32,), "layers": 2, "vocab": 128, "seq": 16, "batch": 4, "bucket_mb": (0.01, 0.1), "repeats": 3}
WORLD_SIZE = 2
HEADS = 4
BASELINE = "naive"
COLLECTIVES = ("all_reduce", "broadcast", "all_gather", "all_gather_into_tensor", "reduce_scatter",
               "reduce_scatter_tensor", "reduce")


def case_names(bucket_mb: Sequence[float]) -> list[str]:
    """``case_names([0.25, 1]) -> ['naive', 'overlap', 'bucket-0.25MB', 'bucket-1MB']``."""
    return ["naive", "overlap"] + [f"bucket-{mb:g}MB" for mb in bucket_mb]


def model_config(d_model: int, *, layers: int, vocab: int, seq: int) -> dict:
    return {"vocab_size": vocab, "context_length": seq, "d_model": d_model, "num_layers": layers,
            "num_heads": HEADS, "d_ff": 4 * d_model, "rope_theta": 10000.0}


@contextlib.contextmanager
def count_collectives(counts: dict[str, int]) -> Iterator[None]:
    """Count calls (``counts["calls"]``) and tensor elements (``counts["elements"]``) of dist collectives inside."""
    originals = {name: getattr(dist, name) for name in COLLECTIVES}

    def wrap(fn):
        def counted(tensor, *args, **kwargs):
            counts["calls"] += 1
            counts["elements"] += tensor.numel() if torch.is_tensor(tensor) else 0
            return fn(tensor, *args, **kwargs)
        return counted

    for name, fn in originals.items():
        setattr(dist, name, wrap(fn))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(dist, name, fn)


def _make_steps(rank: int, config: dict, tokens: torch.Tensor, bucket_mb: Sequence[float]) -> dict:
    """One step function per case, each over its own copy of the same initial weights and its own AdamW."""
    from cs336.solutions.sys08_ddp_naive import allreduce_gradients, broadcast_parameters
    from cs336.solutions.sys09_ddp_overlap import DDPOverlap
    from cs336.solutions.sys10_ddp_bucketed import DDPBucketed
    from cs336.solutions.transformer_lm import TransformerLM

    torch.manual_seed(0)
    base = TransformerLM(**config)
    x, y = tokens[:, :-1], tokens[:, 1:]

    def trainer(model, wrapped, sync):
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

        def step() -> None:
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(wrapped(x).flatten(0, 1), y.flatten()).backward()
            sync()
            opt.step()
        return step

    steps = {}
    naive = copy.deepcopy(base)
    broadcast_parameters(naive, src=0)
    steps["naive"] = trainer(naive, naive, lambda: allreduce_gradients(naive))
    model = copy.deepcopy(base)
    overlap = DDPOverlap(model)
    steps["overlap"] = trainer(model, overlap, overlap.finish_gradient_synchronization)
    for mb in bucket_mb:
        model = copy.deepcopy(base)
        bucketed = DDPBucketed(model, bucket_size_mb=mb)
        steps[f"bucket-{mb:g}MB"] = trainer(model, bucketed, bucketed.finish_gradient_synchronization)
    return steps


def optimizer_state_bytes(config: dict) -> dict[str, int]:
    """Bytes of AdamW state on this rank after one step: unsharded, and sharded with sys-11 (seeded gradients)."""
    from cs336.solutions.sys11_sharded_optimizer import ShardedOptimizer
    from cs336.solutions.transformer_lm import TransformerLM

    def state_bytes(state) -> int:
        return sum(t.numel() * t.element_size() for s in state.values() for t in s.values() if torch.is_tensor(t))

    out = {}
    for name in ("adamw", "zero1"):
        torch.manual_seed(0)
        model = TransformerLM(**config)
        if name == "adamw":
            opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        else:
            opt = ShardedOptimizer(model.parameters(), torch.optim.AdamW, lr=1e-3)
        g = torch.Generator().manual_seed(1)
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=g)
        opt.step()
        out[name] = state_bytes(opt.state if name == "adamw" else opt.optimizer.state)
    out["params"] = sum(p.numel() * p.element_size() for p in model.parameters())
    return out


def rank_worker(rank: int, world_size: int, config: dict, batch: int, bucket_mb: list[float], repeats: int) -> dict:
    """In each rank: alternate the cases ``repeats`` times; count collectives; measure optimizer state."""
    g = torch.Generator().manual_seed(2)
    tokens = torch.randint(0, config["vocab_size"], (batch, config["context_length"] + 1), generator=g)
    local = tokens[rank * batch // world_size:(rank + 1) * batch // world_size]
    steps = _make_steps(rank, config, local, bucket_mb)
    for step in steps.values():  # warm-up: allocator, AdamW state, hooks
        step()
    counts = {}
    for name, step in steps.items():
        counts[name] = {"calls": 0, "elements": 0}
        with count_collectives(counts[name]):
            step()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            dist.barrier()
            start = time.perf_counter()
            step()
            elapsed = torch.tensor([time.perf_counter() - start], dtype=torch.float64)
            dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)  # the slower rank's time
            samples[name].append(float(elapsed))
    return {"samples": samples, "counts": counts, "memory": optimizer_state_bytes(config)}


def run(
    d_models: Sequence[int] = FULL["d_models"],
    *,
    layers: int = FULL["layers"],
    vocab: int = FULL["vocab"],
    seq: int = FULL["seq"],
    batch: int = FULL["batch"],
    bucket_mb: Sequence[float] = FULL["bucket_mb"],
    repeats: int = FULL["repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time every case on 2 gloo processes at each ``d_model``; count collectives and optimizer bytes.

    ``run((32,), layers=2, vocab=128, seq=16, batch=4, bucket_mb=(0.01, 0.1), repeats=3)["parts"][0]["cases"]
    -> ['naive', 'overlap', 'bucket-0.01MB', 'bucket-0.1MB']``.
    """
    from curriculum.grading.distributed import run_ranks

    if not d_models or any(d < HEADS or d % HEADS for d in d_models):
        raise ValueError(f"d_models must be positive multiples of {HEADS}, got {list(d_models)}")
    if batch < WORLD_SIZE or batch % WORLD_SIZE:
        raise ValueError(f"batch must be a positive multiple of the world size {WORLD_SIZE}, got {batch}")
    if not bucket_mb or any(not mb > 0 for mb in bucket_mb):
        raise ValueError(f"bucket sizes must be positive (MB), got {list(bucket_mb)}")
    names = case_names(bucket_mb)
    timing, memory = [], []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not progress) as bar:
        task = bar.add_task(NAME, total=len(d_models))
        for d in d_models:
            bar.update(task, description=f"{NAME}  d_model={d} on {WORLD_SIZE} processes")
            config = model_config(d, layers=layers, vocab=vocab, seq=seq)
            results = run_ranks(rank_worker, config, batch, list(bucket_mb), repeats, world_size=WORLD_SIZE,
                                timeout=60.0 + 30.0 * repeats)
            samples = results[0]["samples"]  # every rank holds the same (MAX-reduced) samples
            stats = {name: harness.summarize(samples[name]) for name in names}
            counts = results[0]["counts"]
            timing.append({"x": d, "number": {name: 1 for name in names}, "samples": samples, "stats": stats,
                           "ratios": harness.ratios(stats, BASELINE),
                           "collective_calls": {n: c["calls"] for n, c in counts.items()},
                           "collective_elements": {n: c["elements"] for n, c in counts.items()},
                           "param_bytes": results[0]["memory"]["params"]})
            mem = {"adamw": [float(results[0]["memory"]["adamw"])]}
            for r, res in enumerate(results):
                mem[f"zero1-rank{r}"] = [float(res["memory"]["zero1"])]
            mstats = {name: harness.summarize(v) for name, v in mem.items()}
            memory.append({"x": d, "number": {name: 1 for name in mem}, "samples": mem, "stats": mstats,
                           "ratios": harness.ratios(mstats, "adamw")})
            bar.advance(task)
    fit = len(set(d_models)) > 1
    parts = [
        {"title": "Training step (forward + backward + gradient sync + AdamW)", "x_name": "d_model", "unit": "s",
         "measure": "time per step", "cases": names, "baseline": BASELINE, "points": timing,
         "slopes": harness.slopes(timing) if fit else {},
         "slope_label": "log-log slope of step time vs d_model"},
        {"title": "Optimizer state per rank (AdamW)", "x_name": "d_model", "unit": "B", "measure": "state bytes",
         "description": "Exact bytes of optimizer-state tensors on each rank after one step: unsharded AdamW "
                        "(every rank) against ZeRO-1 (sys-11 ShardedOptimizer), per rank.",
         "cases": list(memory[0]["samples"]), "baseline": "adamw", "points": memory, "slopes": {},
         "slope_label": "log-log slope of state bytes vs d_model"},
    ]
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(timing, memory, layers=layers, batch=batch, seq=seq),
        "machine": harness.machine_info(),
        "params": {"d_models": list(d_models), "layers": layers, "vocab": vocab, "seq": seq, "batch": batch,
                   "bucket_mb": list(bucket_mb), "repeats": repeats, "world_size": WORLD_SIZE, "backend": "gloo",
                   "threads_per_rank": 1, "heads": HEADS},
        "parts": parts,
    }


def _description(timing: list[dict], memory: list[dict], *, layers: int, batch: int, seq: int) -> str:
    last, mem = timing[-1], memory[-1]
    calls = ", ".join(f"{n} {c}" for n, c in last["collective_calls"].items())
    speed = ", ".join(f"{k.split('/')[0]} {harness.format_ratio(v)}" for k, v in last["ratios"].items())
    shards = ", ".join(f"{k.split('/')[0]} {v:.0%}" for k, v in mem["ratios"].items())
    return (
        f"The reference TransformerLM ({layers} layers, {HEADS} heads, d_ff 4 d_model) trained with AdamW on "
        f"{WORLD_SIZE} CPU processes (gloo, one thread each), global batch {batch} x {seq} tokens. "
        f"At d_model={last['x']} ({harness.format_bytes(last['param_bytes'])} of parameters): collective calls per "
        f"step: {calls}; step time relative to naive: {speed}; optimizer state per rank relative to unsharded "
        f"AdamW: {shards}."
    )


def print_counts(result: dict, console: Console) -> None:
    """The collective calls and elements per step, a table the harness does not draw."""
    part = result["parts"][0]
    table = Table(title="Collectives per training step (one rank)")
    table.add_column("d_model", justify="right", style="bold")
    for name in part["cases"]:
        table.add_column(name, justify="right")
    for p in part["points"]:
        table.add_row(f"{p['x']:,}", *(f"{p['collective_calls'][n]} calls / {p['collective_elements'][n]:,} el."
                                       for n in part["cases"]))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(f"{x:g}" for x in v)) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--d-models", type=harness.positive_int, nargs="+", default=None,
                        help=f"model widths, multiples of {HEADS} {default('d_models')}")
    parser.add_argument("--layers", type=harness.positive_int, default=None, help=f"blocks {default('layers')}")
    parser.add_argument("--vocab", type=harness.positive_int, default=None, help=f"vocabulary {default('vocab')}")
    parser.add_argument("--seq", type=harness.positive_int, default=None, help=f"tokens per row {default('seq')}")
    parser.add_argument("--batch", type=harness.positive_int, default=None,
                        help=f"global batch, split over {WORLD_SIZE} ranks {default('batch')}")
    parser.add_argument("--bucket-mb", type=float, nargs="+", default=None,
                        help=f"bucket sizes for sys-10, in MB {default('bucket_mb')}")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    def pick(key: str):
        value = getattr(args, key)
        return preset[key] if value is None else value

    console = Console()
    start = time.perf_counter()
    try:
        result = run(pick("d_models"), layers=pick("layers"), vocab=pick("vocab"), seq=pick("seq"),
                     batch=pick("batch"), bucket_mb=pick("bucket_mb"), repeats=pick("repeats"),
                     progress=not args.no_progress, console=console)
    except ValueError as err:
        parser.error(str(err))
    print_counts(result, console)
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
