"""sys-09: DDP that overlaps gradient communication with the backward pass.

Naive DDP (sys-08) waits for the whole backward pass, then all-reduces every
gradient one after another: the network idles during backward and the
processor idles during communication. Here each parameter's gradient is sent
the moment autograd has finished accumulating it (a post-accumulate-grad
hook), as an asynchronous all-reduce; the last layers' gradients travel while
the first layers' gradients are still being computed. Before the optimizer
step, ``finish_gradient_synchronization`` waits on every handle and averages.

    ddp = DDPOverlap(model)                 # broadcasts rank 0's parameters
    loss = loss_fn(ddp(x), y)
    loss.backward()                         # all-reduces are issued during this call
    ddp.finish_gradient_synchronization()   # wait, then divide by world_size
    optimizer.step()

In scope: one async all-reduce per trainable parameter, tied and frozen
parameters. Out of scope: buckets (sys-10), gradient accumulation without
synchronisation (``no_sync``), parameters unused on some ranks only.

Run the demo on 2 processes: torchrun --nproc_per_node=2 -m cs336.sys09_ddp_overlap
"""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from cs336.cross_entropy import cross_entropy
from cs336.transformer_lm import TransformerLM
from utils.distributed import init_from_torchrun, run_main


class DDPOverlap(nn.Module):
    """Wrap ``module`` for data-parallel training with communication overlapped with backward.

    Args:
        module: the model; the same structure on every rank. Its parameters
            and buffers are overwritten with rank 0's in ``__init__``.

    Contract:
        - ``forward(*args, **kwargs)`` returns ``module(*args, **kwargs)``;
        - during ``loss.backward()``, each parameter with ``requires_grad``
          gets exactly one ``dist.all_reduce(p.grad, async_op=True)`` (sum),
          issued from a hook as soon as its gradient is complete; nothing
          waits on the handles during backward;
        - ``finish_gradient_synchronization()`` waits on every pending handle,
          divides those gradients by ``world_size`` and forgets the handles
          (the next step starts empty).

    Example (2 ranks):
        ddp = DDPOverlap(nn.Linear(4, 2))
        ddp(x).sum().backward(); ddp.finish_gradient_synchronization()
        -> every rank's weight.grad is the mean of the ranks' gradients

    Edge cases the tests try: a tied weight (one Parameter used twice: one
    all-reduce, issued after both uses have added to its gradient), a frozen
    layer (never all-reduced), a parameter the forward never uses (no
    gradient, no all-reduce), several steps in a row.
    """

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module
        # TODO: broadcast every parameter and buffer from rank 0 (in place); keep a list of
        # (param, work handle) pairs; register a post-accumulate-grad hook on each
        # trainable parameter (module.parameters() gives a tied weight once).
        raise NotImplementedError("sys-09: __init__ is not written yet")

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the wrapped module."""
        # TODO: one line.
        raise NotImplementedError("sys-09: forward is not written yet")

    def finish_gradient_synchronization(self) -> None:
        """Wait for every all-reduce issued during backward, then average the gradients."""
        # TODO: wait() on each handle, divide that parameter's grad by world_size, clear the list.
        raise NotImplementedError("sys-09: finish_gradient_synchronization is not written yet")


def main() -> None:
    """Run under torchrun: a few overlapped-DDP steps of a small TransformerLM on seeded random tokens."""
    rank, world_size, device = init_from_torchrun()
    try:
        torch.manual_seed(rank)  # different on purpose: DDPOverlap broadcasts rank 0's weights
        model = DDPOverlap(TransformerLM(vocab_size=256, context_length=32, d_model=64, num_layers=2, num_heads=4,
                                         d_ff=128, rope_theta=10000.0, device=device))
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        g = torch.Generator().manual_seed(0)  # the same global batch on every rank; each takes its slice
        tokens = torch.randint(0, 256, (4 * world_size, 33), generator=g)[4 * rank:4 * (rank + 1)].to(device)
        for step in range(5):
            optimizer.zero_grad(set_to_none=True)
            logits = model(tokens[:, :-1])
            loss = cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
            loss.backward()
            model.finish_gradient_synchronization()
            optimizer.step()
            checksum = sum(p.double().sum().item() for p in model.parameters())
            print(f"[rank {rank}/{world_size}] step {step} local loss {loss.item():.4f} parameter checksum {checksum:.6f}", flush=True)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
