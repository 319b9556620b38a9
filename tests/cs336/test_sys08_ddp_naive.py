"""Grading sys-08: broadcast_parameters, shard_batch, allreduce_gradients, train_step.

One run on 2 gloo processes trains two workloads (see ``ddp_workloads``): a tiny
model with a tied weight, a frozen layer, an unused parameter and a buffer
and a small reference TransformerLM (both SGD with momentum), each rank on
its half of the global batch, starting from rank-dependent weights.

Oracle: one process training the rank-0 model on the whole global batch with
the same optimizer, compared after each of 3 steps (float32, atol = rtol =
1e-5: the two runs add the same numbers in a different order). The calls to
``dist.all_reduce`` are recorded: exactly one per trainable parameter with a
gradient, per step. ``shard_batch`` is checked locally against
``torch.tensor_split``.
"""

from __future__ import annotations

import pytest
import torch
from ddp_workloads import (ATOL, GLOBAL_BATCH, INIT_SEED, RTOL, STEPS, AllReduceLog, global_batch, make_model,
                           make_optimizer, single_process, snapshot, token_loss, trainable_names)

from curriculum.grading.distributed import attempt, unwrap
from curriculum.grading.testing import expect_close, expect_equal, expect_raises, expect_true

pytestmark = [pytest.mark.exercise("sys-08"), pytest.mark.distributed]

# (workload, use the learner's train_step instead of the test's own loop)
RUNS = [("tied", False), ("lm", False), ("lm", True)]
RUN_IDS = ["tied-weights-model", "transformer-lm", "transformer-lm-train_step"]


# ---------------------------------------------------------------- in the children


def train(rank, world_size, m, kind, use_train_step):
    model = make_model(kind, INIT_SEED + rank)  # different weights on each rank until the broadcast
    out = {"before": snapshot(model), "broadcast": attempt(m.broadcast_parameters, model)}
    if out["broadcast"][0] != "ok":
        return out
    out["after_broadcast"] = snapshot(model)
    optimizer = make_optimizer(kind, model.parameters())
    x, y = global_batch(kind)
    per_rank = GLOBAL_BATCH // world_size
    x, y = x[rank * per_rank:(rank + 1) * per_rank], y[rank * per_rank:(rank + 1) * per_rank]
    out["states"] = []
    with AllReduceLog(model) as log:
        for step in range(STEPS):
            log.step = step
            if use_train_step:
                status = attempt(m.train_step, model, optimizer, token_loss, x, y)
            else:
                optimizer.zero_grad(set_to_none=True)
                log.phase = "backward"
                token_loss(model(x), y).backward()
                log.phase = "between"
                status = attempt(m.allreduce_gradients, model)
                if status[0] == "ok":
                    optimizer.step()
            if status[0] != "ok":
                out["step"] = status
                break
            out["states"].append(snapshot(model))
    out.setdefault("step", ("ok", None))
    out["calls"] = log.calls
    return out


def naive_ddp_worker(rank, world_size, m):
    return {run: train(rank, world_size, m, *run) for run in RUNS}


# ---------------------------------------------------------------- in the parent


@pytest.fixture
def runs(ranks_once):
    return ranks_once(naive_ddp_worker, timeout=60)


def describe(kind, use_train_step):
    model = "the tied-weights model" if kind == "tied" else "a TransformerLM"
    how = "train_step" if use_train_step else "forward/backward, allreduce_gradients, optimizer.step()"
    return f"2 ranks training {model} with {how}"


@pytest.mark.parametrize("kind", ["tied", "lm"])
def test_broadcast_parameters_starts_every_rank_from_rank_0(runs, kind):
    want = snapshot(make_model(kind, INIT_SEED))
    for rank, result in enumerate(runs):
        unwrap(result[(kind, False)]["broadcast"], f"broadcast_parameters(model) on rank {rank}")
        for name, value in result[(kind, False)]["after_broadcast"].items():
            expect_close(value, want[name], what=f"{name} on rank {rank} after broadcast_parameters(model)", rtol=0, atol=0,
                         hint="broadcast every parameter AND buffer from src=0, in place (tensor.data)")
    differed = any(not torch.equal(v, want[k]) for k, v in runs[1][(kind, False)]["before"].items())
    expect_true(differed, message="test setup: rank 1 should start from different weights")


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS)
def test_training_matches_one_process_on_the_global_batch(runs, run):
    want = single_process(run[0])
    for rank, result in enumerate(runs):
        data = result[run]
        unwrap(data["broadcast"], f"broadcast_parameters(model) on rank {rank}")
        unwrap(data["step"], f"{describe(*run)}, rank {rank}")
        for step, state in enumerate(data["states"]):
            for name, value in state.items():
                expect_close(value, want[step][name], rtol=RTOL, atol=ATOL,
                             what=f"{name} on rank {rank} after step {step + 1}, {describe(*run)}, vs one process on the whole batch",
                             hint="average the gradients: all_reduce sums them, then divide by world_size; zero the "
                                  "gradients before each backward")


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS)
def test_one_all_reduce_per_trainable_parameter_per_step(runs, run):
    model = make_model(run[0], INIT_SEED)
    want = sorted(trainable_names(model))
    for rank, result in enumerate(runs):
        data = result[run]
        unwrap(data["broadcast"], "broadcast_parameters(model)")
        unwrap(data["step"], f"{describe(*run)}, rank {rank}")
        for step in range(STEPS):
            got = sorted(c["name"] for c in data["calls"] if c["step"] == step)
            expect_equal(got, want, call=f"the gradients dist.all_reduce was called on in step {step + 1}, rank {rank}, {describe(*run)}",
                         hint="one all_reduce of p.grad (in place) per parameter in module.parameters() whose grad is not None; "
                              "a tied weight is one parameter (reduce it once); frozen and unused parameters have no grad")


def test_frozen_parameters_and_buffers_stay_as_rank_0_had_them(runs):
    start = snapshot(make_model("tied", INIT_SEED))
    for rank, result in enumerate(runs):
        data = result[("tied", False)]
        unwrap(data["broadcast"], "broadcast_parameters(model)")
        unwrap(data["step"], f"{describe('tied', False)}, rank {rank}")
        for name in ("frozen.weight", "frozen.bias", "scale"):
            expect_close(data["states"][-1][name], start[name], rtol=0, atol=0,
                         what=f"{name} on rank {rank} after {STEPS} steps (frozen parameter / buffer)",
                         hint="requires_grad=False parameters never train; they must still be broadcast at the start")


# ---------------------------------------------------------------- shard_batch (local, no processes)

SHARD_CASES = [((6,), 1, 3), ((6,), 0, 1), ((2, 5), 1, 2), ((4, 3, 2), 3, 4), ((8, 7), 0, 2)]


@pytest.mark.parametrize("shape,rank,world_size", SHARD_CASES)
def test_shard_batch_takes_the_ranks_contiguous_slice(ex, shape, rank, world_size):
    batch = torch.arange(torch.Size(shape).numel()).reshape(shape)
    got = ex.shard_batch(batch, rank, world_size)
    expect_close(got, batch.tensor_split(world_size)[rank], rtol=0, atol=0,
                 what=f"shard_batch(arange of shape {shape}, rank={rank}, world_size={world_size})",
                 hint="rank r gets rows r*b .. (r+1)*b - 1 with b = batch.shape[0] // world_size")


@pytest.mark.parametrize("shape,rank,world_size", [((5,), 0, 2), ((3, 2), 1, 2), ((4,), 2, 2), ((4,), -1, 2)])
def test_shard_batch_rejects_uneven_batches_and_bad_ranks(ex, shape, rank, world_size):
    expect_raises(ValueError, ex.shard_batch, torch.zeros(shape), rank, world_size,
                  call=f"shard_batch(zeros{shape}, rank={rank}, world_size={world_size})",
                  hint="unequal slices would make the averaged gradient wrong: raise ValueError; also check 0 <= rank < world_size")
