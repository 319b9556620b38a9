"""Training throughput: the course's reference Transformer LM vs the same model from PyTorch built-ins.

    learn bench lm
    learn bench lm --quick
    python -m benchmarks.lm --seq-lens 64 128 256 --batch 4 --d-model 512 --layers 4 --repeats 5

Two cases train the same architecture from the same weights on the same batch:

    ours      the CS336 basics references: ``TransformerLM`` (our Linear,
              Embedding, RMSNorm, RoPE, softmax attention, SwiGLU), our
              ``cross_entropy`` and our ``AdamW``
    builtin   ``nn.Embedding``, ``nn.Linear(bias=False)``, ``nn.RMSNorm``,
              ``F.scaled_dot_product_attention(is_causal=True)`` (a fused
              kernel that never keeps the T x T scores for backward), ``F.silu``,
              ``F.cross_entropy`` and ``torch.optim.AdamW`` (its default
              multi-tensor implementation); RoPE has no built-in, so it is the
              same rotation written with plain tensor ops

The built-in model takes the reference's ``state_dict`` (the parameter names
are the course's), and before timing the two forward passes must agree
(relative error of the logits < 1e-5). What is timed: one training step,
forward + loss + backward + optimizer step, for each context length T (the
swept parameter). The figure of merit is training tokens per second,
``batch * T / median step time``; the ratio ``ours / builtin`` of tokens per
second is the issue's goal (at least 0.8).

Where the difference comes from: attention. Ours materialises the
(T x T) scores, their softmax and the mask, and keeps them for the backward;
SDPA's fused kernel does neither, so its advantage grows with T. Everything
else is the same matmuls in the same order.

torch runs with ``--threads`` intra-op threads (default 1, see
``benchmarks/amp.py`` for why on a busy two-core machine). Results go to
``benchmarks/results/lm.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
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
from cs336.solutions.adamw import AdamW
from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM

NAME = "lm"
TITLE = "Training tokens per second: the reference Transformer LM vs PyTorch built-ins"
# The full run is the course's TinyStories model (see curriculum/lessons/cs336/train.md): d_model 512,
# 4 layers, 16 heads, d_ff 1344, a 10,000-token vocabulary, contexts up to 256.
FULL = {"seq_lens": (64, 128, 256), "batch": 4, "d_model": 512, "layers": 4, "threads": 1, "repeats": 5}
QUICK = {"seq_lens": (16, 32), "batch": 2, "d_model": 32, "layers": 1, "threads": 1, "repeats": 3}
VOCAB = 10_000
HEADS = 16
ROPE_THETA = 10_000.0
LR = 1e-3
MAX_REL_ERROR = 1e-5
BASELINE = "builtin"
CASES = ("ours", "builtin")


def d_ff_for(d_model: int) -> int:
    """About 8/3 d_model, rounded to a multiple of 64 (the usual SwiGLU width): 512 -> 1344."""
    return max(64, round(8 * d_model / 3 / 64) * 64)


# ---------------------------------------------------------------- the built-in peer


class BuiltinAttention(nn.Module):
    """Causal multi-head self-attention with RoPE, through ``F.scaled_dot_product_attention``."""

    def __init__(self, d_model: int, num_heads: int, context_length: int, theta: float) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q_proj, self.k_proj, self.v_proj, self.output_proj = (
            nn.Linear(d_model, d_model, bias=False) for _ in range(4)
        )
        d_head = d_model // num_heads
        inv_freq = theta ** (-torch.arange(0, d_head, 2, dtype=torch.float32) / d_head)
        angles = torch.outer(torch.arange(context_length, dtype=torch.float32), inv_freq)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    def rope(self, x: torch.Tensor) -> torch.Tensor:
        """Rotate the interleaved pairs (x[2i], x[2i+1]) of x (B, heads, T, d_head) by position."""
        cos, sin = self.cos[: x.shape[-2]], self.sin[: x.shape[-2]]
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1).flatten(-2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape

        def heads(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.num_heads, d // self.num_heads).transpose(1, 2)

        q, k, v = heads(self.q_proj(x)), heads(self.k_proj(x)), heads(self.v_proj(x))
        out = F.scaled_dot_product_attention(self.rope(q), self.rope(k), v, is_causal=True)
        return self.output_proj(out.transpose(1, 2).reshape(b, t, d))


class BuiltinFFN(nn.Module):
    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.w1 = nn.Linear(d_model, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d_model, bias=False)
        self.w3 = nn.Linear(d_model, d_ff, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class BuiltinBlock(nn.Module):
    def __init__(self, d_model: int, num_heads: int, d_ff: int, context_length: int, theta: float) -> None:
        super().__init__()
        self.ln1 = nn.RMSNorm(d_model, eps=1e-5)
        self.attn = BuiltinAttention(d_model, num_heads, context_length, theta)
        self.ln2 = nn.RMSNorm(d_model, eps=1e-5)
        self.ffn = BuiltinFFN(d_model, d_ff)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.ffn(self.ln2(x))


class BuiltinLM(nn.Module):
    """The reference architecture from ``torch.nn`` parts, with the course's parameter names."""

    def __init__(self, vocab_size: int, context_length: int, d_model: int, num_layers: int, num_heads: int,
                 d_ff: int, rope_theta: float) -> None:
        super().__init__()
        self.token_embeddings = nn.Embedding(vocab_size, d_model)
        self.layers = nn.ModuleList(
            BuiltinBlock(d_model, num_heads, d_ff, context_length, rope_theta) for _ in range(num_layers)
        )
        self.ln_final = nn.RMSNorm(d_model, eps=1e-5)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        x = self.token_embeddings(token_ids)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.ln_final(x))


# ---------------------------------------------------------------- the cases


@dataclass
class Trainer:
    """One case: a model, its optimizer, its loss function and the fixed batch."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss_fn: object
    inputs: torch.Tensor  # (B, T) token ids
    targets: torch.Tensor  # (B, T) the next tokens

    def step(self) -> float:
        self.optimizer.zero_grad(set_to_none=True)
        logits = self.model(self.inputs)
        loss = self.loss_fn(logits.reshape(-1, logits.shape[-1]), self.targets.reshape(-1))
        loss.backward()
        self.optimizer.step()
        return float(loss.detach())


def model_config(seq_len: int, *, d_model: int, layers: int) -> dict:
    return {"vocab_size": VOCAB, "context_length": seq_len, "d_model": d_model, "num_layers": layers,
            "num_heads": HEADS, "d_ff": d_ff_for(d_model), "rope_theta": ROPE_THETA}


def make_trainers(seq_len: int, *, batch: int, d_model: int, layers: int, seed: int = 0) -> dict[str, Trainer]:
    """Both cases from the same initial weights (the reference's, seeded) and the same batch."""
    if d_model % HEADS or (d_model // HEADS) % 2:
        raise ValueError(f"d_model must be a multiple of {2 * HEADS} (heads {HEADS}, even head size), got {d_model}")
    config = model_config(seq_len, d_model=d_model, layers=layers)
    torch.manual_seed(seed)
    ours = TransformerLM(**config)
    builtin = BuiltinLM(**config)
    builtin.load_state_dict(ours.state_dict(), strict=True)
    g = torch.Generator().manual_seed(seed + 1)
    tokens = torch.randint(0, VOCAB, (batch, seq_len + 1), generator=g)
    inputs, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    return {
        "ours": Trainer(ours, AdamW(ours.parameters(), lr=LR), cross_entropy, inputs, targets),
        "builtin": Trainer(builtin, torch.optim.AdamW(builtin.parameters(), lr=LR), F.cross_entropy, inputs, targets),
    }


def check_agreement(trainers: dict[str, Trainer]) -> float:
    """Relative error of our logits against the built-in model's; ``RuntimeError`` past ``MAX_REL_ERROR``."""
    with torch.no_grad():
        ours = trainers["ours"].model(trainers["ours"].inputs)
        builtin = trainers["builtin"].model(trainers["builtin"].inputs)
    err = float(torch.linalg.norm(ours - builtin) / torch.linalg.norm(builtin))
    if not err < MAX_REL_ERROR:
        raise RuntimeError(f"the reference LM and the built-in LM disagree (relative error {err:.3g} of the logits, "
                           f"over {MAX_REL_ERROR}) with the same weights: one of them is not the same model")
    return err


def make_cases(seq_len: int, *, batch: int, d_model: int, layers: int) -> dict[str, harness.Case]:
    """The timed training steps at one context length, after checking the two models agree."""
    trainers = make_trainers(seq_len, batch=batch, d_model=d_model, layers=layers)
    check_agreement(trainers)
    return {name: trainers[name].step for name in CASES}


# ---------------------------------------------------------------- the run


def run(
    seq_lens: Sequence[int] = FULL["seq_lens"],
    *,
    batch: int = FULL["batch"],
    d_model: int = FULL["d_model"],
    layers: int = FULL["layers"],
    threads: int = FULL["threads"],
    repeats: int = FULL["repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time a training step of both models at every context length; return the result dict.

    ``run((16, 32), batch=2, d_model=32, layers=1, repeats=3)["points"][0]["tokens_per_s"]``
    -> ``{"ours": ..., "builtin": ...}``.
    """
    if not seq_lens or any(t < 1 for t in seq_lens):
        raise ValueError(f"seq_lens must be positive integers, got {list(seq_lens)}")
    if batch < 1 or layers < 1:
        raise ValueError(f"batch and layers must be at least 1, got {batch}, {layers}")
    with torch_threads(threads) as used_threads:
        points = harness.sweep(
            seq_lens,
            lambda t: make_cases(t, batch=batch, d_model=d_model, layers=layers),
            repeats=repeats,
            baseline=BASELINE,
            number=1,  # a step lasts milliseconds; the harness's first call is the warm-up
            progress=progress,
            label=NAME,
            console=console,
        )
    for p in points:
        p["tokens_per_s"] = {name: batch * p["x"] / s["median"] for name, s in p["stats"].items()}
        p["throughput_ratio"] = p["tokens_per_s"]["ours"] / p["tokens_per_s"]["builtin"]
    config = model_config(max(seq_lens), d_model=d_model, layers=layers)
    n_params = sum(p.numel() for p in TransformerLM(**config).parameters())
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(points, batch=batch, n_params=n_params, threads=used_threads),
        "machine": harness.machine_info(),
        "params": {"seq_lens": list(seq_lens), "batch": batch, "d_model": d_model, "layers": layers,
                   "heads": HEADS, "d_ff": d_ff_for(d_model), "vocab": VOCAB, "parameters": n_params,
                   "threads": threads, "torch_threads_used": used_threads, "repeats": repeats, "device": "cpu"},
        "x_name": "T",
        "unit": "s",
        "measure": "time per training step",
        "cases": list(CASES),
        "baseline": BASELINE,
        "points": points,
        "slopes": harness.slopes(points) if len(set(seq_lens)) > 1 else {},
        "slope_label": "log-log slope of step time vs T",
    }


def _description(points: list[dict], *, batch: int, n_params: int, threads: int) -> str:
    rates = "; ".join(
        f"T={p['x']}: ours {p['tokens_per_s']['ours']:,.0f} tok/s, built-in {p['tokens_per_s']['builtin']:,.0f} "
        f"tok/s ({p['throughput_ratio']:.2f}x)"
        for p in points
    )
    return (
        f"One training step (forward, loss, backward, AdamW) of a {n_params / 1e6:.1f}M-parameter LM, batch {batch}, "
        f"on the CPU with {threads} torch thread{'s' if threads > 1 else ''}; both models start from the same weights "
        f"and their logits agree (relative error < {MAX_REL_ERROR}). Training tokens per second, ours vs built-in "
        f"(goal: at least 0.8x): {rates}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--seq-lens", type=harness.size_arg, nargs="+", default=None,
                        help=f"context lengths T {default('seq_lens')}")
    parser.add_argument("--batch", type=harness.positive_int, default=None, help=f"batch size {default('batch')}")
    parser.add_argument("--d-model", type=harness.positive_int, default=None,
                        help=f"model width, a multiple of {2 * HEADS} {default('d_model')}")
    parser.add_argument("--layers", type=harness.positive_int, default=None, help=f"Transformer blocks {default('layers')}")
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
            pick("seq_lens"),
            batch=pick("batch"),
            d_model=pick("d_model"),
            layers=pick("layers"),
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
