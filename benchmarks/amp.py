"""Mixed precision: float32 vs bfloat16 autocast (and float16 + GradScaler on CUDA) for a Transformer block.

    learn bench amp
    learn bench amp --quick
    python -m benchmarks.amp --seq-lens 64 128 256 512 1024 --batch 8 --d-model 128 --repeats 7

The model: one pre-norm Transformer encoder block from ``torch.nn``
(``nn.TransformerEncoderLayer(batch_first=True, norm_first=True)``, dropout 0,
``d_model`` 128, 4 heads, a 4x MLP), trained to map a fixed random input
(B, T, d_model) to a fixed random target with an MSE loss and AdamW. Every case
starts from a copy of the same initial weights.

What is timed: one training step, forward + backward + ``optimizer.step()``,
for each sequence length T (the swept parameter):

    fp32   no autocast: every matmul and activation in float32
    bf16   ``torch.autocast(device_type, dtype=torch.bfloat16)``: matmuls (and the
           ops autocast lists) run in bfloat16, weights and optimizer state stay
           float32; bfloat16 keeps float32's exponent range, so no loss scaling
    fp16   CUDA only: ``torch.autocast("cuda", dtype=torch.float16)`` with
           ``torch.amp.GradScaler``, which scales the loss so that small
           gradients do not underflow float16's range, and skips steps whose
           gradients overflowed

On CUDA the step ends with ``torch.cuda.synchronize()`` inside the timed call
(kernels are asynchronous). Before timing, each case's forward output is
compared with float32's from the same weights: the relative error
``|out - out_fp32| / |out_fp32|`` must stay under 2e-2 (bfloat16 keeps 8 bits
of mantissa, about 2-3 significant digits).

What is measured for memory, honestly:

- *Saved for backward* (every device): the bytes of the tensors autograd keeps
  from the forward pass for the backward pass, counted exactly with
  ``torch.autograd.graph.saved_tensors_hooks`` (each storage once, parameters
  and the input left out). This is the activation memory that grows with T
  and that autocast shrinks: saved matmul inputs become 2-byte bfloat16
  copies. It also holds autocast's bfloat16 copies of the weights (cast once
  per forward and kept for the backward), a constant that can make bf16 save
  *more* than fp32 at very short T. It is not the process's peak: temporaries
  that die during the forward, gradients and the optimizer state are not in it.
- *Peak CUDA memory* (CUDA only): ``torch.cuda.max_memory_allocated()`` during
  one step, above what was allocated before it.
- The CPU process's peak memory is not measured: ``tracemalloc`` does not see
  torch's allocations, and the resident set size moves in allocator-sized steps
  that have little to do with one step's needs.

What to expect: on a CPU, bfloat16 pays off only where the CPU has bfloat16
instructions (AVX512-BF16 or AMX; oneDNN uses them) and the matmuls are large
enough. With the ``--quick`` sizes (d_model 64, T up to 32) the casts cost more
than they save and bf16 is slower; at d_model 128 and T >= 128 it is 1.1-1.6x
faster on an AVX512-BF16 CPU. Per token, the projections and the MLP cost
about 24 d^2 flops and attention about 4 T d, so attention only overtakes them
past T ~ 6 d_model; over these sizes the time grows about linearly in T
(log-log slope ~1.1 measured), and only at longer T does it bend towards T^2
(slope towards 2). The saved bytes grow linearly in T at any length: the fused
attention kernel (``scaled_dot_product_attention``) keeps no T x T matrix for
the backward, it recomputes the scores. Under bf16 they shrink to about two
thirds of float32's, not a half: the residual stream stays float32 (adding a
bfloat16 branch to the float32 input promotes the sum), so the LayerNorm inputs
and statistics, attention's log-sum-exp and the loss's tensors are saved in
float32, and the bf16 weight copies add a constant. On a GPU with
tensor cores, bf16 and fp16 are several times faster than fp32 for large
matmuls, and the peak memory falls with the activations.

torch runs with ``--threads`` intra-op threads (default 1): on a busy
two-core machine a parallel region waits for a descheduled thread, which can
add tens of milliseconds to a single matmul. ``--threads 0`` keeps torch's
default.

Results go to ``benchmarks/results/amp.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from rich.console import Console
from torch import nn

from benchmarks import harness
from benchmarks.vectorize import thread_count, torch_threads
from utils.device import get_device

NAME = "amp"
TITLE = "Mixed precision: float32 vs bfloat16 autocast, one Transformer block"
FULL = {"seq_lens": (64, 128, 256, 512, 1024), "batch": 8, "d_model": 128, "threads": 1, "repeats": 7}
QUICK = {"seq_lens": (16, 32), "batch": 4, "d_model": 64, "threads": 1, "repeats": 3}
HEADS = 4
MEMORY_REPEATS = 2  # the saved bytes are exact; the second sample shows that they repeat
MAX_REL_ERROR = 2e-2  # |out - out_fp32| / |out_fp32| allowed for a lower precision
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
BASELINE = "fp32"


def case_names(device: torch.device) -> list[str]:
    """``['fp32', 'bf16']`` on a CPU; CUDA adds ``'fp16'`` (with a GradScaler)."""
    return ["fp32", "bf16", "fp16"] if device.type == "cuda" else ["fp32", "bf16"]


def make_block(d_model: int, *, seed: int = 0) -> nn.Module:
    """A pre-norm Transformer block, (B, T, d_model) -> (B, T, d_model), dropout 0 (deterministic)."""
    torch.manual_seed(seed)
    return nn.TransformerEncoderLayer(
        d_model, HEADS, dim_feedforward=4 * d_model, dropout=0.0, batch_first=True, norm_first=True
    )


@dataclass
class Trainer:
    """One case's copy of the block, its optimizer, the fixed data and the precision to train in."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    x: torch.Tensor  # (B, T, d_model)
    target: torch.Tensor  # (B, T, d_model)
    dtype: torch.dtype
    scaler: torch.amp.GradScaler | None = None  # fp16 only

    def autocast(self) -> torch.autocast:
        """Autocast to ``dtype`` on the data's device; a no-op context for float32."""
        return torch.autocast(self.x.device.type, dtype=self.dtype, enabled=self.dtype != torch.float32)

    def forward(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(output (B, T, d_model), float32 loss) under this case's precision."""
        with self.autocast():
            out = self.model(self.x)
            loss = F.mse_loss(out.float(), self.target)
        return out, loss

    def step(self) -> torch.Tensor:
        """forward + backward + optimizer step; returns the loss (synchronized on CUDA)."""
        self.optimizer.zero_grad(set_to_none=True)
        _, loss = self.forward()
        if self.scaler is not None:
            self.scaler.scale(loss).backward()  # loss * scale: small gradients stay above fp16's underflow
            self.scaler.step(self.optimizer)  # unscales; skips the step if any gradient is inf/nan
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        if self.x.device.type == "cuda":
            torch.cuda.synchronize()
        return loss.detach()


def make_trainers(
    seq_len: int, *, batch: int, d_model: int, device: torch.device, names: Sequence[str] | None = None, seed: int = 0
) -> dict[str, Trainer]:
    """A :class:`Trainer` per case, all from the same initial weights and the same data."""
    names = list(names or case_names(device))
    if "fp16" in names and device.type != "cuda":
        raise ValueError("fp16 needs CUDA here (it is paired with a GradScaler); use fp32 and bf16 on a CPU")
    block = make_block(d_model, seed=seed).to(device)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, seq_len, d_model, generator=g).to(device)
    target = torch.randn(batch, seq_len, d_model, generator=g).to(device)
    trainers = {}
    for name in names:
        model = copy.deepcopy(block)
        trainers[name] = Trainer(
            model=model,
            optimizer=torch.optim.AdamW(model.parameters(), lr=1e-4),
            x=x,
            target=target,
            dtype=DTYPES[name],
            scaler=torch.amp.GradScaler("cuda") if name == "fp16" else None,
        )
    return trainers


def relative_error(got: torch.Tensor, expected: torch.Tensor) -> float:
    """``|got - expected| / |expected|`` in float32 (Frobenius norms)."""
    got, expected = got.float(), expected.float()
    return float(torch.linalg.norm(got - expected) / torch.linalg.norm(expected))


def check_agreement(trainers: dict[str, Trainer]) -> dict[str, float]:
    """Each case's forward output against float32's (same weights); raise ``RuntimeError`` past 2e-2."""
    with torch.no_grad():
        outputs = {name: t.forward()[0] for name, t in trainers.items()}
    errors = {name: relative_error(out, outputs[BASELINE]) for name, out in outputs.items()}
    for name, err in errors.items():
        if not err < MAX_REL_ERROR:
            raise RuntimeError(
                f"{name}: forward output differs from float32's by {err:.3g} (relative), over {MAX_REL_ERROR}; "
                "a mixed-precision step should change the output by a few tenths of a percent"
            )
    return errors


def make_cases(
    seq_len: int, *, batch: int, d_model: int, device: torch.device | None = None
) -> dict[str, harness.Case]:
    """The timed training steps at one sequence length, after checking the precisions agree."""
    device = device or torch.device("cpu")
    trainers = make_trainers(seq_len, batch=batch, d_model=d_model, device=device)
    check_agreement(trainers)
    return {name: t.step for name, t in trainers.items()}


# ---------------------------------------------------------------- memory


def saved_for_backward(trainer: Trainer) -> int:
    """Bytes autograd saves in one forward pass, each storage once, parameters and input left out.

    ``saved_tensors_hooks`` sees every tensor as it is saved; the saved ones
    stay alive until the graph is freed, so no two of them share a storage
    address and the count is exact.
    """
    skip = {p.untyped_storage().data_ptr() for p in trainer.model.parameters()}
    skip.add(trainer.x.untyped_storage().data_ptr())
    sizes: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        storage = t.untyped_storage()
        if storage.data_ptr() not in skip and storage.nbytes():
            sizes[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        _, loss = trainer.forward()
    del loss  # frees the graph and what it saved
    return sum(sizes.values())


def cuda_peak(trainer: Trainer) -> int:
    """Peak CUDA bytes allocated during one step, above what was allocated just before it."""
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    trainer.step()
    return torch.cuda.max_memory_allocated() - before


def memory_points(
    seq_lens: Sequence[int], measure, *, batch: int, d_model: int, device: torch.device
) -> list[dict]:
    """``measure(trainer) -> bytes`` for every case at every T, cases alternated, in ``harness.sweep``'s shape."""
    points = []
    for t in seq_lens:
        trainers = make_trainers(t, batch=batch, d_model=d_model, device=device)
        for trainer in trainers.values():
            trainer.step()  # warm-up: optimizer state, GradScaler, autocast's weight cache
        samples: dict[str, list[float]] = {name: [] for name in trainers}
        for _ in range(MEMORY_REPEATS):
            for name, trainer in trainers.items():
                samples[name].append(float(measure(trainer)))
        stats = {name: harness.summarize(v) for name, v in samples.items()}
        points.append({"x": t, "number": {name: 1 for name in trainers}, "samples": samples, "stats": stats,
                       "ratios": harness.ratios(stats, BASELINE)})
    return points


# ---------------------------------------------------------------- the run


def run(
    seq_lens: Sequence[int] = FULL["seq_lens"],
    *,
    batch: int = FULL["batch"],
    d_model: int = FULL["d_model"],
    threads: int = FULL["threads"],
    repeats: int = FULL["repeats"],
    device: str | torch.device | None = None,
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time a training step per precision at every sequence length, count memory; return the result dict.

    ``device``: a ``torch.device`` or a name for ``utils.device.get_device`` (``None``: ``$LEARN_DEVICE``,
    else the best available).
    ``run((16, 32), batch=4, d_model=64, repeats=3)["parts"][0]["cases"] -> ["fp32", "bf16"]`` on a CPU.
    """
    if not seq_lens or any(t < 1 for t in seq_lens):
        raise ValueError(f"seq_lens must be positive integers, got {list(seq_lens)}")
    if batch < 1 or d_model < 1 or d_model % HEADS:
        raise ValueError(f"batch must be at least 1 and d_model a positive multiple of {HEADS}, got {batch}, {d_model}")
    device = device if isinstance(device, torch.device) else get_device(device)
    names = case_names(device)
    fit = len(set(seq_lens)) > 1
    common = {"x_name": "T", "cases": names, "baseline": BASELINE}
    with torch_threads(threads) as used_threads:
        timing = harness.sweep(
            seq_lens,
            lambda t: make_cases(t, batch=batch, d_model=d_model, device=device),
            repeats=repeats,
            baseline=BASELINE,
            number=1,  # a step lasts milliseconds; the harness's first call is the warm-up
            progress=progress,
            label=NAME,
            console=console,
        )
        saved = memory_points(seq_lens, saved_for_backward, batch=batch, d_model=d_model, device=device)
        peak = (
            memory_points(seq_lens, cuda_peak, batch=batch, d_model=d_model, device=device)
            if device.type == "cuda" else None
        )
    for p in timing:
        p["tokens_per_s"] = {name: batch * p["x"] / s["median"] for name, s in p["stats"].items()}
    parts = [
        {**common, "title": "Training step (forward + backward + AdamW)", "unit": "s", "measure": "time per step",
         "points": timing, "slopes": harness.slopes(timing) if fit else {},
         "slope_label": "log-log slope of step time vs T (1 = linear, 2 = attention's T^2 dominates)"},
        {**common, "title": "Activations saved for backward", "unit": "B", "measure": "saved bytes",
         "description": "Exact bytes autograd keeps from one forward pass (saved_tensors_hooks; parameters and "
         "input excluded). Not the process's peak memory: the CPU peak is not measured.",
         "points": saved, "slopes": harness.slopes(saved) if fit else {},
         "slope_label": "log-log slope of saved bytes vs T"},
    ]
    if peak is not None:
        parts.append(
            {**common, "title": "Peak CUDA memory of a step", "unit": "B", "measure": "peak bytes",
             "description": "torch.cuda.max_memory_allocated() during one step, above what was allocated before.",
             "points": peak, "slopes": harness.slopes(peak) if fit else {},
             "slope_label": "log-log slope of peak bytes vs T"}
        )
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(timing, saved, device=device, d_model=d_model, batch=batch, threads=used_threads),
        "machine": {**harness.machine_info(), **_device_info(device)},
        "params": {
            "seq_lens": list(seq_lens),
            "batch": batch,
            "d_model": d_model,
            "threads": threads,
            "repeats": repeats,
            "heads": HEADS,
            "device": device.type,
            "memory_repeats": MEMORY_REPEATS,
            "torch_threads_used": used_threads,
        },
        "parts": parts,
    }


def _device_info(device: torch.device) -> dict:
    """The GPU's name when the run used one (the machine line names the CPU)."""
    return {"cuda_device": torch.cuda.get_device_name(device)} if device.type == "cuda" else {}


def _description(timing, saved, *, device: torch.device, d_model: int, batch: int, threads: int) -> str:
    """What ran where, and the headline numbers at the longest sequence."""
    last_t, last_m = timing[-1], saved[-1]
    speed = ", ".join(f"{k.split('/')[0]} takes {harness.format_ratio(v)}" for k, v in last_t["ratios"].items())
    memory = ", ".join(f"{k.split('/')[0]} {v:.0%}" for k, v in last_m["ratios"].items())
    where = f"CUDA ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else (
        f"the CPU ({threads} torch thread{'s' if threads > 1 else ''}; no CUDA here, so no fp16 + GradScaler case "
        "and no peak GPU memory)"
    )
    return (
        f"One pre-norm nn.TransformerEncoderLayer (d_model {d_model}, {HEADS} heads, MLP 4x, batch {batch}) "
        f"trained with AdamW on {where}; every case starts from the same weights and its forward output was "
        f"checked against float32's (relative error < {MAX_REL_ERROR}). At T={last_t['x']}: {speed} float32's "
        f"time per step; saved activations: {memory} of float32's bytes."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--seq-lens", type=harness.size_arg, nargs="+", default=None,
                        help=f"sequence lengths T {default('seq_lens')}")
    parser.add_argument("--batch", type=harness.positive_int, default=None, help=f"batch size B {default('batch')}")
    parser.add_argument("--d-model", type=harness.positive_int, default=None,
                        help=f"model width, a multiple of {HEADS} {default('d_model')}")
    parser.add_argument("--threads", type=thread_count, default=None,
                        help=f"torch intra-op threads, 0 for torch's default {default('threads')}")
    parser.add_argument("--device", default=None,
                        help="cpu, cuda, cuda:N (default: $LEARN_DEVICE, else cuda when present)")
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
            pick("seq_lens"),
            batch=pick("batch"),
            d_model=pick("d_model"),
            threads=pick("threads"),
            repeats=pick("repeats"),
            device=args.device,
            progress=not args.no_progress,
            console=console,
        )
    except ValueError as err:
        parser.error(str(err))
    harness.publish(result, out, console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
