"""Grading tests for sys-12: FSDP2 (fully_shard) on a Transformer LM.

Oracles: single-process training with torch.optim.AdamW on the whole batch
(FSDP averages the gradients over ranks, so sharded training must match it);
the bytes a rank holds, computed by hand from ``torch.chunk``'s rule for
``Shard(0)`` (ceil(rows / world_size) rows per rank, the last rank the rest);
the parameters gathered with ``DTensor.full_tensor()`` and the next step's loss
after a checkpoint round trip (a model that was never checkpointed must agree).

Each test spawns 2 gloo processes on the CPU (the ``ranks`` fixture).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.distributed.fsdp import FSDPModule
from torch.distributed.tensor import DTensor

from cs336.solutions.transformer_lm import TransformerLM
from curriculum.grading.testing import expect_close, expect_equal, expect_float, expect_true

pytestmark = [pytest.mark.exercise("sys-12"), pytest.mark.distributed]

# vocab 33 and d_ff 24 with d_model 16: dim 0 of the embedding and the LM head (33 rows) does not split evenly.
CONFIG = {"vocab_size": 33, "context_length": 8, "d_model": 16, "num_layers": 2, "num_heads": 2, "d_ff": 24,
          "rope_theta": 10000.0}
STEPS = 3
LR = 1e-2
# float32, gradients reduced in another order than one process sums them; AdamW divides by sqrt(v).
ATOL, RTOL = 1e-5, 1e-4


def build(seed: int) -> TransformerLM:
    torch.manual_seed(seed)
    return TransformerLM(**CONFIG)


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(11)
    data = torch.randint(0, CONFIG["vocab_size"], (4, CONFIG["context_length"] + 1), generator=g)
    return data[:, :-1], data[:, 1:]


def step(model, optimizer, x, y) -> float:
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
    loss.backward()
    optimizer.step()
    return loss.item()


def gathered(model) -> dict[str, torch.Tensor]:
    """Every parameter in full (the test's own gather: DTensor.full_tensor())."""
    return {n: (p.full_tensor() if isinstance(p, DTensor) else p).detach().clone() for n, p in model.named_parameters()}


def train_fsdp(rank: int, world_size: int, ex) -> dict:
    model = ex.apply_fsdp(build(seed=0))  # FSDP2 does not broadcast: every rank builds the same weights
    sharded = {n: isinstance(p, DTensor) for n, p in model.named_parameters()}
    groups = {"root": isinstance(model, FSDPModule),
              **{f"layers.{i}": isinstance(b, FSDPModule) for i, b in enumerate(model.layers)}}
    local_bytes, full_bytes = ex.parameter_bytes(model)
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    x, y = batch()
    rows = slice(2 * rank, 2 * rank + 2)
    for _ in range(STEPS):
        step(model, opt, x[rows], y[rows])
    return {"sharded": sharded, "groups": groups, "local_bytes": local_bytes, "full_bytes": full_bytes,
            "params": gathered(model), "full_state_dict": ex.full_state_dict(model)}


def expected_local_bytes(model: TransformerLM, rank: int, world_size: int) -> int:
    """Shard(0) follows torch.chunk: chunks of ceil(rows / world_size) rows, the last ones shorter or empty."""
    total = 0
    for p in model.parameters():
        rows = p.shape[0]
        chunk = math.ceil(rows / world_size)
        mine = max(0, min(chunk, rows - rank * chunk))
        total += mine * (p.numel() // rows) * p.element_size()
    return total


def test_fsdp_trains_like_one_process_and_shards_the_bytes(ranks):
    oracle = build(seed=0)
    full = sum(p.numel() * p.element_size() for p in oracle.parameters())
    expected_local = [expected_local_bytes(oracle, r, 2) for r in range(2)]
    opt = torch.optim.AdamW(oracle.parameters(), lr=LR)
    x, y = batch()
    for _ in range(STEPS):
        step(oracle, opt, x, y)
    results = ranks(train_fsdp)
    for rank, got in enumerate(results):
        not_sharded = sorted(n for n, s in got["sharded"].items() if not s)
        expect_equal(not_sharded, [], call=f"rank {rank}: parameters that are not DTensors after apply_fsdp",
                     hint="fully_shard every block in model.layers, then the model itself (the root)")
        expect_equal(got["groups"], {k: True for k in got["groups"]},
                     call=f"rank {rank}: which modules are FSDP groups (isinstance(m, FSDPModule))",
                     hint="one fully_shard call per Transformer block, so only one block is gathered at a time; "
                          "then one on the root")
        expect_equal((got["local_bytes"], got["full_bytes"]), (expected_local[rank], full),
                     call=f"rank {rank}: parameter_bytes(model) (local shard bytes, full model bytes)",
                     hint="local: p.to_local().numel() * element_size(); full: p.numel() * element_size()")
        expect_float(got["local_bytes"] / full, 0.5, rel=0.02, call=f"rank {rank}: fraction of the model held",
                     hint="FSDP keeps about 1/world_size of the parameters per rank (DDP keeps all of them)")
        for name, value in oracle.named_parameters():
            expect_close(got["params"][name], value.detach(), what=f"rank {rank}: {name} after {STEPS} AdamW steps",
                         rtol=RTOL, atol=ATOL,
                         hint="every rank must start from the same weights and train on its own slice of the batch")
    sd0, sd1 = results[0]["full_state_dict"], results[1]["full_state_dict"]
    expect_equal(sorted(sd0), sorted(n for n, _ in oracle.named_parameters()),
                 call="sorted(full_state_dict(model)) on rank 0", hint="full_state_dict=True gathers every tensor")
    expect_equal(sd1, {}, call="full_state_dict(model) on rank 1",
                 hint="with cpu_offload=True only rank 0 keeps the gathered tensors")
    for name, value in results[0]["params"].items():
        expect_true(not isinstance(sd0[name], DTensor) and sd0[name].device.type == "cpu",
                    message=f"full_state_dict()[{name!r}] is {type(sd0[name]).__name__} on {sd0[name].device}",
                    hint="the full state dict holds plain CPU tensors")
        expect_close(sd0[name], value, what=f"full_state_dict()[{name!r}] on rank 0", rtol=0, atol=0)


def checkpoint_round_trip(rank: int, world_size: int, ex, path: str) -> dict:
    x, y = batch()
    rows = slice(2 * rank, 2 * rank + 2)
    model = ex.apply_fsdp(build(seed=0))
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    for _ in range(2):
        step(model, opt, x[rows], y[rows])
    ex.save_checkpoint(model, opt, path)
    saved = gathered(model)
    loss_continued = step(model, opt, x[rows], y[rows])
    after_continued = gathered(model)

    fresh = ex.apply_fsdp(build(seed=123))  # other weights, empty optimizer state: everything must come from disk
    fresh_opt = torch.optim.AdamW(fresh.parameters(), lr=LR)
    ex.load_checkpoint(fresh, fresh_opt, path)
    loaded = gathered(fresh)
    loss_reloaded = step(fresh, fresh_opt, x[rows], y[rows])
    return {"saved": saved, "loaded": loaded, "loss_continued": loss_continued, "loss_reloaded": loss_reloaded,
            "after_continued": after_continued, "after_reloaded": gathered(fresh)}


def test_checkpoint_round_trip_continues_identically(ranks, tmp_path):
    results = ranks(checkpoint_round_trip, str(tmp_path / "ckpt"))
    for rank, got in enumerate(results):
        for name, value in got["saved"].items():
            expect_close(got["loaded"][name], value, what=f"rank {rank}: {name} after load_checkpoint",
                         rtol=0, atol=0, hint="dcp.load fills the state dict in place; then set_state_dict")
        expect_float(got["loss_reloaded"], got["loss_continued"], rel=1e-6, abs=1e-7,
                     call=f"rank {rank}: loss of the step after reloading vs without the round trip",
                     hint="the same parameters give the same loss")
        for name, value in got["after_continued"].items():
            expect_close(got["after_reloaded"][name], value, what=f"rank {rank}: {name} one AdamW step after reloading",
                         rtol=1e-6, atol=1e-7,
                         hint="save and load the optimizer state too (get_state_dict(model, optimizer)): "
                              "AdamW's exp_avg, exp_avg_sq and step decide the next update")
