"""Grading tests for sys-11: optimizer state sharding (ZeRO stage 1).

Oracles: the unsharded torch.optim.AdamW and SGD (momentum) on one process,
which the sharded optimizer must reproduce step for step (every rank computes
the whole batch's gradient, as if DDP had already averaged it); the optimizer
state each rank keeps, counted tensor by tensor: the shards are disjoint,
together they are exactly the unsharded state, and each is about half of it.

Each test spawns 2 gloo processes on the CPU (the ``ranks`` fixture).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ddp_workloads import TiedToyLM

from curriculum.grading.testing import expect_close, expect_equal, expect_true

pytestmark = [pytest.mark.exercise("sys-11"), pytest.mark.distributed]

VOCAB, D_MODEL = 16, 8
STEPS = 3
# The owner computes exactly what the unsharded optimizer computes and broadcasts it: equal to rounding.
ATOL, RTOL = 1e-6, 1e-5
OPTIMIZERS = {
    "AdamW": (torch.optim.AdamW, {"lr": 1e-2, "weight_decay": 0.1}),
    "SGD-momentum": (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
}


def param_groups(model: TiedToyLM) -> list[dict]:
    """Two groups with different learning rates: the first given to the constructor, the second added later."""
    return [
        {"params": [model.emb.weight, model.hidden.weight, model.frozen.weight]},
        {"params": [model.hidden.bias, model.scale], "lr": 3e-2},
    ]


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(5)
    data = torch.randint(0, VOCAB, (4, 7), generator=g)
    return data[:, :-1], data[:, 1:]


def train(model: TiedToyLM, optimizer: torch.optim.Optimizer) -> None:
    x, y = batch()
    for step in range(STEPS):
        if step == STEPS - 1:
            optimizer.param_groups[0]["lr"] *= 0.5  # a schedule changes lr on param_groups
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x).flatten(0, 1), y.flatten()).backward()  # the whole batch: "already averaged"
        optimizer.step()


def state_bytes(state) -> dict[int, int]:
    """id(param) -> bytes of its optimizer-state tensors."""
    return {id(p): sum(t.numel() * t.element_size() for t in s.values() if torch.is_tensor(t)) for p, s in state.items()}


def train_sharded(rank: int, world_size: int, ex) -> dict:
    out = {}
    for name, (cls, kwargs) in OPTIMIZERS.items():
        torch.manual_seed(0)
        model = TiedToyLM()
        first, second = param_groups(model)
        opt = ex.ShardedOptimizer([first], cls, **kwargs)
        opt.add_param_group(second)
        train(model, opt)
        names = {id(p): n for n, p in model.named_parameters()}
        params = {n: p.detach().clone() for n, p in model.named_parameters()}
        opt.zero_grad(set_to_none=True)
        out[name] = {
            "params": params,
            "state_bytes": {names[k]: v for k, v in state_bytes(opt.optimizer.state).items()},
            "grads_left": sorted(n for n, p in model.named_parameters() if p.grad is not None),
        }
    # A shard may be empty: one parameter over two ranks.
    torch.manual_seed(1)
    w = nn.Parameter(torch.randn(3))
    opt = ex.ShardedOptimizer([w], torch.optim.SGD, lr=0.5)
    w.grad = torch.ones(3)
    opt.step()
    out["single"] = w.detach().clone()
    return out


def train_unsharded() -> dict:
    out = {}
    for name, (cls, kwargs) in OPTIMIZERS.items():
        torch.manual_seed(0)
        model = TiedToyLM()
        opt = cls(param_groups(model), **kwargs)
        train(model, opt)
        names = {id(p): n for n, p in model.named_parameters()}
        out[name] = {
            "params": {n: p.detach().clone() for n, p in model.named_parameters()},
            "state_bytes": {names[k]: v for k, v in state_bytes(opt.state).items()},
        }
    return out


def test_sharded_optimizer_matches_unsharded_and_splits_the_state(ranks):
    expected = train_unsharded()
    results = ranks(train_sharded)
    for name in OPTIMIZERS:
        for rank, got in enumerate(results):
            for pname, value in expected[name]["params"].items():
                expect_close(
                    got[name]["params"][pname], value, what=f"rank {rank}, {name}: {pname} after {STEPS} steps",
                    rtol=RTOL, atol=ATOL,
                    hint="step only your shard, then broadcast EVERY parameter from its owner; copy each group's "
                         "lr from self.param_groups into the wrapped optimizer before stepping",
                )
            expect_equal(got[name]["grads_left"], [], call=f"rank {rank}, {name}: parameters with a .grad after zero_grad()",
                         hint="zero_grad must clear every parameter's gradient, not only this rank's shard: keep all "
                              "parameters in self.param_groups")
        shards = [set(r[name]["state_bytes"]) for r in results]
        expect_equal(shards[0] & shards[1], set(), call=f"{name}: parameters with optimizer state on both ranks",
                     hint="each parameter has exactly one owner rank")
        expect_equal(shards[0] | shards[1], set(expected[name]["state_bytes"]),
                     call=f"{name}: parameters with optimizer state on some rank",
                     hint="together the ranks keep the state of every parameter that has a gradient (not the frozen one)")
        for rank, r in enumerate(results):
            expect_true(r[name]["state_bytes"], message=f"{name}: rank {rank} keeps no optimizer state",
                        hint="balance the shards by element count so every rank owns some parameters")
    expect_close(results[1]["single"], results[0]["single"], what="one parameter, two ranks: rank 1's copy after step",
                 rtol=0, atol=0, hint="a rank with an empty shard must still receive the broadcast")
    torch.manual_seed(1)
    expect_close(results[0]["single"], torch.randn(3) - 0.5, what="one parameter after one SGD step (lr 0.5, grad 1)",
                 rtol=1e-6, atol=1e-6, hint="the owner steps, then broadcasts")


def lm_state_bytes(rank: int, world_size: int, ex) -> dict:
    """Per-rank AdamW state bytes of a small TransformerLM after one step with seeded gradients."""
    from cs336.solutions.transformer_lm import TransformerLM

    torch.manual_seed(0)
    lm = TransformerLM(vocab_size=64, context_length=8, d_model=16, num_layers=2, num_heads=2, d_ff=32,
                       rope_theta=10000.0)
    opt = ex.ShardedOptimizer(lm.parameters(), torch.optim.AdamW, lr=1e-3)
    for p in lm.parameters():
        p.grad = torch.randn_like(p)
    opt.step()
    return {"bytes": sum(state_bytes(opt.optimizer.state).values()),
            "largest": max(p.numel() for p in lm.parameters())}


def test_sharded_state_is_about_half_per_rank(ranks):
    from cs336.solutions.transformer_lm import TransformerLM

    lm = TransformerLM(vocab_size=64, context_length=8, d_model=16, num_layers=2, num_heads=2, d_ff=32,
                       rope_theta=10000.0)
    n = sum(p.numel() for p in lm.parameters())
    # Unsharded AdamW: exp_avg and exp_avg_sq (float32, numel each) and a scalar float32 step per parameter.
    n_params = len(list(lm.parameters()))
    total = 2 * 4 * n + 4 * n_params
    results = ranks(lm_state_bytes)
    got = [r["bytes"] for r in results]
    expect_equal(sum(got), total, call=f"optimizer-state bytes on rank 0 + rank 1 (AdamW, {n} parameters)",
                 hint="the shards together hold exactly the unsharded state: nothing twice, nothing missing")
    slack = 2 * 4 * results[0]["largest"] + 4 * n_params
    for rank, b in enumerate(got):
        expect_true(abs(b - total / 2) <= slack,
                    message=f"rank {rank} keeps {b} bytes of optimizer state; about half of {total} "
                            f"(within {slack}, one largest parameter) was expected",
                    hint="give each parameter to the rank with the fewest elements so far")
