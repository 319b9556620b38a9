"""sys-08: naive distributed data parallel (DDP) training.

Every rank holds a full copy of the model and trains on its own slice of the
global batch:

- ``broadcast_parameters(module, src)``: start every rank from ``src``'s weights;
- ``shard_batch(batch, rank, world_size)``: this rank's contiguous slice;
- ``allreduce_gradients(module)``: after ``backward``, replace every gradient
  by its mean over ranks (one ``dist.all_reduce`` per parameter);
- ``train_step(...)``: one step of forward, backward, gradient averaging and
  optimizer step.

With equal slices, the mean of the ranks' gradients is the gradient of the
mean loss over the global batch, so every rank takes the same step a single
process would take on the whole batch.

In scope: correctness (tied and frozen parameters included). Out of scope:
overlapping communication with backward (sys-09), buckets (sys-10).

Run the demo on 2 processes: torchrun --nproc_per_node=2 -m cs336.sys08_ddp_naive
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.distributed as dist
from torch import nn

from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM
from utils.distributed import init_from_torchrun, run_main


def broadcast_parameters(module: nn.Module, src: int = 0) -> None:
    """Overwrite every parameter and buffer of ``module`` with rank ``src``'s values, in place.

    Call it once after building the model, on every rank (the same module
    structure everywhere). A parameter shared by two sub-modules (tied
    weights) is one tensor and is sent once; frozen parameters are sent too
    (they must match even though they never train).

    Example (2 ranks, models built with different seeds):
        broadcast_parameters(model)  ->  rank 1's weights now equal rank 0's

    Edge cases the tests try: rank-dependent initial weights, a tied weight, a
    frozen parameter, a buffer.
    """
    # TODO: dist.broadcast each tensor of module.parameters() and module.buffers()
    # (both yield a shared tensor once), writing in place under torch.no_grad().
    # BEGIN SOLUTION
    with torch.no_grad():
        for tensor in [*module.parameters(), *module.buffers()]:
            dist.broadcast(tensor.data, src)
    # END SOLUTION


def shard_batch(batch: torch.Tensor, rank: int, world_size: int) -> torch.Tensor:
    """Rank ``rank``'s contiguous slice of a global ``batch`` (split along dim 0).

    Args:
        batch: ``(global_batch, ...)``; ``global_batch`` must be a multiple of
            ``world_size`` (equal slices keep the averaged gradient exact).
        rank, world_size: ``0 <= rank < world_size``.

    Returns:
        ``batch[rank * b:(rank + 1) * b]`` with ``b = global_batch // world_size`` (a view).

    Raises:
        ValueError: ``global_batch`` not a multiple of ``world_size``, or a bad rank.

    Example:
        >>> shard_batch(torch.arange(6), 1, 3)
        tensor([2, 3])

    Edge cases the tests try: world_size 1, one example per rank, 2-d and 3-d
    batches, 5 examples on 2 ranks.
    """
    # TODO: check divisibility and the rank first (raise ValueError with the numbers).
    # BEGIN SOLUTION
    if not 0 <= rank < world_size:
        raise ValueError(f"rank must be in 0..{world_size - 1}, got {rank}")
    if batch.shape[0] % world_size:
        raise ValueError(f"a global batch of {batch.shape[0]} cannot be split evenly over {world_size} ranks")
    per_rank = batch.shape[0] // world_size
    return batch[rank * per_rank:(rank + 1) * per_rank]
    # END SOLUTION


def allreduce_gradients(module: nn.Module) -> None:
    """Average every parameter's gradient over all ranks, in place (call after ``backward``).

    One ``dist.all_reduce`` (sum) per parameter that has a gradient, then a
    division by ``world_size``. Parameters without a gradient (frozen ones,
    ``requires_grad=False``, or unused in this step) are skipped; a tied
    parameter is one tensor and is reduced exactly once.

    Example (2 ranks):
        rank 0: w.grad = tensor([1., 3.]); rank 1: w.grad = tensor([3., 5.])
        allreduce_gradients(model)  ->  both: w.grad == tensor([2., 4.])

    Edge cases the tests try: a tied weight (reduced once, not twice), a frozen
    parameter (never reduced), a parameter unused by the forward pass, the
    number of all-reduce calls.
    """
    # TODO: iterate module.parameters() (unique tensors), skip p.grad is None.
    # Every rank must issue the same all-reduces in the same order.
    # BEGIN SOLUTION
    world_size = dist.get_world_size()
    for param in module.parameters():
        if param.grad is None:
            continue
        dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)
        param.grad.div_(world_size)
    # END SOLUTION


def train_step(
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    inputs: torch.Tensor,
    targets: torch.Tensor,
) -> float:
    """One data-parallel step on this rank's slice; returns this rank's local loss.

    ``inputs`` and ``targets`` are already this rank's slice (see
    ``shard_batch``). Order: zero the gradients, forward, ``loss_fn(outputs,
    targets)`` (a mean over the slice), backward, ``allreduce_gradients``,
    ``optimizer.step()``.

    Example:
        loss = train_step(model, opt, nn.functional.mse_loss, shard_batch(x, rank, n), shard_batch(y, rank, n))

    Edge cases the tests try: several steps in a row match a single process
    training on the whole batch (so stale gradients must be zeroed).
    """
    # TODO: zero_grad, forward on inputs, loss, backward, allreduce_gradients, step.
    # BEGIN SOLUTION
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(module(inputs), targets)
    loss.backward()
    allreduce_gradients(module)
    optimizer.step()
    return loss.item()
    # END SOLUTION


def main() -> None:
    """Run under torchrun: a few naive-DDP steps of a small TransformerLM on seeded random tokens."""
    rank, world_size, device = init_from_torchrun()
    try:
        torch.manual_seed(rank)  # different on purpose: broadcast_parameters makes them equal
        model = TransformerLM(vocab_size=256, context_length=32, d_model=64, num_layers=2, num_heads=4,
                              d_ff=128, rope_theta=10000.0, device=device)
        broadcast_parameters(model)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        g = torch.Generator().manual_seed(0)  # the same global batch on every rank
        tokens = torch.randint(0, 256, (4 * world_size, 33), generator=g).to(device)

        def loss_fn(logits, targets):
            return cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

        x, y = shard_batch(tokens[:, :-1], rank, world_size), shard_batch(tokens[:, 1:], rank, world_size)
        for step in range(5):
            loss = train_step(model, optimizer, loss_fn, x, y)
            checksum = sum(p.double().sum().item() for p in model.parameters())
            print(f"[rank {rank}/{world_size}] step {step} local loss {loss:.4f} parameter checksum {checksum:.6f}", flush=True)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
