"""Grading sys-09: DDPOverlap, async all-reduce of each gradient from a post-accumulate hook.

One run on 2 gloo processes trains two workloads (see ``ddp_workloads``): a tiny
model with a tied weight, a frozen layer, an unused parameter and a buffer,
and a small reference TransformerLM, each rank on its half of the global
batch, starting from rank-dependent weights, 3 steps of SGD with momentum.

Oracles: one process training the rank-0 model on the whole global batch,
compared after every step (float32, atol = rtol = 1e-5); and a record of every
``dist.all_reduce`` call: exactly one per trainable parameter per step, each
``async_op=True``, each issued while ``loss.backward()`` was running, none of
the handles waited on before ``finish_gradient_synchronization()``.
"""

from __future__ import annotations

import pytest
import torch
from ddp_workloads import (ATOL, GLOBAL_BATCH, INIT_SEED, RTOL, STEPS, AllReduceLog, global_batch, make_model,
                           make_optimizer, single_process, snapshot, token_loss, trainable_names)

from curriculum.grading.distributed import attempt, unwrap
from curriculum.grading.testing import expect_close, expect_equal, expect_true

pytestmark = [pytest.mark.exercise("sys-09"), pytest.mark.distributed]

KINDS = ["tied", "lm"]
KIND_IDS = ["tied-weights-model", "transformer-lm"]


# ---------------------------------------------------------------- in the children


def train(rank, world_size, m, kind):
    model = make_model(kind, INIT_SEED + rank)  # different weights on each rank until DDPOverlap broadcasts
    x, y = global_batch(kind)
    per_rank = GLOBAL_BATCH // world_size
    x, y = x[rank * per_rank:(rank + 1) * per_rank], y[rank * per_rank:(rank + 1) * per_rank]
    out = {"states": [], "step": ("ok", None)}
    with AllReduceLog(model) as log:
        out["init"] = attempt(m.DDPOverlap, model)
        if out["init"][0] != "ok":
            return out
        ddp = out["init"][1]
        out["init"] = ("ok", None)
        out["after_init"] = snapshot(model)
        optimizer = make_optimizer(kind, model.parameters())
        for step in range(STEPS):
            log.step = step
            optimizer.zero_grad(set_to_none=True)
            log.phase = "forward"
            status = attempt(ddp, x)
            if status[0] != "ok":
                out["step"] = status
                break
            logits = status[1]
            if step == 0:
                with torch.no_grad():
                    out["forward_matches"] = torch.equal(logits, model(x))
            log.phase = "backward"
            token_loss(logits, y).backward()
            log.phase = "between"
            log.phase = "finish"
            status = attempt(ddp.finish_gradient_synchronization)
            log.phase = "after"
            if status[0] != "ok":
                out["step"] = status
                break
            optimizer.step()
            out["states"].append(snapshot(model))
    out["calls"] = log.calls
    return out


def overlap_worker(rank, world_size, m):
    return {kind: train(rank, world_size, m, kind) for kind in KINDS}


# ---------------------------------------------------------------- in the parent


@pytest.fixture
def runs(ranks_once):
    return ranks_once(overlap_worker, timeout=60)


def finished(runs, kind):
    """Each rank's record for ``kind``, after checking that construction and every step ran."""
    for rank, result in enumerate(runs):
        unwrap(result[kind]["init"], f"DDPOverlap(model) on rank {rank}")
        unwrap(result[kind]["step"], f"a training step with DDPOverlap on rank {rank}")
    return [result[kind] for result in runs]


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_init_broadcasts_rank_0s_parameters_and_forward_is_the_module(runs, kind):
    want = snapshot(make_model(kind, INIT_SEED))
    for rank, data in enumerate(finished(runs, kind)):
        for name, value in data["after_init"].items():
            expect_close(value, want[name], what=f"{name} on rank {rank} after DDPOverlap(model)", rtol=0, atol=0,
                         hint="__init__ broadcasts every parameter and buffer from rank 0, in place")
        expect_true(data["forward_matches"], message=f"DDPOverlap(model)(x) differs from model(x) on rank {rank}",
                    hint="forward(*args, **kwargs) returns self.module(*args, **kwargs)")


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_training_matches_one_process_on_the_global_batch(runs, kind):
    want = single_process(kind)
    for rank, data in enumerate(finished(runs, kind)):
        expect_equal(len(data["states"]), STEPS, call=f"steps completed on rank {rank}")
        for step, state in enumerate(data["states"]):
            for name, value in state.items():
                expect_close(value, want[step][name], rtol=RTOL, atol=ATOL,
                             what=f"{name} on rank {rank} after step {step + 1} with DDPOverlap vs one process on the whole batch",
                             hint="in finish_gradient_synchronization wait() on every handle, divide that grad by world_size "
                                  "once, and clear the handles so the next step starts empty")


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_one_async_all_reduce_per_trainable_parameter_per_step(runs, kind):
    want = sorted(trainable_names(make_model(kind, INIT_SEED)))
    for rank, data in enumerate(finished(runs, kind)):
        for step in range(STEPS):
            calls = [c for c in data["calls"] if c["step"] == step]
            expect_equal(sorted(c["name"] for c in calls), want,
                         call=f"the gradients dist.all_reduce was called on in step {step + 1}, rank {rank}",
                         hint="hook each parameter of module.parameters() that requires grad, once: a tied weight is one "
                              "parameter whose hook runs once, after both uses have added to its grad")
            sync = [c["name"] for c in calls if not c["async_op"]]
            expect_equal(sync, [], call=f"all_reduce calls without async_op=True in step {step + 1}, rank {rank}",
                         hint="dist.all_reduce(p.grad, async_op=True) returns a handle at once; a blocking call stalls backward")


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_all_reduces_are_issued_during_backward_and_waited_on_in_finish(runs, kind):
    for rank, data in enumerate(finished(runs, kind)):
        late = [(c["step"] + 1, c["name"]) for c in data["calls"] if not c["in_backward"]]
        expect_equal(late, [], call=f"(step, gradient) all-reduced outside loss.backward(), rank {rank}",
                     hint="issue each all-reduce from register_post_accumulate_grad_hook, not in "
                          "finish_gradient_synchronization: the point is to overlap with backward")
        early = [(c["step"] + 1, c["name"]) for c in data["calls"] if c["async_op"] and c["waited"] == "backward"]
        expect_equal(early, [], call=f"(step, gradient) whose handle was waited on during backward, rank {rank}",
                     hint="waiting inside the hook blocks backward until the message arrives: store the handle instead")
        never = [(c["step"] + 1, c["name"]) for c in data["calls"] if c["async_op"] and c["waited"] is None]
        expect_equal(never, [], call=f"(step, gradient) whose handle was never waited on, rank {rank}",
                     hint="finish_gradient_synchronization must call wait() on every handle before the optimizer step")
