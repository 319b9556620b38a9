"""Grading tests for sys-10: bucketed DDP.

Oracles: hand-computed bucket assignments and Hypothesis properties of the
greedy rule; single-process training with torch.optim (the same initial
weights, the whole global batch on one process), which data-parallel training
with averaged gradients must reproduce step for step; the number of
``torch.distributed.all_reduce`` calls per step (one per bucket) and the
elements they carry (every trainable element once, frozen ones never).

Each distributed test spawns 2 gloo processes on the CPU (the ``ranks``
fixture, tests/cs336/conftest.py).
"""

from __future__ import annotations

import contextlib

import pytest
import torch
import torch.distributed as dist
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from ddp_workloads import TiedToyLM

from curriculum.grading.testing import expect_close, expect_equal, expect_raises, expect_true

pytestmark = [pytest.mark.exercise("sys-10"), pytest.mark.distributed]

VOCAB, D_MODEL = 16, 8
STEPS = 3
LR = 0.1
# float32 data-parallel vs single-process: the sums are taken in another order, so allow rounding.
ATOL, RTOL = 1e-6, 1e-5


# ---------------------------------------------------------------- assign_buckets (no processes)


@pytest.mark.parametrize(
    "sizes,cap,expected",
    [
        ([], 100, []),
        ([10], 100, [[0]]),
        ([40, 40, 100, 20, 20], 60, [[4, 3], [2], [1], [0]]),
        ([10, 20, 30], 60, [[2, 1, 0]]),  # exactly the cap fits
        ([10, 20, 30], 59, [[2, 1], [0]]),
        ([500, 4, 4], 8, [[2, 1], [0]]),  # bigger than a bucket: alone
        ([4, 4, 4, 4], 1, [[3], [2], [1], [0]]),  # every parameter bigger than the cap
        ([1, 2, 3], 10**9, [[2, 1, 0]]),
    ],
    ids=["empty", "one", "docstring", "exact-fit", "just-over", "huge-param", "tiny-cap", "one-bucket"],
)
def test_assign_buckets_hand_computed(ex, sizes, cap, expected):
    expect_equal(
        ex.assign_buckets(sizes, cap), expected,
        call=f"assign_buckets({sizes}, {cap})",
        hint="walk the parameters from the last to the first; close a bucket when the next one would overflow it",
    )


@given(sizes=st.lists(st.integers(1, 100), max_size=12), cap=st.integers(1, 250))
def test_assign_buckets_properties(ex, sizes, cap):
    buckets = ex.assign_buckets(sizes, cap)
    call = f"assign_buckets({sizes}, {cap}) -> {buckets}"
    flat = [i for bucket in buckets for i in bucket]
    expect_equal(flat, list(range(len(sizes) - 1, -1, -1)), call=call,
                 hint="every index once, in reverse order (the last parameter's gradient is ready first)")
    for bucket in buckets:
        total = sum(sizes[i] for i in bucket)
        expect_true(len(bucket) == 1 or total <= cap,
                    message=f"{call}: bucket {bucket} holds {total} bytes > {cap}",
                    hint="only a single parameter may exceed the bucket size")
    for prev, nxt in zip(buckets, buckets[1:]):
        expect_true(sum(sizes[i] for i in prev) + sizes[nxt[0]] > cap,
                    message=f"{call}: parameter {nxt[0]} would still fit in bucket {prev}",
                    hint="greedy: keep adding to the current bucket while it fits")


def test_assign_buckets_rejects_nonpositive_size(ex):
    expect_raises(ValueError, ex.assign_buckets, [4, 4], 0, call="assign_buckets([4, 4], 0)",
                  hint="a bucket size must be positive")


# ---------------------------------------------------------------- the workload


TRAINABLE = {"emb.weight": 128, "hidden.weight": 64, "hidden.bias": 8, "scale": 8}
# bucket_size_mb -> expected all-reduce calls per step (buckets), from the byte sizes above:
# 300 B: [scale 32 + hidden.bias 32] (+256 would be 320 > 300), [hidden.weight 256], [emb.weight 512].
BUCKETS = {1 / 2**20: 4, 300 / 2**20: 3, 1.0: 1}


def make_model(seed: int) -> TiedToyLM:
    torch.manual_seed(seed)
    return TiedToyLM()


def global_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded tokens (4, 6) and their next-token targets; rank r trains on rows 2r, 2r+1."""
    g = torch.Generator().manual_seed(7)
    data = torch.randint(0, VOCAB, (4, 7), generator=g)
    return data[:, :-1], data[:, 1:]


def lm_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(model(x).flatten(0, 1), y.flatten())


@contextlib.contextmanager
def counting_all_reduce(calls: list[int]):
    """Record the element count of every ``torch.distributed.all_reduce`` call while inside."""
    original = dist.all_reduce

    def counted(tensor, *args, **kwargs):
        calls.append(tensor.numel())
        return original(tensor, *args, **kwargs)

    dist.all_reduce = counted
    try:
        yield
    finally:
        dist.all_reduce = original


def train_ddp(rank: int, world_size: int, ex, bucket_sizes_mb: list[float]) -> dict:
    """In each rank: for every bucket size, STEPS of SGD under DDPBucketed; parameters and calls per step."""
    x, y = global_batch()
    rows = slice(rank * 2, rank * 2 + 2)
    out = {}
    for mb in bucket_sizes_mb:
        model = make_model(seed=100 + rank)  # different weights per rank: __init__ must broadcast rank 0's
        ddp = ex.DDPBucketed(model, bucket_size_mb=mb)
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        calls_per_step = []
        for _ in range(STEPS):
            calls: list[int] = []
            opt.zero_grad(set_to_none=True)
            with counting_all_reduce(calls):
                lm_loss(ddp, x[rows], y[rows]).backward()
                ddp.finish_gradient_synchronization()
            opt.step()
            calls_per_step.append(calls)
        out[mb] = {"params": {n: p.detach().clone() for n, p in model.named_parameters()},
                   "frozen_grad_is_none": model.frozen.weight.grad is None,
                   "calls": calls_per_step}
    return out


def train_single_process() -> dict[str, torch.Tensor]:
    """The oracle: rank 0's initial weights, the whole batch on one process, torch.optim.SGD."""
    model = make_model(seed=100)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=LR)
    x, y = global_batch()
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        lm_loss(model, x, y).backward()
        opt.step()
    return {n: p.detach().clone() for n, p in model.named_parameters()}


@pytest.fixture(scope="module")
def expected_params():
    return train_single_process()


def test_bucketed_ddp_matches_single_process_and_counts_calls(ranks, expected_params):
    results = ranks(train_ddp, list(BUCKETS))
    for rank, per_size in enumerate(results):
        for mb, n_buckets in BUCKETS.items():
            got = per_size[mb]
            where = f"rank {rank}, bucket_size_mb={mb * 2**20:g} B / 2**20"
            for name, value in expected_params.items():
                expect_close(
                    got["params"][name], value, what=f"{where}: {name} after {STEPS} SGD steps",
                    rtol=RTOL, atol=ATOL,
                    hint="broadcast rank 0's weights in __init__; all-reduce (sum) then divide by world_size; "
                         "a tied weight is one Parameter: reduce its gradient once, after both uses accumulated",
                )
            expect_true(got["frozen_grad_is_none"], message=f"{where}: the frozen weight got a .grad",
                        hint="only parameters with requires_grad go into buckets")
            for step, calls in enumerate(got["calls"]):
                expect_equal(len(calls), n_buckets, call=f"{where}: dist.all_reduce calls in step {step}",
                             hint="exactly one dist.all_reduce(flat, async_op=True) per bucket per step (the test counts calls of torch.distributed.all_reduce)")
                expect_equal(sum(calls), sum(TRAINABLE.values()),
                             call=f"{where}: elements all-reduced in step {step}",
                             hint="every trainable element once (the tied weight once), frozen ones never")


def train_lm_ddp(rank: int, world_size: int, ex) -> dict:
    from cs336.solutions.transformer_lm import TransformerLM

    torch.manual_seed(rank)
    lm = TransformerLM(vocab_size=32, context_length=8, d_model=16, num_layers=2, num_heads=2, d_ff=32,
                       rope_theta=10000.0)
    ddp = ex.DDPBucketed(lm, bucket_size_mb=0.002)
    opt = torch.optim.AdamW(lm.parameters(), lr=1e-2)
    x, y = lm_batch()
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        lm_loss(ddp, x[rank::world_size], y[rank::world_size]).backward()
        ddp.finish_gradient_synchronization()
        opt.step()
    return {n: p.detach().clone() for n, p in lm.named_parameters()}


def lm_batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    data = torch.randint(0, 32, (4, 9), generator=g)
    return data[:, :-1], data[:, 1:]


@pytest.mark.slow
def test_bucketed_ddp_trains_transformer_lm_like_one_process(ranks):
    from cs336.solutions.transformer_lm import TransformerLM

    torch.manual_seed(0)
    lm = TransformerLM(vocab_size=32, context_length=8, d_model=16, num_layers=2, num_heads=2, d_ff=32,
                       rope_theta=10000.0)
    opt = torch.optim.AdamW(lm.parameters(), lr=1e-2)
    x, y = lm_batch()
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        lm_loss(lm, x, y).backward()
        opt.step()
    for rank, params in enumerate(ranks(train_lm_ddp)):
        for name, value in lm.named_parameters():
            expect_close(params[name], value.detach(), what=f"rank {rank}: TransformerLM {name} after {STEPS} AdamW steps",
                         rtol=1e-4, atol=1e-5,
                         hint="the same rule as for the small model; AdamW divides by sqrt(v), so allow 1e-5")
