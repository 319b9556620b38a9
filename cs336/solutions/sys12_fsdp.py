"""sys-12: FSDP in practice: shard a Transformer LM's parameters with FSDP2 (``fully_shard``), checkpoint it.

ZeRO-1 (sys-11) shards the optimizer state; FSDP (ZeRO-3) shards the
parameters, gradients and optimizer state. PyTorch's FSDP2 API
``torch.distributed.fsdp.fully_shard(module)`` turns each parameter of
``module`` into a ``DTensor`` sharded along dim 0 (``Shard(0)``: rank ``r``
keeps rows ``torch.chunk(rows, world_size)[r]``), all-gathers a module's
parameters just before its forward (and backward) and frees them after,
and reduce-scatters the gradients (averaged over ranks) so each rank keeps
the gradient of its own shard. It works on gloo/CPU as well as NCCL/CUDA.

- ``apply_fsdp``: ``fully_shard`` each Transformer block, then the root (the
  embedding, final norm and LM head form the root's own group);
- ``parameter_bytes``: bytes of parameters this rank holds (its local shards)
  against the full model (what DDP keeps on every rank);
- ``save_checkpoint`` / ``load_checkpoint``: the sharded model and optimizer
  state through ``torch.distributed.checkpoint`` (each rank writes and
  reads its own shards; the checkpoint can be loaded on another world size);
- ``full_state_dict``: the whole model's ordinary tensors gathered on rank 0
  (for exporting to a single-process model).

In scope: wrapping order, DTensor shards, sharded and full state dicts.
Out of scope: mixed precision (``MixedPrecisionPolicy``), CPU offload,
hybrid sharding (``HSDP``), activation checkpointing, FSDP1
(``FullyShardedDataParallel``, which needs CUDA).

Run it on two CPU processes (gloo):

    torchrun --nproc_per_node=2 -m cs336.sys12_fsdp
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch import nn
from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict, get_state_dict, set_state_dict
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor

from cs336.solutions.transformer_lm import TransformerLM
from utils.distributed import init_from_torchrun, run_main


def apply_fsdp(model: TransformerLM) -> TransformerLM:
    """Shard ``model`` in place with FSDP2: each block of ``model.layers``, then the root; return it.

    Wrapping each block separately makes FSDP all-gather one block's
    parameters at a time (peak memory ~ one block, not the whole model); the
    root call gathers what is left (``token_embeddings``, ``ln_final``,
    ``lm_head``). Afterwards every parameter is a ``DTensor`` with placement
    ``Shard(0)``; ``model(x)`` works as before.

    Args:
        model: a ``TransformerLM`` on this rank's device, the same initial weights on every rank.

    Returns:
        The same object (``fully_shard`` changes its class in place).

    Edge cases the tests try: ``num_layers = 1``, a dim 0 that ``world_size``
    does not divide (``torch.chunk``: the last rank gets fewer rows).
    """
    # TODO: call fully_shard on each block in model.layers, then on model itself.
    # BEGIN SOLUTION
    for block in model.layers:
        fully_shard(block)
    fully_shard(model)
    return model
    # END SOLUTION


def parameter_bytes(model: nn.Module) -> tuple[int, int]:
    """``(local, full)``: bytes of parameters held by this rank, and bytes of the whole model.

    A sharded parameter is a ``DTensor``: ``p.to_local()`` is this rank's
    shard, ``p.numel()`` the full size. A plain tensor (an unsharded model,
    or DDP: a full replica on every rank) counts fully in both.

    Example: a (7, 5) float32 weight on 2 ranks: rank 0 holds rows 0-3 (80 bytes), rank 1
    rows 4-6 (60 bytes); ``full`` is 140 bytes on both.
    """
    # TODO: sum numel * element_size over model.parameters(); for a DTensor use p.to_local() for the local part.
    # BEGIN SOLUTION
    local = full = 0
    for p in model.parameters():
        shard = p.to_local() if isinstance(p, DTensor) else p
        local += shard.numel() * shard.element_size()
        full += p.numel() * p.element_size()
    return local, full
    # END SOLUTION


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str | Path) -> None:
    """Write the sharded model and optimizer state to the directory ``path`` (every rank calls it).

    Uses ``get_state_dict(model, optimizer)`` (sharded: DTensors) and
    ``torch.distributed.checkpoint.save`` under the keys ``"model"`` and
    ``"optim"``; each rank writes its own shards, rank 0 the metadata.
    """
    # TODO: get_state_dict(model, optimizer) -> dcp.save({"model": ..., "optim": ...}, checkpoint_id=path).
    # BEGIN SOLUTION
    model_sd, optim_sd = get_state_dict(model, optimizer)
    dcp.save({"model": model_sd, "optim": optim_sd}, checkpoint_id=str(path))
    # END SOLUTION


def load_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str | Path) -> None:
    """Load what :func:`save_checkpoint` wrote into an already sharded ``model`` and its ``optimizer``.

    The model must have been built and sharded the same way; the optimizer must
    exist (its state may still be empty: ``get_state_dict`` initialises it so
    ``dcp.load`` has tensors to fill in place). Afterwards training continues
    exactly as it would have without the round trip.
    """
    # TODO: get_state_dict (the shapes to fill), dcp.load in place, set_state_dict.
    # BEGIN SOLUTION
    model_sd, optim_sd = get_state_dict(model, optimizer)
    state = {"model": model_sd, "optim": optim_sd}
    dcp.load(state, checkpoint_id=str(path))
    set_state_dict(model, optimizer, model_state_dict=state["model"], optim_state_dict=state["optim"])
    # END SOLUTION


def full_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The full model state as plain CPU tensors on rank 0 (an empty dict on the other ranks).

    Every rank must call it (it all-gathers). The result loads into an
    unsharded ``TransformerLM`` with ``load_state_dict``.
    """
    # TODO: get_model_state_dict with StateDictOptions(full_state_dict=True, cpu_offload=True).
    # BEGIN SOLUTION
    return get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    # END SOLUTION


def main() -> None:
    """Shard a small TransformerLM, train a few steps, save and reload a checkpoint under ``torchrun``."""
    rank, world, device = init_from_torchrun()
    torch.manual_seed(0)  # FSDP2 does not broadcast: every rank must start from the same weights
    model = apply_fsdp(TransformerLM(vocab_size=256, context_length=32, d_model=64, num_layers=2, num_heads=4,
                                     d_ff=128, rope_theta=10000.0, device=device))
    local, full = parameter_bytes(model)
    print(f"rank {rank}: holds {local} of {full} parameter bytes ({local / full:.0%}; DDP would hold 100%)")
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, 256, (4 * world, 33), generator=g)[rank::world].to(device)

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        logits = model(tokens[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(2):
        print(f"rank {rank}: step {i} loss {step():.4f}")
    path = [tempfile.mkdtemp(prefix="sys12-ckpt-") if rank == 0 else None]
    dist.broadcast_object_list(path, src=0)  # one directory for every rank (a shared file system)
    save_checkpoint(model, optimizer, path[0])
    print(f"rank {rank}: saved to {path[0]}; next loss {step():.4f}")
    load_checkpoint(model, optimizer, path[0])
    print(f"rank {rank}: reloaded;   next loss {step():.4f} (the same)")
    dist.barrier()
    if rank == 0:
        shutil.rmtree(path[0])
    dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
